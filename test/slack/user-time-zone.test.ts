import { describe, expect, it, vi } from 'vitest';
import { createUserTimeZones } from '../../src/slack/user-time-zone.js';
import { captureLogs } from '../support/logs.js';

describe('createUserTimeZones', () => {
  it('caches per user, with a TTL, one lookup at a time', async () => {
    let clock = 0;
    const lookup = vi.fn(async (user: string) => (user === 'U1' ? 'Asia/Tokyo' : undefined));
    const zones = createUserTimeZones({
      lookup,
      defaultTimeZone: 'Europe/Berlin',
      logger: captureLogs().logger,
      ttlMs: 1_000,
      failureTtlMs: 100,
      now: () => clock,
    });
    expect(await Promise.all([zones.get('U1'), zones.get('U1')])).toEqual(['Asia/Tokyo', 'Asia/Tokyo']);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(await zones.get('U2')).toBe('Europe/Berlin');
    clock = 500;
    await zones.get('U1');
    await zones.get('U2');
    expect(lookup).toHaveBeenCalledTimes(3); // U2's empty answer is kept only 100 ms
    clock = 2_000;
    await zones.get('U1');
    expect(lookup).toHaveBeenCalledTimes(4);
  });

  it('falls back to the default zone on a failed lookup or an unknown zone, never rejecting', async () => {
    const logs = captureLogs();
    const zones = createUserTimeZones({
      lookup: async (user) => {
        if (user === 'bad') return 'Mars/Olympus_Mons';
        throw new Error('missing_scope');
      },
      defaultTimeZone: 'UTC',
      logger: logs.logger,
    });
    expect(await zones.get('bad')).toBe('UTC');
    expect(await zones.get('U1')).toBe('UTC');
    expect(logs.text()).toContain('missing_scope');
  });

  it('stays bounded', async () => {
    const lookup = vi.fn(async () => 'UTC');
    const zones = createUserTimeZones({ lookup, defaultTimeZone: 'UTC', logger: captureLogs().logger, maxEntries: 2 });
    await zones.get('A');
    await zones.get('B');
    await zones.get('C');
    await zones.get('A'); // evicted: looked up again
    expect(lookup).toHaveBeenCalledTimes(4);
  });
});

describe('a slow users.info', () => {
  it('gives the default zone after lookupTimeoutMs', async () => {
    // users.info never answers: without the timeout this would wait forever (and the test time out).
    const zones = createUserTimeZones({
      lookup: () => new Promise<string>(() => {}),
      defaultTimeZone: 'UTC',
      logger: captureLogs().logger,
      lookupTimeoutMs: 20,
    });
    expect(await zones.get('U1')).toBe('UTC');
  });
});
