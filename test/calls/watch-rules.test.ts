import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/calls/parse-query.js';
import type { CallQuery } from '../../src/calls/query.js';
import { matchesWatch, watchFilterOf, watchWants } from '../../src/calls/watch-rules.js';
import { aCall } from '../support/call-records.js';

function parsed(text: string): CallQuery {
  const result = parseQuery(text);
  if (result.kind !== 'query') throw new Error(`not a query: ${text}`);
  return result.query;
}

describe('watchFilterOf', () => {
  it('keeps every filter but time', () => {
    expect(watchFilterOf(parsed('user:147,369 result:interrupted,offline type:group media:video'))).toEqual({
      ok: true,
      filter: {
        users: ['147', '369'],
        results: ['Interrupt', 'Offline'],
        callTypes: ['MultiCall'],
        mediaTypes: ['Video'],
      },
    });
  });

  it.each(['user:147 last:24h', 'user:147 today', 'user:147 2026-11-20', 'from:09:00 user:147', 'id:abc'])(
    'refuses %s',
    (text) => {
      expect(watchFilterOf(parsed(text)).ok).toBe(false);
    },
  );
});

describe('matchesWatch', () => {
  const filter = { users: ['147'], results: ['Interrupt', 'Offline'], callTypes: [], mediaTypes: ['Video'] };
  it('matches a user as caller or callee, and every other filter', () => {
    expect(matchesWatch(aCall({ caller: '147', result: 'Interrupt', mediaType: 'Video' }), filter)).toBe(true);
    expect(matchesWatch(aCall({ callees: ['9', '147'], result: 'Offline', mediaType: 'Video' }), filter)).toBe(true);
    expect(matchesWatch(aCall({ caller: '147', result: 'NormalEnd', mediaType: 'Video' }), filter)).toBe(false);
    expect(matchesWatch(aCall({ caller: '147', result: 'Interrupt', mediaType: 'Audio' }), filter)).toBe(false);
    expect(matchesWatch(aCall({ caller: '1470', result: 'Interrupt', mediaType: 'Video' }), filter)).toBe(false);
    expect(matchesWatch(aCall(), { users: [], results: [], callTypes: [], mediaTypes: [] })).toBe(true);
  });
});

describe('watchWants', () => {
  const watch = { createdAt: 1_800_000_000, filter: { users: ['147'], results: [], callTypes: [], mediaTypes: [] } };
  it('wants matching calls that ended once the watch was running, not older ones a backfill brings', () => {
    expect(watchWants(watch, aCall({ caller: '147', startTime: 1_800_000_000 - 30 }))).toBe(true);
    expect(watchWants(watch, aCall({ caller: '147', startTime: 1_800_000_000 - 61 }))).toBe(false);
    expect(watchWants(watch, aCall({ caller: '148', startTime: 1_800_000_000 }))).toBe(false);
  });
});
