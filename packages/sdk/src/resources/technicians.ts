import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
  QueryParams,
  TechnicianCreate,
  TechnicianScheduleUpdate,
  TechnicianSkills,
  TechnicianUpdate,
  TimeOffCreate,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

export const technicians = ({ client, org }: Context) => ({
  list: ({ orgId, signal, ...query }: ListParams<'listTechnicians'> = {}): ApiList<'listTechnicians'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/technicians', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  create: (body: TechnicianCreate, o?: OrgPostOptions): Promise<ApiResult<'createTechnician'>> =>
    client.POST('/api/v1/organizations/{orgId}/technicians', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  get: (technicianId: string, o?: OrgCallOptions): Promise<ApiResult<'getTechnician'>> =>
    client.GET('/api/v1/organizations/{orgId}/technicians/{technicianId}', {
      params: { path: { orgId: org(o?.orgId), technicianId } },
      signal: o?.signal,
    }),
  /** `active: false` keeps the technician's history; they are no longer offered or assigned. */
  update: (
    technicianId: string,
    body: TechnicianUpdate,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'updateTechnician'>> =>
    client.PATCH('/api/v1/organizations/{orgId}/technicians/{technicianId}', {
      params: { path: { orgId: org(o?.orgId), technicianId } },
      body,
      signal: o?.signal,
    }),
  skills: {
    get: (technicianId: string, o?: OrgCallOptions): Promise<ApiResult<'getTechnicianSkills'>> =>
      client.GET('/api/v1/organizations/{orgId}/technicians/{technicianId}/skills', {
        params: { path: { orgId: org(o?.orgId), technicianId } },
        signal: o?.signal,
      }),
    /** Replaces all skills and certifications. */
    replace: (
      technicianId: string,
      body: TechnicianSkills,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'replaceTechnicianSkills'>> =>
      client.PUT('/api/v1/organizations/{orgId}/technicians/{technicianId}/skills', {
        params: { path: { orgId: org(o?.orgId), technicianId } },
        body,
        signal: o?.signal,
      }),
  },
  schedule: {
    /** Weekly hours, plus the overrides and time off between `from` and `to` (default: the next 62 days). */
    get: (
      technicianId: string,
      { orgId, signal, ...query }: QueryParams<'getTechnicianSchedule'> = {},
    ): Promise<ApiResult<'getTechnicianSchedule'>> =>
      client.GET('/api/v1/organizations/{orgId}/technicians/{technicianId}/schedule', {
        params: { path: { orgId: org(orgId), technicianId }, query },
        signal,
      }),
    /** Replaces weekly hours and date overrides: local wall-clock times in the technician's zone. */
    replace: (
      technicianId: string,
      body: TechnicianScheduleUpdate,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'replaceTechnicianSchedule'>> =>
      client.PUT('/api/v1/organizations/{orgId}/technicians/{technicianId}/schedule', {
        params: { path: { orgId: org(o?.orgId), technicianId } },
        body,
        signal: o?.signal,
      }),
  },
  timeOff: {
    create: (
      technicianId: string,
      body: TimeOffCreate,
      o?: OrgPostOptions,
    ): Promise<ApiResult<'createTimeOff'>> =>
      client.POST('/api/v1/organizations/{orgId}/technicians/{technicianId}/time-off', {
        params: { path: { orgId: org(o?.orgId), technicianId } },
        body,
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
    delete: (
      technicianId: string,
      timeOffId: string,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'deleteTimeOff'>> =>
      client.DELETE('/api/v1/organizations/{orgId}/technicians/{technicianId}/time-off/{timeOffId}', {
        params: { path: { orgId: org(o?.orgId), technicianId, timeOffId } },
        signal: o?.signal,
      }),
  },
});
