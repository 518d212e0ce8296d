import type { Logger } from '../../logger.js';

export interface DisabledEndpoint {
  id: string;
  orgId: string;
  url: string;
}

/**
 * Called once when the server switches off an endpoint that failed every delivery for days: the
 * hook where the organization's owners are to be emailed. The mailer belongs to the notifications
 * capability (another branch of this wave); until it is merged this only logs, and the endpoint's
 * `disabledReason`/`disabledAt` tell anyone who looks. Wire the email here.
 */
export async function notifyOwnersOfDisabledEndpoint(
  logger: Logger,
  endpoint: DisabledEndpoint,
): Promise<void> {
  logger.warn(
    { endpointId: endpoint.id, orgId: endpoint.orgId },
    'webhook endpoint disabled after failing for days; owners are not emailed yet (no mailer)',
  );
}
