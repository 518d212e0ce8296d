// Writes packages/sdk/src/generated/enums.ts: every named enum in openapi.yaml's components as a
// constant array, so the server's tables and state machines and the elements import one list
// instead of copying it. `--check` fails when the file is not what the spec would produce
// (`npm run check:generated`), like openapi-typescript's own --check.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url);
const target = new URL('packages/sdk/src/generated/enums.ts', root);
const spec = parse(readFileSync(new URL('openapi.yaml', root), 'utf8'));
const schemas = spec.components.schemas;

/** AppointmentStatus → appointmentStatuses, AscoraConflictStrategy → ascoraConflictStrategies. */
function plural(name) {
  const camel = name[0].toLowerCase() + name.slice(1);
  if (/[^aeiou]y$/.test(camel)) return `${camel.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(camel)) return `${camel}es`;
  return `${camel}s`;
}

const lines = [
  '/**',
  ' * This file was generated from openapi.yaml by scripts/generate-enums.mjs (npm run generate).',
  ' * Do not make direct changes to the file.',
  ' */',
  '',
];
for (const [name, schema] of Object.entries(schemas)) {
  if (!Array.isArray(schema.enum)) continue;
  const values = schema.enum.map((value) => JSON.stringify(value)).join(', ');
  lines.push(`/** components['schemas']['${name}'] */`);
  lines.push(`export const ${plural(name)} = [${values}] as const;`);
}
// Weekday names are not an enum in the spec but the keys of WeeklyHours, in calendar order.
const weekdays = Object.keys(schemas.WeeklyHours.properties).map((day) => JSON.stringify(day));
lines.push("/** The keys of components['schemas']['WeeklyHours'], Monday first. */");
lines.push(`export const weekdays = [${weekdays.join(', ')}] as const;`);
const text = `${lines.join('\n')}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: reported below
  }
  if (current !== text) {
    console.error(
      'packages/sdk/src/generated/enums.ts is out of date with openapi.yaml: run npm run generate',
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
