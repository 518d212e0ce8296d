import type { components } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

export type Invoice = components['schemas']['Invoice'];
export type Payment = components['schemas']['Payment'];
export type InvoiceStatus = components['schemas']['InvoiceStatus'];
export type InvoiceHistoryEntry = components['schemas']['InvoiceHistoryEntry'];

/** A payment or refund was recorded; `event.payment` is it, `event.invoice` the invoice after it. */
export class CrewPaymentRecordedEvent extends Event {
  static readonly type = 'crew-payment-recorded';
  constructor(
    public readonly payment: Payment,
    public readonly invoice: Invoice,
  ) {
    super(CrewPaymentRecordedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-payment-recorded': CrewPaymentRecordedEvent;
  }
}
