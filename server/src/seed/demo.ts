import { createHmac } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.js';
import type { Db } from '../db/index.js';
import {
  organizations,
  serviceCategories,
  serviceItems,
  technicians,
  users,
  type WeeklyHours,
} from '../db/schema.js';
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
  if (existing) {
    // The port may differ from the first run's: let the demo key work from this server's origins too.
    await db.execute(sql`
      update api_keys set allowed_origins = array(
        select distinct unnest(allowed_origins || array[${sql.join(
          options.origins.map((origin) => sql`${origin}`),
          sql`, `,
        )}]::text[]) order by 1)
      where org_id = ${existing.id} and kind = 'publishable' and revoked_at is null`);
    return {
      orgId: existing.id,
      created: false,
      secretKey: keys.secret,
      publishableKey: keys.publishable,
      login: demoLogin,
    };
  }

  // One transaction: an interrupted seed leaves nothing, so the next start seeds it whole.
  const organization = await db.transaction(async (tx) => {
    const { organization } = await createOrganization(tx, {
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
    const staffRows = await tx
      .insert(users)
      .values(staff.map((person) => ({ id: newId(), orgId: organization.id, passwordHash, ...person })))
      .returning();
    await seedCatalogAndCrew(tx, organization.id, staffRows);
    return organization;
  });
  return {
    orgId: organization.id,
    created: true,
    secretKey: keys.secret,
    publishableKey: keys.publishable,
    login: demoLogin,
  };
}

const weekdayHours: WeeklyHours = Object.fromEntries(
  (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => [
    day,
    [
      { start: '07:30', end: '12:00' },
      { start: '12:30', end: '16:30' },
    ],
  ]),
);

const crew = [
  {
    email: 'sam@harbourcity.example',
    skills: [
      { skill: 'plumbing', proficiency: 5 },
      { skill: 'gas', proficiency: 4 },
    ],
    certifications: [{ name: 'gas', expiresOn: '2030-06-30' }],
    weeklyHours: { ...weekdayHours, saturday: [{ start: '08:00', end: '12:00' }] },
  },
  {
    email: 'priya@harbourcity.example',
    skills: [
      { skill: 'plumbing', proficiency: 4 },
      { skill: 'drains', proficiency: 5 },
    ],
    certifications: [],
    weeklyHours: weekdayHours,
  },
  {
    email: 'luis@harbourcity.example',
    skills: [
      { skill: 'plumbing', proficiency: 3 },
      { skill: 'hot-water', proficiency: 5 },
      { skill: 'gas', proficiency: 3 },
    ],
    certifications: [{ name: 'gas', expiresOn: '2029-03-31' }],
    weeklyHours: weekdayHours,
  },
];

/** What a small plumbing business sells, and the three technicians who do it. */
async function seedCatalogAndCrew(db: Db, orgId: string, staffRows: Array<typeof users.$inferSelect>) {
  const category = async (name: string, description: string) => {
    const [row] = await db
      .insert(serviceCategories)
      .values({ id: newId(), orgId, name, description })
      .returning();
    return row!.id;
  };
  const general = await category('General plumbing', 'Taps, toilets, leaks and pipes.');
  const drains = await category('Drains', 'Blocked and slow drains, CCTV inspection.');
  const hotWater = await category(
    'Hot water & gas',
    'Hot water systems and gas appliances, by licensed fitters.',
  );
  const item = (
    categoryId: string,
    name: string,
    minutes: number,
    priceMinor: number,
    skills: Array<[string, number]>,
    extra: Partial<typeof serviceItems.$inferInsert> = {},
  ) => ({
    id: newId(),
    orgId,
    categoryId,
    name,
    durationMinutes: minutes,
    bufferBeforeMinutes: 15,
    bufferAfterMinutes: 15,
    basePriceMinor: priceMinor,
    requiredSkills: skills.map(([skill, minProficiency]) => ({ skill, minProficiency })),
    ...extra,
  });
  await db.insert(serviceItems).values([
    item(general, 'Leaking tap repair', 60, 14900, [['plumbing', 2]], {
      description: 'Washers, cartridges and spindles replaced.',
    }),
    item(general, 'Toilet repair', 60, 16900, [['plumbing', 2]]),
    item(general, 'Burst pipe (emergency)', 120, 34900, [['plumbing', 4]], { minimumNoticeMinutes: 30 }),
    item(drains, 'Blocked drain clearing', 90, 22900, [['drains', 3]]),
    item(drains, 'CCTV drain inspection', 60, 27900, [['drains', 4]]),
    item(hotWater, 'Hot water system service', 90, 24900, [['hot-water', 3]]),
    item(hotWater, 'Gas appliance safety check', 60, 18900, [['gas', 3]]),
    item(general, 'Site quote (internal)', 30, 0, [], { public: false }),
  ]);
  await db.insert(technicians).values(
    crew.map((member) => {
      const user = staffRows.find((u) => u.email === member.email)!;
      return {
        id: newId(),
        orgId,
        userId: user.id,
        name: user.name,
        email: user.email,
        timeZone: 'Australia/Sydney',
        skills: member.skills,
        certifications: member.certifications,
        weeklyHours: member.weeklyHours,
      };
    }),
  );
}
