import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.js';
import { ApiError } from '../errors.js';
import { demoSlug } from '../seed/demo.js';
import { escapeHtml } from '../services/notifications/templates.js';
import { findOrganizationIdBySlug } from '../services/organizations.js';

/** Pages outside the API contract; app.ts lists them so the contract test knows they are meant. */
export const notificationPagePaths = ['/demo/mailbox', '/visit-rating/:orgId'] as const;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Two server-rendered pages around notifications:
 * - `/demo/mailbox`: what the demo organization's messages would have been, when the server has no
 *   SMTP server or SMS provider and keeps messages instead of sending them. The demo's only: other
 *   organizations' messages are theirs, readable through `listNotifications` with a credential.
 * - `/visit-rating/{orgId}?token=…`: where the completion message's link lands; a plain form (no
 *   script needed) that records the rating through the same service as `submitVisitRating`.
 */
export function registerNotificationPages(app: Hono<AppEnv>): void {
  app.get('/demo/mailbox', async (c) => {
    const orgId = await findOrganizationIdBySlug(c.var.db, demoSlug);
    if (!orgId) {
      throw new ApiError('not_found', {
        detail:
          'The mailbox shows the demo organization’s messages; start with `npm start` (crewkit start --demo).',
      });
    }
    const { notifications } = c.var.services;
    const rows = await notifications.kept(c.var.db, orgId);
    const selected = rows.find((row) => row.id === c.req.query('message')) ?? rows[0];
    const sending =
      notifications.email.delivery === 'kept'
        ? 'This server has no SMTP server configured (CREWKIT_SMTP_URL), so messages are kept here instead of sent.'
        : 'This server sends email now; these are the messages kept before it did.';
    const list = rows
      .map(
        (row) => `<li${row === selected ? ' aria-current="true"' : ''}><a href="?message=${row.id}">
  <strong>${escapeHtml(row.subject ?? 'SMS')}</strong><br><span>${escapeHtml(row.channel)} to ${escapeHtml(row.recipient)} · ${escapeHtml(row.type.replaceAll('_', ' '))} · ${row.sentAt?.toISOString().slice(0, 16).replace('T', ' ') ?? ''} UTC</span></a></li>`,
      )
      .join('\n');
    const detail = selected
      ? `<h2>${escapeHtml(selected.subject ?? `SMS to ${selected.recipient}`)}</h2>
<p class="meta">To ${escapeHtml(selected.recipient)}${selected.ics ? ' · with a calendar invitation (invite.ics)' : ''}</p>
${
  selected.bodyHtml
    ? `<iframe title="The message as a mail client shows it" sandbox srcdoc="${escapeHtml(selected.bodyHtml)}"></iframe>`
    : ''
}
<details${selected.bodyHtml ? '' : ' open'}><summary>Plain text</summary><pre>${escapeHtml(selected.bodyText ?? '')}</pre></details>
${selected.ics ? `<details><summary>invite.ics</summary><pre>${escapeHtml(selected.ics)}</pre></details>` : ''}`
      : '<p>No messages yet. Book a visit on the <a href="/examples/">example pages</a> and come back.</p>';
    return c.html(
      page(
        'Demo mailbox',
        `<h1>Demo mailbox</h1><p>${sending}</p>
<div class="mailbox"><nav aria-label="Messages"><ol>${list}</ol></nav><section>${detail}</section></div>`,
      ),
      200,
      {
        'cache-control': 'no-store',
        // The message is shown in a frame of its own (srcdoc, sandboxed: no script, no same-origin),
        // which inherits this page's policy; the default "frame-ancestors 'none'" would blank it.
        'content-security-policy': "frame-ancestors 'self'",
      },
    );
  });

  app.get('/visit-rating/:orgId', (c) => ratingPage(c, 'form'));
  app.post('/visit-rating/:orgId', async (c) => {
    const orgId = c.req.param('orgId');
    const form = await c.req.parseBody();
    const rating = Number(form.rating);
    const token = typeof form.token === 'string' ? form.token : '';
    const comment = typeof form.comment === 'string' ? form.comment.trim().slice(0, 5000) : '';
    if (!uuid.test(orgId) || !token || !Number.isInteger(rating) || rating < 1 || rating > 5) {
      return ratingPage(c, 'form', 'Choose from one to five stars.');
    }
    try {
      await c.var.services.notifications.submitRating(c.var.db, orgId, {
        token,
        rating,
        comment: comment || null,
      });
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 409)) {
        return ratingPage(
          c,
          'done',
          error.status === 409
            ? 'This visit has been rated already. Thank you!'
            : 'This rating link is not valid or has expired.',
        );
      }
      throw error;
    }
    return ratingPage(c, 'done', 'Thank you for your rating!');
  });
}

function ratingPage(c: AppContext, state: 'form' | 'done', message?: string) {
  const token = c.req.query('token') ?? '';
  const body =
    state === 'done'
      ? `<h1>Rate your visit</h1><p role="status">${escapeHtml(message ?? '')}</p>`
      : `<h1>Rate your visit</h1>
${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<fieldset><legend>How did we do?</legend>
${[5, 4, 3, 2, 1].map((n) => `<label><input type="radio" name="rating" value="${n}" required> ${'★'.repeat(n)}${'☆'.repeat(5 - n)} <span class="sr">${n} of 5</span></label>`).join('\n')}
</fieldset>
<label for="comment">Anything you would like to tell us? (optional)</label>
<textarea id="comment" name="comment" rows="4" maxlength="5000"></textarea>
<button type="submit">Send rating</button>
</form>`;
  return c.html(page('Rate your visit', body), 200, {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;padding:24px;max-width:1100px;color:#1d2939}
.mailbox{display:grid;grid-template-columns:minmax(220px,1fr) 2fr;gap:24px}
nav ol{list-style:none;padding:0;margin:0} nav li a{display:block;padding:8px;border-bottom:1px solid #eaecf0;color:inherit;text-decoration:none}
nav li[aria-current] a{background:#eff4ff} nav span,.meta{color:#475467;font-size:.875rem}
iframe{width:100%;height:520px;border:1px solid #eaecf0;border-radius:8px} pre{white-space:pre-wrap;background:#f9fafb;padding:12px}
fieldset{border:0;padding:0;margin:0 0 16px} fieldset label{display:block;font-size:1.25rem;padding:4px 0}
textarea{display:block;width:100%;max-width:480px;margin:8px 0 16px} button{font:inherit;padding:8px 16px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:700px){.mailbox{grid-template-columns:1fr}}
</style></head><body>${body}</body></html>`;
}
