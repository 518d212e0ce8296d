export { type Crewkit, type CrewkitOptions, createCrewkit } from './client.js';
export { CrewkitError } from './errors.js';
export type { LiveEvent, LiveStreamOptions } from './event-stream.js';
export * from './generated/enums.js';
export type { ListPromise } from './paginate.js';
export type * from './types.js';
