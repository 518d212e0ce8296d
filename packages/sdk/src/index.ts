export {
  type Crewkit,
  type CrewkitOptions,
  type CrewkitWith,
  createCrewkit,
  createCrewkitWith,
} from './client.js';
export { CrewkitError } from './errors.js';
export type { LiveEvent, LiveStreamOptions } from './event-stream.js';
export * from './generated/enums.js';
export type { ListPromise } from './paginate.js';
export { bookingResources } from './resources/booking.js';
export { resources } from './resources/index.js';
export { jobSheetResources } from './resources/job-sheet-set.js';
export type * from './types.js';
