import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/calls/records.js';
import { type PageFetcher, type RawPage, type ScanEvents, scanPages } from '../../src/tencent/scan.js';

function record(callId: string): CallRecord {
  return {
    callId,
    caller: 'a',
    callees: ['b'],
    mediaType: 'Audio',
    callType: 'SingleCall',
    startTime: 1,
    endTime: 2,
    acceptTime: null,
    result: 'NormalEnd',
    roomId: 'r',
    roomIdType: 2,
  };
}

interface FakeOptions {
  /** Largest page the fake honours. */
  cap?: number;
  /** Where the offset comes from: the size served (like the demo server) or the size asked. */
  offsetFrom?: 'served' | 'asked';
  /** Called before serving each request, with its sequence number; may mutate `ids`. */
  beforeServe?: (n: number, ids: string[]) => void;
  /** Override what one request returns (e.g. a short page). */
  tamper?: (n: number, page: RawPage) => RawPage;
  latencyMs?: number;
}

function fakeSource(ids: string[], options: FakeOptions = {}) {
  const calls: { page: number; asked: number }[] = [];
  const fetchPage: PageFetcher = async (page, asked, signal) => {
    const n = calls.length;
    calls.push({ page, asked });
    await new Promise((resolve) => setTimeout(resolve, options.latencyMs ?? 0));
    signal.throwIfAborted();
    options.beforeServe?.(n, ids);
    const size = Math.min(asked, options.cap ?? 100);
    const offset = (page - 1) * (options.offsetFrom === 'asked' ? asked : size);
    const slice = ids.slice(offset, offset + size);
    let result: RawPage = {
      totalNum: ids.length,
      rawCount: slice.length,
      records: slice.map(record),
      latencyMs: options.latencyMs ?? 1,
      ...(ids.length === 0 || offset >= ids.length ? { exhausted: true } : {}),
    };
    if (result.exhausted) result = { ...result, totalNum: 0 };
    return options.tamper ? options.tamper(n, result) : result;
  };
  return { fetchPage, calls };
}

const ids = (n: number, prefix = 'id') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

async function collect(
  fetchPage: PageFetcher,
  extra: Partial<Parameters<typeof scanPages>[1]> = {},
): Promise<{ got: string[]; events: Record<keyof ScanEvents, number> }> {
  const events = { duplicate: 0, repair: 0, incomplete: 0 };
  const got: string[] = [];
  for await (const r of scanPages(fetchPage, {
    pageSize: 100,
    ratePerSecond: 200,
    maxPagesInFlight: 16,
    events: {
      duplicate: () => events.duplicate++,
      repair: () => events.repair++,
      incomplete: () => events.incomplete++,
    },
    ...extra,
  })) {
    got.push(r.callId);
  }
  return { got, events };
}

function expectExactlyOnce(got: string[], expected: string[]) {
  expect(got.length).toBe(new Set(got).size);
  expect(new Set(got)).toEqual(new Set(expected));
}

