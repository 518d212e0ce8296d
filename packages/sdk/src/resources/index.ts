import { apiKeys } from './api-keys.js';
import { auth } from './auth.js';
import type { Resource } from './context.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

/** Every namespace of the client: a new one is a file of one-liners plus a line here. */
export const resources = { organizations, auth, users, apiKeys } satisfies Record<string, Resource>;
