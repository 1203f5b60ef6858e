/**
 * Robustness: input of any length or content gets an answer and never crashes the process; a failure in one request
 * never breaks another. 1,000 random requests go to the REAL app (the e2e harness: Bolt's HTTPReceiver, access
 * checks, listeners, the demo Tencent server over HTTP), 20 at a time: `/calls` with random text (unicode,
 * control characters, huge strings, JSON, query-like token soup), button clicks with random values (JSON
 * garbage, near-valid page states, huge strings) on every action the app knows, and deliberately unsigned or
 * stale requests. Seeded (fast-check), so a failure replays.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACTION_IDS } from '../../src/slack/views/ids.js';
import { SUMMARY_SHOW_INTERRUPTED_ACTION } from '../../src/slack/views/summary.js';
import { sendSigned, slashCommand } from '../support/slack-requests.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SEED = 20_241_127;
const TOTAL = 1_000;
const CONCURRENCY = 20;

type Fuzz =
  | { kind: 'command'; text: string }
  | { kind: 'click'; actionId: string; value: string | undefined; fromHome: boolean; metadata: string }
  | { kind: 'unsigned'; text: string; how: 'bad-signature' | 'stale' | 'no-signature' };

const NOW = Math.floor(Date.now() / 1000);

const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((n) => String.fromCharCode(n)) });
const lookalikes = fc.constantFrom(
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\u0000',
  '\u2028',
  'ｕｓｅｒ：',
  '🙂',
  '𝕦𝕤𝕖𝕣',
);
const queryToken = fc.oneof(
  fc.constantFrom(
    'user:',
    'user:147',
    'result:',
    'result:interrupted,missed',
    'result:nope',
    'type:group',
    'type:',
    'media:video',
    'last:',
    'last:99999999d',
    'last:0h',
    'from:',
    'from:2024-02-30',
    'to:yesterday',
    'since:25:99',
    'id:',
    'id:not-a-call',
    'help',
    'today',
    'yesterday',
    '24h',
    '3d',
    ':',
    ',,,',
    '"',
    '`',
    '*bold*',
    '<@U123>',
    '<!channel>',
  ),
  fc.string({ maxLength: 12 }),
  lookalikes,
);
const commandText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 4, arbitrary: fc.array(queryToken, { maxLength: 12 }).map((tokens) => tokens.join(' ')) },
  { weight: 1, arbitrary: controlChars },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', 'user:147 ', '🙂', 'a,', ' ', '\u0000'), fc.integer({ min: 1_000, max: 60_000 }))
      .map(([unit, times]) => unit.repeat(times)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', '\t\t', 'help', 'yesterday') },
);

/** Page states near the real wire form, with any field broken. */
const pageValue = fc
  .record(
    {
      v: fc.oneof(fc.constant(1), fc.integer(), fc.string()),
      u: fc.oneof(fc.array(fc.string({ maxLength: 40 }), { maxLength: 5 }), fc.constant(['147']), fc.string()),
      r: fc.oneof(fc.constant(['Interrupt']), fc.array(fc.string(), { maxLength: 3 })),
      f: fc.oneof(fc.constant(NOW - 86_400), fc.integer(), fc.double(), fc.constant(-1)),
      t: fc.oneof(fc.constant(NOW), fc.integer(), fc.constant(Number.MAX_SAFE_INTEGER)),
      z: fc.oneof(fc.constantFrom('UTC', 'Asia/Shanghai', 'Mars/Olympus', ''), fc.string()),
      p: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(1e9), fc.double(), fc.string()),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value));
const buttonValue = fc.oneof(
  pageValue,
  fc.json({ maxDepth: 4 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 3000 }),
  fc.constantFrom(
    '',
    '{',
    'null',
    '[]',
    '{"v":1}',
    '"\\ud800"',
    '{"__proto__":{"polluted":1},"v":1}',
    'x'.repeat(5000),
  ),
  fc.constant(undefined),
);
const KNOWN_ACTIONS = [...Object.values(ACTION_IDS), SUMMARY_SHOW_INTERRUPTED_ACTION];
const click = fc.record({
  kind: fc.constant('click' as const),
  actionId: fc.constantFrom(...KNOWN_ACTIONS),
  value: buttonValue,
  fromHome: fc.boolean(),
  metadata: fc.oneof(pageValue, fc.string({ maxLength: 300 }), fc.json({ maxDepth: 2 })),
});
const fuzz: fc.Arbitrary<Fuzz> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('command' as const), text: commandText }) },
  { weight: 4, arbitrary: click },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unsigned' as const),
      text: commandText,
      how: fc.constantFrom('bad-signature' as const, 'stale' as const, 'no-signature' as const),
    }),
  },
);

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return results;
}

