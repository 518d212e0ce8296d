import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import { createApiKey } from '../auth/api-keys.js';
import { hashPassword } from '../auth/passwords.js';
import type { Services } from '../context.js';
import type { Db } from '../db/index.js';
import { organizations, technicians, users } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { newId } from '../lib/ids.js';
import { checkIntl } from '../lib/intl.js';

type OrganizationRow = typeof organizations.$inferSelect;

export interface NewOrganization {
  name: string;
  slug?: string;
  timeZone?: string;
  currency?: string;
  locale?: string;
  owner?: { email: string; name: string; password: string };
  /** Origins for the publishable key created with the organization. */
  allowedOrigins?: string[];
  /** Known key secrets (the demo's); random when absent. */
  keys?: { secret: string; publishable: string };
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'org';
}

/**
 * Creates an organization with a secret key and a publishable key (and an owner when given), all
 * in one transaction: a failure leaves nothing half made. Used by the CLI and the demo seed.
 */
export async function createOrganization(db: Db, input: NewOrganization) {
  const values = {
    timeZone: input.timeZone ?? 'UTC',
    currency: input.currency ?? 'USD',
    locale: input.locale ?? 'en',
  };
  const problems = checkIntl(values, 'organization');
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.path} ${p.message}`).join('; '));
  return db.transaction(async (tx) => {
    const id = newId();
    const slug = input.slug ?? `${slugify(input.name)}-${id.slice(-6)}`;
    const [org] = await tx
      .insert(organizations)
      .values({ id, name: input.name, slug, ...values })
      .returning();
    const owner = input.owner
      ? (
          await tx
            .insert(users)
            .values({
              id: newId(),
              orgId: id,
              email: input.owner.email,
              name: input.owner.name,
              role: 'owner',
              passwordHash: await hashPassword(input.owner.password),
            })
            .returning()
        )[0]
      : undefined;
    const secretKey = await createApiKey(tx, {
      orgId: id,
      kind: 'secret',
      name: 'Default secret key',
      ...(input.keys ? { secret: input.keys.secret } : {}),
    });
    const publishableKey = await createApiKey(tx, {
      orgId: id,
      kind: 'publishable',
      name: 'Default publishable key',
      allowedOrigins: input.allowedOrigins ?? [],
      ...(input.keys ? { secret: input.keys.publishable } : {}),
    });
    return { organization: org!, owner, secretKey: secretKey.secret, publishableKey: publishableKey.secret };
  });
}

/**
 * Finds organizations by id on every request. The booking widget reads the profile on every page
 * view, so on the shared handle a prepared statement skips drizzle's query building and
 * PostgreSQL's parse and plan; one per services container, made on first use.
 */
export class OrganizationLookup {
  readonly #db: Db;
  #prepared: ReturnType<OrganizationLookup['prepare']> | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  private prepare() {
    return this.#db
      .select()
      .from(organizations)
      .where(eq(organizations.id, sql.placeholder('orgId')))
      .prepare('find_organization');
  }

  /** The organization, or 404. `db` is the request's database: the shared one or its transaction. */
  async find(db: Db, orgId: string): Promise<OrganizationRow> {
    // A transaction (idempotent request) has its own connection; it gets the plain query.
    if (db === this.#db && !this.#prepared) this.#prepared = this.prepare();
    const [org] =
      db === this.#db && this.#prepared
        ? await this.#prepared.execute({ orgId })
        : await db.select().from(organizations).where(eq(organizations.id, orgId));
    if (!org) throw new ApiError('not_found');
    return org;
  }
}

/** The organization, or 404. `db` is the request's database: the root one or its transaction. */
export function findOrganization(db: Db, services: Services, orgId: string): Promise<OrganizationRow> {
  return services.organizations.find(db, orgId);
}

/** The id of the organization with this slug, if there is one. */
export async function findOrganizationIdBySlug(db: Db, slug: string): Promise<string | undefined> {
  const [found] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, slug));
  return found?.id;
}

export async function updateOrganization(
  db: Db,
  orgId: string,
  body: components['schemas']['OrganizationUpdate'],
): Promise<OrganizationRow> {
  const errors = checkIntl(body);
  if (errors.length > 0) throw new ApiError('validation_failed', { errors });
  const { bookingSettings, ...rest } = body;
  const [org] = await db
    .update(organizations)
    .set({ ...rest, ...bookingSettings, updatedAt: sql`now()` })
    .where(eq(organizations.id, orgId))
    .returning();
  if (!org) throw new ApiError('not_found');
  return org;
}

/** What the booking widget shows before anything else: the organization and whom one can book. */
export async function bookingProfile(db: Db, services: Services, orgId: string) {
  // In parallel: a visitor waits for this before the widget shows anything.
  const [organization, bookable] = await Promise.all([
    findOrganization(db, services, orgId),
    db
      .select({ id: technicians.id, name: technicians.name })
      .from(technicians)
      .where(and(eq(technicians.orgId, orgId), eq(technicians.active, true)))
      .orderBy(asc(technicians.name), asc(technicians.id)),
  ]);
  return { organization, technicians: bookable };
}
