import type { Db } from '../../db/index.js';
import type { NotificationService } from '../notifications/service.js';

export interface DisabledEndpoint {
  id: string;
  orgId: string;
  url: string;
  reason: string;
  disabledAt: Date;
}

/**
 * Called once, in the transaction that switches off an endpoint that failed every delivery for
 * days: the organization's owners and admins are emailed through the notifications' delivery log,
 * so the message commits (or not) with the switch-off and its worker sends it, or keeps it to be
 * shown when no SMTP server is configured.
 */
export async function notifyOwnersOfDisabledEndpoint(
  notifications: NotificationService,
  tx: Db,
  endpoint: DisabledEndpoint,
): Promise<void> {
  await notifications.queueEndpointDisabled(tx, endpoint);
}
