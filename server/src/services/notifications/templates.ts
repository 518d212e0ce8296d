import type { MessageLanguage, MessageType } from '../../db/schema.js';
import { ApiError } from '../../errors.js';

/** The four parts of a message; `html` is the body's content, set in the shared layout when rendered. */
export interface TemplateParts {
  subject: string;
  html: string;
  text: string;
  sms: string;
}

export type Variables = Record<string, string>;

/** What every message can say; the reschedule adds where it was, the completion its rating link. */
const common = [
  'customerName',
  'organizationName',
  'serviceName',
  'reference',
  'date',
  'time',
  'technicianName',
  'address',
] as const;

/** An invoice's messages: the amounts are formatted in the organization's currency and language. */
const invoiceVariables = [
  'customerName',
  'organizationName',
  'invoiceNumber',
  'issuedDate',
  'dueDate',
  'total',
  'balance',
  'paymentDetails',
] as const;

export const variablesOf: Record<MessageType, readonly string[]> = {
  confirmation: common,
  reschedule: [...common, 'previousDate', 'previousTime'],
  cancellation: common,
  reminder_24h: common,
  reminder_2h: common,
  technician_assigned: common,
  on_my_way: common,
  completion: [...common, 'ratingUrl'],
  webhook_endpoint_disabled: ['organizationName', 'endpointUrl', 'reason', 'disabledAt'],
  invoice_issued: invoiceVariables,
  invoice_overdue: [...invoiceVariables, 'daysOverdue'],
};

/** Messages to the organization's own staff: no visit, so none of a visit's facts below them. */
const aboutNoVisit = new Set<MessageType>(['webhook_endpoint_disabled', 'invoice_issued', 'invoice_overdue']);

type Wording = { subject: string; lines: string[]; sms: string };

const details: Record<MessageLanguage, string[]> = {
  en: ['When: {{date}}, {{time}}', 'Technician: {{technicianName}}', 'Reference: {{reference}}'],
  de: ['Wann: {{date}}, {{time}}', 'Techniker: {{technicianName}}', 'Referenz: {{reference}}'],
  fr: ['Quand : {{date}}, {{time}}', 'Technicien : {{technicianName}}', 'Référence : {{reference}}'],
};

/**
 * Crewkit's own wording. Plain sentences, the facts on lines of their own (they survive every mail
 * client and a copy-paste), and the reference in every message so a customer who calls can quote it.
 */
