import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRule,
  type DropRule,
  dropRate,
  escalationLevel,
  type IncidentFacts,
  isBreaching,
  isRefreshDue,
  mostAffectedUsers,
  type RuleState,
  type WindowCounts,
} from '../../src/calls/incident-rule.js';

const RULE: DropRule = { thresholdPercent: 10, minCalls: 20, windowSeconds: 900 };
const T0 = 1_795_000_000;
const idle: RuleState = { mutedUntil: null, open: null };

/** A window ending at `now` with `ended` calls of which `dropped` dropped (split Interrupt / Offline). */
function win(now: number, ended: number, dropped: number): WindowCounts {
  const offline = Math.floor(dropped / 3);
  return {
    from: now - RULE.windowSeconds,
    to: now,
    ended,
    interrupted: dropped - offline,
    offline,
    topUsers: dropped > 0 ? [{ user: '147', count: dropped }] : [],
    firstDroppedStart: dropped > 0 ? now - 600 : null,
  };
}

function opened(now = T0, ended = 40, dropped = 5): RuleState {
  const step = checkRule(idle, win(now, ended, dropped), now, RULE);
  expect(step.effects.map((e) => e.kind)).toEqual(['open']);
  return step.state;
}

function openOf(state: RuleState): IncidentFacts {
  if (state.open === null) throw new Error('expected an open incident');
  return state.open;
}

describe('the drop rate', () => {
  it('counts only with at least ALERT_MIN_CALLS ended calls', () => {
    expect(dropRate(win(T0, 19, 19), RULE)).toBeNull();
    expect(dropRate(win(T0, 20, 2), RULE)).toBe(0.1);
    expect(dropRate(win(T0, 0, 0), { minCalls: 0 })).toBeNull();
  });

  it('breaches at exactly the threshold (2 of 20 is 10 %), not just under it', () => {
    expect(isBreaching(win(T0, 20, 2), RULE)).toBe(true);
    expect(isBreaching(win(T0, 21, 2), RULE)).toBe(false);
    expect(isBreaching(win(T0, 19, 19), RULE)).toBe(false);
    // 0.1 % of 1000 calls: one drop is enough, with no floating-point miss.
    expect(isBreaching(win(T0, 1000, 1), { ...RULE, thresholdPercent: 0.1 })).toBe(true);
    expect(isBreaching(win(T0, 3, 1), { thresholdPercent: 33.3, minCalls: 1, windowSeconds: 60 })).toBe(true);
  });
});

describe('opening', () => {
  it('opens one incident with the opening rate when the window breaches', () => {
    const step = checkRule(idle, win(T0, 40, 5), T0, RULE);
    expect(step.effects).toHaveLength(1);
    const incident = openOf(step.state);
    expect(incident).toMatchObject({
      openedAt: T0,
      openingRate: 0.125,
      doublings: 0,
      peakRate: 0.125,
      belowSince: null,
      resolvedAt: null,
      changedAt: T0,
    });
    expect(incident.latest).toMatchObject({ ended: 40, interrupted: 4, offline: 1 });
  });

  it('opens nothing below the threshold or with too few calls', () => {
    expect(checkRule(idle, win(T0, 40, 3), T0, RULE)).toEqual({ state: idle, effects: [] });
    expect(checkRule(idle, win(T0, 19, 19), T0, RULE)).toEqual({ state: idle, effects: [] });
  });

  it('opens no second incident while one is open', () => {
    let state = opened();
    for (let t = T0 + 60; t < T0 + 3600; t += 60) {
      const step = checkRule(state, win(t, 40, 5), t, RULE);
      expect(step.effects.filter((e) => e.kind === 'open')).toEqual([]);
      state = step.state;
    }
  });
});

describe('mute', () => {
  it('a muted rule opens no incident until the mute ends, then opens at the next breaching check', () => {
    const muted: RuleState = { mutedUntil: T0 + 3600, open: null };
    expect(checkRule(muted, win(T0, 40, 20), T0, RULE).effects).toEqual([]);
    expect(checkRule(muted, win(T0 + 3599, 40, 20), T0 + 3599, RULE).effects).toEqual([]);
    const after = checkRule(muted, win(T0 + 3600, 40, 20), T0 + 3600, RULE);
    expect(after.effects.map((e) => e.kind)).toEqual(['open']);
    expect(after.state.mutedUntil).toBe(T0 + 3600);
  });

  it('an open incident stays open and updated while muted, posts no escalation, and resolves as usual', () => {
    let state: RuleState = { ...opened(), mutedUntil: T0 + 3600 };
    const worse = checkRule(state, win(T0 + 60, 40, 40), T0 + 60, RULE);
    expect(worse.effects).toEqual([]);
    expect(openOf(worse.state)).toMatchObject({ doublings: 0, peakRate: 1, changedAt: T0 + 60 });
    state = worse.state;
    // The mute ends with the rate still doubled: one escalation, straight to the level reached.
    const after = checkRule(state, win(T0 + 3600, 40, 40), T0 + 3600, RULE);
    expect(after.effects).toMatchObject([{ kind: 'escalate', level: 1, previousLevel: 0.125 }]);
    // And a muted incident resolves like any other.
    state = { ...after.state, mutedUntil: T0 + 99_999 };
    state = checkRule(state, win(T0 + 3660, 40, 0), T0 + 3660, RULE).state;
    const resolved = checkRule(state, win(T0 + 3660 + 900, 40, 0), T0 + 3660 + 900, RULE);
    expect(resolved.effects.map((e) => e.kind)).toEqual(['resolve']);
  });
});

