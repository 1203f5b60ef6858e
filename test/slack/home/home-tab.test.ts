/**
 * The App Home tab end to end: the real app (Bolt's HTTPReceiver, access checks, listeners) on a random port, with
 * signed Events API and block_actions requests built as Slack sends them, the fake Slack Web API (which records every
 * views.publish) and the demo Tencent server over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinnedQuery } from '../../../src/calls/query.js';
import type { WireCallRecord } from '../../../src/calls/records.js';
import { newestFirst } from '../../../src/calls/search-calls.js';
import type { PageAnchor } from '../../../src/calls/search-page.js';
import { HOME_DETAIL_ACTIONS, HOME_OUTDATED_MESSAGE } from '../../../src/slack/home/home-service.js';
import { decodeHomePageRequest, decodeHomeState } from '../../../src/slack/state/home-state.js';
import { isControlBlockId } from '../../../src/slack/views/ids.js';
import { findLimitViolations } from '../../../src/slack/views/limits.js';
import { appHomeOpened, blockAction } from '../../support/slack-requests.js';
import { startTestApp, type TestApp, textOf } from '../../support/test-app.js';
import { sleep } from '../../support/wait.js';

const PERSON = 'U0PERSON01'; // users.info: Asia/Tokyo
const OTHER = 'U0OTHER001'; // users.info: Europe/Berlin
const ZONE = 'Asia/Tokyo';
const DATASET_NOW = Math.floor(Date.now() / 1000);
const DATASET = { seed: 7, callsPerDay: 60, now: DATASET_NOW };
const USERS = { [PERSON]: { tz: ZONE }, [OTHER]: { tz: 'Europe/Berlin' } };

interface Block {
  type: string;
  block_id?: string;
  text?: { text?: string };
  elements?: Array<{ type?: string; action_id?: string; value?: string }>;
  accessory?: { action_id?: string; value?: string };
}

interface HomeView {
  type: string;
  blocks: Block[];
  /** Absent only from the access check's refusal view. */
  private_metadata: string;
  callback_id?: string;
}

interface Controls {
  user?: string;
  results?: string[];
  type?: string;
  media?: string;
  preset?: string;
  from?: string;
  fromTime?: string;
  to?: string;
  toTime?: string;
}

const opt = (value: string) => ({ text: { type: 'plain_text', text: value, emoji: true }, value });

/** `view.state.values` of the Home tab's controls, exactly as Slack sends them (every input, null when empty). */
function stateValues(c: Controls = {}): Record<string, Record<string, unknown>> {
  return {
    home_user: { user: { type: 'plain_text_input', value: c.user ?? null } },
    home_results: { results: { type: 'multi_static_select', selected_options: (c.results ?? []).map(opt) } },
    home_type: { type: { type: 'static_select', selected_option: opt(c.type ?? 'any') } },
    home_media: { media: { type: 'static_select', selected_option: opt(c.media ?? 'any') } },
    home_preset: { preset: { type: 'static_select', selected_option: opt(c.preset ?? 'last_24h') } },
    home_from: { date: { type: 'datepicker', selected_date: c.from ?? null } },
    home_from_time: { time: { type: 'timepicker', selected_time: c.fromTime ?? null, timezone: ZONE } },
    home_to: { date: { type: 'datepicker', selected_date: c.to ?? null } },
    home_to_time: { time: { type: 'timepicker', selected_time: c.toTime ?? null, timezone: ZONE } },
  };
}

/** Every published view must be one Slack accepts. */
function expectWithinLimits(view: HomeView): void {
  expect(view.type).toBe('home');
  expect(view.blocks.length).toBeLessThanOrEqual(100);
  expect(findLimitViolations(view.blocks, { maxBlocks: 100 })).toEqual([]);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
}

/** Runs `send`, then waits for the next views.publish and returns its view (checked against Slack's limits). */
async function nextPublish(app: TestApp, send: () => Promise<unknown>): Promise<{ userId: string; view: HomeView }> {
  const before = app.slack.callsTo('views.publish').length;
  await send();
  const calls = await app.slack.waitForCalls('views.publish', { count: before + 1, timeoutMs: 15_000 });
  const call = calls[before];
  const view = call?.args.view as HomeView;
  expectWithinLimits(view);
  return { userId: String(call?.args.user_id), view };
}

