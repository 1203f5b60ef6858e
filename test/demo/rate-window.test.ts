import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../src/demo/rate-window.js';

describe('RateWindow', () => {
  it('admits up to the limit within any one second and counts only admitted requests', () => {
    let t = 0;
    const window = new RateWindow(3, () => t);
    expect([window.tryAdmit(), window.tryAdmit(), window.tryAdmit(), window.tryAdmit()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    t = 999;
    expect(window.tryAdmit()).toBe(false);
    t = 1000;
    // The three from t=0 have left the window; the refused ones were never in it.
    expect([window.tryAdmit(), window.tryAdmit(), window.tryAdmit(), window.tryAdmit()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('slides rather than resetting on a boundary', () => {
    let t = 0;
    const window = new RateWindow(2, () => t);
    window.tryAdmit();
    t = 600;
    window.tryAdmit();
    t = 1100;
    expect(window.tryAdmit()).toBe(true);
    expect(window.tryAdmit()).toBe(false);
    t = 1600;
    expect(window.tryAdmit()).toBe(true);
  });

  it('takes a new limit and stays small over a long run', () => {
    let t = 0;
    const window = new RateWindow(1000, () => t);
    for (let i = 0; i < 100_000; i++, t += 2) window.tryAdmit();
    window.setLimit(1);
    expect(window.tryAdmit()).toBe(false);
    t += 1000;
    expect(window.tryAdmit()).toBe(true);
    expect(window.tryAdmit()).toBe(false);
  });
});
