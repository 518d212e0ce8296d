import { appointments } from './appointments.js';
import { auth } from './auth.js';
import type { Resource } from './context.js';
import { attachments, jobSheets } from './job-sheets.js';
import { parts } from './parts.js';

/**
 * What a job sheet page calls: the sheet and its edits, photos, the parts list, status changes,
 * and who is signed in (the office may correct labour time).
 */
export const jobSheetResources = {
  appointments,
  auth,
  jobSheets,
  attachments,
  parts,
} satisfies Record<string, Resource>;
