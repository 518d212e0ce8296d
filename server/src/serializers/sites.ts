import type { components } from '@crewkit/sdk/openapi';
import type { SiteAddress } from '../db/schema.js';

type Schemas = components['schemas'];

/**
 * A visit's site with a link that opens it in a maps app: by coordinates when known (a gate round
 * the back is not where the street address geocodes to), else by the address as written. The
 * universal Google Maps URL opens the app on phones and the site on desktops.
 */
export function toSite(site: SiteAddress | null): Schemas['AppointmentSite'] | null {
  if (!site) return null;
  const query =
    site.latitude !== undefined && site.longitude !== undefined
      ? `${site.latitude},${site.longitude}`
      : siteLine(site);
  if (!query) return null;
  return { ...site, mapsUrl: `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(query)}` };
}

/** The address on one line, as a calendar's LOCATION or a maps search wants it. */
export function siteLine(site: SiteAddress): string {
  return [
    site.line1,
    site.line2,
    site.city,
    [site.region, site.postalCode].filter(Boolean).join(' '),
    site.country,
  ]
    .filter((part) => part && part.trim().length > 0)
    .join(', ');
}
