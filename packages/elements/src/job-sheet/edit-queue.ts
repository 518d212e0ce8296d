import type { components } from '@crewkit/sdk';

type PartUsedCreate = components['schemas']['PartUsedCreate'];
type PartUsedUpdate = components['schemas']['PartUsedUpdate'];
type AppointmentStatus = components['schemas']['AppointmentStatus'];
type LabourCorrection = components['schemas']['LabourCorrection'];

/**
 * One change to a job sheet, as it waits to be sent. `key` is its Idempotency-Key: created once,
 * with the edit, and kept across reloads, so a request that reached the server before the
 * connection dropped is answered from the server's record when sent again, not applied twice.
 */
export type Edit = { key: string } & (
  | { kind: 'note'; body: string; visibility: 'internal' | 'customer' }
  | { kind: 'checklist'; checklistKey: string; done: boolean }
  | { kind: 'signature'; signerName: string; image?: string }
  | { kind: 'addPart'; body: PartUsedCreate }
  | { kind: 'updatePart'; partUsedId: string; body: PartUsedUpdate }
  | { kind: 'removePart'; partUsedId: string }
  | { kind: 'attachment'; fileName: string; content: string; preview?: string }
  /**
   * A tap on the timer or on Complete, with when it happened on the device: labour is measured
   * between these times, so a tap sent later must not count from its arrival.
   */
  | {
      kind: 'status';
      status: AppointmentStatus;
      occurredAt: string;
      /**
       * Tapped offline or behind other waiting edits: sent with `occurredAt`. A tap sent at once
       * goes without it, so the server's clock, not the device's, dates it (a device clock a few
       * minutes off would otherwise put it before the visit's last change).
       */
      deferred: boolean;
    }
  | { kind: 'labour'; body: LabourCorrection }
);

/** An edit without its key: what the element hands in. */
export type EditInput = Edit extends infer E ? (E extends Edit ? Omit<E, 'key'> : never) : never;

/**
 * The edits of one appointment's sheet not yet accepted by the server, oldest first, kept in
 * localStorage (keyed by organization and appointment) so closing the page offline loses nothing.
 * An edit leaves the queue only once the server has answered it.
 */
export class EditQueue {
  readonly #storageKey: string;
  #edits: Edit[];
  /** Whether the last save failed (storage full, say): the edits then live only in this page. */
  unsaved = false;

  constructor(orgId: string, appointmentId: string) {
    this.#storageKey = `crewkit:job-sheet:${orgId}:${appointmentId}`;
    this.#edits = read(this.#storageKey);
  }

  get edits(): readonly Edit[] {
    return this.#edits;
  }

  /**
   * Adds an edit. A later tick of the same checklist line, a later signature or labour correction, replaces a waiting
   * one (only the last state matters); changing or removing a part that was never sent changes the
   * waiting addition instead of sending a change for a part the server does not know.
   */
  add(input: EditInput): Edit {
    const edit = { ...input, key: globalThis.crypto.randomUUID() } as Edit;
    if (edit.kind === 'checklist') {
      this.#edits = this.#edits.filter(
        (e) => !(e.kind === 'checklist' && e.checklistKey === edit.checklistKey),
      );
    } else if (edit.kind === 'signature' || edit.kind === 'labour') {
      this.#edits = this.#edits.filter((e) => e.kind !== edit.kind);
    } else if (edit.kind === 'updatePart' || edit.kind === 'removePart') {
      const waiting = this.#edits.find((e) => e.kind === 'addPart' && e.key === edit.partUsedId);
      if (waiting && waiting.kind === 'addPart') {
        this.#edits =
          edit.kind === 'removePart'
            ? this.#edits.filter((e) => e !== waiting)
            : this.#edits.map((e) =>
                e === waiting ? { ...waiting, body: { ...waiting.body, ...edit.body } as PartUsedCreate } : e,
              );
        this.#save();
        return edit;
      }
    }
    this.#edits = [...this.#edits, edit];
    this.#save();
    return edit;
  }

  /** Drops an edit the server has answered (accepted, or refused for good). */
  done(key: string): void {
    this.#edits = this.#edits.filter((e) => e.key !== key);
    this.#save();
  }

  #save(): void {
    try {
      if (this.#edits.length === 0) localStorage.removeItem(this.#storageKey);
      else localStorage.setItem(this.#storageKey, JSON.stringify(this.#edits));
      this.unsaved = false;
    } catch {
      // Storage full (a few photos can fill it) or blocked: the edits still go out from this page.
      this.unsaved = true;
    }
  }
}

function read(storageKey: string): Edit[] {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey) ?? '[]') as unknown;
    return Array.isArray(stored) ? (stored as Edit[]) : [];
  } catch {
    return [];
  }
}
