import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { revokeSessions } from '../auth/sessions.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/index.js';
import { type Role, users } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { toUser } from './serializers.js';

/** Secret keys act with an owner's authority: they are the organization's own servers. */
function actingRole(principal: Principal | undefined): Role | undefined {
  if (principal?.kind === 'secret_key') return 'owner';
  return principal?.kind === 'user' ? principal.role : undefined;
}

async function findUser(c: AppContext, orgId: string, userId: string) {
  const [user] = await c.var.db
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

export const userHandlers = {
  async listUsers(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const rows = await c.var.db
      .select()
      .from(users)
      .where(
        and(
          eq(users.orgId, params.orgId),
          after ? gt(users.id, after) : undefined,
          query.role ? eq(users.role, query.role) : undefined,
        ),
      )
      .orderBy(asc(users.id))
      .limit(limit + 1);
    return c.json(toPage(rows, limit, toUser), 200);
  },

  async createUser(c, { params, body }) {
    if (body.role === 'owner' && actingRole(c.var.principal) !== 'owner') {
      throw new ApiError('forbidden', { detail: 'Only an owner can add another owner.' });
    }
    try {
      const [user] = await c.var.db
        .insert(users)
        .values({
          id: newId(),
          orgId: params.orgId,
          email: body.email,
          name: body.name,
          role: body.role,
          passwordHash: await hashPassword(body.password),
        })
        .returning();
      return c.json(toUser(user!), 201, {
        location: `/api/v1/organizations/${params.orgId}/users/${user!.id}`,
      });
    } catch (error) {
      if (pgErrorCode(error) === pgErrors.uniqueViolation) {
        throw new ApiError('conflict', {
          detail: 'A user with this email already exists.',
          errors: [{ path: 'body.email', message: 'is already in use' }],
        });
      }
      throw error;
    }
  },

  async getUser(c, { params }) {
    const principal = c.var.principal;
    const role = actingRole(principal);
    const seesEveryone = role === 'owner' || role === 'admin' || role === 'dispatcher';
    if (!seesEveryone && !(principal?.kind === 'user' && principal.userId === params.userId)) {
      throw new ApiError('forbidden', { detail: 'You can see your own user only.' });
    }
    return c.json(toUser(await findUser(c, params.orgId, params.userId)), 200);
  },

  async updateUser(c, { params, body }) {
    const principal = c.var.principal;
    const role = actingRole(principal);
    const self = principal?.kind === 'user' && principal.userId === params.userId;
    const target = await findUser(c, params.orgId, params.userId);
    const manager =
      role === 'owner' || (role === 'admin' && target.role !== 'owner' && body.role !== 'owner');
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
    const db = c.var.db;
    const updated = await db.transaction(async (tx) => {
      if (
        target.role === 'owner' &&
        body.role !== undefined &&
        body.role !== 'owner' &&
        (await ownerCount(tx, params.orgId)) <= 1
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
      await revokeSessions(db, c.var.services, {
        userId: target.id,
        ...(principal?.kind === 'user' && self ? { exceptSessionId: principal.sessionId } : {}),
      });
    }
    if (body.role !== undefined)
      c.var.services.credentials.forget((p) => p.kind === 'user' && p.userId === target.id);
    return c.json(toUser(updated), 200);
  },

  async deleteUser(c, { params }) {
    const target = await findUser(c, params.orgId, params.userId);
    if (target.role === 'owner' && actingRole(c.var.principal) !== 'owner') {
      throw new ApiError('forbidden', { detail: 'Only an owner can remove an owner.' });
    }
    await c.var.db.transaction(async (tx) => {
      if (target.role === 'owner' && (await ownerCount(tx, params.orgId)) <= 1) {
        throw new ApiError('conflict', { detail: 'The last owner cannot be removed.' });
      }
      await tx.delete(users).where(eq(users.id, target.id));
    });
    c.var.services.credentials.forget((p) => p.kind === 'user' && p.userId === target.id);
    return c.body(null, 204);
  },
} satisfies HandlerTable;
