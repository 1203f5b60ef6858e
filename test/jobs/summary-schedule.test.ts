/**
 * The in-process daily schedule: croner configured at SUMMARY_TIME in SUMMARY_TIMEZONE, one post per run,
 * no overlapping runs, errors logged and survived, stop(); and its wiring into the real app (startService).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SummaryOnceOutcome } from '../../src/jobs/post-summary-once.js';
import {
  type PostSummary,
  type SummarySchedule,
  type SummaryScheduleOptions,
  startSummarySchedule,
  summaryCronPattern,
} from '../../src/jobs/summary-schedule.js';
import { type PostedSummary, postDailySummary } from '../../src/slack/post-daily-summary.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { captureLogs, type LogCapture } from '../support/logs.js';
import {
  BERLIN,
  CHANNEL,
  DAY,
  type Fixture,
  NOW,
  slackClient,
  useSummaryFixture,
} from '../support/summary-fixtures.js';
import { startTestApp, textOf } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function hourMinuteIn(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    date,
  );
}

describe('summaryCronPattern', () => {
  it('turns HH:mm into a daily 5-part croner pattern', () => {
    expect(summaryCronPattern('09:30')).toBe('30 9 * * *');
    expect(summaryCronPattern('00:00')).toBe('0 0 * * *');
    expect(summaryCronPattern('23:59')).toBe('59 23 * * *');
  });

  it('refuses anything else', () => {
    for (const bad of ['9:30', '24:00', '12:60', '0930', '', '09:30:00', '* * * * *']) {
      expect(() => summaryCronPattern(bad)).toThrow(RangeError);
    }
  });
});

describe('startSummarySchedule', () => {
  let fixture: Fixture;
  let slack: FakeSlack;
  let logs: LogCapture;
  const schedules: SummarySchedule<PostedSummary>[] = [];

  useSummaryFixture((f, s) => {
    fixture = f;
    slack = s;
  });
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(async () => {
    for (const schedule of schedules.splice(0)) await schedule.stop({ timeoutMs: 100 });
  });

  /** The schedule as the app wires it: the post reads the store and posts through a WebClient. */
  function start(overrides: Partial<SummaryScheduleOptions<PostedSummary>> = {}): SummarySchedule<PostedSummary> {
    const schedule = startSummarySchedule<PostedSummary>({
      time: '07:30',
      timeZone: BERLIN,
      channel: CHANNEL,
      post: ({ day, now }) =>
        postDailySummary({
          client: slackClient(slack),
          store: fixture.store,
          channel: CHANNEL,
          day,
          demo: false,
          logger: logs.logger,
          now,
        }),
      logger: logs.logger,
      now: () => NOW,
      ...overrides,
    });
    schedules.push(schedule);
    return schedule;
  }

  it('configures croner at SUMMARY_TIME in SUMMARY_TIMEZONE, protected, and logs the next run', () => {
    const schedule = start();
    expect(schedule.pattern).toBe('30 7 * * *');
    expect(schedule.job.getPattern()).toBe('30 7 * * *');
    expect(schedule.job.options.timezone).toBe(BERLIN);
    expect(schedule.job.options.protect).toBeTruthy();
    expect(schedule.job.isRunning()).toBe(true);

    const next = schedule.nextRun();
    expect(next).not.toBeNull();
    expect(hourMinuteIn(next as Date, BERLIN)).toBe('07:30');
    const inMs = (next as Date).getTime() - Date.now();
    expect(inMs).toBeGreaterThan(0);
    expect(inMs).toBeLessThanOrEqual(25 * 3600_000); // a 25-hour day at most
    // The next ten runs are one a day, each at 07:30 Berlin time (whatever the daylight-saving rules do).
    for (const run of schedule.job.nextRuns(10)) expect(hourMinuteIn(run, BERLIN)).toBe('07:30');

    const started = logs.entries().find((entry) => String(entry.msg).startsWith('daily summary scheduled'));
    expect(started).toMatchObject({
      channel: CHANNEL,
      summaryTime: '07:30',
      timeZone: BERLIN,
      nextRun: next?.toISOString(),
    });
    expect(String(started?.msg)).toMatch(/^daily summary scheduled: \w{3} \d{1,2}, 07:30 Europe\/Berlin/);
  });

  it("posts yesterday's summary once when croner triggers the job", async () => {
    const schedule = start();
    await schedule.job.trigger();

    const [message] = await slack.waitForCalls('chat.postMessage');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(message?.args.channel).toBe(CHANNEL);
    expect(String(message?.args.text)).toContain('Wed 25 Nov 2026 (Europe/Berlin): 5 interrupted calls');
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(logs.entries().find((entry) => entry.msg === 'posted the daily summary')).toMatchObject({ date: DAY });
    expect(schedule.busy()).toBe(false);
  });

  it("fires by itself at SUMMARY_TIME in the zone, for the day before that moment's date", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      vi.setSystemTime(new Date('2026-11-26T06:29:58Z')); // 07:29:58 in Berlin
      const days: string[] = [];
      const post: PostSummary<PostedSummary> = async (options) => {
        days.push(`${options.day.date} ${options.day.timeZone} at ${new Date().toISOString()}`);
        return { channel: CHANNEL, ts: '1.1', chartUploaded: false } as unknown as PostedSummary;
      };
      const schedule = start({ post, now: undefined });
      expect(schedule.nextRun()?.toISOString()).toBe('2026-11-26T06:30:00.000Z');

      await vi.advanceTimersByTimeAsync(1_000);
      expect(days).toEqual([]);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(days).toEqual(['2026-11-25 Europe/Berlin at 2026-11-26T06:30:00.000Z']);
      expect(schedule.nextRun()?.toISOString()).toBe('2026-11-27T06:30:00.000Z');

      // Nothing more that day; the next morning, the next day's summary.
      await vi.advanceTimersByTimeAsync(24 * 3600_000);
      expect(days).toEqual([
        '2026-11-25 Europe/Berlin at 2026-11-26T06:30:00.000Z',
        '2026-11-26 Europe/Berlin at 2026-11-27T06:30:00.000Z',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never runs twice at once: a run while one is going is skipped', async () => {
    const gate = deferred<void>();
    const calls: string[] = [];
    const post: PostSummary<PostedSummary> = async (options) => {
      calls.push(options.day.date);
      await gate.promise;
      return { channel: CHANNEL, ts: '1.1', chartUploaded: false } as unknown as PostedSummary;
    };
    const schedule = start({ post });

    const first = schedule.job.trigger();
    await waitFor(() => schedule.busy());
    await schedule.job.trigger();
    expect(await schedule.runNow()).toEqual({ status: 'skipped', reason: 'busy' });
    gate.resolve();
    await first;
    expect(calls).toEqual([DAY]);
    expect(logs.entries().filter((entry) => String(entry.msg).includes('still going'))).toHaveLength(2);

    // Free again: the next run goes ahead.
    expect((await schedule.runNow()).status).toBe('posted');
    expect(calls).toEqual([DAY, DAY]);
  });

  it('logs a failed run and keeps going (the process never sees the error)', async () => {
    const schedule = start();
    slack.failWith('chat.postMessage', 'not_in_channel', { times: 1 });
    await expect(schedule.job.trigger()).resolves.toBeUndefined();
    const failed = logs.entries().find((entry) => entry.level === 50);
    expect(failed).toMatchObject({ channel: CHANNEL, date: DAY });
    expect(String(failed?.msg)).toBe(
      `daily summary of ${DAY} not posted: @callkit is not a member of <#${CHANNEL}>: invite @callkit to <#${CHANNEL}> (type /invite @callkit in the channel) and try again.`,
    );
    expect(schedule.job.isRunning()).toBe(true);

    const outcome = await schedule.runNow();
    expect(outcome.status).toBe('posted');
    expect(slack.callsTo('chat.postMessage').filter((call) => call.result.ok)).toHaveLength(1);
  });

  it('stop() ends the schedule: no next run, and a trigger posts nothing', async () => {
    const schedule = start();
    await schedule.stop();
    expect(schedule.job.isStopped()).toBe(true);
    expect(schedule.nextRun()).toBeNull();
    await schedule.job.trigger();
    expect(await schedule.runNow()).toEqual({ status: 'skipped', reason: 'stopped' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('stop() waits for a run in progress, and aborts it after the timeout', async () => {
    let signal: AbortSignal | undefined;
    /** A post that ends when `gate` opens, or fails when its signal aborts. */
    const postUntil =
      (gate: Promise<void>): PostSummary<PostedSummary> =>
      async (options) => {
        signal = options.signal;
        await Promise.race([
          gate,
          new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(new Error('aborted')))),
        ]);
        return { channel: CHANNEL, ts: '1.1', chartUploaded: false } as unknown as PostedSummary;
      };

    const gate = deferred<void>();
    const patient = start({ post: postUntil(gate.promise) });
    const run = patient.runNow();
    let stopped = false;
    const stopping = patient.stop({ timeoutMs: 5_000 }).then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect((await run).status).toBe('posted');
    expect(signal?.aborted).toBe(false);

    const impatient = start({ post: postUntil(new Promise(() => {})) });
    const hanging = impatient.runNow();
    await impatient.stop({ timeoutMs: 20 });
    expect(signal?.aborted).toBe(true);
    expect((await hanging).status).toBe('failed');
    expect(logs.text()).toContain('the run in progress is aborted');
  });

  it('tries a failed day again after each retry delay, until it is posted', async () => {
    slack.failWith('chat.postMessage', 'not_in_channel', { times: 2 });
    const schedule = start({ retryDelaysMs: [20, 20, 20] });
    const first = await schedule.runNow();
    expect(first).toMatchObject({ status: 'failed', date: DAY });
    const posted = await slack.waitForCalls('chat.postMessage', {
      count: 3,
      where: (call) => call.result.ok === true || call.result.error === 'not_in_channel',
    });
    expect(posted.map((call) => call.result.ok)).toEqual([false, false, true]);
    expect(String(posted[2]?.args.text)).toContain('5 interrupted calls');
    expect(logs.text()).toContain(`daily summary of ${DAY}: trying again in 20 ms`);
    await waitFor(() => !schedule.busy());
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('refuses a bad time or zone', () => {
    expect(() => start({ time: '7:30' })).toThrow(/SUMMARY_TIME must be HH:mm/);
    expect(() => start({ timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
  });
});

describe('the schedule in the running app', () => {
  it('starts when SUMMARY_TIME is set (src/wiring/service.ts), posts through the app, and stops with the app', async () => {
    const app = await startTestApp({
      env: { SUMMARY_CHANNEL: CHANNEL, SUMMARY_TIME: '06:45', SUMMARY_TIMEZONE: 'Asia/Tokyo' },
    });
    let schedule: SummarySchedule<SummaryOnceOutcome<PostedSummary>> | undefined;
    try {
      schedule = app.running.summarySchedule;
      expect(schedule).toBeDefined();
      expect(schedule?.job.getPattern()).toBe('45 6 * * *');
      expect(schedule?.job.options.timezone).toBe('Asia/Tokyo');

      await schedule?.job.trigger();
      const [message] = await app.slack.waitForCalls('chat.postMessage');
      expect(message?.args.channel).toBe(CHANNEL);
      expect(String(message?.args.text)).toMatch(/^\[Demo data\] .*\(Asia\/Tokyo\)/);
      expect(textOf(message?.args.blocks)).toContain('Demo data');

      // The day is claimed in the store: a second run (another process's schedule) posts nothing.
      expect(await schedule?.runNow()).toMatchObject({
        status: 'posted',
        posted: { status: 'not-mine', current: { status: 'posted', messageTs: message?.result.ts } },
      });
      expect(app.slack.callsTo('chat.postMessage')).toHaveLength(1);
    } finally {
      await app.close();
    }
    expect(schedule?.job.isStopped()).toBe(true);
    expect(schedule?.nextRun()).toBeNull();
  });

  it('does not start without SUMMARY_TIME', async () => {
    const app = await startTestApp({ env: { SUMMARY_CHANNEL: CHANNEL } });
    try {
      expect(app.running.summarySchedule).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
