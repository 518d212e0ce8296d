// Prints the gzipped size of what a host page downloads, and fails when a budget is exceeded:
// - the booking widget alone, bundled with Lit and the SDK (a site that embeds only <crew-booking>);
// - the one-file bundle with every element (dist/crewkit.js, as served at /elements/crewkit.js).
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { plugins } from '../packages/elements/rollup.config.mjs';

const budgets = [
  { name: 'booking widget alone (with Lit and the SDK)', entry: 'booking/define.ts', limitKb: 30 },
  { name: 'all elements, one file (crewkit.js)', entry: 'crewkit.ts', limitKb: 90 },
];

let failed = false;
for (const { name, entry, limitKb } of budgets) {
  const bundle = await rollup({
    input: new URL(`../packages/elements/src/${entry}`, import.meta.url).pathname,
    plugins: [plugins.resolve(), plugins.minifyCss(), plugins.typescript(), plugins.minify()],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const code = output.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('');
  const raw = Buffer.byteLength(code) / 1024;
  const gzip = gzipSync(code, { level: 9 }).length / 1024;
  const ok = gzip <= limitKb;
  failed ||= !ok;
  console.log(
    `${ok ? 'ok  ' : 'OVER'} ${name}: ${gzip.toFixed(1)} KB gzipped (${raw.toFixed(1)} KB minified), budget ${limitKb} KB`,
  );
}
if (failed) {
  console.error('An elements bundle is over its size budget (see docs/performance.md).');
  process.exit(1);
}