/** `values` under the block_ids of `view`'s controls (`home_user.<key>`), as Slack sends them back. */
function keyedLike(view: HomeView | undefined, values: Record<string, unknown>): Record<string, unknown> {
  if (view === undefined) return values;
  return Object.fromEntries(
    Object.entries(values).map(([base, value]) => [
      controlIds(view).find((id) => isControlBlockId(id, base)) ?? base,
      value,
    ]),
  );
}

let viewSeq = 0;

/** A Home tab button click: block_actions with `view` (id, hash, private_metadata, state.values) and no channel. */
function homeClick(
  app: TestApp,
  actionId: string,
  options: {
    view?: HomeView;
    value?: string;
    values?: Record<string, unknown>;
    userId?: string;
    privateMetadata?: string;
  },
) {
  viewSeq += 1;
  return app.send(
    blockAction({
      actionId,
      blockId: actionId === 'home_search' || actionId === 'home_clear' ? 'home_actions' : 'home_nav',
      ...(options.value === undefined ? {} : { value: options.value }),
      userId: options.userId ?? PERSON,
      view: {
        id: `V0HOME${String(viewSeq).padStart(4, '0')}`,
        hash: `1700000000.${String(viewSeq).padStart(6, '0')}`,
        type: 'home',
        team_id: app.slack.teamId,
        app_id: 'A0TESTAPP1',
        bot_id: app.slack.botId,
        callback_id: options.view?.callback_id ?? 'calls_home',
        private_metadata: options.privateMetadata ?? options.view?.private_metadata ?? '',
        blocks: options.view?.blocks ?? [],
        state: { values: keyedLike(options.view, options.values ?? stateValues()) },
      },
    }),
  );
}

/** The text of a context or section block (an error line, the glance). */
function lineOf(view: HomeView, blockId: string): string {
  const b = block(view, blockId);
  return b?.text?.text ?? (b?.elements ?? []).map((e) => (e as { text?: string }).text ?? '').join(' ');
}

/** A control's block_id carries the key of its view (`home_user.<key>`); other blocks' ids are fixed. */
function isBlock(b: Block, blockId: string): boolean {
  return b.block_id !== undefined && isControlBlockId(b.block_id, blockId);
}

function block(view: HomeView, blockId: string): Block | undefined {
  return view.blocks.find((b) => isBlock(b, blockId));
}

function blockIndex(view: HomeView, blockId: string): number {
  return view.blocks.findIndex((b) => isBlock(b, blockId));
}

/** The block_ids of the filter controls (input blocks), in order. */
function controlIds(view: HomeView): string[] {
  return view.blocks.filter((b) => b.type === 'input').map((b) => String(b.block_id));
}

function buttonValue(view: HomeView, actionId: string): string | undefined {
  for (const b of view.blocks) {
    for (const element of b.elements ?? []) if (element.action_id === actionId) return element.value;
    if (b.accessory?.action_id === actionId) return b.accessory.value;
  }
  return undefined;
}