const wording: Record<MessageType, Record<MessageLanguage, Wording>> = {
  confirmation: {
    en: {
      subject: 'Your {{serviceName}} is booked for {{date}}',
      lines: [
        'Hello {{customerName}},',
        'Thank you for your booking with {{organizationName}}. We look forward to seeing you.',
      ],
      sms: '{{organizationName}}: your {{serviceName}} is booked for {{date}}, {{time}}. Ref {{reference}}.',
    },
    de: {
      subject: 'Ihr Termin für {{serviceName}} am {{date}} ist gebucht',
      lines: [
        'Guten Tag {{customerName}},',
        'vielen Dank für Ihre Buchung bei {{organizationName}}. Wir freuen uns auf Ihren Termin.',
      ],
      sms: '{{organizationName}}: {{serviceName}} gebucht für {{date}}, {{time}}. Ref. {{reference}}.',
    },
    fr: {
      subject: 'Votre rendez-vous {{serviceName}} du {{date}} est confirmé',
      lines: [
        'Bonjour {{customerName}},',
        'Merci pour votre réservation auprès de {{organizationName}}. À bientôt.',
      ],
      sms: '{{organizationName}} : {{serviceName}} réservé le {{date}}, {{time}}. Réf. {{reference}}.',
    },
  },
  reschedule: {
    en: {
      subject: 'Your {{serviceName}} has moved to {{date}}',
      lines: [
        'Hello {{customerName}},',
        'Your appointment on {{previousDate}} at {{previousTime}} has moved. The new time is below.',
      ],
      sms: '{{organizationName}}: your {{serviceName}} has moved to {{date}}, {{time}}. Ref {{reference}}.',
    },
    de: {
      subject: 'Ihr Termin für {{serviceName}} ist verschoben auf den {{date}}',
      lines: [
        'Guten Tag {{customerName}},',
        'Ihr Termin am {{previousDate}} um {{previousTime}} wurde verschoben. Den neuen Termin finden Sie unten.',
      ],
      sms: '{{organizationName}}: {{serviceName}} verschoben auf {{date}}, {{time}}. Ref. {{reference}}.',
    },
    fr: {
      subject: 'Votre rendez-vous {{serviceName}} est déplacé au {{date}}',
      lines: [
        'Bonjour {{customerName}},',
        'Votre rendez-vous du {{previousDate}} à {{previousTime}} a été déplacé. Le nouvel horaire figure ci-dessous.',
      ],
      sms: '{{organizationName}} : {{serviceName}} déplacé au {{date}}, {{time}}. Réf. {{reference}}.',
    },
  },
  cancellation: {
    en: {
      subject: 'Your {{serviceName}} on {{date}} is cancelled',
      lines: [
        'Hello {{customerName}},',
        'Your appointment below has been cancelled. Contact {{organizationName}} to book another time.',
      ],
      sms: '{{organizationName}}: your {{serviceName}} on {{date}}, {{time}} is cancelled. Ref {{reference}}.',
    },
    de: {
      subject: 'Ihr Termin für {{serviceName}} am {{date}} ist abgesagt',
      lines: [
        'Guten Tag {{customerName}},',
        'der folgende Termin wurde abgesagt. Für einen neuen Termin wenden Sie sich an {{organizationName}}.',
      ],
      sms: '{{organizationName}}: {{serviceName}} am {{date}}, {{time}} abgesagt. Ref. {{reference}}.',
    },
    fr: {
      subject: 'Votre rendez-vous {{serviceName}} du {{date}} est annulé',
      lines: [
        'Bonjour {{customerName}},',
        'Le rendez-vous ci-dessous a été annulé. Contactez {{organizationName}} pour en fixer un autre.',
      ],
      sms: '{{organizationName}} : {{serviceName}} du {{date}}, {{time}} annulé. Réf. {{reference}}.',
    },
  },
  reminder_24h: {
    en: {
      subject: 'Reminder: {{serviceName}} tomorrow at {{time}}',
      lines: [
        'Hello {{customerName}},',
        'A reminder of your appointment with {{organizationName}} tomorrow.',
      ],
      sms: '{{organizationName}}: reminder, {{serviceName}} tomorrow at {{time}}. Ref {{reference}}.',
    },
    de: {
      subject: 'Erinnerung: {{serviceName}} morgen um {{time}}',
      lines: [
        'Guten Tag {{customerName}},',
        'wir erinnern Sie an Ihren Termin bei {{organizationName}} morgen.',
      ],
      sms: '{{organizationName}}: Erinnerung, {{serviceName}} morgen um {{time}}. Ref. {{reference}}.',
    },
    fr: {
      subject: 'Rappel : {{serviceName}} demain à {{time}}',
      lines: [
        'Bonjour {{customerName}},',
        'Nous vous rappelons votre rendez-vous avec {{organizationName}} demain.',
      ],
      sms: '{{organizationName}} : rappel, {{serviceName}} demain à {{time}}. Réf. {{reference}}.',
    },
  },
  reminder_2h: {
    en: {
      subject: 'Reminder: {{serviceName}} today at {{time}}',
      lines: ['Hello {{customerName}},', 'Your appointment with {{organizationName}} is in about two hours.'],
      sms: '{{organizationName}}: see you soon, {{serviceName}} today at {{time}}. Ref {{reference}}.',
    },
    de: {
      subject: 'Erinnerung: {{serviceName}} heute um {{time}}',
      lines: [
        'Guten Tag {{customerName}},',
        'Ihr Termin bei {{organizationName}} beginnt in etwa zwei Stunden.',
      ],
      sms: '{{organizationName}}: bis gleich, {{serviceName}} heute um {{time}}. Ref. {{reference}}.',
    },
    fr: {
      subject: 'Rappel : {{serviceName}} aujourd’hui à {{time}}',
      lines: [
        'Bonjour {{customerName}},',
        'Votre rendez-vous avec {{organizationName}} a lieu dans environ deux heures.',
      ],
      sms: '{{organizationName}} : à tout à l’heure, {{serviceName}} aujourd’hui à {{time}}. Réf. {{reference}}.',
    },
  },
  technician_assigned: {
    en: {
      subject: 'New visit: {{serviceName}} on {{date}} at {{time}}',
      lines: [
        'Hello {{technicianName}},',
        'You have been assigned a visit for {{customerName}} at {{address}}.',
      ],
      sms: 'New visit: {{serviceName}} for {{customerName}}, {{date}} {{time}}. Ref {{reference}}.',
    },
    de: {
      subject: 'Neuer Einsatz: {{serviceName}} am {{date}} um {{time}}',
      lines: [
        'Hallo {{technicianName}},',
        'Ihnen wurde ein Einsatz bei {{customerName}}, {{address}}, zugewiesen.',
      ],
      sms: 'Neuer Einsatz: {{serviceName}} bei {{customerName}}, {{date}} {{time}}. Ref. {{reference}}.',
    },
    fr: {
      subject: 'Nouvelle intervention : {{serviceName}} le {{date}} à {{time}}',
      lines: [
        'Bonjour {{technicianName}},',
        'Une intervention chez {{customerName}}, {{address}}, vous a été attribuée.',
      ],
      sms: 'Nouvelle intervention : {{serviceName}} chez {{customerName}}, {{date}} {{time}}. Réf. {{reference}}.',
    },
  },
  on_my_way: {
    en: {
      subject: '{{technicianName}} is on the way',
      lines: [
        'Hello {{customerName}},',
        '{{technicianName}} from {{organizationName}} is on the way to you now.',
      ],
      sms: '{{organizationName}}: {{technicianName}} is on the way to you now. Ref {{reference}}.',
    },
    de: {
      subject: '{{technicianName}} ist unterwegs',
      lines: [
        'Guten Tag {{customerName}},',
        '{{technicianName}} von {{organizationName}} ist jetzt auf dem Weg zu Ihnen.',
      ],
      sms: '{{organizationName}}: {{technicianName}} ist jetzt auf dem Weg zu Ihnen. Ref. {{reference}}.',
    },
    fr: {
      subject: '{{technicianName}} est en route',
      lines: [
        'Bonjour {{customerName}},',
        '{{technicianName}} de {{organizationName}} est en route vers chez vous.',
      ],
      sms: '{{organizationName}} : {{technicianName}} est en route vers chez vous. Réf. {{reference}}.',
    },
  },
  completion: {
    en: {
      subject: 'How was your {{serviceName}}?',
      lines: [
        'Hello {{customerName}},',
        'Thank you for choosing {{organizationName}}. How did we do? Rate your visit: {{ratingUrl}}',
      ],
      sms: '{{organizationName}}: thank you! How did we do? {{ratingUrl}}',
    },
    de: {
      subject: 'Wie war Ihr Termin für {{serviceName}}?',
      lines: [
        'Guten Tag {{customerName}},',
        'vielen Dank, dass Sie {{organizationName}} gewählt haben. Wie zufrieden waren Sie? Bewerten Sie den Besuch: {{ratingUrl}}',
      ],
      sms: '{{organizationName}}: vielen Dank! Wie war es? {{ratingUrl}}',
    },
    fr: {
      subject: 'Comment s’est passé votre rendez-vous {{serviceName}} ?',
      lines: [
        'Bonjour {{customerName}},',
        'Merci d’avoir choisi {{organizationName}}. Votre avis compte : {{ratingUrl}}',
      ],
      sms: '{{organizationName}} : merci ! Votre avis : {{ratingUrl}}',
    },
  },
  webhook_endpoint_disabled: {
    en: {
      subject: 'Webhook endpoint switched off: {{endpointUrl}}',
      lines: [
        'Hello,',
        'Crewkit has switched off the webhook endpoint {{endpointUrl}} of {{organizationName}} on {{disabledAt}}. Reason: {{reason}}',
        'Nothing is sent to it while it is off. Once the receiver answers again, switch the endpoint back on in the webhook settings (or PATCH /webhooks/endpoints/{id} with "enabled": true); deliveries that failed meanwhile can be replayed from there.',
      ],
      sms: '{{organizationName}}: webhook endpoint {{endpointUrl}} switched off. {{reason}}',
    },
    de: {
      subject: 'Webhook-Endpunkt abgeschaltet: {{endpointUrl}}',
      lines: [
        'Guten Tag,',
        'Crewkit hat den Webhook-Endpunkt {{endpointUrl}} von {{organizationName}} am {{disabledAt}} abgeschaltet. Grund: {{reason}}',
        'Solange er abgeschaltet ist, wird nichts an ihn gesendet. Sobald der Empfänger wieder antwortet, schalten Sie den Endpunkt in den Webhook-Einstellungen wieder ein (oder per PATCH /webhooks/endpoints/{id} mit "enabled": true); fehlgeschlagene Zustellungen lassen sich dort erneut senden.',
      ],
      sms: '{{organizationName}}: Webhook-Endpunkt {{endpointUrl}} abgeschaltet. {{reason}}',
    },
    fr: {
      subject: 'Point de terminaison webhook désactivé : {{endpointUrl}}',
      lines: [
        'Bonjour,',
        'Crewkit a désactivé le point de terminaison webhook {{endpointUrl}} de {{organizationName}} le {{disabledAt}}. Raison : {{reason}}',
        'Rien ne lui est envoyé tant qu’il est désactivé. Dès que le destinataire répond de nouveau, réactivez-le dans les réglages des webhooks (ou par PATCH /webhooks/endpoints/{id} avec "enabled": true) ; les envois échoués entre-temps peuvent y être renvoyés.',
      ],
      sms: '{{organizationName}} : webhook {{endpointUrl}} désactivé. {{reason}}',
    },
  },
  invoice_issued: {
    en: {
      subject: 'Invoice {{invoiceNumber}} from {{organizationName}}',
      lines: [
        'Hello {{customerName}},',
        'Thank you for choosing {{organizationName}}. Your invoice {{invoiceNumber}} of {{issuedDate}} is attached as a PDF.',
        'Amount: {{total}}<br>Please pay by: {{dueDate}}',
        '{{paymentDetails}}',
      ],
      sms: '{{organizationName}}: invoice {{invoiceNumber}} for {{total}}, due {{dueDate}}. We have emailed it to you.',
    },
    de: {
      subject: 'Rechnung {{invoiceNumber}} von {{organizationName}}',
      lines: [
        'Guten Tag {{customerName}},',
        'vielen Dank für Ihren Auftrag bei {{organizationName}}. Ihre Rechnung {{invoiceNumber}} vom {{issuedDate}} finden Sie als PDF im Anhang.',
        'Betrag: {{total}}<br>Zahlbar bis: {{dueDate}}',
        '{{paymentDetails}}',
      ],
      sms: '{{organizationName}}: Rechnung {{invoiceNumber}} über {{total}}, fällig am {{dueDate}}. Sie erhalten sie per E-Mail.',
    },
    fr: {
      subject: 'Facture {{invoiceNumber}} de {{organizationName}}',
      lines: [
        'Bonjour {{customerName}},',
        'Merci d’avoir fait appel à {{organizationName}}. Vous trouverez ci-joint en PDF votre facture {{invoiceNumber}} du {{issuedDate}}.',
        'Montant : {{total}}<br>À régler avant le : {{dueDate}}',
        '{{paymentDetails}}',
      ],
      sms: '{{organizationName}} : facture {{invoiceNumber}} de {{total}}, à régler avant le {{dueDate}}. Envoyée par e-mail.',
    },
  },
  invoice_overdue: {
    en: {
      subject: 'Reminder: invoice {{invoiceNumber}} is overdue',
      lines: [
        'Hello {{customerName}},',
        'Our invoice {{invoiceNumber}} of {{issuedDate}} is still open. The invoice is attached again as a PDF.',
        'Due date: {{dueDate}}<br>Days overdue: {{daysOverdue}}<br>Open balance: {{balance}}',
        'If you have paid in the meantime, thank you, and please disregard this message.',
        '{{paymentDetails}}',
      ],
      sms: '{{organizationName}}: invoice {{invoiceNumber}} was due on {{dueDate}}; {{balance}} is still open.',
    },
    de: {
      subject: 'Zahlungserinnerung: Rechnung {{invoiceNumber}}',
      lines: [
        'Guten Tag {{customerName}},',
        'unsere Rechnung {{invoiceNumber}} vom {{issuedDate}} ist noch offen. Sie finden sie noch einmal als PDF im Anhang.',
        'Fällig am: {{dueDate}}<br>Tage überfällig: {{daysOverdue}}<br>Offener Betrag: {{balance}}',
        'Falls Sie inzwischen bezahlt haben, danken wir Ihnen und bitten Sie, diese Nachricht zu ignorieren.',
        '{{paymentDetails}}',
      ],
      sms: '{{organizationName}}: Rechnung {{invoiceNumber}} war am {{dueDate}} fällig; offen sind noch {{balance}}.',
    },
    fr: {
      subject: 'Relance : facture {{invoiceNumber}} échue',
      lines: [
        'Bonjour {{customerName}},',
        'Notre facture {{invoiceNumber}} du {{issuedDate}} reste impayée. Vous la trouverez de nouveau ci-jointe en PDF.',
        'Échéance : {{dueDate}}<br>Jours de retard : {{daysOverdue}}<br>Reste dû : {{balance}}',
        'Si vous avez réglé entre-temps, merci, et ne tenez pas compte de ce message.',
        '{{paymentDetails}}',
      ],
      sms: '{{organizationName}} : la facture {{invoiceNumber}} était à régler le {{dueDate}} ; {{balance}} restent dus.',
    },
  },
};