describe('escalation', () => {
  it('posts once per doubling of the opening rate, straight to the highest doubling reached', () => {
    let state = opened(T0, 40, 4); // 10 %
    const levels: number[] = [];
    const rates = [4, 7, 8, 8, 9, 12, 16, 15, 20, 33, 40, 40]; // of 40
    rates.forEach((dropped, i) => {
      const t = T0 + 60 * (i + 1);
      const step = checkRule(state, win(t, 40, dropped), t, RULE);
      for (const effect of step.effects) if (effect.kind === 'escalate') levels.push(effect.level);
      state = step.state;
    });
    // 20 % at 8/40, 40 % at 16/40, 80 % at 33/40, then the 100 % cap at 40/40, each once.
    expect(levels).toEqual([0.2, 0.4, 0.8, 1]);
    expect(openOf(state).doublings).toBe(4);
  });

  it('a jump over several doublings posts one escalation', () => {
    const state = opened(T0, 100, 10);
    const step = checkRule(state, win(T0 + 60, 100, 45), T0 + 60, RULE);
    expect(step.effects).toMatchObject([{ kind: 'escalate', level: 0.4, previousLevel: 0.1 }]);
    expect(openOf(step.state).doublings).toBe(2);
  });

  it('falling back and rising again to a level already posted posts nothing', () => {
    let state = checkRule(opened(T0, 100, 10), win(T0 + 60, 100, 20), T0 + 60, RULE).state;
    state = checkRule(state, win(T0 + 120, 100, 12), T0 + 120, RULE).state;
    expect(checkRule(state, win(T0 + 180, 100, 25), T0 + 180, RULE).effects).toEqual([]);
  });

  it('stops at 100 %: an incident that opened at 100 % never escalates', () => {
    const state = opened(T0, 20, 20);
    expect(checkRule(state, win(T0 + 60, 20, 20), T0 + 60, RULE).effects).toEqual([]);
    expect(escalationLevel(0.3, 2)).toBe(1);
  });

  it('does not escalate on a check with too few calls, whatever the share', () => {
    const state = opened(T0, 40, 4);
    expect(checkRule(state, win(T0 + 60, 10, 10), T0 + 60, RULE).effects).toEqual([]);
  });
});

describe('resolution', () => {
  it('resolves when every check for a whole window was below, with the duration since opening', () => {
    let state = opened();
    state = checkRule(state, win(T0 + 60, 40, 5), T0 + 60, RULE).state;
    // Below from T0+120 on.
    for (let t = T0 + 120; t < T0 + 120 + 900; t += 60) {
      const step = checkRule(state, win(t, 40, 1), t, RULE);
      expect(step.effects).toEqual([]);
      expect(openOf(step.state).belowSince).toBe(T0 + 120);
      state = step.state;
    }
    const done = checkRule(state, win(T0 + 1020, 40, 1), T0 + 1020, RULE);
    expect(done.state.open).toBeNull();
    expect(done.effects).toMatchObject([{ kind: 'resolve', durationSeconds: 1020 }]);
    const effect = done.effects[0];
    expect(effect?.kind === 'resolve' && effect.incident.resolvedAt).toBe(T0 + 1020);
  });

  it('one check at or above the threshold starts the whole window again', () => {
    let state = opened();
    state = checkRule(state, win(T0 + 60, 40, 1), T0 + 60, RULE).state;
    state = checkRule(state, win(T0 + 900, 40, 4), T0 + 900, RULE).state; // back at 10 %
    expect(openOf(state).belowSince).toBeNull();
    state = checkRule(state, win(T0 + 960, 40, 1), T0 + 960, RULE).state;
    expect(checkRule(state, win(T0 + 1800, 40, 0), T0 + 1800, RULE).effects).toEqual([]);
    expect(checkRule(state, win(T0 + 1860, 40, 0), T0 + 1860, RULE).effects.map((e) => e.kind)).toEqual(['resolve']);
  });

  it('too few calls to count is not a breach: a quiet window resolves too', () => {
    let state = opened();
    state = checkRule(state, win(T0 + 60, 3, 3), T0 + 60, RULE).state;
    expect(openOf(state).belowSince).toBe(T0 + 60);
    expect(checkRule(state, win(T0 + 960, 0, 0), T0 + 960, RULE).effects.map((e) => e.kind)).toEqual(['resolve']);
  });

  it('after resolving, a new breach opens a new incident', () => {
    let state = opened();
    state = checkRule(state, win(T0 + 60, 40, 0), T0 + 60, RULE).state;
    state = checkRule(state, win(T0 + 960, 40, 0), T0 + 960, RULE).state;
    expect(state.open).toBeNull();
    const again = checkRule(state, win(T0 + 1020, 40, 10), T0 + 1020, RULE);
    expect(again.effects.map((e) => e.kind)).toEqual(['open']);
    expect(openOf(again.state).openedAt).toBe(T0 + 1020);
  });
});

