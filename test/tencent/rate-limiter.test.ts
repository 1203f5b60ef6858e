import { describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../src/demo/prng.js';
import { PacedRateLimiter, sharedRateLimiter } from '../../src/tencent/rate-limiter.js';

/** Most grants in any half-open window (t - 1000, t], the way the demo server (and likely Tencent) counts. */
function maxInWindow(times: number[], windowMs = 1000): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[lo] as number) <= (times[hi] as number) - windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('PacedRateLimiter', () => {
  it('keeps every sliding window under maxQps while waiting on timers (fake timers and clock)', async () => {
    // Fake timers: the times recorded are the limiter's own, not the machine's scheduling (a loaded machine runs
    // callbacks late and in bunches, which says nothing about the limiter).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const limiter = new PacedRateLimiter(200);
      const times: number[] = [];
      const all = Promise.all(
        Array.from({ length: 300 }, () => limiter.acquire().then(() => times.push(performance.now()))),
      );
      // Fake time advanced in steps until every permit is granted (1.5 s at 200 a second), not "run every timer":
      // test files share a worker, and a timer another file left running would keep that from ever ending.
      for (let fakeMs = 0; times.length < 300 && fakeMs < 10_000; fakeMs += 50) await vi.advanceTimersByTimeAsync(50);
      await all;
      expect(times).toHaveLength(300);
      expect(limiter.windowCap).toBe(192);
      expect(maxInWindow(times, 1020)).toBeLessThanOrEqual(192);
      // No bursts: even catching up after a stall, permits come at most at twice the steady rate (8 per 20 ms).
      expect(maxInWindow(times, 20)).toBeLessThanOrEqual(8);
    } finally {
      vi.useRealTimers();
    }
  });

  it('bounds every window by maxQps with a fake clock, whatever the request pattern', () => {
    for (const qps of [1, 2, 5, 20, 150, 200, 1000]) {
      let now = 0;
      const limiter = new PacedRateLimiter(qps, { clock: () => now });
      const times: number[] = [];
      const random = mulberry32(qps);
      for (let step = 0; step < 50_000; step++) {
        // Bursts of asks at the same instant, then gaps of random length.
        now += random() < 0.3 ? 0 : random() * (3000 / qps);
        if (limiter.tryAcquire()) times.push(now);
      }
      expect(times.length).toBeGreaterThan(10);
      // Even counting a 20 ms jitter allowance the server window never sees more than maxQps.
      expect(maxInWindow(times, 1020)).toBeLessThanOrEqual(qps);
      expect(maxInWindow(times, 1020)).toBeLessThanOrEqual(limiter.windowCap);
      // And the long-run rate stays at or under 95% of the ceiling.
      expect(times.length / ((now || 1) / 1000)).toBeLessThanOrEqual(qps * 0.95 + 1);
    }
  });

  it('grants above 90% of maxQps under constant demand (fake clock)', () => {
    // Below ~20/s the window cap (96% rounded down to whole permits) is what bounds the rate, by design.
    for (const qps of [20, 150, 200, 1000]) {
      let now = 0;
      const limiter = new PacedRateLimiter(qps, { clock: () => now });
      let granted = 0;
      for (; now < 20_000; now += 0.25) if (limiter.tryAcquire()) granted++;
      const rate = granted / 20;
      expect(rate).toBeGreaterThanOrEqual(qps * 0.93);
      expect(rate).toBeLessThanOrEqual(qps * 0.95 + 1);
    }
  });

  it('rejects an aborted wait with the abort reason and lets the next waiter through', async () => {
    const limiter = new PacedRateLimiter(4);
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    await next;
    // The aborted waiter gave its slot back: no permit (no interval of the schedule) was spent on it.
    expect(limiter.granted).toBe(2);
    expect(limiter.pending).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const limiter = new PacedRateLimiter(10);
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(limiter.granted).toBe(0);
  });

  it('grants in FIFO order', async () => {
    const limiter = new PacedRateLimiter(500);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('is shared per key, and the lower ceiling wins', () => {
    const a = sharedRateLimiter('test-key|1', 150);
    const b = sharedRateLimiter('test-key|1', 100);
    expect(b).toBe(a);
    expect(a.maxQps).toBe(100);
    expect(sharedRateLimiter('test-key|2', 150)).not.toBe(a);
  });

  it('refuses a nonsense ceiling', () => {
    expect(() => new PacedRateLimiter(0)).toThrow(/maxQps/);
    expect(() => new PacedRateLimiter(Number.NaN)).toThrow(/maxQps/);
  });
});
