import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  port: number;
  /** Every message received, parsed back as a mail client would. */
  received: ParsedMail[];
  /** Envelope recipients the server refuses with a permanent error (a bounce). */
  refuse: Set<string>;
  close(): Promise<void>;
}

/** A real SMTP server (nodemailer's smtp-server) on 127.0.0.1, keeping what it is sent. */
export async function startSmtpSink(options: { parse?: boolean } = {}): Promise<SmtpSink> {
  const received: ParsedMail[] = [];
  const refuse = new Set<string>();
  const parse = options.parse ?? true;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) {
        const error = Object.assign(new Error('No such user here'), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      if (!parse) {
        stream.on('end', () => callback());
        stream.resume();
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    refuse,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SmsRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
}

export interface FakeSmsApi {
  url: string;
  requests: SmsRequest[];
  /** The next responses' statuses, in order (then 201). */
  failWith: number[];
  close(): Promise<void>;
}

/** A local stand-in for Twilio's Messages API: form-encoded POSTs in, `{ sid }` JSON out. */
export async function startFakeSmsApi(): Promise<FakeSmsApi> {
  const requests: SmsRequest[] = [];
  const failWith: number[] = [];
  const read = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => resolve(body));
    });
  const server = createServer(async (request, response) => {
    const form = new URLSearchParams(await read(request));
    requests.push({
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      form,
    });
    const status = failWith.shift() ?? 201;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        status === 201
          ? { sid: `SM${requests.length.toString().padStart(32, '0')}`, status: 'queued' }
          : { code: 21211, message: "The 'To' number is not a valid phone number.", status },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/2010-04-01/Accounts/AC123/Messages.json`,
    requests,
    failWith,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
