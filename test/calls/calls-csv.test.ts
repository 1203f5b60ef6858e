import { TZDate } from '@date-fns/tz';
import { parse } from 'csv-parse/sync';
import { format } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER, guardCell, isoFormatter, isoInZone, writeCallsCsv } from '../../src/calls/calls-csv.js';
import type { CallRecord } from '../../src/calls/records.js';

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    callId: 'c-1',
    caller: '147',
    callees: ['369'],
    mediaType: 'Video',
    callType: 'SingleCall',
    startTime: 1_795_233_600,
    endTime: 1_795_233_730,
    acceptTime: 1_795_233_610,
    result: 'Interrupt',
    roomId: '9001',
    roomIdType: 1,
    ...overrides,
  };
}

function readBack(csv: string): string[][] {
  return parse(csv, { bom: true, relax_column_count: false }) as string[][];
}

describe('writeCallsCsv', () => {
  it('writes a header and one row per call, times in the person’s zone with its offset', () => {
    const names = new Map([
      ['147', 'Alice Wong'],
      ['520', 'Zoë Ångström'],
    ]);
    const t0 = call().startTime * 1000;
    const events = new Map([
      [
        'c-1',
        [
          { callId: 'c-1', userId: '147', action: 'calling' as const, atMs: t0 },
          { callId: 'c-1', userId: '369', action: 'invited' as const, atMs: t0 },
          { callId: 'c-1', userId: '369', action: 'accepted' as const, atMs: t0 + 10_000 },
          { callId: 'c-1', userId: '369', action: 'offline' as const, atMs: t0 + 127_000 },
        ],
      ],
    ]);
    const csv = writeCallsCsv([call(), call({ callId: 'c-2', callees: ['369', '520'], acceptTime: null })], {
      timeZone: 'Asia/Shanghai',
      names,
      events,
    });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = readBack(csv);
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows[1]).toEqual([
      '2026-11-21T12:00:00+08:00',
      '2026-11-21T12:02:10+08:00',
      '120',
      'Interrupt',
      'SingleCall',
      'Video',
      '147',
      '369',
      'Alice Wong',
      '',
      'c-1',
      '9001',
      "Interrupted 2m 07s in: `369`'s app stopped responding (heartbeat lost) while Alice Wong (`147`) was still connected",
    ]);
    expect(rows[2]?.slice(2, 3)).toEqual(['0']);
    // No events: no cause, nothing guessed.
    expect(rows[2]?.at(-1)).toBe('');
    expect(rows[2]?.slice(7, 10)).toEqual(['369; 520', 'Alice Wong', '; Zoë Ångström']);
    expect(rows).toHaveLength(3);
  });

  it('formats every instant as date-fns does in the zone, across daylight-saving switches', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns'];
    const year = { min: 1_767_225_600, max: 1_798_761_600 };
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(fc.integer(year), { minLength: 1, maxLength: 20 }),
        (zone, times) => {
          const iso = isoFormatter(zone);
          for (const t of times) {
            expect(iso(t)).toBe(format(new TZDate(t * 1000, zone), "yyyy-MM-dd'T'HH:mm:ssXXX"));
          }
        },
      ),
      { numRuns: 300 },
    );
    // Each second around Berlin's switch back in October 2026 (01:00 UTC on the 25th).
    const iso = isoFormatter('Europe/Berlin');
    for (let t = 1_792_890_000 - 1200; t < 1_792_890_000 + 1200; t += 7) {
      expect(iso(t)).toBe(format(new TZDate(t * 1000, 'Europe/Berlin'), "yyyy-MM-dd'T'HH:mm:ssXXX"));
    }
  });

  it('writes UTC as Z and follows daylight saving', () => {
    expect(isoInZone(1_795_233_600, 'UTC')).toBe('2026-11-21T04:00:00Z');
    expect(isoInZone(1_782_000_000, 'Europe/Berlin')).toMatch(/\+02:00$/);
    expect(isoInZone(1_795_233_600, 'Europe/Berlin')).toMatch(/\+01:00$/);
  });

  it('reads back exactly through a real CSV parser, whatever the text (commas, quotes, line breaks, unicode)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 30 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text, text, text), { maxLength: 5 }), (cells) => {
        const records = cells.map(([caller, callee, roomId], i) =>
          call({ callId: `id,"${i}"\n`, caller, callees: [callee], roomId }),
        );
        const names = new Map(cells.map(([caller, , , name]) => [caller, name]));
        const rows = readBack(writeCallsCsv(records, { timeZone: 'UTC', names }));
        expect(rows).toHaveLength(records.length + 1);
        records.forEach((record, i) => {
          const row = rows[i + 1] as string[];
          expect(row[6]).toBe(guardCell(record.caller));
          expect(row[7]).toBe(guardCell(record.callees[0] as string));
          expect(row[8]).toBe(guardCell(names.get(record.caller) ?? ''));
          expect(row[10]).toBe(record.callId);
          expect(row[11]).toBe(guardCell(record.roomId));
        });
      }),
    );
  });

  it('keeps the awkward cases intact: a comma, a quote, CRLF, a lone CR, emoji', () => {
    const awkward = ['a,b', 'say "hi"', 'two\r\nlines', 'cr\ronly', '👩‍💻 李晨', ''];
    const records = awkward.map((roomId, i) => call({ callId: `c${i}`, roomId }));
    const rows = readBack(writeCallsCsv(records, { timeZone: 'UTC', names: new Map() }));
    expect(rows.slice(1).map((row) => row[11])).toEqual(awkward);
  });

  it('defuses formulas in text from outside, and leaves its own numbers and times alone', () => {
    const hostile = ['=HYPERLINK("http://x","y")', '+1', '-5', '@SUM(A1)', '\tcmd', '\rcmd'];
    for (const value of hostile) expect(guardCell(value)).toBe(`'${value}`);
    expect(guardCell('147')).toBe('147');
    expect(guardCell('a=b')).toBe('a=b');
    const rows = readBack(
      writeCallsCsv([call({ caller: '=1+1', callees: ['-2', '@x'], result: '+Boom', roomId: '=cmd' })], {
        timeZone: 'America/New_York',
        names: new Map([['=1+1', '=IMPORTXML("x")']]),
      }),
    );
    const row = rows[1] as string[];
    expect(row[0]).toMatch(/^2026-11-20T23:00:00-05:00$/);
    expect(row[2]).toBe('120');
    expect(row[3]).toBe("'+Boom");
    expect(row[6]).toBe("'=1+1");
    expect(row[7]).toBe("'-2; @x");
    expect(row[8]).toBe('\'=IMPORTXML("x")');
    expect(row[11]).toBe("'=cmd");
  });
});
