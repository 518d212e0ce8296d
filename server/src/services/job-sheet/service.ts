import { createHash } from 'node:crypto';
import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Principal } from '../../auth/principal.js';
import { type Db, queryRows } from '../../db/index.js';
import {
  appointmentHistory,
  attachments,
  jobSheetChecks,
  jobSheetNotes,
  jobSheets,
  parts,
  partsUsed,
  serviceItems,
  signatures,
} from '../../db/schema.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../lib/ids.js';
import { LocalStorage } from '../../storage/local.js';
import { type Storage, type StoredContentType, storageKey } from '../../storage/storage.js';
import type { AppointmentRow } from '../booking/rules.js';
import { actorOf } from '../booking/rules.js';
import { findAppointment } from '../booking/service.js';
import { rowFromJson } from '../scheduling.js';
import { type CompletionGap, type CompletionRules, missingForCompletion } from '../workflow.js';
import { processImage } from './images.js';
import { type DerivedLabour, deriveLabour, type StatusLine } from './labour.js';
import { extensionOf, isImage, sniffContentType } from './sniff.js';

type Schemas = components['schemas'];
export type AttachmentRow = typeof attachments.$inferSelect;
export type NoteRow = typeof jobSheetNotes.$inferSelect;
export type PartUsedRow = typeof partsUsed.$inferSelect;
export type SignatureRow = typeof signatures.$inferSelect;
type CorrectionRow = typeof jobSheets.$inferSelect;

/** Largest file accepted, decoded (the contract's base64 limit is a little above this). */
export const maxAttachmentBytes = 10 * 1024 * 1024;
const maxSignatureBytes = 1024 * 1024;
/** How long a download link works: long enough to open it, too short to pass around. */
export const linkLifetimeMs = 5 * 60_000;
/** How long an upload link works: a large file on a slow site connection. */
const uploadLifetimeMs = 15 * 60_000;
const stagedName = (uploadId: string) => `upload-${uploadId}`;

/** An attachment with the short-lived links a client fetches it by. */
export interface AttachmentView {
  row: AttachmentRow;
  downloadUrl: string;
  thumbnailUrl: string | null;
  urlsExpireAt: Date;
}

export interface SignatureView {
  row: SignatureRow;
  imageUrl: string | null;
  changedSinceSigning: boolean;
}

export interface LabourView {
  derived: DerivedLabour;
  correction: CorrectionRow | undefined;
}

export interface ChecklistView {
  key: string;
  label: string;
  done: boolean;
  checkedBy: string | null;
  checkedAt: Date | null;
}

export interface JobSheetView {
  appointment: AppointmentRow;
  labour: LabourView;
  notes: NoteRow[];
  checklist: ChecklistView[];
  attachments: AttachmentView[];
  signature: SignatureView | undefined;
  partsUsed: PartUsedRow[];
  currency: string;
  rules: CompletionRules;
  missing: CompletionGap[];
  contentHash: string;
}

/** What a job sheet's stored content is, read in one go (completion checks need no links). */
interface SheetContent {
  item: { checklist: Array<{ key: string; label: string }>; completionRules: CompletionRules };
  correction: CorrectionRow | undefined;
  notes: NoteRow[];
  checks: Array<typeof jobSheetChecks.$inferSelect>;
  attachments: AttachmentRow[];
  signature: SignatureRow | undefined;
  partsUsed: PartUsedRow[];
}

/**
 * The job sheet of a visit: labour time, notes, checklist ticks, photos and files, the signature
 * and parts used. Files go to the storage (local folder or S3); the database keeps their keys,
 * sizes and digests. Every method takes the request's database handle (its transaction).
 */
export class JobSheetService {
  readonly #storage: Storage;
  readonly #now: () => number;

  constructor({ storage, now }: { storage: Storage; now: () => number }) {
    this.#storage = storage;
    this.#now = now;
  }

  get storage(): Storage {
    return this.#storage;
  }

