import { toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toSchedule, toSkills, toTechnician, toTimeOff } from '../serializers/technicians.js';
import * as technicians from '../services/technicians.js';

export const technicianHandlers = {
  async listTechnicians(c, { params, query }) {
    const rows = await technicians.listTechnicians(c.var.db, params.orgId, query);
    return c.json(toPage(rows, query.limit, toTechnician), 200);
  },

  async createTechnician(c, { params, body }) {
    const row = await technicians.createTechnician(c.var.db, params.orgId, body);
    return c.json(toTechnician(row), 201, {
      location: `/api/v1/organizations/${params.orgId}/technicians/${row.id}`,
    });
  },

  async getTechnician(c, { params }) {
    const row = await technicians.findTechnician(c.var.db, params.orgId, params.technicianId);
    return c.json(toTechnician(row), 200);
  },

  async updateTechnician(c, { params, body }) {
    const row = await technicians.updateTechnician(
      c.var.db,
      params.orgId,
      params.technicianId,
      body,
      c.var.services.now(),
    );
    return c.json(toTechnician(row), 200);
  },

  async getTechnicianSkills(c, { params }) {
    const row = await technicians.findTechnician(c.var.db, params.orgId, params.technicianId);
    return c.json(toSkills(row), 200);
  },

  async replaceTechnicianSkills(c, { params, body }) {
    const row = await technicians.replaceSkills(c.var.db, params.orgId, params.technicianId, body);
    return c.json(toSkills(row), 200);
  },

  async getTechnicianSchedule(c, { params, query }) {
    const schedule = await technicians.getSchedule(
      c.var.db,
      params.orgId,
      params.technicianId,
      c.var.services.now(),
      query.from,
      query.to,
    );
    return c.json(toSchedule(schedule), 200);
  },

  async replaceTechnicianSchedule(c, { params, body }) {
    const schedule = await technicians.replaceSchedule(
      c.var.db,
      params.orgId,
      params.technicianId,
      body,
      c.var.services.now(),
    );
    return c.json(toSchedule(schedule), 200);
  },

  async createTimeOff(c, { params, body }) {
    const row = await technicians.createTimeOff(c.var.db, params.orgId, params.technicianId, body);
    return c.json(toTimeOff(row), 201);
  },

  async deleteTimeOff(c, { params }) {
    await technicians.deleteTimeOff(c.var.db, params.orgId, params.technicianId, params.timeOffId);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
