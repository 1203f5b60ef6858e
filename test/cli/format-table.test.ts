import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/calls/records.js';
import type { SearchPage } from '../../src/calls/search-page.js';
import { callsUsage, formatCallDetail, formatCallTable, formatParticipants } from '../../src/cli/format-table.js';

const T = Date.UTC(2026, 10, 20, 14, 5, 9) / 1000; // 2026-11-20 14:05:09 UTC

function record(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    callId: '04c9a0ac-8e38-4a19-be45-349c5ce7911b',
    caller: '147',
    callees: ['369'],
    mediaType: 'Video',
    callType: 'SingleCall',
    startTime: T,
    endTime: T + 140,
    acceptTime: T + 10,
    result: 'Interrupt',
    roomId: 'roomid-1434',
    roomIdType: 2,
    ...overrides,
  };
}

function page(records: CallRecord[], overrides: Partial<SearchPage> = {}): SearchPage {
  return {
    query: {
      users: ['147'],
      results: [],
      callTypes: [],
      mediaTypes: [],
      from: T - 86_400,
      to: T + 3600,
      timeZone: 'UTC',
    },
    page: 1,
    pageCount: 3,
    pageSize: 10,
    total: 23,
    records,
    notices: [],
    upstreamRequests: 4,
    ...overrides,
  };
}

describe('formatCallTable', () => {
  it('lays out one aligned row per call, with local time, result, media, type, people, talk time and CallId', () => {
    const text = formatCallTable(
      page([
        record(),
        record({
          callId: 'b',
          caller: 'alice.w',
          callees: ['1', '2', '3', '4', '5'],
          callType: 'MultiCall',
          mediaType: 'Audio',
          result: 'NotAnswer',
          acceptTime: null,
        }),
      ]),
      'UTC',
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Start \(UTC\)\s+Result\s+Media\s+Type\s+Caller → callees\s+Talk\s+CallId$/);
    expect(lines[1]).toMatch(
      /^2026-11-20 14:05:09\s+interrupted\s+video\s+1:1\s+147 → 369\s+2m 10s\s+04c9a0ac-8e38-4a19-be45-349c5ce7911b$/,
    );
    expect(lines[2]).toMatch(
      /^2026-11-20 14:05:09\s+not answered\s+audio\s+group\s+alice\.w → 1, 2, 3 \+2 more\s+-\s+b$/,
    );
    // Columns line up: every row starts its CallId at the same column as the header.
    expect(lines[1]?.indexOf('04c9a0ac')).toBe(lines[0]?.indexOf('CallId'));
    expect(lines[2]?.lastIndexOf(' b')).toBe((lines[0]?.indexOf('CallId') as number) - 1);
    expect(text).toContain('page 1 of 3, 23 calls: all calls of `147`, ');
    expect(text).toContain('next: add --page 2');
  });

  it('shows times in the given zone', () => {
    const text = formatCallTable(
      page([record()], { query: { ...page([]).query, timeZone: 'Asia/Tokyo' } }),
      'Asia/Tokyo',
    );
    expect(text).toContain('Start (Asia/Tokyo)');
    expect(text).toContain('2026-11-20 23:05:09');
  });

  it('says so when nothing matches, and lists notices', () => {
    const text = formatCallTable(
      page([], { total: 0, pageCount: 1, notices: ['Tencent keeps 7 days of records: showing calls from Nov 13.'] }),
      'UTC',
    );
    expect(text).toMatch(/^No calls match\./);
    expect(text).toContain('page 1 of 1, 0 calls');
    expect(text).toContain('note: Tencent keeps 7 days');
    expect(text).not.toContain('next:');
  });

  it('keeps unknown values as they came, and never lets control characters through', () => {
    const text = formatCallTable(page([record({ result: 'Weird\u001b[2J', mediaType: 'Hologram' })]), 'UTC');
    expect(text).toContain('Weird?[2J');
    expect(text).toContain('Hologram');
    expect(text).not.toContain('\u001b');
  });
});

describe('formatParticipants', () => {
  it('truncates long callee lists', () => {
    expect(formatParticipants(record({ callees: ['a', 'b', 'c', 'd'] }))).toBe('147 → a, b, c +1 more');
    expect(formatParticipants(record({ callees: [] }))).toBe('147 → (nobody)');
  });
});

