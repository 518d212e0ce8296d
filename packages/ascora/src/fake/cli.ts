#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEMO_API_KEY, startFakeAscora } from './index.js';

const usage = `Usage: node packages/ascora/dist/fake/cli.js [options]

Serves a fake Ascora API on 127.0.0.1 for demos and benchmarks.

  --port <n>               port (default 4010; 0 = any free port)
  --seed <n>               PRNG seed (default 1)
  --seed-customers <n>     customers to generate (default 0)
  --seed-jobs <n>          jobs (default 0)
  --seed-invoices <n>      invoices queued to send (default 0)
  --seed-payments <n>      payments queued to send (default 0)
  --malformed <n>          of each kind, how many are deliberately malformed (default 0)
  --api-key <key>          accepted key, repeatable (default ${DEMO_API_KEY})
  --latency-ms <n>         added to every request
  --rate-limit <n>         requests per second before 429 + Retry-After
  --error-rate <0-1>       share of requests answered 5xx
  --timeout-rate <0-1>     share of requests that hang for --timeout-ms (default 30000)
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    seed: { type: 'string', default: '1' },
    'seed-customers': { type: 'string', default: '0' },
    'seed-jobs': { type: 'string', default: '0' },
    'seed-invoices': { type: 'string', default: '0' },
    'seed-payments': { type: 'string', default: '0' },
    malformed: { type: 'string', default: '0' },
    'api-key': { type: 'string', multiple: true },
    'latency-ms': { type: 'string', default: '0' },
    'rate-limit': { type: 'string' },
    'error-rate': { type: 'string', default: '0' },
    'timeout-rate': { type: 'string', default: '0' },
    'timeout-ms': { type: 'string', default: '30000' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

function number(name: keyof typeof values, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < min || value > max) {
    process.stderr.write(`--${name} must be a number from ${min} to ${max}, got ${values[name]}\n\n${usage}`);
    process.exit(2);
  }
  return value;
}

const { url, fake, close } = await startFakeAscora({
  port: number('port', { max: 65_535 }),
  seed: number('seed'),
  apiKeys: values['api-key'] ?? [DEMO_API_KEY],
  counts: {
    customers: number('seed-customers'),
    jobs: number('seed-jobs'),
    invoices: number('seed-invoices'),
    payments: number('seed-payments'),
    malformed: number('malformed'),
  },
  faults: {
    latencyMs: number('latency-ms'),
    rateLimitPerSecond: values['rate-limit'] === undefined ? null : number('rate-limit', { min: 1 }),
    errorRate: number('error-rate', { max: 1 }),
    timeoutRate: number('timeout-rate', { max: 1 }),
    timeoutMs: number('timeout-ms'),
  },
});

const { store } = fake;
process.stdout.write(
  `Fake Ascora at ${url} — ${store.customers.size} customers, ${store.jobs.size} jobs, ` +
    `${store.invoiceQueue.size} invoices and ${store.paymentQueue.size} payments to send.\n` +
    `Auth header: ${values['api-key'] ? '(the keys given)' : DEMO_API_KEY}\n`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void close().then(() => process.exit(0));
  });
}
