import type { HandlerTable } from '../openapi/handlers.js';
import {
  toAttachment,
  toChecklistItem,
  toJobSheet,
  toLabour,
  toNote,
  toPartUsed,
  toSignature,
} from '../serializers/job-sheet.js';

/** The job sheet of a visit: labour, notes, checklist, files, signature, parts used. */
export const jobSheetHandlers = {
  async getJobSheet(c, { params }) {
    const sheet = await c.var.services.jobSheets.get(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
    );
    return c.json(toJobSheet(sheet), 200);
  },

  async correctLabourTime(c, { params, body }) {
    const labour = await c.var.services.jobSheets.correctLabour(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
    );
    return c.json(toLabour(labour), 200);
  },

  async createJobSheetNote(c, { params, body }) {
    const note = await c.var.services.jobSheets.addNote(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
    );
    return c.json(toNote(note), 201);
  },

  async setChecklistItem(c, { params, body }) {
    const line = await c.var.services.jobSheets.setCheck(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      params.checklistKey,
      body.done,
    );
    return c.json(toChecklistItem(line), 200);
  },

  async captureSignature(c, { params, body }) {
    const signature = await c.var.services.jobSheets.captureSignature(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
    );
    return c.json(toSignature(signature), 200);
  },

  async addPartUsed(c, { params, body }) {
    const { row, currency } = await c.var.services.jobSheets.addPartUsed(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
    );
    return c.json(toPartUsed(row, currency), 201);
  },

  async updatePartUsed(c, { params, body }) {
    const { row, currency } = await c.var.services.jobSheets.updatePartUsed(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      params.partUsedId,
      body,
    );
    return c.json(toPartUsed(row, currency), 200);
  },

  async removePartUsed(c, { params }) {
    await c.var.services.jobSheets.removePartUsed(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      params.partUsedId,
    );
    return c.body(null, 204);
  },

  async listAttachments(c, { params }) {
    const views = await c.var.services.jobSheets.listAttachments(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
    );
    return c.json({ data: views.map(toAttachment) }, 200);
  },

  async createAttachment(c, { params, body }) {
    const view = await c.var.services.jobSheets.createAttachment(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      body,
    );
    return c.json(toAttachment(view), 201, {
      location: `/api/v1/organizations/${params.orgId}/appointments/${params.appointmentId}/attachments/${view.row.id}`,
    });
  },

  async createAttachmentUpload(c, { params }) {
    const upload = await c.var.services.jobSheets.createUpload(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
    );
    return c.json({ ...upload, expiresAt: upload.expiresAt.toISOString() }, 201);
  },

  async getAttachment(c, { params }) {
    const view = await c.var.services.jobSheets.getAttachment(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      params.attachmentId,
    );
    return c.json(toAttachment(view), 200);
  },

  async deleteAttachment(c, { params }) {
    await c.var.services.jobSheets.deleteAttachment(
      c.var.db,
      c.var.principal,
      params.orgId,
      params.appointmentId,
      params.attachmentId,
    );
    return c.body(null, 204);
  },

  async downloadFile(c, { params, query }) {
    const file = await c.var.services.jobSheets.download(params.orgId, params.fileKey, query);
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': file.contentType,
      // The link is the credential: nothing on the way may keep a copy for someone else.
      'cache-control': 'private, no-store',
      'content-disposition': 'inline',
    });
  },
} satisfies HandlerTable;
