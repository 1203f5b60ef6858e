import { describe, expect, it } from 'vitest';
import { KNOWN_CALL_RESULTS } from '../../src/calls/records.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { mulberry32, uuidFrom } from '../../src/demo/prng.js';

const NOW = 1_760_000_000;
const records = generateDataset({ seed: 42, now: NOW });
const NOT_CONNECTED = new Set(['Cancel', 'Reject', 'NotAnswer', 'CallBusy']);
const share = (test: (r: (typeof records)[number]) => boolean) => records.filter(test).length / records.length;

describe('generateDataset', () => {
  it('is deterministic from the seed and now', () => {
    expect(generateDataset({ seed: 42, now: NOW })).toEqual(records);
    expect(generateDataset({ seed: 43, now: NOW })).not.toEqual(records);
    expect(generateDataset({ seed: 42, now: NOW + 60 })).not.toEqual(records);
  });

  it('has about 400 calls a day for 7 days ending at now, sorted by StartTime', () => {
    expect(records).toHaveLength(2800);
    expect(records.filter((r, i) => i > 0 && r.StartTime < (records[i - 1]?.StartTime ?? 0))).toEqual([]);
    expect(records[0]?.StartTime).toBeGreaterThanOrEqual(NOW - 7 * 86400);
    expect(records.at(-1)?.StartTime).toBeLessThan(NOW);
    expect(generateDataset({ seed: 1, now: NOW, days: 2, callsPerDay: 10 })).toHaveLength(20);
    expect(generateDataset({ seed: 1, now: NOW, callsPerDay: 0 })).toEqual([]);
  });

  it('has about 36 users of mixed ID shapes, a few of them busy', () => {
    const users = new Set(records.flatMap((r) => r.CalleeList_Account));
    expect(users.size).toBe(36);
    expect(users).toContain('147');
    expect(users).toContain('alice.w');
    const byCaller = new Map<string, number>();
    for (const r of records) byCaller.set(r.Caller_Account, (byCaller.get(r.Caller_Account) ?? 0) + 1);
    expect(byCaller.get('147')).toBeGreaterThan(byCaller.get('carlos.m') ?? 0);
    expect(new Set(generateDataset({ seed: 1, now: NOW, users: 50 }).map((r) => r.Caller_Account)).size).toBe(50);
  });

  it('has every call result, Interrupt a few percent and Offline about 1%', () => {
    const results = new Set(records.map((r) => r.CallResult));
    expect([...results].sort()).toEqual([...KNOWN_CALL_RESULTS].sort());
    expect(share((r) => r.CallResult === 'Interrupt')).toBeGreaterThan(0.02);
    expect(share((r) => r.CallResult === 'Interrupt')).toBeLessThan(0.1);
    expect(share((r) => r.CallResult === 'Offline')).toBeGreaterThan(0.002);
    expect(share((r) => r.CallResult === 'Offline')).toBeLessThan(0.03);
  });

  it('has about 15% group calls with 2 to 8 callees, the caller listed among the members', () => {
    expect(share((r) => r.CallType === 'MultiCall')).toBeGreaterThan(0.1);
    expect(share((r) => r.CallType === 'MultiCall')).toBeLessThan(0.2);
    const bad = records.filter((r) => {
      const callees = r.CalleeList_Account.filter((u) => u !== r.Caller_Account);
      return (
        !r.CalleeList_Account.includes(r.Caller_Account) ||
        new Set(r.CalleeList_Account).size !== r.CalleeList_Account.length ||
        (r.CallType === 'SingleCall' ? callees.length !== 1 : callees.length < 2 || callees.length > 8)
      );
    });
    expect(bad).toEqual([]);
    expect(records.some((r) => r.CalleeList_Account[0] !== r.Caller_Account)).toBe(true);
  });

  it('has consistent times: AcceptTime 0 when never connected, ring 2–40 s, talk up to about an hour', () => {
    const bad = records.filter((r) => {
      const ring = (r.AcceptTime === 0 ? r.EndTime : r.AcceptTime) - r.StartTime;
      return (
        r.EndTime > NOW ||
        r.EndTime < r.StartTime ||
        ring < 2 ||
        ring > 40 ||
        (NOT_CONNECTED.has(r.CallResult) && r.AcceptTime !== 0) ||
        (r.CallResult === 'NormalEnd' && r.AcceptTime === 0) ||
        (r.AcceptTime !== 0 && (r.EndTime < r.AcceptTime || r.EndTime - r.AcceptTime > 3600))
      );
    });
    expect(bad).toEqual([]);
    const talks = records.filter((r) => r.AcceptTime > 0).map((r) => r.EndTime - r.AcceptTime);
    expect(Math.min(...talks)).toBeLessThan(10);
    expect(Math.max(...talks)).toBeGreaterThan(1800);
  });

  it('follows a daily rhythm: few calls at night, more in the day', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const r of records) byHour[new Date(r.StartTime * 1000).getUTCHours()] += 1;
    expect((byHour[3] ?? 0) * 5).toBeLessThan(byHour[15] ?? 0);
    expect(byHour.every((n) => n > 0)).toBe(true);
  });

  it('mixes room ID kinds and both RoomIdType encodings', () => {
    expect(
      records.every((r) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(r.CallId)),
    ).toBe(true);
    expect(new Set(records.map((r) => r.CallId)).size).toBe(records.length);
    const badRooms = records.filter((r) => !(Number(r.RoomIdType) === 2 ? /^roomid-\d+$/ : /^\d+$/).test(r.RoomId));
    expect(badRooms).toEqual([]);
    const types = new Set(records.map((r) => r.RoomIdType));
    expect(types).toEqual(new Set([1, 2, '1', '2']));
    expect(new Set(records.map((r) => r.MediaType))).toEqual(new Set(['Audio', 'Video']));
  });

  it('generates the 200,000 records the memory bench scans, in start-time order', () => {
    // How fast is the bench's business; here: the size and order the demo server relies on.
    const big = generateDataset({ seed: 9, now: NOW, callsPerDay: 200_000 / 7 });
    expect(big).toHaveLength(200_000);
    expect(big.every((record, i) => i === 0 || (big[i - 1] as typeof record).StartTime <= record.StartTime)).toBe(true);
  });
});

describe('prng', () => {
  it('repeats from a seed and stays in [0, 1)', () => {
    const a = mulberry32(5);
    const b = mulberry32(5);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(uuidFrom(mulberry32(1))).toBe(uuidFrom(mulberry32(1)));
  });
});
