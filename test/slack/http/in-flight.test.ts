import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/slack/http/in-flight.js';

describe('InFlight', () => {
  it('waits for the work in flight, or gives up after the timeout', async () => {
    const inFlight = new InFlight();
    expect(await inFlight.idle(10)).toBe(true);
    let release = () => {};
    const work = inFlight.track(() => new Promise<void>((resolve) => (release = resolve)));
    expect(inFlight.count).toBe(1);
    expect(await inFlight.idle(20)).toBe(false);
    const idle = inFlight.idle(1_000);
    release();
    await work;
    expect(await idle).toBe(true);
    expect(inFlight.count).toBe(0);
  });

  it('counts work that fails too', async () => {
    const inFlight = new InFlight();
    await expect(inFlight.track(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(inFlight.count).toBe(0);
  });
});
