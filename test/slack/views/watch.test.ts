import { describe, expect, it } from 'vitest';
import { MAX_WATCHES_PER_USER, type Watch } from '../../../src/calls/watch-rules.js';
import { assertWithinLimits, LIMITS } from '../../../src/slack/views/limits.js';
import {
  renderWatchEnded,
  renderWatchedCall,
  renderWatchList,
  renderWatchOverflow,
  renderWatchStarted,
  renderWatchStopped,
} from '../../../src/slack/views/watch.js';
import { shownTextOf } from '../../support/test-app.js';
import { bigGroup, exploded, interrupted, NOW_SECONDS } from './fixtures.js';

const watch = (overrides: Partial<Watch> = {}): Watch => ({
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  teamId: 'T0TEST0001',
  userId: 'U0PERSON01',
  channelId: 'C0SUPPORT1',
  filter: { users: ['147'], results: ['Interrupt', 'Offline'], callTypes: [], mediaTypes: [] },
  createdAt: NOW_SECONDS,
  expiresAt: NOW_SECONDS + 7 * 86_400,
  endedAt: null,
  ...overrides,
});
const limits = { maxBlocks: LIMITS.messageBlocks };

describe('watch views', () => {
  it('a watched call: its sentence, its time for each reader, a Details button; no customer data in the notification', () => {
    const dm = renderWatchedCall(watch(), interrupted, { timeZone: 'Asia/Shanghai' });
    const shown = shownTextOf(dm.blocks);
    expect(shown).toContain(`<!date^${interrupted.startTime}^{date_short_pretty} at {time}|`);
    expect(shown).toContain('GMT+8');
    expect(shown).toContain('Your watch of interrupted or offline calls of `147`');
    expect(dm.text).toBe('A call you watch just ended');
    expect(dm.text).not.toContain('147');
    expect(JSON.stringify(dm.blocks)).toContain('"action_id":"calls_details"');
    assertWithinLimits(dm.blocks, limits);
  });

  it('stays within Block Kit limits and escapes hostile values', () => {
    const hostile = {
      ...bigGroup,
      caller: '<!channel>',
      callees: Array.from({ length: 200 }, () => '<@U0BOSS>'.repeat(4)),
    };
    const dm = renderWatchedCall(watch(), { ...hostile, callId: 'x'.repeat(5000) }, { timeZone: 'UTC', demo: true });
    assertWithinLimits(dm.blocks, limits);
    expect(JSON.stringify(dm.blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(dm.blocks)).not.toContain('<@U0BOSS>');
    expect(dm.text).toBe('A call you watch just ended · demo data');
    const unknown = renderWatchedCall(watch(), { ...exploded, result: 'R'.repeat(5000) }, { timeZone: 'UTC' });
    assertWithinLimits(unknown.blocks, limits);
  });

  it(`lists up to ${MAX_WATCHES_PER_USER} watches of 20 users each within limits, each with a Stop button`, () => {
    const users = Array.from({ length: 20 }, (_, i) => `user-${'9'.repeat(24)}-${i}`);
    const list = Array.from({ length: MAX_WATCHES_PER_USER }, (_, i) =>
      watch({
        id: `0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a${String(i).padStart(2, '0')}`,
        filter: { ...watch().filter, users },
      }),
    );
    const rendered = renderWatchList(list, { timeZone: 'UTC', demo: true });
    assertWithinLimits(rendered.blocks, limits);
    expect(JSON.stringify(rendered.blocks).match(/"action_id":"watch_stop"/g)).toHaveLength(MAX_WATCHES_PER_USER);
    expect(renderWatchList([], { timeZone: 'UTC' }).text).toBe('No watches');
  });

  it('started, stopped and ended say what the watch is', () => {
    const started = renderWatchStarted(watch(), 3, { timeZone: 'UTC', viaSync: { intervalSeconds: 300 } });
    expect(shownTextOf(started.blocks)).toContain('`/calls unwatch 3`');
    expect(shownTextOf(started.blocks)).toContain('up to 5 minutes after they end');
    expect(shownTextOf(renderWatchStarted(watch(), 1, { timeZone: 'UTC' }).blocks)).not.toContain('sync');
    expect(shownTextOf(renderWatchStopped(watch(), {}).blocks)).toContain(
      'Stopped watching interrupted or offline calls of `147`',
    );
    expect(shownTextOf(renderWatchEnded(watch(), { watchDays: 7 }).blocks)).toContain('has ended after 7 days');
    for (const message of [
      started,
      renderWatchStopped(watch(), { demo: true }),
      renderWatchEnded(watch(), { watchDays: 1 }),
    ]) {
      assertWithinLimits(message.blocks, limits);
    }
  });
});

describe('held-back calls', () => {
  it('says how many, and gives the search that lists them', () => {
    const message = renderWatchOverflow(watch(), 37, { perMinute: 10, demo: true });
    expect(shownTextOf(message.blocks)).toContain(
      '37 more calls matched your watch of interrupted or offline calls of `147`',
    );
    expect(shownTextOf(message.blocks)).toContain('`/calls user:147 result:Interrupt,Offline last:1h`');
    expect(message.text).toBe('37 more calls you watch · demo data');
    assertWithinLimits(message.blocks, limits);
  });
});
