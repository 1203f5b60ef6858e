/**
 * Bench: "Export CSV" of 50,000 calls from the embedded store (SQLite), time and peak RSS (targets: under 5 s and
 * under 300 MB), plus `name:` searches over a name cache of 100,000 users (the contains-search scans by design,
 * see migration 003). The store is filled here (60,000 calls, so the export is cut at its 50,000); the export
 * runs in a child process on compiled JavaScript, as `npm start` runs the app, so the fill does not count.
 *
 *   npx tsx bench/export-csv.ts        (also part of `npm run bench`)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_EXPORT_CALLS } from '../src/calls/export-calls.js';
import type { CallRecord } from '../src/calls/records.js';
import { generateDataset } from '../src/demo/dataset.js';
import { openCallStore } from '../src/store/open-call-store.js';
import { createUserNames } from '../src/store/user-names.js';
import { normalizeRecord } from '../src/tencent/normalize-record.js';
import type { ExportCsvChildOutput } from './export-csv-child.js';
import { compileEntry } from './lib/compile.js';
import { mb, percentile, round, table } from './lib/format.js';
import { runJsonChild } from './lib/json-child.js';

export interface ExportCsvResult {
  storedCalls: number;
  rows: number;
  truncated: boolean;
  fileMb: number;
  runtime: string;
  elapsedMs: number;
  cpuMs: number;
  readMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  maxRssKernelMb: number;
  nameUsers: number;
  nameSearchMedianMs: number;
  nameSearchMaxMs: number;
}

export const EXPORT_TARGETS = { elapsedMs: 5_000, peakRssMb: 300 };

const CHILD_SOURCE = fileURLToPath(new URL('./export-csv-child.ts', import.meta.url));
const STORED_CALLS = 60_000;
const NAMED_USERS = 100_000;
const NAME_SEARCHES = ['alice', 'zoe ang', 'núñez', 'nobody at all', 'a', 'user 99999'];

export async function benchExportCsv(progress: (text: string) => void = () => {}): Promise<ExportCsvResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-bench-export-'));
  try {
    const now = Math.floor(Date.now() / 1000);
    progress(`filling an embedded store with ${STORED_CALLS.toLocaleString('en-US')} calls…`);
    const store = await openCallStore({ dataDir, retentionDays: 3650 });
    const wire = generateDataset({ seed: 5, now, days: 6, callsPerDay: STORED_CALLS / 6, users: 2_000 });
    const records = wire.flatMap((raw) => {
      const normalized = normalizeRecord(raw, now);
      return normalized.ok ? [normalized.record] : [];
    });
    for (let i = 0; i < records.length; i += 2_000)
      await store.upsertCalls(records.slice(i, i + 2_000) as CallRecord[]);
    const names = createUserNames(store.db, store.engine);
    const users = new Set(records.flatMap((r) => [r.caller, ...r.callees]));
    const named = [...users].map((userId, i) => ({ userId, name: i % 7 === 0 ? 'Zoë Ångström' : `Alice ${userId}` }));
    for (let i = named.length; i < NAMED_USERS; i++) named.push({ userId: `user-${i}`, name: `User ${i} Núñez` });
    for (let i = 0; i < named.length; i += 5_000) await names.saveNames(named.slice(i, i + 5_000), now);
    await store.close();

    const compiled = await compileEntry(CHILD_SOURCE);
    const args = compiled === undefined ? ['--import', 'tsx', CHILD_SOURCE] : [compiled];
    progress(`exporting the newest ${MAX_EXPORT_CALLS.toLocaleString('en-US')} as CSV in a child process…`);
    const input = { dataDir, from: now - 7 * 86_400, to: now + 1, nameSearches: NAME_SEARCHES };
    const output = await runJsonChild<ExportCsvChildOutput>('export-csv', args, {
      BENCH_EXPORT_CSV: JSON.stringify(input),
    });
    return {
      storedCalls: records.length,
      rows: output.rows,
      truncated: output.truncated,
      fileMb: mb(output.bytes),
      runtime: compiled === undefined ? 'node --import tsx (esbuild unavailable)' : 'node (compiled)',
      elapsedMs: round(output.elapsedMs, 0),
      cpuMs: round(output.cpuMs, 0),
      readMs: round(output.readMs, 0),
      baselineRssMb: mb(output.baselineRss),
      peakRssMb: mb(output.peakRssSampled),
      maxRssKernelMb: mb(output.maxRssKernel),
      nameUsers: output.nameUsers,
      nameSearchMedianMs: round(percentile(output.nameSearchMs, 50), 1),
      nameSearchMaxMs: round(Math.max(...output.nameSearchMs), 1),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function exportCsvTable(result: ExportCsvResult): string {
  return table(
    `Export CSV of ${result.rows.toLocaleString('en-US')} calls from the embedded store (${result.storedCalls.toLocaleString('en-US')} stored; ${result.runtime})`,
    [
      'export ms',
      'CPU ms',
      'store read ms',
      'file MB',
      'baseline RSS MB',
      'peak RSS MB',
      'kernel max RSS MB',
      'name: users',
      'name: ms median',
      'name: ms max',
    ],
    [
      [
        result.elapsedMs,
        result.cpuMs,
        result.readMs,
        result.fileMb,
        result.baselineRssMb,
        result.peakRssMb,
        result.maxRssKernelMb,
        result.nameUsers,
        result.nameSearchMedianMs,
        result.nameSearchMaxMs,
      ],
    ],
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = await benchExportCsv((text) => process.stderr.write(`[bench] ${text}\n`));
  process.stdout.write(`${exportCsvTable(result)}\n`);
  const ok = result.elapsedMs < EXPORT_TARGETS.elapsedMs && result.peakRssMb < EXPORT_TARGETS.peakRssMb;
  process.stdout.write(
    `targets: under ${EXPORT_TARGETS.elapsedMs / 1000} s and under ${EXPORT_TARGETS.peakRssMb} MB: ${ok ? 'met' : 'NOT met'}\n`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
