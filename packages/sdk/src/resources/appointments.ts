import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  AppointmentCreate,
  AppointmentFeedback,
  AppointmentUpdate,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
  QueryParams,
  Reschedule,
  StatusChange,
  TechnicianAssignment,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

export const appointments = ({ client, org }: Context) => ({
  /** `status` takes several values (sent as `status=a&status=b`). Technicians see only their own. */
  list: ({ orgId, signal, ...query }: ListParams<'listAppointments'> = {}): ApiList<'listAppointments'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/appointments', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  /**
   * Books a service at a start time. Without `technicianId` the server picks one and says why in
   * `assignment`. A slot that is gone answers `409 slot_unavailable` with `alternatives`.
   */
  create: (body: AppointmentCreate, o?: OrgPostOptions): Promise<ApiResult<'createAppointment'>> =>
    client.POST('/api/v1/organizations/{orgId}/appointments', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  get: (appointmentId: string, o?: OrgCallOptions): Promise<ApiResult<'getAppointment'>> =>
    client.GET('/api/v1/organizations/{orgId}/appointments/{appointmentId}', {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      signal: o?.signal,
    }),
  /**
   * Edits notes, internal notes, site (`null`: the customer's address), length or visit contact;
   * a longer visit that would overlap the next booking answers 409 and changes nothing.
   */
  update: (
    appointmentId: string,
    body: AppointmentUpdate,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'updateAppointment'>> =>
    client.PATCH('/api/v1/organizations/{orgId}/appointments/{appointmentId}', {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      signal: o?.signal,
    }),
  /**
   * A change the workflow does not allow answers 409, with the allowed statuses in `error.allowed`.
   * A change made offline and sent later carries `occurredAt` (when it happened on the device) and
   * an `idempotencyKey`, so sending it again after a lost answer does not apply it twice.
   */
  changeStatus: (
    appointmentId: string,
    body: StatusChange,
    o?: OrgPostOptions,
  ): Promise<ApiResult<'changeAppointmentStatus'>> =>
    client.PUT('/api/v1/organizations/{orgId}/appointments/{appointmentId}/status', {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  /** Every status change, oldest first (one response, not paginated). */
  history: (appointmentId: string, o?: OrgCallOptions): Promise<ApiResult<'getAppointmentHistory'>> =>
    client.GET('/api/v1/organizations/{orgId}/appointments/{appointmentId}/history', {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      signal: o?.signal,
    }),
  /** Re-checks the technician's skills, hours and free time; a clash answers `409 slot_unavailable`. */
  assignTechnician: (
    appointmentId: string,
    body: TechnicianAssignment,
    o?: OrgPostOptions,
  ): Promise<ApiResult<'assignTechnician'>> =>
    client.POST('/api/v1/organizations/{orgId}/appointments/{appointmentId}/assign-technician', {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  /** Books the new time as a new appointment and cancels this one, linking the two. */
  reschedule: (
    appointmentId: string,
    body: Reschedule,
    o?: OrgPostOptions,
  ): Promise<ApiResult<'rescheduleAppointment'>> =>
    client.POST('/api/v1/organizations/{orgId}/appointments/{appointmentId}/reschedule', {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  /** The customer's rating and feedback; only for completed appointments (409 otherwise). */
  recordFeedback: (
    appointmentId: string,
    body: AppointmentFeedback,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'recordAppointmentFeedback'>> =>
    client.PUT('/api/v1/organizations/{orgId}/appointments/{appointmentId}/feedback', {
      params: { path: { orgId: org(o?.orgId), appointmentId } },
      body,
      signal: o?.signal,
    }),
  /** A dispatch board: one lane per technician with hours, time off and appointments (at most 62 days). */
  calendar: ({
    orgId,
    signal,
    ...query
  }: QueryParams<'getCalendarView'>): Promise<ApiResult<'getCalendarView'>> =>
    client.GET('/api/v1/organizations/{orgId}/appointments/calendar-view', {
      params: { path: { orgId: org(orgId) }, query },
      signal,
    }),
});
