// Prints the gzipped size of what a host page downloads, and fails when a budget is exceeded:
// - the booking widget alone, bundled with Lit and the SDK (a site that bundles only <crew-booking>);
// - through the one script tag (dist/crewkit.js, as served at /elements/crewkit.js): the loader
//   itself, a page with only <crew-booking> (the loader and the chunks it fetches for it), and every
//   element (all the chunks, as an admin page using them all downloads them).
// Each file is gzipped on its own, as the server sends it.
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { loaderInput, loaderOutput, plugins } from '../packages/elements/rollup.config.mjs';

const src = (path) => new URL(`../packages/elements/src/${path}`, import.meta.url).pathname;
const build = () => [plugins.resolve(), plugins.minifyCss(), plugins.typescript(), plugins.minify()];
const gzipKb = (code) => gzipSync(code, { level: 9 }).length / 1024;
const rawKb = (code) => Buffer.byteLength(code) / 1024;

/** @type {{ name: string; files: string[]; limitKb: number }[]} */
const budgets = [];
/** @type {Map<string, string>} */
const code = new Map();

{
  const bundle = await rollup({ input: src('booking/define.ts'), plugins: build(), onwarn: () => {} });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  code.set('booking-alone.js', output.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join(''));
  budgets.push({
    name: 'booking widget alone (with Lit and the SDK)',
    files: ['booking-alone.js'],
    limitKb: 30,
  });
}

{
  const bundle = await rollup({
    input: { crewkit: src('crewkit.ts') },
    ...loaderInput,
    plugins: build(),
    onwarn: () => {},
  });
  const { output } = await bundle.generate(loaderOutput);
  await bundle.close();
  const chunks = output.filter((chunk) => chunk.type === 'chunk');
  for (const chunk of chunks) code.set(chunk.fileName, chunk.code);
  const loader = chunks.find((chunk) => chunk.isEntry);
  const booking = chunks.find((chunk) => chunk.facadeModuleId === src('booking/define.ts'));
  if (!loader || !booking) throw new Error('The loader build has no crewkit.js or no booking chunk.');
  /** A chunk and everything it imports statically: what the browser fetches before it runs. */
  const withImports = (fileName, into = new Set()) => {
    if (into.has(fileName)) return into;
    into.add(fileName);
    for (const imported of chunks.find((chunk) => chunk.fileName === fileName)?.imports ?? [])
      withImports(imported, into);
    return into;
  };
  budgets.push(
    { name: 'crewkit.js, the loader itself', files: [loader.fileName], limitKb: 3 },
    {
      name: 'a page with only <crew-booking> through crewkit.js',
      files: [...withImports(booking.fileName, withImports(loader.fileName))],
      limitKb: 34,
    },
    // Every element through the one script tag; each new element's chunk adds to this line only.
    {
      name: 'every element through crewkit.js (all chunks)',
      files: chunks.map((c) => c.fileName),
      limitKb: 130,
    },
  );
}

let failed = false;
for (const { name, files, limitKb } of budgets) {
  const gzip = files.reduce((sum, file) => sum + gzipKb(code.get(file)), 0);
  const raw = files.reduce((sum, file) => sum + rawKb(code.get(file)), 0);
  const ok = gzip <= limitKb;
  failed ||= !ok;
  const count = files.length > 1 ? `, ${files.length} files` : '';
  console.log(
    `${ok ? 'ok  ' : 'OVER'} ${name}: ${gzip.toFixed(1)} KB gzipped (${raw.toFixed(1)} KB minified${count}), budget ${limitKb} KB`,
  );
}
if (failed) {
  console.error('An elements bundle is over its size budget (see docs/performance.md).');
  process.exit(1);
}