  async get(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
  ): Promise<JobSheetView> {
    const appointment = await findAppointment(db, principal, orgId, appointmentId);
    const content = await readContent(db, appointment);
    const expiresAt = this.#now() + linkLifetimeMs;
    const [attachmentViews, signature] = await Promise.all([
      Promise.all(content.attachments.map((row) => this.#withLinks(row, expiresAt))),
      this.#signatureView(content, expiresAt),
    ]);
    const checklist = checklistOf(content);
    return {
      appointment,
      labour: { derived: deriveLabour(content.history, this.#now()), correction: content.correction },
      notes: content.notes,
      checklist,
      attachments: attachmentViews,
      signature,
      partsUsed: content.partsUsed,
      currency: appointment.currency,
      rules: content.item.completionRules,
      missing: gapsOf(content),
      contentHash: digestOf(content),
    };
  }

  /**
   * Refuses completion (409, naming what is missing) while the item's completion rules are not
   * met. Called by the workflow inside the status change's transaction.
   */
  async assertCompletable(db: Db, appointment: AppointmentRow): Promise<void> {
    const missing = gapsOf(await readContent(db, appointment));
    if (missing.length === 0) return;
    throw new ApiError('conflict', {
      detail: `This visit cannot be completed yet; missing: ${missing.join(', ')}.`,
      extensions: { missing },
    });
  }

  async correctLabour(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    body: Schemas['LabourCorrection'],
  ): Promise<LabourView> {
    const appointment = await this.#openSheet(db, principal, orgId, appointmentId);
    const values = {
      travelMinutesOverride: body.travelMinutes ?? null,
      workMinutesOverride: body.workMinutes ?? null,
      correctionReason: body.reason,
      correctedBy: actorOf(principal),
      updatedAt: new Date(this.#now()),
    };
    const [correction] = await db
      .insert(jobSheets)
      .values({ appointmentId: appointment.id, orgId, ...values })
      .onConflictDoUpdate({ target: jobSheets.appointmentId, set: values })
      .returning();
    const history = await db
      .select({ toStatus: appointmentHistory.toStatus, at: appointmentHistory.at })
      .from(appointmentHistory)
      .where(
        and(
          eq(appointmentHistory.appointmentId, appointment.id),
          // Edits that kept the status (notes, address) neither start nor end a stretch.
          sql`${appointmentHistory.fromStatus} is distinct from ${appointmentHistory.toStatus}`,
        ),
      );
    return { derived: deriveLabour(history, this.#now()), correction };
  }

  async addNote(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    body: Schemas['JobSheetNoteCreate'],
  ): Promise<NoteRow> {
    const appointment = await this.#openSheet(db, principal, orgId, appointmentId);
    const [row] = await db
      .insert(jobSheetNotes)
      .values({
        id: newId(),
        orgId,
        appointmentId: appointment.id,
        authorKind: principal?.kind === 'user' && principal.role === 'technician' ? 'technician' : 'office',
        author: actorOf(principal),
        visibility: body.visibility ?? 'internal',
        body: body.body,
        createdAt: new Date(this.#now()),
      })
      .returning();
    return row!;
  }

  async setCheck(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    key: string,
    done: boolean,
  ): Promise<ChecklistView> {
    const appointment = await this.#openSheet(db, principal, orgId, appointmentId);
    const [item] = await db
      .select({ checklist: serviceItems.checklist })
      .from(serviceItems)
      .where(eq(serviceItems.id, appointment.serviceItemId));
    const entry = item?.checklist.find((e) => e.key === key);
    if (!entry) throw new ApiError('not_found', { detail: `The service's checklist has no line "${key}".` });
    const values = { done, checkedBy: actorOf(principal), checkedAt: new Date(this.#now()) };
    await db
      .insert(jobSheetChecks)
      .values({ orgId, appointmentId: appointment.id, key, ...values })
      .onConflictDoUpdate({ target: [jobSheetChecks.appointmentId, jobSheetChecks.key], set: values });
    return { key, label: entry.label, ...values };
  }

  /**
   * Stores a photo or file. Everything that can refuse it (the appointment, the size, the type,
   * an image that does not decode) is checked before a byte is written.
   */
  async createAttachment(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    body: Schemas['AttachmentCreate'],
  ): Promise<AttachmentView> {
    const appointment = await this.#openSheet(db, principal, orgId, appointmentId);
    if ((body.content === undefined) === (body.uploadId === undefined)) {
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.content', message: 'send either content or uploadId (one of the two)' }],
      });
    }
    const staged = body.uploadId ? storageKey(orgId, stagedName(body.uploadId)) : undefined;
    try {
      return await this.#attach(db, principal, appointment, body, staged);
    } finally {
      // Whatever became of it, the staged upload is not kept: refused, it must not stay behind.
      if (staged) await this.#storage.delete([staged]);
    }
  }

  /** A link to upload a large file straight to the bucket (S3 storage only). */
  async createUpload(db: Db, principal: Principal | undefined, orgId: string, appointmentId: string) {
    await this.#openSheet(db, principal, orgId, appointmentId);
    const uploadId = newId(this.#now());
    const expiresAt = this.#now() + uploadLifetimeMs;
    const uploadUrl = await this.#storage.uploadUrl(storageKey(orgId, stagedName(uploadId)), expiresAt);
    if (!uploadUrl) {
      throw new ApiError('conflict', {
        detail: 'Files are kept in this server’s data folder: send the bytes in createAttachment’s content.',
      });
    }
    return { uploadId, uploadUrl, expiresAt: new Date(expiresAt), maxBytes: maxAttachmentBytes };
  }

  async #attach(
    db: Db,
    principal: Principal | undefined,
    appointment: AppointmentRow,
    body: Schemas['AttachmentCreate'],
    staged: string | undefined,
  ): Promise<AttachmentView> {
    const orgId = appointment.orgId;
    const tooLarge = (size: number) =>
      new ApiError('payload_too_large', {
        detail: `Attachments are limited to ${maxAttachmentBytes} bytes; this one has ${size}.`,
      });
    let raw: Uint8Array;
    if (staged) {
      const size = await this.#storage.size(staged);
      if (size === undefined) {
        throw new ApiError('validation_failed', {
          errors: [{ path: 'body.uploadId', message: 'names no upload: PUT the bytes to its link first' }],
        });
      }
      if (size > maxAttachmentBytes) throw tooLarge(size);
      raw = (await this.#storage.get(staged)) ?? new Uint8Array();
    } else {
      raw = decodeBase64(body.content!, 'body.content');
    }
    if (raw.byteLength > maxAttachmentBytes) throw tooLarge(raw.byteLength);
    const type = sniffContentType(raw);
    if (!type) {
      throw new ApiError('unsupported_media_type', {
        detail:
          'Attachments must be JPEG, PNG, WebP or GIF images, or PDF documents (judged by their content).',
      });
    }
    let bytes: Uint8Array = raw;
    let thumbnail: Uint8Array | undefined;
    let size: { width: number; height: number } | undefined;
    if (type !== 'application/pdf') {
      const image = await processImage(raw, type);
      if (!image) throw new ApiError('unsupported_media_type', { detail: 'The image could not be read.' });
      ({ bytes, thumbnail } = image);
      size = { width: image.width, height: image.height };
    }
    const id = newId(this.#now());
    const key = storageKey(orgId, `${id}.${extensionOf[type]}`);
    const thumbnailKey = thumbnail ? storageKey(orgId, `${id}-thumb.webp`) : null;
    await Promise.all([
      this.#storage.put(key, bytes, type),
      thumbnail && thumbnailKey ? this.#storage.put(thumbnailKey, thumbnail, 'image/webp') : undefined,
    ]);
    try {
      const [row] = await db
        .insert(attachments)
        .values({
          id,
          orgId,
          appointmentId: appointment.id,
          kind: body.kind ?? (isImage(type) ? 'photo' : 'file'),
          fileName: body.fileName,
          contentType: type,
          sizeBytes: bytes.byteLength,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          storageKey: key,
          thumbnailKey,
          width: size?.width ?? null,
          height: size?.height ?? null,
          caption: body.caption ?? null,
          uploadedBy: actorOf(principal),
          createdAt: new Date(this.#now()),
        })
        .returning();
      return this.#withLinks(row!, this.#now() + linkLifetimeMs);
    } catch (error) {
      await this.#storage.delete([key, ...(thumbnailKey ? [thumbnailKey] : [])]).catch(() => undefined);
      throw error;
    }
  }

  async listAttachments(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
  ): Promise<AttachmentView[]> {
    const appointment = await findAppointment(db, principal, orgId, appointmentId);
    const rows = await db
      .select()
      .from(attachments)
      .where(eq(attachments.appointmentId, appointment.id))
      .orderBy(asc(attachments.id));
    const expiresAt = this.#now() + linkLifetimeMs;
    return Promise.all(rows.map((row) => this.#withLinks(row, expiresAt)));
  }

  async getAttachment(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    attachmentId: string,
  ): Promise<AttachmentView> {
    const row = await this.#findAttachment(db, principal, orgId, appointmentId, attachmentId);
    return this.#withLinks(row, this.#now() + linkLifetimeMs);
  }

  async deleteAttachment(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    attachmentId: string,
  ): Promise<void> {
    await this.#openSheet(db, principal, orgId, appointmentId);
    const [row] = await db
      .delete(attachments)
      .where(
        and(
          eq(attachments.orgId, orgId),
          eq(attachments.appointmentId, appointmentId),
          eq(attachments.id, attachmentId),
        ),
      )
      .returning();
    if (!row) throw new ApiError('not_found');
    await this.#storage.delete([row.storageKey, ...(row.thumbnailKey ? [row.thumbnailKey] : [])]);
  }

  /**
   * The customer's sign-off: a drawn PNG (re-encoded, without metadata) or the typed name alone,
   * with the time and the digest of what the sheet said at that moment.
   */
  async captureSignature(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    body: Schemas['SignatureCapture'],
  ): Promise<SignatureView> {
    const appointment = await this.#openSheet(db, principal, orgId, appointmentId);
    let image: Uint8Array | undefined;
    if (body.image !== undefined) {
      const raw = decodeBase64(body.image, 'body.image');
      if (raw.byteLength > maxSignatureBytes)
        throw new ApiError('payload_too_large', {
          detail: `A signature image is limited to ${maxSignatureBytes} bytes.`,
        });
      if (sniffContentType(raw) !== 'image/png')
        throw new ApiError('unsupported_media_type', { detail: 'A signature image must be a PNG.' });
      image = (await processImage(raw, 'image/png'))?.bytes;
      if (!image)
        throw new ApiError('unsupported_media_type', { detail: 'The signature image could not be read.' });
    }
    const content = await readContent(db, appointment);
    const imageKey = image
      ? storageKey(orgId, `${appointment.id}-signature-${newId(this.#now())}.png`)
      : null;
    if (image && imageKey) await this.#storage.put(imageKey, image, 'image/png');
    const values = {
      signerName: body.signerName,
      imageKey,
      signedAt: new Date(this.#now()),
      sheetHash: digestOf(content),
      capturedBy: actorOf(principal),
    };
    const [row] = await db
      .insert(signatures)
      .values({ appointmentId: appointment.id, orgId, ...values })
      .onConflictDoUpdate({ target: signatures.appointmentId, set: values })
      .returning();
    if (content.signature?.imageKey) await this.#storage.delete([content.signature.imageKey]);
    return (await this.#signatureView({ ...content, signature: row }, this.#now() + linkLifetimeMs))!;
  }

  async addPartUsed(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    body: Schemas['PartUsedCreate'],
  ): Promise<{ row: PartUsedRow; currency: string }> {
    const appointment = await this.#openSheet(db, principal, orgId, appointmentId);
    let fromList: typeof parts.$inferSelect | undefined;
    if (body.partId) {
      [fromList] = await db
        .select()
        .from(parts)
        .where(and(eq(parts.orgId, orgId), eq(parts.id, body.partId)));
      if (!fromList) {
        throw new ApiError('validation_failed', {
          errors: [{ path: 'body.partId', message: 'is not a part of this organization' }],
        });
      }
    } else if (!body.name) {
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.name', message: 'is required without partId (a part not on the list)' }],
      });
    }
    const now = new Date(this.#now());
    const [row] = await db
      .insert(partsUsed)
      .values({
        id: newId(this.#now()),
        orgId,
        appointmentId: appointment.id,
        partId: fromList?.id ?? null,
        sku: body.sku ?? fromList?.sku ?? null,
        name: body.name ?? fromList!.name,
        quantity: body.quantity,
        unitCostMinor: body.unitCostMinor ?? fromList?.unitCostMinor ?? null,
        unitPriceMinor: body.unitPriceMinor ?? fromList?.unitPriceMinor ?? null,
        taxCode: body.taxCode !== undefined ? body.taxCode : (fromList?.taxCode ?? null),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return { row: row!, currency: appointment.currency };
  }

  async updatePartUsed(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    partUsedId: string,
    body: Schemas['PartUsedUpdate'],
  ): Promise<{ row: PartUsedRow; currency: string }> {
    const appointment = await this.#openSheet(db, principal, orgId, appointmentId);
    const [row] = await db
      .update(partsUsed)
      .set({ ...body, updatedAt: new Date(this.#now()) })
      .where(
        and(
          eq(partsUsed.orgId, orgId),
          eq(partsUsed.appointmentId, appointmentId),
          eq(partsUsed.id, partUsedId),
        ),
      )
      .returning();
    if (!row) throw new ApiError('not_found');
    return { row, currency: appointment.currency };
  }

  async removePartUsed(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    partUsedId: string,
  ): Promise<void> {
    await this.#openSheet(db, principal, orgId, appointmentId);
    const deleted = await db
      .delete(partsUsed)
      .where(
        and(
          eq(partsUsed.orgId, orgId),
          eq(partsUsed.appointmentId, appointmentId),
          eq(partsUsed.id, partUsedId),
        ),
      )
      .returning({ id: partsUsed.id });
    if (deleted.length === 0) throw new ApiError('not_found');
  }

  /**
   * A file through a link this server signed (local storage only: S3 links go to the bucket). The
   * signature covers the organization, the file, its type and the expiry, so none can be changed.
   */
  async download(
    orgId: string,
    fileKey: string,
    link: { expires: number; type?: string | undefined; signature?: string | undefined },
  ): Promise<{ bytes: Uint8Array; contentType: StoredContentType }> {
    const storage = this.#storage;
    const refused = (detail: string) => new ApiError('forbidden', { detail });
    if (!(storage instanceof LocalStorage))
      throw new ApiError('not_found', { detail: 'Files are served by the bucket.' });
    let key: string;
    try {
      key = storageKey(orgId, fileKey);
    } catch {
      throw new ApiError('not_found');
    }
    if (!link.type || !link.signature || !storage.verify(key, link.type, link.expires, link.signature))
      throw refused('This link is not valid; ask for a fresh one.');
    if (link.expires * 1000 <= this.#now()) throw refused('This link has expired; ask for a fresh one.');
    const bytes = await storage.get(key);
    if (!bytes) throw new ApiError('not_found');
    return { bytes, contentType: link.type as StoredContentType };
  }

  /** The appointment, when its sheet may still change: not for a visit that never happened. */
  async #openSheet(db: Db, principal: Principal | undefined, orgId: string, appointmentId: string) {
    const appointment = await findAppointment(db, principal, orgId, appointmentId);
    if (appointment.status === 'cancelled' || appointment.status === 'no_show') {
      throw new ApiError('conflict', {
        detail: `The job sheet of an appointment that is ${appointment.status} cannot change.`,
      });
    }
    return appointment;
  }

  async #findAttachment(
    db: Db,
    principal: Principal | undefined,
    orgId: string,
    appointmentId: string,
    attachmentId: string,
  ): Promise<AttachmentRow> {
    const appointment = await findAppointment(db, principal, orgId, appointmentId);
    const [row] = await db
      .select()
      .from(attachments)
      .where(and(eq(attachments.appointmentId, appointment.id), eq(attachments.id, attachmentId)));
    if (!row) throw new ApiError('not_found');
    return row;
  }

  async #withLinks(row: AttachmentRow, expiresAt: number): Promise<AttachmentView> {
    const [downloadUrl, thumbnailUrl] = await Promise.all([
      this.#storage.downloadUrl(row.storageKey, row.contentType as StoredContentType, expiresAt),
      row.thumbnailKey ? this.#storage.downloadUrl(row.thumbnailKey, 'image/webp', expiresAt) : null,
    ]);
    return { row, downloadUrl, thumbnailUrl, urlsExpireAt: new Date(expiresAt) };
  }

  async #signatureView(content: SheetContent, expiresAt: number): Promise<SignatureView | undefined> {
    const row = content.signature;
    if (!row) return undefined;
    return {
      row,
      imageUrl: row.imageKey ? await this.#storage.downloadUrl(row.imageKey, 'image/png', expiresAt) : null,
      changedSinceSigning: digestOf(content) !== row.sheetHash,
    };
  }
}

/**
 * Everything on the sheet in one statement (one round trip; a sheet with 30 photos and 20 parts
 * is read in a few milliseconds even on PGlite), and the status history for the labour time.
 */
async function readContent(
  db: Db,
  appointment: AppointmentRow,
): Promise<SheetContent & { history: StatusLine[] }> {
  const id = appointment.id;
  const [read] = await queryRows<{
    item: { checklist: SheetContent['item']['checklist']; completion_rules: CompletionRules } | null;
    correction: Record<string, unknown> | null;
    notes: Record<string, unknown>[];
    checks: Record<string, unknown>[];
    files: Record<string, unknown>[];
    signature: Record<string, unknown> | null;
    used: Record<string, unknown>[];
    history: Array<{ to_status: StatusLine['toStatus']; at: string }>;
  }>(
    db,
    sql`select
          (select json_build_object('checklist', i.checklist, 'completion_rules', i.completion_rules)
             from service_items i where i.id = ${appointment.serviceItemId}) as item,
          (select row_to_json(j) from job_sheets j where j.appointment_id = ${id}) as correction,
          (select coalesce(json_agg(n order by n.id), '[]') from job_sheet_notes n where n.appointment_id = ${id}) as notes,
          (select coalesce(json_agg(c), '[]') from job_sheet_checks c where c.appointment_id = ${id}) as checks,
          (select coalesce(json_agg(a order by a.id), '[]') from attachments a where a.appointment_id = ${id}) as files,
          (select row_to_json(s) from signatures s where s.appointment_id = ${id}) as signature,
          (select coalesce(json_agg(p order by p.id), '[]') from parts_used p where p.appointment_id = ${id}) as used,
          (select coalesce(json_agg(json_build_object('to_status', h.to_status, 'at', h.at) order by h.id), '[]')
             from appointment_history h
            where h.appointment_id = ${id} and h.from_status is distinct from h.to_status) as history`,
  );
  return {
    item: read?.item
      ? { checklist: read.item.checklist, completionRules: read.item.completion_rules }
      : { checklist: [], completionRules: {} },
    correction: read?.correction ? rowFromJson(jobSheets, read.correction) : undefined,
    notes: (read?.notes ?? []).map((row) => rowFromJson(jobSheetNotes, row)),
    checks: (read?.checks ?? []).map((row) => rowFromJson(jobSheetChecks, row)),
    attachments: (read?.files ?? []).map((row) => rowFromJson(attachments, row)),
    signature: read?.signature ? rowFromJson(signatures, read.signature) : undefined,
    partsUsed: (read?.used ?? []).map((row) => rowFromJson(partsUsed, row)),
    history: (read?.history ?? []).map((line) => ({ toStatus: line.to_status, at: new Date(line.at) })),
  };
}

function checklistOf(content: SheetContent): ChecklistView[] {
  return content.item.checklist.map(({ key, label }) => {
    const check = content.checks.find((c) => c.key === key);
    return {
      key,
      label,
      done: check?.done ?? false,
      checkedBy: check?.checkedBy ?? null,
      checkedAt: check?.checkedAt ?? null,
    };
  });
}

function gapsOf(content: SheetContent): CompletionGap[] {
  return missingForCompletion(content.item.completionRules, {
    signed: content.signature !== undefined,
    photos: content.attachments.filter((a) => a.kind === 'photo').length,
    checklistDone: checklistOf(content).every((line) => line.done),
  });
}

/**
 * SHA-256 of what the sheet says: notes, ticks, files (by their digests), parts and any labour
 * correction, in a fixed order. Labour derived from the status history is left out: it grows
 * while the visit runs, and a customer signs before the technician marks it complete.
 */
export function digestOf(content: Omit<SheetContent, 'item' | 'signature'>): string {
  const canonical = JSON.stringify({
    notes: content.notes.map((n) => [n.id, n.visibility, n.body]),
    checks: [...content.checks].sort((a, b) => a.key.localeCompare(b.key)).map((c) => [c.key, c.done]),
    attachments: content.attachments.map((a) => [a.id, a.sha256, a.caption]),
    parts: content.partsUsed.map((p) => [
      p.id,
      p.partId,
      p.sku,
      p.name,
      p.quantity,
      p.unitPriceMinor,
      p.taxCode,
    ]),
    labour: content.correction
      ? [content.correction.travelMinutesOverride, content.correction.workMinutesOverride]
      : null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 as sent, or 400: Buffer.from would quietly skip characters that do not belong. */
function decodeBase64(text: string, path: string): Uint8Array {
  const compact = text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text;
  if (compact.length % 4 !== 0 || !base64.test(compact)) {
    throw new ApiError('validation_failed', { errors: [{ path, message: 'must be base64' }] });
  }
  return Buffer.from(compact, 'base64');
}