/** Crewkit's template for a message in a language. */
export function defaultTemplate(type: MessageType, language: MessageLanguage): TemplateParts {
  const key = `${type}:${language}`;
  let parts = defaults.get(key);
  if (!parts) {
    parts = buildDefaultTemplate(type, language);
    defaults.set(key, parts);
  }
  // A copy: callers fill in the organization's own parts over it.
  return { ...parts };
}

const defaults = new Map<string, TemplateParts>();

function buildDefaultTemplate(type: MessageType, language: MessageLanguage): TemplateParts {
  const w = wording[type][language];
  const facts = aboutNoVisit.has(type) ? [] : [details[language]];
  return {
    subject: w.subject,
    html: [...w.lines.map((line) => `<p>${line}</p>`), ...facts.map((f) => `<p>${f.join('<br>')}</p>`)].join(
      '\n',
    ),
    text: [...w.lines.map((line) => line.replaceAll('<br>', '\n')), ...facts.map((f) => f.join('\n'))].join(
      '\n\n',
    ),
    sms: w.sms,
  };
}

const placeholder = /\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g;

/**
 * Refuses a template naming a variable the message does not have: a typo would otherwise reach
 * every customer as a blank.
 */
export function checkTemplate(type: MessageType, parts: Partial<Record<keyof TemplateParts, string | null>>) {
  const known = new Set(variablesOf[type]);
  const errors: Array<{ path: string; message: string }> = [];
  for (const [field, value] of Object.entries(parts)) {
    if (typeof value !== 'string') continue;
    for (const [, name] of value.matchAll(placeholder)) {
      if (!known.has(name!)) {
        errors.push({
          path: `body.${field}`,
          message: `uses {{${name}}}, which is not a variable of ${type} (${[...known].join(', ')})`,
        });
      }
    }
  }
  if (errors.length > 0) throw new ApiError('validation_failed', { errors });
}

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => htmlEntities[c]!);
}

