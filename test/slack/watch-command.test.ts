/**
 * `/calls watch` through the real Bolt app (signed requests, the fake Slack Web API) over a real store: start, list,
 * stop, and the DMs the delivery job sends for new calls on the feed: once per watched call (even published twice,
 * or by two jobs sharing the store), an expiry DM once, access checked again at delivery, hostile text escaped.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { CallRecord } from '../../src/calls/records.js';
import { startWatchDelivery } from '../../src/jobs/deliver-watches.js';
import { renderWatchEnded, renderWatchedCall, renderWatchOverflow } from '../../src/slack/views/watch.js';
import { createWatchStore } from '../../src/store/watch-repository.js';
import { aCall } from '../support/call-records.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { storeEngines } from '../support/store-engines.js';
import { shownTextOf, startTestApp, type TestApp, textOf } from '../support/test-app.js';

const PERSON = 'U0PERSON01';
const DAY = 86_400;

/** A call that starts now: it ends after any watch made before it, so it is news to that watch. */
const freshCall = (overrides: Partial<CallRecord> = {}) =>
  aCall({ startTime: Math.floor(Date.now() / 1000), ...overrides });

describe.each(storeEngines())('$name: watches through the real app', (engine) => {
  let app: TestApp;
  let location: Awaited<ReturnType<typeof engine.location>>;
  let clock = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    location = await engine.location();
    app = await startTestApp({
      env: {
        ALLOWED_SLACK_USERS: `${PERSON},U0OTHER001`,
        WATCH_DAYS: '7',
        ...(location.databaseUrl === undefined
          ? { DATA_DIR: location.dataDir }
          : { DATABASE_URL: location.databaseUrl }),
      },
      sync: 'off',
      now: () => clock,
      realtime: { watchCheckEveryMs: 3_600_000 },
    });
  });
  afterAll(async () => {
    expect(app.blockKitErrors()).toEqual([]);
    await app.close();
  });

  const watcher = () => app.realtime;
  const dmsTo = (user: string, from = 0): RecordedCall[] =>
    app.slack
      .callsTo('chat.postMessage')
      .slice(from)
      .filter((call) => call.args.channel === user);

  async function unwatchAll(user = PERSON) {
    const now = Math.floor(Date.now() / 1000);
    for (const watch of await watcher().watchStore.listWatches('T0TEST0001', user, now)) {
      await watcher().watchStore.endWatch(watch.id, user, now);
    }
  }

  beforeEach(async () => {
    clock = Math.floor(Date.now() / 1000);
    await unwatchAll();
    await unwatchAll('U0OTHER001');
  });

  async function command(text: string, user = PERSON) {
    const sent = await app.command(text, { user_id: user });
    return app.reply(sent.responseId);
  }

  it('starts a watch, lists it with a Stop button, and stops it by number', async () => {
    const started = await command('watch user:147 result:interrupted,offline');
    const text = shownTextOf(started);
    expect(text).toContain('Watching interrupted or offline calls of `147`');
    expect(text).toContain('`/calls unwatch 1`');
    expect(text).toContain('<!date^');
    // No callback token here: new calls come with the sync.
    expect(text).toContain('up to 1 minute after they end');
    expect(text).toContain('Demo data');

    await command('watch media:video');
    const list = await command('watches');
    expect(shownTextOf(list)).toMatch(
      /2 watches[\s\S]*1\. interrupted or offline calls of `147`[\s\S]*2\. video calls/,
    );
    const stops = JSON.stringify(list).match(/"action_id":"watch_stop"/g) ?? [];
    expect(stops).toHaveLength(2);

    const stopped = await command('unwatch 1');
    expect(shownTextOf(stopped)).toContain('Stopped watching interrupted or offline calls of `147`');
    expect(shownTextOf(await command('watches'))).toMatch(/1 watch\b[\s\S]*1\. video calls/);
    expect(shownTextOf(await command('unwatch 5'))).toContain('from 1 to 1');
  });

  it('stops a watch with its Stop button and shows the list again in place', async () => {
    await command('watch user:147');
    const list = (await command('watches')) as { blocks: Array<{ accessory?: { action_id: string; value: string } }> };
    const stop = list.blocks.find((block) => block.accessory?.action_id === 'watch_stop')?.accessory;
    const click = await app.click({ actionId: 'watch_stop', value: stop?.value as string, userId: PERSON });
    const after = await app.reply(click.responseId);
    expect(after.replace_original).toBe(true);
    expect(shownTextOf(after)).toContain('You have no watches');
  });

  it.each([
    ['watch user:147 last:24h', 'takes no time filter'],
    ['watch yesterday', 'takes no time filter'],
    ['watch id:abc-123', 'cannot be watched'],
    ['watch', 'Say what to watch'],
    ['watch resul:dropped', 'resul'],
    ['unwatch', 'You have no watches to stop'],
  ])('%s is refused with a sentence', async (text, expected) => {
    expect(textOf(await command(text))).toContain(expected);
  });

  it('sends nothing for a matching call that ended before the watch began', async () => {
    await command('watch user:5150');
    const from = app.slack.callsTo('chat.postMessage').length;
    await watcher().feed.publish([aCall({ caller: '5150', startTime: Math.floor(Date.now() / 1000) - 3_600 })]);
    expect(dmsTo(PERSON, from)).toHaveLength(0);
  });

  it('sends one DM per matching call, even when the call is published twice', async () => {
    await command('watch user:147 result:interrupted,offline');
    const from = app.slack.callsTo('chat.postMessage').length;
    const dropped = freshCall({ caller: '147', callees: ['369'], result: 'Interrupt', callId: `w-${Date.now()}` });
    const fine = freshCall({ caller: '147', callees: ['369'], result: 'NormalEnd' });
    const other = freshCall({ caller: '555', callees: ['369'], result: 'Offline' });
    await watcher().feed.publish([dropped, fine, other]);
    await watcher().feed.publish([dropped]);
    const dms = dmsTo(PERSON, from);
    expect(dms).toHaveLength(1);
    const dm = dms[0] as RecordedCall;
    expect(dm.args.text).toBe('A call you watch just ended · demo data');
    const shown = shownTextOf(dm.args.blocks);
    expect(shown).toContain('Video call from `147` to `369` interrupted after');
    expect(shown).toContain(`<!date^${dropped.startTime}^`);
    const details = (dm.args.blocks as Array<{ accessory?: { action_id: string; value: string } }>)[0]?.accessory;
    expect(details).toMatchObject({ action_id: 'calls_details', value: dropped.callId });
  });

  it('refuses a watch identical to a running one, saying which it is; no call is DMed twice', async () => {
    await command('watch media:audio');
    await command('watch user:6161 result:interrupted,offline');
    const again = await command('watch result:offline,interrupted user:6161');
    expect(shownTextOf(again)).toContain(
      'You already watch interrupted or offline calls of `6161`: it is watch 2 in `/calls watches`',
    );
    expect(await watcher().watchStore.listWatches('T0TEST0001', PERSON, clock)).toHaveLength(2);
    const from = app.slack.callsTo('chat.postMessage').length;
    await watcher().feed.publish([freshCall({ caller: '6161', result: 'Offline', mediaType: 'Video' })]);
    expect(dmsTo(PERSON, from)).toHaveLength(1);
  });

  it('sends one DM per call per person when two different watches of theirs match it, naming the older', async () => {
    await command('watch user:6262');
    await command('watch user:6262 media:video');
    await command('watch user:6262', 'U0OTHER001');
    const from = app.slack.callsTo('chat.postMessage').length;
    await watcher().feed.publish([freshCall({ caller: '6262', mediaType: 'Video' })]);
    const mine = dmsTo(PERSON, from);
    expect(mine).toHaveLength(1);
    expect(shownTextOf(mine[0]?.args.blocks)).toContain('Your watch of all calls of `6262`');
    expect(dmsTo('U0OTHER001', from)).toHaveLength(1);
  });

  it('watch result:dropped DMs every dropped call: Interrupt and Offline, nothing else', async () => {
    await command('watch user:6363 result:dropped');
    const from = app.slack.callsTo('chat.postMessage').length;
    const offline = freshCall({ caller: '6363', result: 'Offline' });
    const interrupted = freshCall({ caller: '6363', result: 'Interrupt' });
    await watcher().feed.publish([offline, interrupted, freshCall({ caller: '6363', result: 'NormalEnd' })]);
    const shown = dmsTo(PERSON, from).map((dm) => shownTextOf(dm.args.blocks));
    expect(shown).toHaveLength(2);
    expect(shown.join('\n')).toContain(offline.callId);
    expect(shown.join('\n')).toContain(interrupted.callId);
  });

  it('watch name: follows the users whose name matches now, lists them, and DMs only their calls, by name', async () => {
    await app.backend.names.saveNames(
      [
        { userId: 'alice1', name: 'Alice Wong' },
        { userId: 'a7', name: 'Alice Chen' },
        { userId: 'bob9', name: 'Bob <!channel> *Stone*' },
      ],
      clock,
    );
    const started = shownTextOf(await command('watch name:alice result:dropped'));
    expect(started).toContain('Watching interrupted or offline calls of Alice Chen (`a7`) or Alice Wong (`alice1`)');
    expect(started).toContain('name:"alice" matched Alice Chen (`a7`) and Alice Wong (`alice1`).');
    const from = app.slack.callsTo('chat.postMessage').length;
    const strangers = freshCall({ caller: 'zz1', callees: ['zz2'], result: 'Interrupt' });
    const alices = freshCall({ caller: 'alice1', callees: ['bob9'], result: 'Offline' });
    await watcher().feed.publish([strangers, alices]);
    const dms = dmsTo(PERSON, from);
    expect(dms).toHaveLength(1);
    const shown = shownTextOf(dms[0]?.args.blocks);
    expect(shown).toContain(alices.callId);
    expect(shown).toContain('call from Alice Wong (`alice1`) to Bob');
    expect(shown).toContain('Your watch of interrupted or offline calls of Alice Chen (`a7`) or Alice Wong (`alice1`)');
    const sent = JSON.stringify(dms[0]?.args.blocks);
    expect(sent).toContain('Bob &lt;!channel&gt;');
    expect(sent).not.toContain('<!channel>');
    expect(shownTextOf(await command('watches'))).toContain('Alice Chen (`a7`) or Alice Wong (`alice1`)');
  });

  it.each([
    ['watch name:nobody-has-this-name', 'No user\'s name contains "nobody-has-this-name"'],
    ['watch name:crowd', 'More than 20 users\' names contain "crowd": narrow it'],
  ])('%s is refused with a sentence and starts no watch', async (text, expected) => {
    const crowd = Array.from({ length: 21 }, (_, i) => ({ userId: `crowd${i}`, name: `Crowd Member ${i}` }));
    await app.backend.names.saveNames(crowd, clock);
    expect(textOf(await command(text))).toContain(expected);
    expect(await watcher().watchStore.listWatches('T0TEST0001', PERSON, clock)).toEqual([]);
  });

  it('sends one DM per watched call when two delivery jobs (two processes) share the store', async () => {
    await command('watch user:777');
    const other = await engine.open({ at: location });
    const otherFeed = createNewCallsFeed();
    const otherJob = startWatchDelivery({
      watches: createWatchStore(other.db, other.engine),
      feed: otherFeed,
      client: app.running.app.client,
      render: {
        call: (watch, record) => renderWatchedCall(watch, record, { timeZone: 'UTC' }),
        ended: (watch) => renderWatchEnded(watch, { watchDays: 7 }),
        overflow: (watch, count) => renderWatchOverflow(watch, count, { perMinute: 10 }),
      },
      mayReceive: () => true,
      logger: app.logs.logger,
      checkEveryMs: 3_600_000,
    });
    try {
      const from = app.slack.callsTo('chat.postMessage').length;
      const calls: CallRecord[] = [1, 2, 3].map(() => freshCall({ caller: '777' }));
      await Promise.all([watcher().feed.publish(calls), otherFeed.publish(calls), watcher().feed.publish(calls)]);
      expect(dmsTo(PERSON, from)).toHaveLength(3);
    } finally {
      await otherJob.stop();
    }
  });

  it('a flood of matching calls sends at most 10 DMs a minute per watch, then one message for the rest', async () => {
    await command('watch user:31');
    const from = app.slack.callsTo('chat.postMessage').length;
    await watcher().feed.publish(Array.from({ length: 13 }, () => freshCall({ caller: '31', result: 'Offline' })));
    expect(dmsTo(PERSON, from)).toHaveLength(10);
    await watcher().job.check();
    const dms = dmsTo(PERSON, from);
    expect(dms).toHaveLength(11);
    expect(shownTextOf(dms[10]?.args.blocks)).toContain(
      '3 more calls matched your watch of all calls of `31` just now',
    );
    expect(shownTextOf(dms[10]?.args.blocks)).toContain('`/calls user:31 last:1h`');
    await watcher().job.check();
    expect(dmsTo(PERSON, from)).toHaveLength(11);
  });

  it('a DM Slack refused is sent again at the next check, once', async () => {
    await command('watch user:888');
    const from = app.slack.callsTo('chat.postMessage').length;
    app.slack.failWith('chat.postMessage', 'ratelimited', { times: 1 });
    await watcher().feed.publish([freshCall({ caller: '888' })]);
    expect(dmsTo(PERSON, from).filter((call) => call.result.ok)).toHaveLength(0);
    await watcher().job.check();
    await watcher().job.check();
    expect(dmsTo(PERSON, from).filter((call) => call.result.ok)).toHaveLength(1);
  });

  it('checks access again at delivery: someone no longer allowed gets nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { teamId: 'T0TEST0001', channelId: 'C0SUPPORT1', createdAt: now, expiresAt: now + DAY };
    const filter = { users: ['999'], results: [], callTypes: [], mediaTypes: [] };
    await watcher().watchStore.createWatch({ ...base, userId: 'U0REMOVED1', filter }, now);
    await watcher().watchStore.createWatch({ ...base, userId: 'U0OTHER001', filter }, now);
    const from = app.slack.callsTo('chat.postMessage').length;
    await watcher().feed.publish([freshCall({ caller: '999' })]);
    expect(dmsTo('U0OTHER001', from)).toHaveLength(1);
    expect(dmsTo('U0REMOVED1', from)).toHaveLength(0);
    await unwatchAll('U0REMOVED1');
  });

  it('escapes hostile text from a call in the DM', async () => {
    await command('watch user:147');
    const from = app.slack.callsTo('chat.postMessage').length;
    await watcher().feed.publish([
      freshCall({ caller: '<!channel>', callees: ['147', '<https://evil.example|click>'] }),
    ]);
    const [dm] = dmsTo(PERSON, from);
    const sent = JSON.stringify(dm?.args.blocks);
    expect(sent).toContain('&lt;!channel&gt;');
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<https://evil.example');
  });

  it('ends a watch after WATCH_DAYS with one DM, however often it is checked', async () => {
    await command('watch user:4242');
    const from = app.slack.callsTo('chat.postMessage').length;
    clock += 7 * DAY + 1;
    await Promise.all([watcher().job.check(), watcher().job.check()]);
    await watcher().job.check();
    const dms = dmsTo(PERSON, from);
    expect(dms).toHaveLength(1);
    expect(shownTextOf(dms[0]?.args.blocks)).toContain('Your watch of all calls of `4242` has ended after 7 days');
    // Ended: a new call of that user sends nothing.
    await watcher().feed.publish([freshCall({ caller: '4242' })]);
    expect(dmsTo(PERSON, from)).toHaveLength(1);
  });
});

