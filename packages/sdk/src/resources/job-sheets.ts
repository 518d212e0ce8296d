import type {
  ApiResult,
  AttachmentCreate,
  JobSheetNoteCreate,
  LabourCorrection,
  OrgCallOptions,
  OrgPostOptions,
  PartUsedCreate,
  PartUsedUpdate,
  SignatureCapture,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

const sheet = '/api/v1/organizations/{orgId}/appointments/{appointmentId}/job-sheet' as const;
const files = '/api/v1/organizations/{orgId}/appointments/{appointmentId}/attachments' as const;

/** What happens on a visit: labour, notes, checklist, photos and files, signature, parts used. */
export const jobSheets = ({ client, org }: Context) => ({
  /** The whole sheet, with short-lived download links and what completion still needs. */
  get: (appointmentId: string, o?: OrgCallOptions): Promise<ApiResult<'getJobSheet'>> =>
    client.GET(sheet, { params: { path: { orgId: org(o?.orgId), appointmentId } }, signal: o?.signal }),
  /** Replaces derived travel or work minutes (`null`: back to the derived figure), with a reason. */
  correctLabour: (
    appointmentId: string,
    body: LabourCorrection,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'correctLabourTime'>> =>
    client.PUT(`${sheet}/labour`, {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      signal: o?.signal,
    }),
  addNote: (
    appointmentId: string,
    body: JobSheetNoteCreate,
    o?: OrgPostOptions,
  ): Promise<ApiResult<'createJobSheetNote'>> =>
    client.POST(`${sheet}/notes`, {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  setChecklistItem: (
    appointmentId: string,
    checklistKey: string,
    done: boolean,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'setChecklistItem'>> =>
    client.PUT(`${sheet}/checklist/{checklistKey}`, {
      params: { path: { orgId: org(o?.orgId), appointmentId, checklistKey } },
      body: { done },
      signal: o?.signal,
    }),
  /** A drawn PNG (base64) or, without `image`, the typed name alone. */
  captureSignature: (
    appointmentId: string,
    body: SignatureCapture,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'captureSignature'>> =>
    client.PUT(`${sheet}/signature`, {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      signal: o?.signal,
    }),
  addPart: (
    appointmentId: string,
    body: PartUsedCreate,
    o?: OrgPostOptions,
  ): Promise<ApiResult<'addPartUsed'>> =>
    client.POST(`${sheet}/parts`, {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  updatePart: (
    appointmentId: string,
    partUsedId: string,
    body: PartUsedUpdate,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'updatePartUsed'>> =>
    client.PATCH(`${sheet}/parts/{partUsedId}`, {
      params: { path: { orgId: org(o?.orgId), appointmentId, partUsedId } },
      body,
      signal: o?.signal,
    }),
  removePart: (
    appointmentId: string,
    partUsedId: string,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'removePartUsed'>> =>
    client.DELETE(`${sheet}/parts/{partUsedId}`, {
      params: { path: { orgId: org(o?.orgId), appointmentId, partUsedId } },
      signal: o?.signal,
    }),
});

/** Photos and files of a visit; downloads only through the short-lived links in each answer. */
export const attachments = ({ client, org }: Context) => ({
  list: (appointmentId: string, o?: OrgCallOptions): Promise<ApiResult<'listAttachments'>> =>
    client.GET(files, { params: { path: { orgId: org(o?.orgId), appointmentId } }, signal: o?.signal }),
  /** `content` base64 (≤ 10 MiB), or the `uploadId` of a file PUT to `createUpload`'s link. */
  create: (
    appointmentId: string,
    body: AttachmentCreate,
    o?: OrgPostOptions,
  ): Promise<ApiResult<'createAttachment'>> =>
    client.POST(files, {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  /** A presigned link to PUT a large file straight to the bucket (S3 storage only; 409 otherwise). */
  createUpload: (appointmentId: string, o?: OrgPostOptions): Promise<ApiResult<'createAttachmentUpload'>> =>
    client.POST(`${files}/uploads`, {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  get: (
    appointmentId: string,
    attachmentId: string,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'getAttachment'>> =>
    client.GET(`${files}/{attachmentId}`, {
      params: { path: { orgId: org(o?.orgId), appointmentId, attachmentId } },
      signal: o?.signal,
    }),
  delete: (
    appointmentId: string,
    attachmentId: string,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'deleteAttachment'>> =>
    client.DELETE(`${files}/{attachmentId}`, {
      params: { path: { orgId: org(o?.orgId), appointmentId, attachmentId } },
      signal: o?.signal,
    }),
});
