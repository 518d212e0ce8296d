// @ts-check
// Two builds of the same sources:
// - dist/<element>/define.js … per-element ESM for bundlers, with lit and @crewkit/sdk left external;
// - dist/crewkit.js: one self-contained, minified file that defines every element, for a single
//   <script type="module">, served by the reference server at /elements/crewkit.js.
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
    input: src('crewkit.ts'),
    plugins: [resolve(), minifyCss(), typescript(), minify()],
    output: { file: out('crewkit.js'), format: 'es', sourcemap: true },
  },
];

/** Another element's entry, when its folder exists (elements land one at a time). */
async function optional(name) {
  const { existsSync } = await import('node:fs');
  return existsSync(src(`${name}.ts`)) ? { [name]: src(`${name}.ts`) } : {};
}