function fill(template: string, variables: Variables, encode: (value: string) => string): string {
  return template.replace(placeholder, (_, name: string) => encode(variables[name] ?? ''));
}

/** A URL in an HTML body becomes a link (escaped first, so the match sees only safe characters). */
function linkify(html: string): string {
  return html.replace(
    /(^|[\s>(])(https?:\/\/[^\s<>"']+)/g,
    (_, before: string, url: string) =>
      `${before}<a href="${url}" style="color:#1849a9;text-decoration:underline">${url}</a>`,
  );
}

export interface Rendered {
  subject: string;
  html: string;
  text: string;
  sms: string;
}

/**
 * Fills a template. Values are escaped in the HTML (a customer named `<b>` stays text) and the
 * subject and SMS lose line breaks (a header must be one line). The HTML body is set in a layout
 * of nested tables with inline styles: what Gmail keeps (it drops `<style>` in many views) and
 * what Outlook's Word engine lays out.
 */
export function render(
  parts: TemplateParts,
  variables: Variables,
  frame: { organizationName: string; language: MessageLanguage },
): Rendered {
  return { ...renderEmail(parts, variables, frame), sms: renderSms(parts, variables) };
}

/** The email's parts of `render` (a message on its way renders only its channel's). */
export function renderEmail(
  parts: TemplateParts,
  variables: Variables,
  frame: { organizationName: string; language: MessageLanguage },
): Omit<Rendered, 'sms'> {
  const subject = oneLine(fill(parts.subject, variables, oneLine));
  const body = linkify(fill(parts.html, variables, escapeHtml));
  return {
    subject,
    html: layout(body, subject, frame),
    text: fill(parts.text, variables, (value) => value),
  };
}

/** The text message of `render`. */
export function renderSms(parts: TemplateParts, variables: Variables): string {
  return oneLine(fill(parts.sms, variables, oneLine));
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

const font = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function layout(
  body: string,
  subject: string,
  frame: { organizationName: string; language: MessageLanguage },
) {
  const styledBody = body.replace(
    /<p>/g,
    `<p style="margin:0 0 16px 0;${font};font-size:16px;line-height:24px;color:#1d2939">`,
  );
  return `<!DOCTYPE html>
<html lang="${frame.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f2f4f7">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f2f4f7">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #eaecf0;border-radius:8px">
<tr><td style="padding:20px 32px;border-bottom:1px solid #eaecf0;${font};font-size:18px;font-weight:bold;color:#101828">${escapeHtml(frame.organizationName)}</td></tr>
<tr><td style="padding:28px 32px 12px 32px">
${styledBody}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