describe('formatCallDetail', () => {
  it('lists every detail of one call', () => {
    const text = formatCallDetail(record({ callees: ['369', '3423'] }), 'UTC');
    expect(text).toMatch(/^CallId\s+04c9a0ac-8e38-4a19-be45-349c5ce7911b$/m);
    expect(text).toMatch(/^Summary\s+video 1:1 call from 147: interrupted after 2m 10s$/m);
    expect(text).toMatch(/^Callees\s+369, 3423$/m);
    expect(text).toMatch(/^Started\s+2026-11-20 14:05:09 \(UTC\)$/m);
    expect(text).toMatch(/^Ring time\s+10s$/m);
    expect(text).toMatch(/^RoomId\s+roomid-1434 \(string\)$/m);
  });

  it('says a call never connected', () => {
    expect(formatCallDetail(record({ acceptTime: null, result: 'NotAnswer' }), 'UTC')).toMatch(
      /^Connected\s+never connected$/m,
    );
  });
});

describe('callsUsage', () => {
  it('documents the options and the grammar', () => {
    const usage = callsUsage();
    for (const word of ['--page', '--json', '--tz', 'user:<id>', 'id:<CallId>', 'examples:']) {
      expect(usage).toContain(word);
    }
  });
});

describe('names in the CLI table', () => {
  it('shows "Name (id)" for users with a known name and the ID alone otherwise, without terminal controls', () => {
    const names = new Map([
      ['147', 'Alice Wong'],
      ['369', 'Zoë\u001b[2J Ångström'],
    ]);
    const record = {
      callId: 'c1',
      caller: '147',
      callees: ['369', '520'],
      mediaType: 'Video',
      callType: 'SingleCall',
      startTime: 1_795_233_600,
      endTime: 1_795_233_700,
      acceptTime: null,
      result: 'Interrupt',
      roomId: 'r',
      roomIdType: 2 as const,
    };
    expect(formatParticipants(record, 3, names)).toBe('Alice Wong (147) → Zoë\u001b[2J Ångström (369), 520');
    const table = formatCallTable(
      {
        query: {
          users: ['147'],
          results: [],
          callTypes: [],
          mediaTypes: [],
          from: 1_795_200_000,
          to: 1_795_300_000,
          timeZone: 'UTC',
        },
        page: 1,
        pageCount: 1,
        pageSize: 10,
        total: 1,
        records: [record],
        notices: [],
        upstreamRequests: 0,
      },
      'UTC',
      names,
    );
    expect(table).toContain('Alice Wong (147) → Zoë?[2J Ångström (369), 520');
    expect(table).toContain('calls of Alice Wong (`147`)');
    expect(table).not.toContain('\u001b');
  });
});

describe('causes and timelines in the terminal', () => {
  const events = [
    { callId: record().callId, userId: '147', action: 'calling' as const, atMs: T * 1000 },
    { callId: record().callId, userId: '369', action: 'invited' as const, atMs: T * 1000 },
    { callId: record().callId, userId: '369', action: 'accepted' as const, atMs: (T + 10) * 1000 },
    { callId: record().callId, userId: '369', action: 'offline' as const, atMs: (T + 127) * 1000 },
  ];
  const names = new Map([['369', 'Bob Li']]);

  it('shows the cause and the timeline of one call, with offsets', () => {
    const text = formatCallDetail(record(), 'UTC', names, events);
    expect(text).toMatch(/Cause\s+Interrupted 2m 07s in: Bob Li \(369\)'s app stopped responding \(heartbeat lost\)/);
    expect(text).toContain('Timeline');
    expect(text).toMatch(/\(\+2m 07s\)\s+Bob Li \(369\) went offline \(heartbeat lost\)/);
  });

  it('says a call without events has no cause, and shows a Cause column in tables', () => {
    expect(formatCallDetail(record(), 'UTC', names, [])).toContain('This call has no call events');
    const table = formatCallTable(
      page([record(), record({ callId: 'other' })]),
      'UTC',
      names,
      new Map([[record().callId, events]]),
    );
    expect(table).toMatch(/Talk\s+Cause\s+CallId/);
    expect(table).toContain('callee Bob Li (369) went offline (heartbeat lost)');
  });
});
