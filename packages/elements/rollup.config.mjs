// @ts-check
// Two builds of the same sources:
// - dist/<element>/define.js … per-element ESM for bundlers, with lit and @crewkit/sdk left external;
// - dist/crewkit.js: the one <script type="module"> a host page needs, served by the reference server
//   at /elements/crewkit.js: a small loader that fetches, from dist/chunks/ beside it, only the
//   minified chunks of the elements the page uses (Lit and the SDK in one chunk they share).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const src = (path) => new URL(`./src/${path}`, import.meta.url).pathname;
const out = (path) => new URL(`./dist/${path}`, import.meta.url).pathname;

// The SDK resolves to its TypeScript sources, so the elements never bundle a stale SDK build.
const resolve = () =>
  nodeResolve({ exportConditions: ['crewkit-source', 'browser', 'production'], extensions: ['.ts', '.js'] });
const typescript = () =>
  esbuild({ target: 'es2022', tsconfig: new URL('./tsconfig.json', import.meta.url).pathname });
const minify = () =>
  terser({ ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false } });

/**
 * Terser leaves the text of Lit's css`…` templates alone; this drops their comments and the
 * whitespace that CSS does not need (about 0.8 KB gzipped off the booking widget). Whitespace inside
 * values (`calc(a * b)`, `0 0 0 3px`) and before a colon (a descendant `:focus`) is kept.
 * @returns {import('rollup').Plugin}
 */
const minifyCss = () => ({
  name: 'crewkit-minify-css',
  transform(code, id) {
    if (!/styles\.ts$/.test(id)) return null;
    return {
      code: code.replace(/css`([^`]*)`/g, (_, body) => {
        const tight = body
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,])\s*/g, '$1')
          .replace(/:\s+/g, ':')
          .trim();
        return `css\`${tight}\``;
      }),
      map: null,
    };
  },
});

/** @type {import('rollup').RollupOptions[]} */
/** Shared with scripts/size-budget.mjs, which measures the same bundles. */
export const plugins = { resolve, typescript, minify, minifyCss };

/**
 * Lit, the SDK and the elements' shared base (src/shared) go in two chunks rather than wherever
 * rollup's analysis would scatter them (many requests of a few hundred bytes each):
 * - core: the part the booking widget uses, which every element needs;
 * - staff: the rest, which only the staff elements use (the live event stream, the staff API
 *   resources, qualification and refusal messages …), so a booking page does not download it.
 *
 * What the loader exports (the events, registerTranslation, defineElement) stays in the loader's own
 * chunk, crewkit.js: rollup otherwise pulls a manual chunk's dependencies into it, and the loader
 * would import the core to read one event class.
 * @type {import('rollup').GetManualChunk}
 */
export function manualChunks(id, { getModuleInfo }) {
  if (/\/src\/(crewkit|[\w-]+\/events|shared\/(translations|register|version))\.ts$/.test(id))
    return 'crewkit';
  if (!/\/node_modules\/|\/packages\/sdk\/|\/src\/shared\//.test(id)) return undefined;
  // The SDK's barrel imports all of it, so the module graph says the booking widget reaches it all;
  // the widget calls only its `bookingResources`, and never the live event stream.
  if (staffOnlySdk.test(id)) return 'staff';
  return reachedByBooking(getModuleInfo).has(id) ? 'core' : 'staff';
}

// The SDK's `bookingResources` and the module they share; should the widget call another resource,
// that resource lands in staff and the booking page fetches staff too, which `npm run size` shows.
const staffOnlySdk =
  /\/packages\/sdk\/src\/(event-stream|generated\/enums|resources\/(?!(booking|context|organizations|services|availability|holds|appointments)\.ts)[\w-]+)\.ts$/;

/** Every module the booking widget imports, directly or not: once per build (per module graph). */
const bookingClosures = new WeakMap();
function reachedByBooking(/** @type {import('rollup').GetModuleInfo} */ getModuleInfo) {
  /** @type {Set<string> | undefined} */
  let seen = bookingClosures.get(getModuleInfo);
  if (seen) return seen;
  seen = new Set([src('booking/define.ts')]);
  for (const id of seen) for (const imported of getModuleInfo(id)?.importedIds ?? []) seen.add(imported);
  bookingClosures.set(getModuleInfo, seen);
  return seen;
}

/** Shared with scripts/size-budget.mjs. Chunk names carry a hash of their content, so they can be cached for good. */
export const loaderOutput = {
  format: 'es',
  entryFileNames: 'crewkit.js',
  // An element's chunk is named for its folder (chunks/booking-….js), so a network panel reads plainly.
  chunkFileNames: (/** @type {import('rollup').PreRenderedChunk} */ chunk) => {
    const element = /\/src\/([^/]+)\/define\.ts$/.exec(chunk.facadeModuleId ?? '')?.[1];
    return `chunks/${element ?? '[name]'}-[hash].js`;
  },
  manualChunks,
};

/** The loader's own exports plus the bindings its chunks share with it, in crewkit.js itself rather than behind a facade. */
export const loaderInput = {
  preserveEntrySignatures: /** @type {const} */ ('allow-extension'),
};

export default [
  {
    input: {
      index: src('index.ts'),
      'booking/define': src('booking/define.ts'),
      ...(await optional('appointment-list/define')),
      ...(await optional('ascora-connect/define')),
      ...(await optional('ascora-sync/define')),
      ...(await optional('ascora-customers/define')),
      ...(await optional('ascora-jobs/define')),
      ...(await optional('dispatch-board/define')),
      ...(await optional('catalog-editor/define')),
      ...(await optional('technician-editor/define')),
      ...(await optional('job-sheet/define')),
      ...(await optional('webhooks/define')),
      ...(await optional('notification-settings/define')),
    },
    external: [/^lit($|\/)/, /^@lit\//, /^@crewkit\/sdk($|\/)/],
    plugins: [resolve(), typescript()],
    output: {
      dir: out(''),
      format: 'es',
      sourcemap: true,
      preserveModules: true,
      preserveModulesRoot: src(''),
    },
  },
  {
    input: { crewkit: src('crewkit.ts') },
    ...loaderInput,
    plugins: [resolve(), minifyCss(), typescript(), minify()],
    output: { ...loaderOutput, dir: out(''), sourcemap: true },
  },
];

/** Another element's entry, when its folder exists (elements land one at a time). */
async function optional(name) {
  const { existsSync } = await import('node:fs');
  return existsSync(src(`${name}.ts`)) ? { [name]: src(`${name}.ts`) } : {};
}