describe('what the message shows', () => {
  it('marks a change only when the counts, the top users or the below-threshold run change', () => {
    const state = opened();
    expect(openOf(checkRule(state, win(T0 + 60, 40, 5), T0 + 60, RULE).state).changedAt).toBe(T0);
    expect(openOf(checkRule(state, win(T0 + 60, 41, 5), T0 + 60, RULE).state).changedAt).toBe(T0 + 60);
    const other = { ...win(T0 + 60, 40, 5), topUsers: [{ user: '369', count: 5 }] };
    expect(openOf(checkRule(state, other, T0 + 60, RULE).state).changedAt).toBe(T0 + 60);
  });

  it('refreshes at most once a minute, and only after a change', () => {
    expect(isRefreshDue({ changedAt: 100 }, 100, 159)).toBe(false);
    expect(isRefreshDue({ changedAt: 100 }, 100, 160)).toBe(true);
    expect(isRefreshDue({ changedAt: 99 }, 100, 500)).toBe(false);
    expect(isRefreshDue({ changedAt: 130 }, 100, 150)).toBe(false);
  });
});

describe('properties', () => {
  const checks = fc.array(
    fc.record({
      gap: fc.integer({ min: 1, max: 300 }),
      ended: fc.integer({ min: 0, max: 60 }),
      dropped: fc.integer({ min: 0, max: 60 }),
      mute: fc.option(fc.integer({ min: 0, max: 7200 }), { freq: 8 }),
    }),
    { maxLength: 80 },
  );

  it('never two open incidents; escalation levels only rise and never pass 100 %; resolutions follow openings', () => {
    fc.assert(
      fc.property(checks, (steps) => {
        let state = idle;
        let t = T0;
        let open = 0;
        let lastLevel = 0;
        for (const { gap, ended, dropped, mute } of steps) {
          t += gap;
          if (mute !== null) state = { ...state, mutedUntil: t + mute };
          const wasMuted = state.mutedUntil !== null && t < state.mutedUntil;
          const step = checkRule(state, win(t, ended, Math.min(dropped, ended)), t, RULE);
          for (const effect of step.effects) {
            if (effect.kind === 'open') {
              expect(open).toBe(0);
              expect(wasMuted).toBe(false);
              open += 1;
              lastLevel = effect.incident.openingRate;
            } else if (effect.kind === 'escalate') {
              expect(wasMuted).toBe(false);
              expect(effect.level).toBeGreaterThan(lastLevel);
              expect(effect.level).toBeLessThanOrEqual(1);
              lastLevel = effect.level;
            } else {
              expect(open).toBe(1);
              expect(effect.durationSeconds).toBeGreaterThanOrEqual(RULE.windowSeconds);
              open -= 1;
            }
          }
          expect(step.state.open === null).toBe(open === 0);
          state = step.state;
        }
      }),
    );
  });
});

describe('mostAffectedUsers', () => {
  it('counts each participant once per call, most first, ties in numeric ID order', () => {
    const calls = [
      { caller: '147', callees: ['20', '147'] },
      { caller: '20', callees: ['3'] },
      { caller: '3', callees: ['100'] },
      { caller: '147', callees: [] },
    ];
    expect(mostAffectedUsers(calls, 3)).toEqual([
      { user: '3', count: 2 },
      { user: '20', count: 2 },
      { user: '147', count: 2 },
    ]);
    expect(mostAffectedUsers([], 5)).toEqual([]);
  });
});
