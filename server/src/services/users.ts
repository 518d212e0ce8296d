import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { revokeSessions } from '../auth/sessions.js';
import type { Services } from '../context.js';
import type { Db } from '../db/index.js';
import { type Role, users } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { decodeCursor } from '../lib/pagination.js';
import type { Input } from '../openapi/handlers.js';

type Schemas = components['schemas'];
type UserRow = typeof users.$inferSelect;

/** Secret keys act with an owner's authority: they are the organization's own servers. */
function actingRole(principal: Principal | undefined): Role | undefined {
  if (principal?.kind === 'secret_key') return 'owner';
  return principal?.kind === 'user' ? principal.role : undefined;
}

async function findUser(db: Db, orgId: string, userId: string): Promise<UserRow> {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.id, userId)));
  if (!user) throw new ApiError('not_found');
  return user;
}

async function ownerCount(db: Db, orgId: string): Promise<number> {
  // Locks the owners' rows so two concurrent demotions cannot both see "another owner remains".
  const owners = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.role, 'owner')))
    .for('update');
  return owners.length;
}

/** Cached principals carry the role; other servers drop theirs when the cache lapses. */
function forgetUser(services: Services, userId: string) {
  services.credentials.forget((p) => p.kind === 'user' && p.userId === userId);
}

/** One page of users, fetched with one extra row to tell whether another page exists. */
export async function listUsers(
  db: Db,
  orgId: string,
  filter: Input<'listUsers'>['query'],
): Promise<UserRow[]> {
  const after = decodeCursor(filter.cursor);
  return db
    .select()
    .from(users)
    .where(
      and(
        eq(users.orgId, orgId),
        after ? gt(users.id, after) : undefined,
        filter.role ? eq(users.role, filter.role) : undefined,
      ),
    )
    .orderBy(asc(users.id))
    .limit(filter.limit + 1);
}

export async function createUser(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  body: Schemas['UserCreate'],
): Promise<UserRow> {
  if (body.role === 'owner' && actingRole(principal) !== 'owner') {
    throw new ApiError('forbidden', { detail: 'Only an owner can add another owner.' });
  }
  try {
    const [user] = await db
      .insert(users)
      .values({
        id: newId(),
        orgId,
        email: body.email,
        name: body.name,
        role: body.role,
        passwordHash: await hashPassword(body.password),
      })
      .returning();
    return user!;
  } catch (error) {
    if (pgErrorCode(error) === pgErrors.uniqueViolation) {
      throw new ApiError('conflict', {
        detail: 'A user with this email already exists.',
        errors: [{ path: 'body.email', message: 'is already in use' }],
      });
    }
    throw error;
  }
}

/** Managers see everyone; anyone else sees only themselves. */
export async function getUser(
  db: Db,
  principal: Principal | undefined,
  orgId: string,
  userId: string,
): Promise<UserRow> {
  const role = actingRole(principal);
  const seesEveryone = role === 'owner' || role === 'admin' || role === 'dispatcher';
  if (!seesEveryone && !(principal?.kind === 'user' && principal.userId === userId)) {
    throw new ApiError('forbidden', { detail: 'You can see your own user only.' });
  }
  return findUser(db, orgId, userId);
}

/**
 * Owners change anyone; admins change anyone but owners; everyone changes their own name and
 * password (the password with the current one). A new password ends the user's other sessions.
 */
export async function updateUser(
  db: Db,
  services: Services,
  principal: Principal | undefined,
  orgId: string,
  userId: string,
  body: Schemas['UserUpdate'],
): Promise<UserRow> {
  const role = actingRole(principal);
  const self = principal?.kind === 'user' && principal.userId === userId;
  const target = await findUser(db, orgId, userId);
  const manager = role === 'owner' || (role === 'admin' && target.role !== 'owner' && body.role !== 'owner');
  if (!manager && !(self && body.role === undefined)) {
    throw new ApiError('forbidden', {
      detail: self
        ? 'Only an owner or admin can change roles.'
        : 'Only an owner can change an owner; admins change other users.',
    });
  }
  if (self && body.password !== undefined) {
    if (!body.currentPassword || !(await verifyPassword(body.currentPassword, target.passwordHash))) {
      throw new ApiError('forbidden', {
        detail: 'Changing your own password needs your current password.',
        errors: [{ path: 'body.currentPassword', message: 'is missing or wrong' }],
      });
    }
  }
  const updated = await db.transaction(async (tx) => {
    if (
      target.role === 'owner' &&
      body.role !== undefined &&
      body.role !== 'owner' &&
      (await ownerCount(tx, orgId)) <= 1
    ) {
      throw new ApiError('conflict', {
        detail: 'The last owner cannot be demoted; make someone else an owner first.',
      });
    }
    const [row] = await tx
      .update(users)
      .set({
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.role === undefined ? {} : { role: body.role }),
        ...(body.password === undefined ? {} : { passwordHash: await hashPassword(body.password) }),
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, target.id))
      .returning();
    return row!;
  });
  if (body.password !== undefined) {
    await revokeSessions(db, services, {
      userId: target.id,
      ...(principal?.kind === 'user' && self ? { exceptSessionId: principal.sessionId } : {}),
    });
  }
  if (body.role !== undefined) forgetUser(services, target.id);
  return updated;
}

export async function deleteUser(
  db: Db,
  services: Services,
  principal: Principal | undefined,
  orgId: string,
  userId: string,
): Promise<void> {
  const target = await findUser(db, orgId, userId);
  if (target.role === 'owner' && actingRole(principal) !== 'owner') {
    throw new ApiError('forbidden', { detail: 'Only an owner can remove an owner.' });
  }
  await db.transaction(async (tx) => {
    if (target.role === 'owner' && (await ownerCount(tx, orgId)) <= 1) {
      throw new ApiError('conflict', { detail: 'The last owner cannot be removed.' });
    }
    await tx.delete(users).where(eq(users.id, target.id));
  });
  forgetUser(services, target.id);
}