/** The CallIds listed as results, in the order shown. */
function shownCallIds(view: HomeView): string[] {
  return view.blocks
    .filter((b) => /^home_p\d+_c\d+$/.test(b.block_id ?? ''))
    .map((b) => /CallId `([^`]+)`/.exec(b.text?.text ?? '')?.[1] ?? '');
}

/** The search kept in private_metadata, anchor included. */
function searchOf(view: HomeView): { query: PinnedQuery; page: number; anchor?: PageAnchor } {
  const decoded = decodeHomeState(view.private_metadata);
  if (!decoded.ok || !decoded.state.search) throw new Error('the view keeps no search in private_metadata');
  return decoded.state.search;
}

/** The pinned query and page kept in private_metadata (not the anchor that found the page). */
function pinnedOf(view: HomeView): { query: PinnedQuery; page: number } {
  const { query, page } = searchOf(view);
  return { query, page };
}

/** The dataset filtered like the pinned query, newest first (as the search lists). */
function expectedIds(records: readonly WireCallRecord[], query: PinnedQuery): string[] {
  return records
    .filter((r) => r.StartTime >= query.from && r.StartTime < query.to)
    .filter((r) => query.results.length === 0 || (query.results as string[]).includes(r.CallResult))
    .filter((r) => query.callTypes.length === 0 || (query.callTypes as string[]).includes(r.CallType))
    .filter((r) => query.mediaTypes.length === 0 || (query.mediaTypes as string[]).includes(r.MediaType))
    .filter(
      (r) =>
        query.users.length === 0 || query.users.some((u) => r.Caller_Account === u || r.CalleeList_Account.includes(u)),
    )
    .map((r) => ({ callId: r.CallId, startTime: r.StartTime }))
    .sort((a, b) => newestFirst(a as never, b as never))
    .map((r) => r.callId);
}

const GLANCE_RE =
  /\*Last 24 hours:\* ([\d,]+) calls? · ([\d,]+) interrupted \(([\d.]+)%\): Interrupt ([\d,]+) · Offline ([\d,]+)/;

interface Glance {
  calls: number;
  dropped: number;
  interrupted: number;
  offline: number;
  rate: string;
}

function glanceOf(view: HomeView): Glance | undefined {
  const text = block(view, 'home_glance')?.text?.text ?? '';
  const m = GLANCE_RE.exec(text);
  if (!m) return undefined;
  const n = (s: string | undefined) => Number((s ?? '0').replaceAll(',', ''));
  return { calls: n(m[1]), dropped: n(m[2]), rate: m[3] as string, interrupted: n(m[4]), offline: n(m[5]) };
}

/** What the glance should say for the minute bucket of `nowSeconds`. */
function expectedGlance(records: readonly WireCallRecord[], nowSeconds: number) {
  const to = Math.floor(nowSeconds / 60) * 60;
  const inWindow = records.filter((r) => r.StartTime >= to - 86_400 && r.StartTime < to);
  const calls = inWindow.length;
  const interrupted = inWindow.filter((r) => r.CallResult === 'Interrupt').length;
  const offline = inWindow.filter((r) => r.CallResult === 'Offline').length;
  const dropped = interrupted + offline;
  return { calls, dropped, interrupted, offline, rate: ((calls > 0 ? dropped / calls : 0) * 100).toFixed(1) };
}

/** Waits, if need be, so that the next few seconds stay within one minute (the glance's cache bucket). */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await sleep(60_000 - intoMinute + 200);
}

function tokyoDate(unixSeconds: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    unixSeconds * 1000,
  );
}

describe('the Home tab, end to end', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dataset: DATASET, slack: { users: USERS } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('publishes the Home view with the controls and the glance when the Home tab opens', async () => {
    await awayFromMinuteEdge();
    const requests = app.tencent.stats.requests;
    const started = Date.now() / 1000;
    const { userId, view } = await nextPublish(app, () => app.send(appHomeOpened(PERSON)));
    const ended = Date.now() / 1000;
    expect(userId).toBe(PERSON);
    expect(view.callback_id).toBe('calls_home');
    for (const id of [
      'home_user',
      'home_results',
      'home_type',
      'home_media',
      'home_preset',
      'home_from',
      'home_from_time',
      'home_to',
      'home_to_time',
      'home_actions',
    ]) {
      expect(block(view, id), id).toBeDefined();
    }
    expect(buttonValue(view, 'home_search')).toBeUndefined();
    expect(textOf(view)).toContain('Search');
    // The default filters, and no search yet.
    const state = decodeHomeState(view.private_metadata);
    expect(state).toMatchObject({ ok: true, state: { filters: { preset: 'last_24h', results: [] } } });
    expect(state.ok && state.state.search).toBeUndefined();
    expect(block(view, 'home_empty')).toBeDefined();
    // The glance equals the counts of the dataset, and cost at most three requests (TotalNum counts, not records).
    const glance = glanceOf(view);
    const candidates = [expectedGlance(app.records, started), expectedGlance(app.records, ended)];
    expect(candidates).toContainEqual(glance);
    expect(glance?.calls).toBeGreaterThan(0);
    expect(app.tencent.stats.requests - requests).toBeLessThanOrEqual(3);
    expect(textOf(view)).toContain('Demo data');
  });

  it('costs no request for the glance again within the minute, for anybody', async () => {
    await awayFromMinuteEdge();
    await nextPublish(app, () => app.send(appHomeOpened(PERSON)));
    const requests = app.tencent.stats.requests;
    const first = await nextPublish(app, () => app.send(appHomeOpened(OTHER)));
    const second = await nextPublish(app, () => app.send(appHomeOpened(PERSON)));
    expect(app.tencent.stats.requests).toBe(requests);
    expect(glanceOf(first.view)).toEqual(glanceOf(second.view));
    expect(first.userId).toBe(OTHER);
  });

  it('publishes nothing when the Messages tab opens', async () => {
    const before = app.slack.callsTo('views.publish').length;
    const sent = await app.send(appHomeOpened('U0MESSAGES', { tab: 'messages' }));
    expect(sent.status).toBe(200);
    // A Home event sent after it is answered; the Messages one never is.
    await nextPublish(app, () => app.send(appHomeOpened(OTHER)));
    await sleep(50);
    const published = app.slack.callsTo('views.publish').slice(before);
    expect(published.map((c) => c.args.user_id)).toEqual([OTHER]);
  });

  it('searches with the chosen filters and pages through every match exactly once', async () => {
    const opened = await nextPublish(app, () => app.send(appHomeOpened(PERSON)));
    const values = stateValues({ media: 'Video', preset: 'last_24h' });
    const first = await nextPublish(app, () => homeClick(app, 'home_search', { view: opened.view, values }));
    expect(first.userId).toBe(PERSON);
    const { query, page } = pinnedOf(first.view);
    expect(page).toBe(1);
    expect(query).toMatchObject({ mediaTypes: ['Video'], users: [], results: [], callTypes: [], timeZone: ZONE });
    expect(query.to - query.from).toBe(86_400);
    const expected = expectedIds(app.records, query);
    expect(expected.length).toBeGreaterThan(10); // more than one page
    // The controls show what was searched.
    expect(decodeHomeState(first.view.private_metadata)).toMatchObject({
      ok: true,
      state: { filters: { mediaTypes: ['Video'], preset: 'last_24h' } },
    });
    expect(lineOf(first.view, 'home_head_p1')).toMatch(/page 1 of \d+/);

    const seen: string[] = [...shownCallIds(first.view)];
    let view = first.view;
    for (let n = 2; buttonValue(view, 'home_page_next') !== undefined; n++) {
      const next = buttonValue(view, 'home_page_next');
      expect(decodeHomePageRequest(next ?? '')).toEqual({ page: n, anchor: { after: expect.any(Object) } });
      view = (await nextPublish(app, () => homeClick(app, 'home_page_next', { view, value: next }))).view;
      expect(pinnedOf(view)).toEqual({ query, page: n });
      seen.push(...shownCallIds(view));
      expect(n).toBeLessThan(50);
    }
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);

    // Previous goes back one page, to the same calls.
    const back = await nextPublish(app, () =>
      homeClick(app, 'home_page_prev', { view, value: buttonValue(view, 'home_page_prev') }),
    );
    const lastPage = pinnedOf(view).page;
    expect(pinnedOf(back.view).page).toBe(lastPage - 1);
    expect(shownCallIds(back.view)).toEqual(expected.slice((lastPage - 2) * 10, (lastPage - 1) * 10));
  });

  it('searches a user over a custom range in the person’s zone, every match once across pages', async () => {
    const today = tokyoDate(Date.now() / 1000);
    const threeDaysAgo = tokyoDate(Date.now() / 1000 - 3 * 86_400);
    const values = stateValues({
      user: '147, 369',
      results: ['NormalEnd', 'NotAnswer', 'Cancel'],
      preset: 'custom',
      from: threeDaysAgo,
      fromTime: '06:30',
      to: today,
    });
    const first = await nextPublish(app, () => homeClick(app, 'home_search', { values }));
    const { query } = pinnedOf(first.view);
    expect(query.users).toEqual(['147', '369']);
    expect(query.from).toBe(Date.parse(`${threeDaysAgo}T06:30:00+09:00`) / 1000);
    const expected = expectedIds(app.records, query);
    expect(expected.length).toBeGreaterThan(0);
    const seen = [...shownCallIds(first.view)];
    let view = first.view;
    while (buttonValue(view, 'home_page_next') !== undefined) {
      const value = buttonValue(view, 'home_page_next');
      view = (await nextPublish(app, () => homeClick(app, 'home_page_next', { view, value }))).view;
      seen.push(...shownCallIds(view));
    }
    expect(seen).toEqual(expected);
  });

  it('writes one audit line per search, like /calls', async () => {
    const before = app.logs.audits().length;
    await nextPublish(app, () =>
      homeClick(app, 'home_search', { values: stateValues({ results: ['Interrupt'], preset: 'last_7d' }) }),
    );
    const audits = app.logs.audits().slice(before);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      audit: 'query',
      surface: 'home:home_search',
      user: PERSON,
      team: app.slack.teamId,
      outcome: 'ok',
      pinned: { results: ['Interrupt'] },
      page: 1,
    });
    expect(audits[0]?.upstreamRequests).toBe(0); // answered from the store
    expect(typeof audits[0]?.durationMs).toBe('number');
  });

  it('shows bad input next to its control and runs no search', async () => {
    const requests = app.tencent.stats.requests;
    const before = app.logs.audits().length;
    const { view } = await nextPublish(app, () =>
      homeClick(app, 'home_search', {
        values: stateValues({ user: '147 no/slash', preset: 'custom', from: '2026-11-20', to: '2026-11-19' }),
      }),
    );
    expect(blockIndex(view, 'home_user_error')).toBe(blockIndex(view, 'home_user') + 1);
    expect(lineOf(view, 'home_user_error')).toContain('is not a Tencent user ID');
    expect(blockIndex(view, 'home_range_error')).toBe(blockIndex(view, 'home_to_time') + 1);
    expect(lineOf(view, 'home_range_error')).toMatch(/is after To .*swap them/);
    // The filters stay as typed, and nothing was searched.
    expect(decodeHomeState(view.private_metadata)).toMatchObject({
      ok: true,
      state: { filters: { user: '147 no/slash', preset: 'custom', from: '2026-11-20', to: '2026-11-19' } },
    });
    expect(view.blocks.some((b) => /^home_head_/.test(b.block_id ?? ''))).toBe(false);
    expect(buttonValue(view, 'home_page_next')).toBeUndefined();
    expect(app.logs.audits().slice(before)).toEqual([expect.objectContaining({ outcome: 'invalid' })]);
    expect(app.tencent.stats.requests - requests).toBeLessThanOrEqual(3); // the glance, at most

    const missing = await nextPublish(app, () =>
      homeClick(app, 'home_search', { values: stateValues({ preset: 'custom' }) }),
    );
    expect(lineOf(missing.view, 'home_range_error')).toContain('needs a From date');
    const tooOld = await nextPublish(app, () =>
      homeClick(app, 'home_search', {
        values: stateValues({
          preset: 'custom',
          from: tokyoDate(DATASET_NOW - 120 * 86_400),
          to: tokyoDate(DATASET_NOW - 100 * 86_400),
        }),
      }),
    );
    expect(lineOf(tooOld.view, 'home_range_error')).toContain('kept for 90 days');
    expect(
      app.logs
        .audits()
        .slice(before)
        .map((a) => a.outcome),
    ).toEqual(['invalid', 'invalid', 'invalid-range']);
    expect(
      app.logs
        .audits()
        .slice(before)
        .every((a) => a.upstreamRequests === 0),
    ).toBe(true);
  });

  it('clears back to the default view, with controls Slack cannot keep the typed values in', async () => {
    const searched = await nextPublish(app, () =>
      homeClick(app, 'home_search', { values: stateValues({ user: '147', preset: 'last_7d' }) }),
    );
    const cleared = await nextPublish(app, () => homeClick(app, 'home_clear', { view: searched.view }));
    expect(decodeHomeState(cleared.view.private_metadata)).toEqual({
      ok: true,
      state: { filters: { results: [], callTypes: [], mediaTypes: [], preset: 'last_24h' } },
    });
    expect(block(cleared.view, 'home_empty')).toBeDefined();
    expect(shownCallIds(cleared.view)).toEqual([]);
    // Slack keeps what an input shows while its block_id is unchanged (ignoring the new initial value): every
    // control of the cleared view must come under a block_id the searched view did not use.
    expect(controlIds(cleared.view)).toHaveLength(9);
    for (const id of controlIds(cleared.view)) expect(controlIds(searched.view)).not.toContain(id);
    expect(JSON.stringify(block(cleared.view, 'home_user'))).not.toContain('initial_value');
  });

  it('answers an outdated or tampered view with the default view and a short sentence, without searching', async () => {
    const before = app.logs.audits().length;
    for (const privateMetadata of ['', 'not json', '{"v":99,"f":{"pr":"last_24h"}}', '{"v":1,"f":{"pr":"last_24h"}}']) {
      const { view } = await nextPublish(app, () => homeClick(app, 'home_page_next', { value: '2', privateMetadata }));
      expect(lineOf(view, 'home_general_error')).toContain(HOME_OUTDATED_MESSAGE);
      expect(shownCallIds(view)).toEqual([]);
    }
    const searched = await nextPublish(app, () =>
      homeClick(app, 'home_search', { values: stateValues({ preset: 'last_7d' }) }),
    );
    const badPage = await nextPublish(app, () =>
      homeClick(app, 'home_page_next', { view: searched.view, value: 'abc' }),
    );
    expect(lineOf(badPage.view, 'home_general_error')).toContain(HOME_OUTDATED_MESSAGE);
    const outcomes = app.logs
      .audits()
      .slice(before)
      .map((a) => a.outcome);
    expect(outcomes.filter((o) => o === 'home-state-malformed')).toHaveLength(5);
  });

  it('answers a Home button this version does not know with a fresh view that says so', async () => {
    const requests = app.tencent.stats.requests;
    const { userId, view } = await nextPublish(app, () => homeClick(app, 'home_page_jump', { value: '3' }));
    expect(userId).toBe(PERSON);
    expect(lineOf(view, 'home_general_error')).toContain(HOME_OUTDATED_MESSAGE);
    expect(block(view, 'home_empty')).toBeDefined();
    expect(app.logs.audits().at(-1)).toMatchObject({ surface: 'home:home_page_jump', outcome: 'button-outdated' });
    expect(app.tencent.stats.requests - requests).toBeLessThanOrEqual(3); // the glance, at most
  });

  it('brings back the last search when the Home tab opens again', async () => {
    const searched = await nextPublish(app, () =>
      homeClick(app, 'home_search', { values: stateValues({ results: ['Interrupt', 'Offline'], preset: 'last_7d' }) }),
    );
    const next = buttonValue(searched.view, 'home_page_next');
    const page2 = next
      ? (await nextPublish(app, () => homeClick(app, 'home_page_next', { view: searched.view, value: next }))).view
      : searched.view;
    const { view } = await nextPublish(app, () =>
      app.event({
        type: 'app_home_opened',
        user: PERSON,
        channel: 'D0HOMECHAN',
        tab: 'home',
        view: { id: 'V0HOME0001', type: 'home', private_metadata: page2.private_metadata, hash: '1.x' },
      }),
    );
    expect(searchOf(view)).toEqual(searchOf(page2));
    expect(shownCallIds(view)).toEqual(shownCallIds(page2));
  });

  it('shows a call’s details in place of the results, with Back to results and Other calls', async () => {
    const searched = await nextPublish(app, () =>
      homeClick(app, 'home_search', { values: stateValues({ type: 'MultiCall', preset: 'last_7d' }) }),
    );
    // A Details button where the list leaves something out (many callees), else any call listed.
    const callId = buttonValue(searched.view, 'home_details') ?? shownCallIds(searched.view)[0];
    expect(callId).toBeDefined();
    const record = app.records.find((r) => r.CallId === callId) as WireCallRecord;
    const details = await nextPublish(app, () =>
      homeClick(app, 'home_details', { view: searched.view, value: callId }),
    );
    expect(lineOf(details.view, 'call_id')).toContain(callId);
    expect(block(details.view, 'call_fields')).toBeDefined();
    expect(shownCallIds(details.view)).toEqual([]);
    // The controls stay on top; the details' own response_url button is replaced by Home buttons.
    expect(block(details.view, 'home_user')).toBeDefined();
    expect(block(details.view, 'call_actions')).toBeUndefined();
    expect(buttonValue(details.view, HOME_DETAIL_ACTIONS.back)).toBe('1');
    expect(buttonValue(details.view, HOME_DETAIL_ACTIONS.otherCalls)).toBe(record.Caller_Account);
    expect(searchOf(details.view)).toEqual(searchOf(searched.view));

    const back = await nextPublish(app, () =>
      homeClick(app, HOME_DETAIL_ACTIONS.back, { view: details.view, value: '1' }),
    );
    expect(shownCallIds(back.view)).toEqual(shownCallIds(searched.view));

    const other = await nextPublish(app, () =>
      homeClick(app, HOME_DETAIL_ACTIONS.otherCalls, { view: details.view, value: record.Caller_Account }),
    );
    const { query } = pinnedOf(other.view);
    expect(query.users).toEqual([record.Caller_Account]);
    expect(shownCallIds(other.view)).toContain(record.CallId);
    expect(decodeHomeState(other.view.private_metadata)).toMatchObject({
      ok: true,
      state: { filters: { user: record.Caller_Account, preset: 'last_7d' } },
    });
    // The controls show that search (new block_ids: Slack would otherwise keep the type select the person had set).
    for (const id of controlIds(other.view)) expect(controlIds(details.view)).not.toContain(id);
  });

  it('says so, in the Home tab, when a Details CallId is unknown', async () => {
    const searched = await nextPublish(app, () =>
      homeClick(app, 'home_search', { values: stateValues({ preset: 'last_hour' }) }),
    );
    const { view } = await nextPublish(app, () =>
      homeClick(app, 'home_details', { view: searched.view, value: 'no-such-call-0000' }),
    );
    expect(lineOf(view, 'call_missing')).toContain('no-such-call-0000');
  });
});

describe('the Home tab across app instances', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      startTestApp({ dataset: DATASET, slack: { users: USERS } }),
      startTestApp({ dataset: DATASET, slack: { users: USERS } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  it('serves Next on a fresh instance from the state kept in the view', async () => {
    expect(second.records.map((r) => r.CallId)).toEqual(first.records.map((r) => r.CallId));
    const values = stateValues({ preset: 'last_7d', type: 'SingleCall' });
    const page1 = await nextPublish(first, () => homeClick(first, 'home_search', { values }));
    const { query } = pinnedOf(page1.view);
    const expected = expectedIds(first.records, query);
    expect(shownCallIds(page1.view)).toEqual(expected.slice(0, 10));
    const secondRequests = second.tencent.stats.requests;
    const page2 = await nextPublish(second, () =>
      homeClick(second, 'home_page_next', { view: page1.view, value: buttonValue(page1.view, 'home_page_next') }),
    );
    expect(page2.userId).toBe(PERSON);
    expect(pinnedOf(page2.view)).toEqual({ query, page: 2 });
    expect(shownCallIds(page2.view)).toEqual(expected.slice(10, 20));
    // Really searched there, in its own store, with no Tencent request.
    expect(second.logs.audits().at(-1)).toMatchObject({ surface: 'home:home_page_next', outcome: 'ok', page: 2 });
    expect(second.tencent.stats.requests).toBe(secondRequests);
    expect(first.slack.callsTo('views.publish')).toHaveLength(1);
  });
});

describe('the Home tab under the allow-list', () => {
  let app: TestApp;
  const ALLOWED = 'U0ALLOWED1';
  const INTRUDER = 'U0INTRUDER';

  beforeAll(async () => {
    app = await startTestApp({
      dataset: DATASET,
      env: { ALLOWED_SLACK_USERS: ALLOWED },
      slack: { users: { [ALLOWED]: { tz: ZONE }, [INTRUDER]: { tz: ZONE } } },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows a refused person only the refusal, with no records and no glance, on opening and on every action', async () => {
    // An allowed person's view with results, as the intruder might replay it.
    await nextPublish(app, () => app.send(appHomeOpened(ALLOWED)));
    const searched = await nextPublish(app, () =>
      homeClick(app, 'home_search', { userId: ALLOWED, values: stateValues({ preset: 'last_7d' }) }),
    );
    expect(shownCallIds(searched.view).length).toBeGreaterThan(0);
    const callId = buttonValue(searched.view, 'home_details') ?? app.records[0]?.CallId;

    const requests = app.tencent.stats.requests;
    const refused: HomeView[] = [];
    refused.push((await nextPublish(app, () => app.send(appHomeOpened(INTRUDER)))).view);
    const clicks: Array<[string, { value?: string }]> = [
      ['home_search', {}],
      ['home_page_next', { value: '2' }],
      ['home_page_prev', { value: '1' }],
      ['home_clear', {}],
      ['home_details', { value: callId }],
      [HOME_DETAIL_ACTIONS.back, { value: '1' }],
      [HOME_DETAIL_ACTIONS.otherCalls, { value: '147' }],
    ];
    for (const [actionId, extra] of clicks) {
      const { userId, view } = await nextPublish(app, () =>
        homeClick(app, actionId, {
          userId: INTRUDER,
          view: searched.view,
          values: stateValues({ preset: 'last_7d' }),
          ...extra,
        }),
      );
      expect(userId).toBe(INTRUDER);
      refused.push(view);
    }
    for (const view of refused) {
      const text = textOf(view);
      expect(text).toContain('ALLOWED_SLACK_USERS');
      expect(text).not.toContain('Last 24 hours');
      expect(block(view, 'home_glance')).toBeUndefined();
      expect(shownCallIds(view)).toEqual([]);
      for (const record of app.records) expect(text).not.toContain(record.CallId);
    }
    expect(app.tencent.stats.requests).toBe(requests);
  });
});

describe('the Home tab when Tencent fails', () => {
  let app: TestApp;
  const WRONG_KEY = 'a-wrong-secret-key-for-this-sdkappid-0000000000000000000000000000';

  beforeAll(async () => {
    app = await startTestApp({
      dataset: DATASET,
      tencent: { mode: 'live', appSecretKey: WRONG_KEY },
      slack: { users: USERS },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('still answers from the store: the footer says the sync fails, a search says why in one sentence', async () => {
    const opened = await nextPublish(app, () => app.send(appHomeOpened(PERSON)));
    expect(lineOf(opened.view, 'home_store')).toContain('not synced with Tencent yet');
    expect(lineOf(opened.view, 'home_store')).toContain('the sync is failing');
    const searched = await nextPublish(app, () =>
      homeClick(app, 'home_search', { view: opened.view, values: stateValues({ preset: 'last_hour' }) }),
    );
    const notice = textOf(searched.view.blocks)
      .split('\n')
      .find((line) => line.includes('cannot sign in to Tencent'));
    expect(notice).toContain('TENCENT_SDKAPPID/TENCENT_SECRET_KEY');
    const everything = app.everythingSent();
    expect(everything).not.toContain(app.tencent.secretKey);
    expect(everything).not.toContain(WRONG_KEY);
    expect(everything).not.toMatch(/usersig=/i);
    expect(app.logs.audits().at(-1)).toMatchObject({ surface: 'home:home_search', outcome: 'ok' });
  });
});

describe('the Home tab with very large pages', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dataset: DATASET, slack: { users: USERS }, search: { pageSize: 200 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('never publishes more than 100 blocks', async () => {
    const { view } = await nextPublish(app, () =>
      homeClick(app, 'home_search', {
        values: stateValues({ user: '147', preset: 'custom', from: '2026-11-20', to: '2026-11-19' }),
      }),
    );
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const big = await nextPublish(app, () =>
      homeClick(app, 'home_search', { values: stateValues({ preset: 'last_7d' }) }),
    );
    expect(big.view.blocks.length).toBe(100);
    expect(shownCallIds(big.view).length).toBeGreaterThan(50);
  });
});
