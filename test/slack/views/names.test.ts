import { describe, expect, it } from 'vitest';
import type { DailySummary } from '../../../src/calls/daily-summary.js';
import { callSection } from '../../../src/slack/views/call-blocks.js';
import { renderCallDetails } from '../../../src/slack/views/call-details.js';
import { personLabel } from '../../../src/slack/views/format.js';
import { renderHomeView } from '../../../src/slack/views/home.js';
import { assertViewWithinLimits, assertWithinLimits } from '../../../src/slack/views/limits.js';
import { renderResultPage } from '../../../src/slack/views/result-page.js';
import { renderDailySummary } from '../../../src/slack/views/summary.js';
import { bigGroup, ended, NOW, offline, searchPage, worstRecords } from './fixtures.js';

const NAMES = new Map([
  ['147', 'Alice Wong'],
  ['369', 'José Núñez'],
  ['bob', '<!channel> Bob'],
  ['carol', 'Carol `rm -rf` <https://evil.example|click> & co'],
]);

const options = { timeZone: 'Asia/Shanghai', detailsActionId: 'd', blockIdPrefix: 'c', names: NAMES };

function texts(value: unknown): string {
  return JSON.stringify(value);
}

describe('personLabel', () => {
  it('shows "Name (`id`)", the ID alone without a name, and escapes the name as text from outside', () => {
    expect(personLabel('147', NAMES)).toBe('Alice Wong (`147`)');
    expect(personLabel('520', NAMES)).toBe('`520`');
    expect(personLabel('147')).toBe('`147`');
    expect(personLabel('bob', NAMES)).toBe('&lt;!channel&gt; Bob (`bob`)');
    expect(personLabel('carol', NAMES)).toBe('Carol ˋrm -rfˋ &lt;https://evil.example|click&gt; &amp; co (`carol`)');
    expect(personLabel('x', new Map([['x', `${'é'.repeat(100)}\nnext`]]))).toMatch(/^é{47}… \(`x`\)$/);
    expect(personLabel('x', new Map([['x', '  \n ']]))).toBe('`x`');
  });
});

describe('names on every surface', () => {
  it('lead each call: caller and callees by name, unknown ones by ID', () => {
    const section = callSection(ended, 0, options);
    expect(section.text?.text).toContain('Video call from Alice Wong (`147`) to José Núñez (`369`) ended normally');
    const group = callSection(offline, 1, options);
    expect(group.text?.text).toContain('from `alice_01` to &lt;!channel&gt; Bob (`bob`) and Carol');
    expect(texts(group)).not.toContain('<!channel>');
    expect(texts(group)).not.toContain('<https://evil');
  });

  it('name the users searched for in the headline of results and of the Home tab', () => {
    const page = searchPage({ records: [ended] });
    const message = renderResultPage(page, { demo: false, timeZone: 'Asia/Shanghai', now: NOW, names: NAMES });
    expect(message.blocks[0]).toMatchObject({ text: { text: expect.stringContaining('calls of Alice Wong (`147`)') } });
    // The notification text carries no customer data, names included.
    expect(message.text).not.toContain('Alice');
    const home = renderHomeView({
      filters: { results: [], callTypes: [], mediaTypes: [], preset: 'last_24h' },
      page,
      demo: false,
      timeZone: 'UTC',
      now: NOW,
      names: NAMES,
    });
    expect(texts(home.blocks)).toContain('calls of Alice Wong (`147`)');
    expect(texts(home.blocks)).toContain('from Alice Wong (`147`) to José Núñez (`369`)');
  });

  it('name the caller and every callee in the details', () => {
    const details = renderCallDetails(offline, {
      demo: false,
      timeZone: 'UTC',
      now: NOW,
      callId: offline.callId,
      names: NAMES,
    });
    const all = texts(details.blocks);
    expect(all).toContain('*Caller*\\n`alice_01`');
    expect(all).toContain('*Callees (2)*\\n&lt;!channel&gt; Bob (`bob`), Carol');
    expect(all).not.toContain('<!channel>');
  });

  it('name the most affected users of the daily summary', () => {
    const summary = {
      date: '2026-11-25',
      timeZone: 'UTC',
      dropped: 3,
      interrupted: 3,
      offline: 0,
      totalCalls: 10,
      interruptedShare: 0.3,
      split: { audio: 1, video: 2, single: 3, group: 0 },
      topUsers: [
        { user: '147', count: 2 },
        { user: 'bob', count: 1 },
        { user: '520', count: 1 },
      ],
      peakHour: null,
      hourly: [],
      blocks: [],
      previousDay: null,
      change: null,
      notices: [],
    } as unknown as DailySummary;
    const message = renderDailySummary(summary, { demo: false, showButtonValue: 'x', names: NAMES });
    const all = texts(message.blocks);
    expect(all).toContain('Alice Wong (`147`) ×2, &lt;!channel&gt; Bob (`bob`) ×1, `520` ×1');
  });

  it('stay within every Slack limit with long names on the worst page', () => {
    const long = new Map<string, string>();
    for (const record of [...worstRecords(20), bigGroup]) {
      long.set(record.caller, `${'N'.repeat(200)}<&>`);
      for (const callee of record.callees) long.set(callee, `${'M'.repeat(200)}<&>`);
    }
    const page = searchPage({
      records: [...worstRecords(20), bigGroup],
      query: { ...searchPage().query, users: [...long.keys()].slice(0, 20) },
    });
    assertWithinLimits(renderResultPage(page, { demo: true, timeZone: 'UTC', now: NOW, names: long }).blocks, {
      maxBlocks: 50,
    });
    assertWithinLimits(
      renderCallDetails(bigGroup, { demo: true, timeZone: 'UTC', now: NOW, callId: bigGroup.callId, names: long })
        .blocks,
      { maxBlocks: 50 },
    );
    assertViewWithinLimits(
      renderHomeView({
        filters: { results: [], callTypes: [], mediaTypes: [], preset: 'last_24h' },
        page,
        demo: true,
        timeZone: 'UTC',
        now: NOW,
        names: long,
      }),
    );
  });
});
