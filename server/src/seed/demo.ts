import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.js';
import type { Db } from '../db/index.js';
import { organizations, users } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { createOrganization } from '../services/organizations.js';

export const demoSlug = 'harbour-city-plumbing';
export const demoLogin = { email: 'owner@harbourcity.example', password: 'crewkit-demo-owner' };

const staff = [
  { name: 'Dana Whitfield', email: 'dispatch@harbourcity.example', role: 'dispatcher' as const },
  { name: 'Sam Okafor', email: 'sam@harbourcity.example', role: 'technician' as const },
  { name: 'Priya Raman', email: 'priya@harbourcity.example', role: 'technician' as const },
  { name: 'Luis Moreno', email: 'luis@harbourcity.example', role: 'technician' as const },
];
const staffPassword = 'crewkit-demo-staff';

/**
 * The demo's keys are derived from CREWKIT_SECRET rather than stored, so every start can print
 * them again (only their hashes are in the database), and they differ between installations.
 */
export function demoKeys(secret: string) {
  const derive = (purpose: string) =>
    createHmac('sha256', secret).update(`crewkit demo ${purpose}`).digest('base64url');
  return { secret: `sk_${derive('secret key')}`, publishable: `pk_${derive('publishable key')}` };
}

export interface DemoResult {
  orgId: string;
  created: boolean;
  secretKey: string;
  publishableKey: string;
  login: typeof demoLogin;
}

/** Creates the demo organization once: a small plumbing business in Sydney. Safe to run again. */
export async function seedDemo(db: Db, options: { secret: string; origins: string[] }): Promise<DemoResult> {
  const keys = demoKeys(options.secret);
  const [existing] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, demoSlug));
  if (existing)
    return {
      orgId: existing.id,
      created: false,
      secretKey: keys.secret,
      publishableKey: keys.publishable,
      login: demoLogin,
    };

  const { organization } = await createOrganization(db, {
    name: 'Harbour City Plumbing',
    slug: demoSlug,
    timeZone: 'Australia/Sydney',
    currency: 'AUD',
    locale: 'en-AU',
    owner: { email: demoLogin.email, name: 'Morgan Lee', password: demoLogin.password },
    allowedOrigins: options.origins,
    keys,
  });
  const passwordHash = await hashPassword(staffPassword);
  await db
    .insert(users)
    .values(staff.map((person) => ({ id: newId(), orgId: organization.id, passwordHash, ...person })));
  return {
    orgId: organization.id,
    created: true,
    secretKey: keys.secret,
    publishableKey: keys.publishable,
    login: demoLogin,
  };
}
