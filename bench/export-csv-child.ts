/**
 * Child process of the export bench: opens the store prepared by bench/export-csv.ts (BENCH_EXPORT_CSV, JSON),
 * exports the newest 50,000 calls as CSV the way "Export CSV" does (keyset-paged reads, cached names, the CSV
 * writer), and measures its own time and memory (RSS sampled every 20 ms, and the kernel's peak). Then it times
 * `name:` searches over the name cache. Prints one JSON line on stdout.
 */
import { exportCalls, readCalls } from '../src/calls/export-calls.js';
import { openCallStore } from '../src/store/open-call-store.js';
import { createUserNames } from '../src/store/user-names.js';
import { runMain } from './lib/run-main.js';

interface ChildInput {
  dataDir: string;
  from: number;
  to: number;
  nameSearches: string[];
}

export interface ExportCsvChildOutput {
  rows: number;
  total: number;
  truncated: boolean;
  bytes: number;
  elapsedMs: number;
  /** CPU time of the export (user + system): what the wall time would be on an idle core. */
  cpuMs: number;
  /** Of `elapsedMs`: reading the calls from the store alone (a second pass, without writing). */
  readMs: number;
  baselineRss: number;
  peakRssSampled: number;
  maxRssKernel: number;
  /** Milliseconds per `name:` search over the whole cache, one per text. */
  nameSearchMs: number[];
  nameUsers: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_EXPORT_CSV ?? '{}') as ChildInput;
  const store = await openCallStore({ dataDir: input.dataDir, retentionDays: 3650 });
  const names = createUserNames(store.db, store.engine);
  const query = { users: [], results: [], callTypes: [], mediaTypes: [], from: input.from, to: input.to };
  // Warm-up: the schema, the JIT, the page cache of a small read.
  await store.findCalls(query, { limit: 10 });
  const baselineRss = process.memoryUsage.rss();
  let peak = baselineRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);

  const started = performance.now();
  const cpu = process.cpuUsage();
  const file = await exportCalls(store, names, { ...query, timeZone: 'Asia/Shanghai' }, { timeZone: 'Asia/Shanghai' });
  const bytes = Buffer.byteLength(file.csv);
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());

  const readStarted = performance.now();
  for await (const _chunk of readCalls(store, { ...query, timeZone: 'UTC' })) {
    // reading only
  }
  const readMs = performance.now() - readStarted;

  const nameSearchMs: number[] = [];
  for (const text of input.nameSearches) {
    const t = performance.now();
    await names.findUsersByName(text, 21);
    nameSearchMs.push(performance.now() - t);
  }
  const counted = await store.db
    .selectFrom('user_names')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  await store.close();

  const output: ExportCsvChildOutput = {
    rows: file.rows,
    total: file.total,
    truncated: file.truncated,
    bytes,
    elapsedMs,
    cpuMs: (used.user + used.system) / 1000,
    readMs,
    baselineRss,
    peakRssSampled: peak,
    maxRssKernel: process.resourceUsage().maxRSS * 1024,
    nameSearchMs,
    nameUsers: Number(counted?.n ?? 0),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

runMain('export-csv child', main);
