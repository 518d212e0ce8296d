import type { components } from '@crewkit/sdk/openapi';
import type { apiKeys, organizations, users } from '../db/schema.js';
import { iso } from '../lib/time.js';

type Schemas = components['schemas'];

export function toUser(row: typeof users.$inferSelect): Schemas['User'] {
  return {
    id: row.id,
    organizationId: row.orgId,
    email: row.email,
    name: row.name,
    role: row.role,
    lastLoginAt: iso(row.lastLoginAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toBookingSettings(row: typeof organizations.$inferSelect): Schemas['BookingSettings'] {
  return {
    minimumNoticeMinutes: row.minimumNoticeMinutes,
    horizonDays: row.horizonDays,
    slotStepMinutes: row.slotStepMinutes,
  };
}

export function toOrganization(row: typeof organizations.$inferSelect): Schemas['Organization'] {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    timeZone: row.timeZone,
    currency: row.currency,
    locale: row.locale,
    bookingSettings: toBookingSettings(row),
    auditRetentionDays: row.auditRetentionDays,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toApiKey(row: typeof apiKeys.$inferSelect): Schemas['ApiKey'] {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    prefix: row.prefix,
    allowedOrigins: row.allowedOrigins,
    createdAt: iso(row.createdAt),
    lastUsedAt: iso(row.lastUsedAt),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
  };
}

export function toBookingProfile(profile: {
  organization: typeof organizations.$inferSelect;
  technicians: { id: string; name: string }[];
}): Schemas['BookingProfile'] {
  const org = profile.organization;
  return {
    id: org.id,
    name: org.name,
    timeZone: org.timeZone,
    currency: org.currency,
    locale: org.locale,
    bookingSettings: toBookingSettings(org),
    technicians: profile.technicians,
  };
}
