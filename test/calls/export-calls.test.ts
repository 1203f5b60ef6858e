import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { collectCalls, exportCalls } from '../../src/calls/export-calls.js';
import type { PinnedQuery } from '../../src/calls/query.js';
import type { CallRecord } from '../../src/calls/records.js';
import { createUserNames } from '../../src/store/user-names.js';
import { aCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

function query(overrides: Partial<PinnedQuery> = {}): PinnedQuery {
  return {
    users: [],
    results: [],
    callTypes: [],
    mediaTypes: [],
    from: 1_790_000_000,
    to: 1_800_000_000,
    timeZone: 'UTC',
    ...overrides,
  };
}

describe.each(storeEngines())('$name export', (engine) => {
  it('collects every call of the search newest first across chunks, and the newest ones beyond the limit', async () => {
    const store = await engine.open();
    // Ties on the start time across chunk boundaries: the keyset must keep every call exactly once.
    const calls: CallRecord[] = Array.from({ length: 57 }, (_, i) =>
      aCall({ startTime: 1_795_000_000 + Math.floor(i / 4), caller: i % 3 === 0 ? '147' : 'other' }),
    );
    await store.upsertCalls(calls);
    const newestFirst = [...calls].sort((a, b) => b.startTime - a.startTime || (a.callId < b.callId ? -1 : 1));

    const all = await collectCalls(store, query(), { chunkSize: 5 });
    expect(all.records.map((r) => r.callId)).toEqual(newestFirst.map((r) => r.callId));
    expect(all).toMatchObject({ total: 57, truncated: false });

    const mine = await collectCalls(store, query({ users: ['147'] }), { chunkSize: 4 });
    expect(mine.records.map((r) => r.callId)).toEqual(
      newestFirst.filter((r) => r.caller === '147').map((r) => r.callId),
    );

    const cut = await collectCalls(store, query(), { chunkSize: 7, limit: 20 });
    expect(cut.records.map((r) => r.callId)).toEqual(newestFirst.slice(0, 20).map((r) => r.callId));
    expect(cut).toMatchObject({ total: 57, truncated: true });
    const exactly = await collectCalls(store, query(), { limit: 57 });
    expect(exactly).toMatchObject({ total: 57, truncated: false });
  });

  it('writes the file the search would show, with names from the cache, and says when it is cut', async () => {
    const store = await engine.open();
    const names = createUserNames(store.db, store.engine);
    await names.saveNames(
      [
        { userId: '147', name: 'Alice Wong' },
        { userId: '369', name: 'José, "Pepe" Núñez' },
      ],
      1,
    );
    const calls = [
      aCall({ startTime: 1_795_233_600, caller: '147', callees: ['369', 'x'] }),
      aCall({ startTime: 1_795_233_700, caller: '=cmd', callees: ['147'] }),
    ];
    await store.upsertCalls(calls);
    const file = await exportCalls(store, names, query(), { timeZone: 'Asia/Shanghai' });
    const rows = parse(file.csv, { bom: true }) as string[][];
    expect(rows.slice(1).map((row) => row[10])).toEqual([calls[1]?.callId, calls[0]?.callId]);
    expect(rows[2]?.slice(6, 10)).toEqual(['147', '369; x', 'Alice Wong', 'José, "Pepe" Núñez; ']);
    expect(rows[1]?.slice(6, 10)).toEqual(["'=cmd", '147', '', 'Alice Wong']);
    expect(rows[1]?.[0]).toBe('2026-11-21T12:01:40+08:00');
    expect(file).toMatchObject({ rows: 2, total: 2, truncated: false });
    expect(file.summary).toBe('The file holds all 2 calls of the search.');
    expect(file.filename).toMatch(/^calls-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);

    const chunked = await exportCalls(store, names, query(), { timeZone: 'Asia/Shanghai', chunkSize: 1 });
    expect(chunked.csv).toBe(file.csv);

    const cut = await exportCalls(store, names, query(), { timeZone: 'UTC', limit: 1 });
    expect(cut.summary).toBe('This search has 2 calls; the file holds the newest 1.');

    const failing = {
      namesOf: async () => {
        throw new Error('down');
      },
      findUsersByName: async () => [],
    };
    const errors: unknown[] = [];
    const withoutNames = await exportCalls(store, failing, query(), {
      timeZone: 'UTC',
      onNamesError: (e) => errors.push(e),
    });
    expect(withoutNames.rows).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
