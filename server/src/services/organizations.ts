import { createApiKey } from '../auth/api-keys.js';
import { hashPassword } from '../auth/passwords.js';
import type { Db } from '../db/index.js';
import { organizations, users } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { checkIntl } from '../lib/intl.js';

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
