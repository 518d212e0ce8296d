import { appointments } from './appointments.js';
import type { Resource } from './context.js';
import { attachments, jobSheets } from './job-sheets.js';
import { parts } from './parts.js';

/** What a job sheet page calls: the sheet and its edits, photos, the parts list, status changes. */
export const jobSheetResources = {
  appointments,
  jobSheets,
  attachments,
  parts,
} satisfies Record<string, Resource>;