describe('1,000 random requests through the real app', () => {
  let app: TestApp;
  const unhandled = vi.fn();

  beforeAll(async () => {
    process.on('unhandledRejection', unhandled);
    app = await startTestApp({
      dataset: { seed: 5, callsPerDay: 20 },
      logLevel: 'info',
      slack: { users: { U0PERSON01: { tz: 'Europe/Berlin' } } },
    });
  });

  afterAll(async () => {
    process.off('unhandledRejection', unhandled);
    await app?.close();
  });

  it('acknowledges every signed one with 200 and refuses every unsigned one with 401; the app stays healthy', async () => {
    const inputs = fc.sample(fuzz, { seed: SEED, numRuns: TOTAL });
    const outcomes = await pool(inputs, CONCURRENCY, async (input) => {
      if (input.kind === 'command') {
        const sent = await app.command(input.text);
        return { input, status: sent.http.status, responseId: sent.responseId };
      }
      if (input.kind === 'click') {
        const sent = await app.click({
          actionId: input.actionId,
          value: input.value,
          ...(input.fromHome
            ? { view: { private_metadata: input.metadata, state: { values: {} } }, channelId: undefined }
            : {}),
        });
        return { input, status: sent.http.status, responseId: sent.responseId };
      }
      const target = app.responses.create();
      const request = slashCommand({ text: input.text, response_url: target.url });
      const sent =
        input.how === 'no-signature'
          ? await fetch(app.eventsUrl, {
              method: 'POST',
              headers: { 'content-type': request.contentType },
              body: request.body,
            }).then(async (response) => ({ status: response.status, text: await response.text() }))
          : await sendSigned(
              app.eventsUrl,
              input.how === 'stale' ? app.signingSecret : 'not-the-signing-secret',
              request,
              input.how === 'stale' ? { timestamp: NOW - 3_600 } : {},
            );
      return { input, status: sent.status, responseId: target.id };
    });

    const wrong = outcomes.filter((o) => o.status !== (o.input.kind === 'unsigned' ? 401 : 200));
    expect(
      wrong.map((o) => ({ status: o.status, input: JSON.stringify(o.input).slice(0, 200) })),
      'requests not answered as expected',
    ).toEqual([]);
    expect(outcomes.filter((o) => o.input.kind === 'unsigned').length).toBeGreaterThan(50);

    // Every /calls gets an answer on its response_url, whatever was typed.
    const commands = outcomes.filter((o) => o.input.kind === 'command');
    for (const command of commands) {
      await app.responses.waitForPosts(command.responseId, { count: 1, timeoutMs: 15_000 });
    }
    // Every click on a message button gets an answer on its response_url too (a page, or "run the search again").
    // Home tab buttons answer with views.publish instead.
    const messageClicks = outcomes.filter((o) => o.input.kind === 'click' && !o.input.actionId.startsWith('home_'));
    expect(messageClicks.length).toBeGreaterThan(100);
    for (const clicked of messageClicks) {
      await app.responses.waitForPosts(clicked.responseId, { count: 1, timeoutMs: 15_000 });
    }
    // Nothing reached a listener unsigned.
    for (const refused of outcomes.filter((o) => o.input.kind === 'unsigned')) {
      expect(app.responses.postsTo(refused.responseId)).toEqual([]);
    }

    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, store: { engine: 'sqlite' } });
    // A failure in one request never breaks another: a plain search still works.
    const clean = await app.command('yesterday');
    expect(clean.http.status).toBe(200);
    expect(JSON.stringify(await app.reply(clean.responseId))).toMatch(/calls?\b/);

    expect(unhandled).not.toHaveBeenCalled();
    // Whatever came in, everything sent back kept within Slack's Block Kit limits (the fakes refuse the rest).
    expect(app.blockKitErrors()).toEqual([]);
    const crashes = app.logs
      .entries()
      .filter((line) => line.level === 60 || /unhandled|uncaught/i.test(String(line.msg ?? '')));
    expect(crashes.map((line) => `${line.msg} ${JSON.stringify(line.err ?? '').slice(0, 300)}`)).toEqual([]);
  }, 60_000);

  // Without a fallback listener nothing would ack these, and Bolt answers 404 after its 3-second wait.
  it('acknowledges buttons with action ids it does not know (an old message, a forged click) with 200', async () => {
    const ids = fc.sample(
      fc.oneof(
        fc.constantFrom(
          'calls_page_next_v0',
          'calls_old_button',
          'home_search ',
          'CALLS_PAGE_NEXT',
          '',
          'x'.repeat(255),
        ),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
      ),
      { seed: SEED, numRuns: CONCURRENCY },
    );
    const sent = await Promise.all(ids.map((actionId) => app.click({ actionId, value: '{"v":1}' })));
    expect(sent.map((s) => s.http.status)).toEqual(ids.map(() => 200));
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(unhandled).not.toHaveBeenCalled();
  });
});