describe('watches without callbacks: fed by the sync', () => {
  it('the backfill of older calls sends nothing; a call Tencent records later reaches the watcher after a pass', async () => {
    const app = await startTestApp({ dataset: { seed: 3, callsPerDay: 40 } });
    try {
      const sync = app.backend.sync as NonNullable<TestApp['backend']['sync']>;
      const watched = app.records[app.records.length - 1]?.Caller_Account as string;
      const reply = await app.reply((await app.command(`watch user:${watched}`)).responseId);
      expect(shownTextOf(reply)).toContain('up to 1 minute after they end');
      expect((await sync.runOnce({ full: true })).outcome).toBe('synced');
      expect(app.slack.callsTo('chat.postMessage')).toHaveLength(0);

      const now = Math.floor(Date.now() / 1000);
      app.tencent.addRecords([
        {
          CallId: `late-${now}`,
          Caller_Account: watched,
          MediaType: 'Video',
          CallType: 'SingleCall',
          StartTime: now - 30,
          EndTime: now + 5,
          AcceptTime: now - 25,
          CallResult: 'Offline',
          CalleeList_Account: [watched, 'someone'],
          RoomId: 'late-room',
          RoomIdType: 2,
        },
      ]);
      expect((await sync.runOnce()).outcome).toBe('synced');
      const dms = app.slack.callsTo('chat.postMessage').filter((call) => call.args.channel === PERSON);
      expect(dms).toHaveLength(1);
      expect(shownTextOf(dms[0]?.args.blocks)).toContain(`late-${now}`);
    } finally {
      await app.close();
    }
  });
});
