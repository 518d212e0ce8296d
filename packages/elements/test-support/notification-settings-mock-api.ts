/**
 * A small stand-in for the reference server's notification settings and message template routes,
 * for the element tests and the stories (msw). It keeps state like the server: a PATCH changes only
 * the message types given, a template field set to null goes back to the default, a variable the
 * message does not have is refused (400), and a preview renders the fields given or else the
 * template in force with sample values.
 */
import type { components } from '@crewkit/sdk';
import { messageLanguages, messageTypes } from '@crewkit/sdk/enums';
import { HttpResponse, http } from 'msw';
import { api, problem } from './msw.js';

type Schemas = components['schemas'];
export type NotificationSettings = Schemas['NotificationSettings'];
export type MessageTemplate = Schemas['MessageTemplate'];
type Fields = Pick<MessageTemplate, 'subject' | 'html' | 'text' | 'sms'>;

const variables = ['customerName', 'organizationName', 'serviceName', 'date', 'time', 'reference'];
const sample: Record<string, string> = {
  customerName: 'Alex Example',
  organizationName: 'Harbour Plumbing',
  serviceName: 'Blocked drain',
  date: 'Tuesday, 4 March 2031',
  time: '09:00',
  reference: 'HP-1042',
};

export function notificationSettings(overrides: Partial<NotificationSettings> = {}): NotificationSettings {
  const messages = Object.fromEntries(
    messageTypes.map((type) => [type, { enabled: true, channels: ['email'] }]),
  ) as NotificationSettings['messages'];
  return { messages, quietHours: null, language: 'en', updatedAt: null, ...overrides };
}

export function defaultTemplate(
  type: MessageTemplate['type'],
  language: MessageTemplate['language'],
): MessageTemplate {
  const greeting = { en: 'Hello', de: 'Guten Tag', fr: 'Bonjour' }[language];
  return {
    type,
    language,
    subject: `[${language}] Your {{serviceName}} on {{date}}`,
    html: `<p>${greeting} {{customerName}},</p><p>{{serviceName}}: {{date}}, {{time}}.</p>`,
    text: `${greeting} {{customerName}},\n{{serviceName}}: {{date}}, {{time}}.`,
    sms: '{{organizationName}}: {{serviceName}} {{date}} {{time}}. Ref {{reference}}.',
    customized: false,
    variables,
    updatedAt: null,
  };
}

const fill = (template: string, encode: (s: string) => string = (s) => s) =>
  template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => encode(sample[name] ?? ''));
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const unknownVariables = (fields: Partial<Fields>) =>
  Object.entries(fields).flatMap(([field, value]) =>
    [...String(value ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)]
      .filter(([, name]) => !variables.includes(name!))
      .map(([, name]) => ({
        path: `body.${field}`,
        message: `{{${name}}} is not a variable of this message`,
      })),
  );

export function notificationSettingsMock(initial: { settings?: NotificationSettings } = {}) {
  const state = {
    settings: initial.settings ?? notificationSettings(),
    templates: messageTypes.flatMap((type) =>
      messageLanguages.map((language) => defaultTemplate(type, language)),
    ),
    requests: [] as Array<{ method: string; path: string; body?: unknown }>,
  };
  const record = async (request: Request, path: string) => {
    const text = request.method === 'GET' ? '' : await request.text();
    state.requests.push({ method: request.method, path, ...(text ? { body: JSON.parse(text) } : {}) });
    return text ? JSON.parse(text) : {};
  };
  const find = (type: unknown, language: unknown) =>
    state.templates.find((t) => t.type === type && t.language === language);
  const handlers = [
    http.get(api('/notification-settings'), async ({ request }) => {
      await record(request, '/notification-settings');
      return HttpResponse.json(state.settings);
    }),
    http.patch(api('/notification-settings'), async ({ request }) => {
      const body = await record(request, '/notification-settings');
      const { start, end } = body.quietHours ?? {};
      if (body.quietHours && start === end) {
        return problem(400, 'validation_failed', {
          errors: [{ path: 'body.quietHours', message: 'quiet hours must not start when they end' }],
        });
      }
      state.settings = {
        ...state.settings,
        ...body,
        messages: { ...state.settings.messages, ...body.messages },
        updatedAt: '2031-03-04T23:00:00Z',
      };
      return HttpResponse.json(state.settings);
    }),
    http.get(api('/message-templates'), async ({ request }) => {
      await record(request, '/message-templates');
      return HttpResponse.json({ data: state.templates });
    }),
    http.put(api('/message-templates/:type/:language'), async ({ request, params }) => {
      const body: Partial<Record<keyof Fields, string | null>> = await record(
        request,
        `/message-templates/${params.type}/${params.language}`,
      );
      const template = find(params.type, params.language);
      if (!template) return problem(404, 'not_found');
      const errors = unknownVariables(body as Partial<Fields>);
      if (errors.length > 0) return problem(400, 'validation_failed', { errors });
      const standard = defaultTemplate(template.type, template.language);
      const changed = { ...template };
      for (const [field, value] of Object.entries(body) as Array<[keyof Fields, string | null]>) {
        changed[field] = value ?? standard[field];
      }
      changed.customized = (['subject', 'html', 'text', 'sms'] as const).some(
        (f) => changed[f] !== standard[f],
      );
      changed.updatedAt = changed.customized ? '2031-03-04T23:00:00Z' : null;
      state.templates = state.templates.map((t) => (t === template ? changed : t));
      return HttpResponse.json(changed);
    }),
    http.post(api('/message-templates/:type/:language/preview'), async ({ request, params }) => {
      const body: Partial<Fields> = await record(
        request,
        `/message-templates/${params.type}/${params.language}/preview`,
      );
      const template = find(params.type, params.language);
      if (!template) return problem(404, 'not_found');
      const errors = unknownVariables(body);
      if (errors.length > 0) return problem(400, 'validation_failed', { errors });
      const parts = { ...template, ...body };
      return HttpResponse.json({
        subject: fill(parts.subject),
        html: `<!doctype html><html><body style="font-family:sans-serif">${fill(parts.html, escapeHtml)}</body></html>`,
        text: fill(parts.text),
        sms: fill(parts.sms),
      });
    }),
  ];
  return { state, handlers };
}
