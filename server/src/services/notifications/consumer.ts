import { type EventDispatcher, registerConsumer } from '../../events/dispatcher.js';
import type { NotificationService } from './service.js';

/**
 * Notifications as a consumer of the outbox: each batch of domain events becomes delivery-log rows
 * in the dispatcher's transaction, so an event is marked dispatched exactly when its messages are
 * queued. A batch handed out again after a crash finds its rows there already (their dedupe keys
 * name the event) and queues nothing more. Once the transaction commits, the messages it claimed
 * for this process go to its delivery loop (`committed`).
 */
export function registerNotifications(events: EventDispatcher, notifications: NotificationService): void {
  registerConsumer(
    { events },
    {
      name: 'notifications',
      async handle(db, batch) {
        await notifications.queueForEvents(db, batch);
      },
      afterCommit(batch) {
        notifications.committed(batch);
      },
    },
  );
}
