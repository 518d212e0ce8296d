import type { components } from '@crewkit/sdk/openapi';
import { iso } from '../lib/time.js';
import type { PartRow } from '../services/job-sheet/parts.js';
import type {
  AttachmentView,
  ChecklistView,
  JobSheetView,
  LabourView,
  NoteRow,
  PartUsedRow,
  SignatureView,
} from '../services/job-sheet/service.js';

type Schemas = components['schemas'];

const money = (amountMinor: number | null, currency: string) =>
  amountMinor === null ? null : { amountMinor, currency };

export function toAttachment({
  row,
  downloadUrl,
  thumbnailUrl,
  urlsExpireAt,
}: AttachmentView): Schemas['Attachment'] {
  return {
    id: row.id,
    appointmentId: row.appointmentId,
    kind: row.kind,
    fileName: row.fileName,
    contentType: row.contentType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    caption: row.caption,
    uploadedBy: row.uploadedBy,
    createdAt: iso(row.createdAt),
    downloadUrl,
    thumbnailUrl,
    urlsExpireAt: iso(urlsExpireAt),
  };
}

export function toNote(row: NoteRow): Schemas['JobSheetNote'] {
  return {
    id: row.id,
    authorKind: row.authorKind,
    author: row.author,
    visibility: row.visibility,
    body: row.body,
    createdAt: iso(row.createdAt),
  };
}

export function toChecklistItem(line: ChecklistView): Schemas['ChecklistItem'] {
  return { ...line, checkedAt: iso(line.checkedAt) };
}

export function toSignature({ row, imageUrl, changedSinceSigning }: SignatureView): Schemas['Signature'] {
  return {
    signerName: row.signerName,
    method: row.imageKey ? 'drawn' : 'typed',
    signedAt: iso(row.signedAt),
    sheetHash: row.sheetHash,
    sheetChangedSinceSigning: changedSinceSigning,
    imageUrl,
    capturedBy: row.capturedBy,
  };
}

export function toPartUsed(row: PartUsedRow, currency: string): Schemas['PartUsed'] {
  return {
    id: row.id,
    partId: row.partId,
    sku: row.sku,
    name: row.name,
    quantity: Number(row.quantity),
    unitCost: money(row.unitCostMinor, currency),
    unitPrice: money(row.unitPriceMinor, currency),
    taxCode: row.taxCode,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toPart(row: PartRow, currency: string): Schemas['Part'] {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    unitCost: { amountMinor: row.unitCostMinor, currency },
    unitPrice: { amountMinor: row.unitPriceMinor, currency },
    taxCode: row.taxCode,
    active: row.active,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** Minutes as they count: a correction replaces the derived figure it names. */
export function toLabour({ derived, correction }: LabourView): Schemas['LabourTime'] {
  return {
    travelMinutes: correction?.travelMinutesOverride ?? derived.travelMinutes,
    workMinutes: correction?.workMinutesOverride ?? derived.workMinutes,
    pausedMinutes: derived.pausedMinutes,
    derived: {
      travelMinutes: derived.travelMinutes,
      workMinutes: derived.workMinutes,
      pausedMinutes: derived.pausedMinutes,
    },
    correction: correction
      ? {
          travelMinutes: correction.travelMinutesOverride,
          workMinutes: correction.workMinutesOverride,
          reason: correction.correctionReason ?? '',
          correctedBy: correction.correctedBy ?? 'unknown',
          at: iso(correction.updatedAt),
        }
      : null,
    runningSince: derived.running ? iso(derived.running.since) : null,
    runningStatus: derived.running?.status ?? null,
  };
}

export function toJobSheet(sheet: JobSheetView): Schemas['JobSheet'] {
  return {
    appointmentId: sheet.appointment.id,
    status: sheet.appointment.status,
    labour: toLabour(sheet.labour),
    notes: sheet.notes.map(toNote),
    checklist: sheet.checklist.map(toChecklistItem),
    attachments: sheet.attachments.map(toAttachment),
    signature: sheet.signature ? toSignature(sheet.signature) : null,
    partsUsed: sheet.partsUsed.map((row) => toPartUsed(row, sheet.currency)),
    completion: { rules: sheet.rules, missing: sheet.missing },
    contentHash: sheet.contentHash,
  };
}
