import nodemailer from 'nodemailer';
import * as base64 from 'nodemailer/lib/base64';
import MailComposer from 'nodemailer/lib/mail-composer';
import type MimeNode from 'nodemailer/lib/mime-node';
import * as qp from 'nodemailer/lib/qp';
import type { SmsSettings, SmtpSettings } from '../../config.js';
import type { Delivery } from '../../db/schema.js';
import { outboundFetch } from '../../lib/outbound-url.js';

export interface OutgoingEmail {
  /** `<id@host>`: the same on every attempt, so a receiver can drop a copy sent twice. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** An iCalendar invitation, sent as the calendar part clients turn into "add / update / remove". */
  calendar?: { method: string; content: string } | undefined;
  /** Files sent with it: an invoice's PDF. */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }> | undefined;
}

export interface OutgoingSms {
  to: string;
  body: string;
}

/**
 * Why a send did not work. `permanent`: the provider refused the recipient or the message (a
 * 5xx SMTP reply, a 4xx from the SMS API) — trying again would be refused again, so it is logged
 * as bounced. Otherwise the attempt is retried with backoff.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface EmailTransport {
  readonly delivery: Delivery;
  send(email: OutgoingEmail): Promise<{ providerMessageId: string | null }>;
  close(): void;
}

export interface SmsTransport {
  readonly delivery: Delivery;
  send(sms: OutgoingSms): Promise<{ providerMessageId: string | null }>;
}

/**
 * The embedded default when no SMTP server or SMS provider is configured: the message is rendered
 * and kept in the delivery log (and on the demo mailbox page) instead of sent. Nothing leaves the
 * machine, so a demo or a development server cannot write to real customers by accident.
 */
export const keepEmail: EmailTransport = {
  delivery: 'kept',
  send: async () => ({ providerMessageId: null }),
  close: () => {},
};

export const keepSms: SmsTransport = {
  delivery: 'kept',
  send: async () => ({ providerMessageId: null }),
};

/**
 * The bytes of a message nodemailer composed (its MIME tree: headers, boundaries and transfer
 * encodings as it chose them), written in one synchronous pass with its own encoders. Its streaming
 * build — a pipeline per MIME part, each chunk a socket write — was half the sender's CPU in the
 * notifications bench's profile; every message here is a few strings already in memory.
 */
function serialize(node: MimeNode, out: string[] = []): string {
  out.push(node.buildHeaders(), '\r\n\r\n');
  const content = node.content;
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    const encoding = node.getTransferEncoding();
    out.push(
      encoding === 'base64'
        ? base64.wrap(base64.encode(content), 76)
        : encoding === 'quoted-printable'
          ? qp.wrap(qp.encode(content), 76)
          : content.toString(),
    );
  } else if (content) {
    throw new Error('serialize takes messages whose parts are in memory');
  }
  if (node.multipart) {
    node.childNodes.forEach((child, i) => {
      out.push(`${i > 0 ? '\r\n' : ''}--${node.boundary}\r\n`);
      serialize(child, out);
    });
    out.push(`\r\n--${node.boundary}--\r\n`);
  }
  return out.join('');
}

/** Email over SMTP (nodemailer), with a small pool of connections reused across messages. */
export function smtpTransport(settings: SmtpSettings): EmailTransport {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    pool: true,
    maxConnections: 8,
    maxMessages: 500,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    delivery: 'smtp',
    async send(email) {
      try {
        const message = new MailComposer({
          messageId: email.messageId,
          from: email.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          ...(email.attachments ? { attachments: email.attachments } : {}),
          ...(email.calendar
            ? {
                icalEvent: {
                  method: email.calendar.method,
                  filename: 'invite.ics',
                  content: email.calendar.content,
                },
              }
            : {}),
        }).compile();
        const info = await transport.sendMail({
          raw: serialize(message),
          envelope: message.getEnvelope(),
          messageId: email.messageId,
        });
        if (info.rejected.length > 0) {
          throw new DeliveryError(`the SMTP server refused the recipient: ${info.response}`, true);
        }
        return { providerMessageId: info.messageId ?? null };
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        const code = (error as { responseCode?: number }).responseCode;
        const permanent = typeof code === 'number' && code >= 500 && code < 600;
        throw new DeliveryError(
          code ? `SMTP ${code}: ${firstLine((error as Error).message)}` : firstLine((error as Error).message),
          permanent,
        );
      }
    },
    close: () => transport.close(),
  };
}

/**
 * SMS through an HTTP API shaped like Twilio's Messages resource: a form-encoded POST of To, From
 * and Body with HTTP basic authentication (account SID and auth token), answering JSON with a `sid`.
 * The URL goes through the outbound guard like any other.
 */
export function httpSmsTransport(settings: SmsSettings, options: { allowPrivate: boolean }): SmsTransport {
  const fetcher = outboundFetch({ allowPrivate: options.allowPrivate });
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  return {
    delivery: 'sms_api',
    async send(sms) {
      let response: Response;
      try {
        response = await fetcher(settings.url, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams({ To: sms.to, From: settings.from, Body: sms.body }).toString(),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new DeliveryError(`SMS provider unreachable: ${firstLine((error as Error).message)}`, false);
      }
      const text = await response.text();
      let body: { sid?: unknown; message?: unknown; code?: unknown } = {};
      try {
        body = JSON.parse(text);
      } catch {
        // a proxy's HTML error page, say: the status decides
      }
      if (!response.ok) {
        const detail = typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
        // 4xx: this message or number is refused (Twilio's 21211 "invalid 'To' number"); 429 and
        // 5xx: the provider is busy or down, so try later.
        const permanent = response.status >= 400 && response.status < 500 && response.status !== 429;
        throw new DeliveryError(`SMS provider ${response.status}: ${firstLine(detail)}`, permanent);
      }
      return { providerMessageId: typeof body.sid === 'string' ? body.sid : null };
    },
  };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 300);
}
