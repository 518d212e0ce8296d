import { readFileSync } from 'node:fs';
import * as sdk from '@crewkit/sdk';
import * as enums from '@crewkit/sdk/enums';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const spec = parse(readFileSync(new URL('../../../openapi.yaml', import.meta.url), 'utf8'));
const schemas: Record<string, { enum?: unknown[]; properties?: Record<string, unknown> }> =
  spec.components.schemas;
const named = Object.entries(schemas).filter(([, schema]) => Array.isArray(schema.enum));

describe('enums exported from the spec', () => {
  it.each(named)('exports %s with exactly the values and order openapi.yaml lists', (name, schema) => {
    // AppointmentStatus → appointmentStatuses, AscoraConflictStrategy → ascoraConflictStrategies
    const camel = name[0]!.toLowerCase() + name.slice(1);
    const plural = camel.replace(/([^aeiou])y$/, '$1ie').replace(/(s|x|ch|sh)$/, '$1e');
    expect((enums as Record<string, unknown>)[`${plural}s`]).toEqual(schema.enum);
  });

  it('exports nothing the spec does not list', () => {
    expect(Object.keys(enums)).toHaveLength(named.length + 1); // + weekdays
  });

  it('names the appointment statuses, roles, key kinds, channels and job statuses as the code imports them', () => {
    expect(enums.appointmentStatuses).toEqual(schemas.AppointmentStatus!.enum);
    expect(enums.roles).toEqual(schemas.Role!.enum);
    expect(enums.apiKeyKinds).toEqual(schemas.ApiKeyKind!.enum);
    expect(enums.communicationChannels).toEqual(schemas.CommunicationChannel!.enum);
    expect(enums.jobStatuses).toEqual(schemas.JobStatus!.enum);
  });

  it('lists the weekdays as the keys of WeeklyHours, Monday first', () => {
    expect(enums.weekdays).toEqual(Object.keys(schemas.WeeklyHours!.properties!));
    expect(enums.weekdays[0]).toBe('monday');
  });

  it('is re-exported from the package root for the elements', () => {
    expect(sdk.appointmentStatuses).toBe(enums.appointmentStatuses);
  });
});
