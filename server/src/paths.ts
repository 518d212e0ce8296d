import { fileURLToPath } from 'node:url';

// Every module that needs a file from the repository root asks here, so the depth is known in one
// place. Both src/ (tests, tsx) and dist/ (the build) sit one level below server/.
const repoRoot = new URL('../../', import.meta.url);

export const specPath = fileURLToPath(new URL('openapi.yaml', repoRoot));
export const migrationsPath = fileURLToPath(new URL('server/drizzle/', repoRoot));
export const serverPackageJsonPath = fileURLToPath(new URL('server/package.json', repoRoot));
