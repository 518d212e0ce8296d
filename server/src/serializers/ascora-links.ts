import type { components } from '@crewkit/sdk/openapi';

export type AscoraLink = components['schemas']['AscoraLink'];