describe('scanPages', () => {
  it('learns the honoured page size from page 1 and asks for it afterwards (cap 7, ask 100)', async () => {
    const all = ids(1000);
    const source = fakeSource(all, { cap: 7 });
    const { got, events } = await collect(source.fetchPage);
    expectExactlyOnce(got, all);
    expect(events).toEqual({ duplicate: 0, repair: 0, incomplete: 0 });
    expect(source.calls[0]).toEqual({ page: 1, asked: 100 });
    expect(source.calls.slice(1).every((c) => c.asked === 7)).toBe(true);
    expect(source.calls).toHaveLength(Math.ceil(1000 / 7));
  });

  it('stays exact when the server computes offsets from the size asked', async () => {
    const all = ids(500);
    const source = fakeSource(all, { cap: 30, offsetFrom: 'asked' });
    const { got } = await collect(source.fetchPage);
    expectExactlyOnce(got, all);
  });

  it('makes one request when everything fits on page 1, and none more for an empty result', async () => {
    const small = fakeSource(ids(42));
    expectExactlyOnce((await collect(small.fetchPage)).got, ids(42));
    expect(small.calls).toHaveLength(1);
    const empty = fakeSource([]);
    expect((await collect(empty.fetchPage)).got).toEqual([]);
    expect(empty.calls).toHaveLength(1);
  });

  it('yields each record once when new calls push the pages down mid-scan (newest first)', async () => {
    const all = ids(1000);
    const original = [...all];
    const source = fakeSource(all, {
      cap: 50,
      beforeServe: (n, list) => {
        if (n === 5) list.unshift(...ids(13, 'new'));
      },
    });
    const { got, events } = await collect(source.fetchPage);
    expect(got.length).toBe(new Set(got).size);
    for (const id of original) expect(got).toContain(id);
    expect(events.repair).toBe(1);
    expect(events.incomplete).toBe(0);
  });

  it('yields each remaining record once when old calls age out mid-scan (oldest first)', async () => {
    const all = ids(1000);
    const source = fakeSource(all, {
      cap: 50,
      beforeServe: (n, list) => {
        if (n === 8) list.splice(0, 9);
      },
    });
    const { got, events } = await collect(source.fetchPage);
    expect(got.length).toBe(new Set(got).size);
    for (const id of ids(1000).slice(9)) expect(got).toContain(id);
    expect(events.repair).toBe(1);
  });

  it('fetches the extra pages when TotalNum grows at the end', async () => {
    const all = ids(300);
    const source = fakeSource(all, {
      cap: 100,
      beforeServe: (n, list) => {
        if (n === 1) list.push(...ids(150, 'late'));
      },
    });
    const { got } = await collect(source.fetchPage);
    expectExactlyOnce(got, [...ids(300), ...ids(150, 'late')]);
  });

  it('re-reads the range when a page comes back short although the count did not change', async () => {
    const all = ids(400);
    const source = fakeSource(all, {
      tamper: (n, page) => (n === 2 ? { ...page, rawCount: 60, records: page.records.slice(0, 60) } : page),
    });
    const { got, events } = await collect(source.fetchPage);
    expectExactlyOnce(got, all);
    expect(events.repair).toBe(1);
  });

  it('re-reads the range when a call shows up on two pages and another on none, with every count right', async () => {
    // Two calls of the same second straddle the boundary of pages 1 and 2, and the server's order between them
    // differs from one request to the next (as with an ORDER BY StartTime that does not break ties).
    const all = ids(300);
    const source = fakeSource(all, {
      beforeServe: (n, list) => {
        if (n === 1) [list[99], list[100]] = [list[100] as string, list[99] as string];
      },
    });
    const { got, events } = await collect(source.fetchPage, { maxPagesInFlight: 4 });
    expectExactlyOnce(got, ids(300));
    expect(events.repair).toBe(1);
    expect(events.incomplete).toBe(0);
  });

  it('reports an incomplete scan when the list never settles, without yielding duplicates', async () => {
    const all = ids(600);
    let added = 0;
    const source = fakeSource(all, {
      cap: 50,
      beforeServe: (_n, list) => {
        list.unshift(`moving-${added++}`);
      },
    });
    const { got, events } = await collect(source.fetchPage);
    expect(got.length).toBe(new Set(got).size);
    expect(events.incomplete).toBe(1);
  });

  it('refuses to report nothing when TotalNum says there are records but page 1 stays empty', async () => {
    const source = fakeSource(ids(10), {
      tamper: (_n, page) => ({ ...page, rawCount: 0, records: [], totalNum: 10 }),
    });
    await expect(collect(source.fetchPage)).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('fetches pages concurrently, up to the window', async () => {
    let active = 0;
    let maxActive = 0;
    const inner = fakeSource(ids(2000), { cap: 10, latencyMs: 20 });
    const fetchPage: PageFetcher = async (page, asked, signal) => {
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        return await inner.fetchPage(page, asked, signal);
      } finally {
        active--;
      }
    };
    const { got } = await collect(fetchPage, { maxPagesInFlight: 16 });
    expect(got).toHaveLength(2000);
    // Several pages in flight at once (one at a time would be 1), never more than the window.
    expect(maxActive).toBeGreaterThan(4);
    expect(maxActive).toBeLessThanOrEqual(16);
  });

  it('stops fetching while the consumer is busy (backpressure), keeping memory bounded', async () => {
    const source = fakeSource(ids(5000), { cap: 10 });
    const iterator = scanPages(source.fetchPage, { pageSize: 10, ratePerSecond: 1000, maxPagesInFlight: 4 })[
      Symbol.asyncIterator
    ]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Page 1 plus at most 4 pages in the window, no matter how long the consumer sleeps.
    expect(source.calls.length).toBeLessThanOrEqual(5);
    await iterator.return?.(undefined);
  });

  it('cancels the pages in flight when the consumer stops early', async () => {
    const signals: AbortSignal[] = [];
    const inner = fakeSource(ids(1000), { cap: 10, latencyMs: 30 });
    const fetchPage: PageFetcher = (page, asked, signal) => {
      signals.push(signal);
      return inner.fetchPage(page, asked, signal);
    };
    for await (const _ of scanPages(fetchPage, { pageSize: 10, ratePerSecond: 200, maxPagesInFlight: 8 })) break;
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('fails with the first page error and cancels the others', async () => {
    const signals: AbortSignal[] = [];
    const inner = fakeSource(ids(1000), { cap: 10, latencyMs: 5 });
    const boom = new Error('page 3 failed');
    const fetchPage: PageFetcher = async (page, asked, signal) => {
      signals.push(signal);
      if (page === 3) throw boom;
      return inner.fetchPage(page, asked, signal);
    };
    await expect(collect(fetchPage)).rejects.toBe(boom);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('passes the caller abort to every page', async () => {
    const controller = new AbortController();
    const source = fakeSource(ids(1000), { cap: 10, latencyMs: 10 });
    const run = collect(source.fetchPage, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 30);
    await expect(run).rejects.toThrow('user cancelled');
  });
});
