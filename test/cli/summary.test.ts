/**
 * `npm run summary -- [--date YYYY-MM-DD] [--dry-run]`, in-process: demo mode with no configuration, posting to
 * a local fake Slack Web API, and every refusal with its exit code.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { beforeEach, describe, expect, it } from 'vitest';
import { yesterdayIn } from '../../src/calls/time-range.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { checkDate, summaryCli } from '../../src/cli/summary.js';
import { type CliRun, runCli } from '../support/cli.js';
import type { FakeSlack } from '../support/fake-slack.js';
import {
  BERLIN,
  CHANNEL,
  DAY,
  type Fixture,
  NOW,
  PNG_SIGNATURE,
  QUIET_DAY,
  useSummaryFixture,
} from '../support/summary-fixtures.js';

function run(
  argv: string[],
  overrides: Partial<CliIo> = {},
  command = (a: string[], io: CliIo) => main(['summary', ...a], io),
): Promise<CliRun> {
  return runCli(argv, overrides, command);
}

describe('summary --dry-run in demo mode (no configuration at all)', () => {
  it("prints yesterday's summary in UTC, says it is demo data, and exits 0", async () => {
    // One "now" for the run and the expectation: computed after the run, "yesterday" could move across midnight.
    const now = Math.floor(Date.now() / 1000);
    const { code, stdout, stderr } = await run(['--dry-run'], { now: () => now });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Demo mode/);
    const yesterday = yesterdayIn('UTC', now);
    const longDate = format(new TZDate(`${yesterday}T12:00:00`, 'UTC'), 'EEE d MMM yyyy');
    expect(stdout.split('\n')[0]).toBe(`Daily call summary: ${longDate} (UTC)`);
    expect(stdout).toContain('Hour');
    expect(stdout).not.toMatch(/Upstream requests/);
    // The demo data has interruptions every day: the numbers and the day before are there.
    expect(stdout).toMatch(/Interrupted:\s+\d+ of [\d,]+ calls/);
    expect(stdout).toContain('Day before:');
  });
});

describe('summary with a fixed dataset', () => {
  let fixture: Fixture;
  let slack: FakeSlack;

  useSummaryFixture((f, s) => {
    fixture = f;
    slack = s;
  });
  // Each test posts into a store where no summary was posted yet.
  beforeEach(async () => {
    await fixture.store.db.deleteFrom('summary_posts').execute();
  });

  /** The environment that posts to the fake Slack; the summary's day is in Berlin. */
  const postingEnv = () => ({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.apiUrl,
    SUMMARY_CHANNEL: CHANNEL,
    SUMMARY_TIMEZONE: BERLIN,
  });
  let backendsCreated = 0;
  const io = (env: Record<string, string>): Partial<CliIo> => ({
    env,
    now: () => NOW,
    createBackend: async () => {
      backendsCreated += 1;
      return fixture.backend(false);
    },
  });
  const fast = summaryCli({ clientOptions: { retryConfig: { retries: 0 } } });

  it('--dry-run prints the default day (yesterday in SUMMARY_TIMEZONE) and posts nothing', async () => {
    const { code, stdout, stderr } = await run(['--dry-run'], io({ SUMMARY_TIMEZONE: BERLIN }));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('Daily call summary: Wed 25 Nov 2026 (Europe/Berlin)');
    expect(stdout).toMatch(/Interrupted:\s+5 of 35 calls \(14\.3%\): Interrupt 4, Offline 1/);
    expect(stdout).toMatch(/Day before:\s+▲ 3 \(\+150\.0%\) from 2 on 2026-11-24/);
    expect(slack.calls).toHaveLength(0);
  });

  it('--dry-run --date prints that day; a quiet day says so', async () => {
    const { code, stdout } = await run(['--dry-run', '--date', QUIET_DAY], io({ SUMMARY_TIMEZONE: BERLIN }));
    expect(code).toBe(0);
    expect(stdout).toContain(
      'No interrupted calls on Mon 23 Nov 2026 (Europe/Berlin): none of the 8 calls ended Interrupt or Offline.',
    );
  });

  it('posts to the channel, prints one line and exits 0; the backend is closed', async () => {
    const closesBefore = fixture.backendCloses();
    const { code, stdout, stderr } = await run([], io(postingEnv()), fast);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`Posted the summary of ${DAY} (Europe/Berlin) to ${CHANNEL}: 5 interrupted of 35 calls.`);
    expect(fixture.backendCloses()).toBe(closesBefore + 1);

    const [message] = slack.callsTo('chat.postMessage');
    expect(message?.args.channel).toBe(CHANNEL);
    expect(message?.token).toBe(slack.token);
    expect(String(message?.args.text)).toContain('5 interrupted calls (Interrupt 4, Offline 1), 14.3% of 35 calls');
    expect(slack.callsTo('files.completeUploadExternal')[0]?.args).toMatchObject({
      channel_id: CHANNEL,
      thread_ts: message?.result.ts,
    });
    expect(slack.uploads[0]?.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('is registered as `summary` (through main), and --date picks the day', async () => {
    const { code, stdout } = await run(['--date', QUIET_DAY], io(postingEnv()));
    expect(code).toBe(0);
    expect(stdout).toBe(`Posted the summary of ${QUIET_DAY} (Europe/Berlin) to ${CHANNEL}: 0 interrupted of 8 calls.`);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(0); // a quiet day has no chart
  });

  it('still exits 0 when only the chart failed, and says so on stderr', async () => {
    slack.failWith('files.getUploadURLExternal', 'missing_scope');
    const { code, stdout, stderr } = await run([], io(postingEnv()), fast);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Posted the summary of 2026-11-25/);
    expect(stderr).toBe('summary: the text was posted without its chart (missing_scope); see the log above.');
  });

  it('posts a day once: a second run says it was posted already and exits 0; --force posts it again', async () => {
    expect((await run([], io(postingEnv()), fast)).code).toBe(0);
    const again = await run([], io(postingEnv()), fast);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `^The summary of ${DAY} was already posted to ${CHANNEL} at .+ \\(Europe/Berlin\\); nothing posted\\. --force posts it again\\.$`,
      ),
    );
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);

    const forced = await run(['--force'], io(postingEnv()), fast);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^Posted the summary of 2026-11-25/);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('posts a day whose post failed on the next run, once', async () => {
    slack.failWith('chat.postMessage', 'not_in_channel', { times: 1 });
    expect((await run([], io(postingEnv()), fast)).code).toBe(1);
    const retried = await run([], io(postingEnv()), fast);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^Posted the summary of 2026-11-25/);
    expect((await run([], io(postingEnv()), fast)).stdout).toMatch(/already posted/);
    expect(slack.callsTo('chat.postMessage').filter((call) => call.result.ok)).toHaveLength(1);
  });

  it('exits 1 with one clear line when SUMMARY_CHANNEL or SLACK_BOT_TOKEN is missing, before starting anything', async () => {
    const before = backendsCreated;
    const { SUMMARY_CHANNEL: _channel, ...noChannel } = postingEnv();
    const missingChannel = await run([], io(noChannel), fast);
    expect(missingChannel.code).toBe(1);
    expect(missingChannel.stdout).toBe('');
    expect(missingChannel.stderr).toBe(
      'summary: set SUMMARY_CHANNEL (the channel ID, e.g. C0123ABCD) to post the summary, or use --dry-run to print it.',
    );

    const { SLACK_BOT_TOKEN: _token, ...noToken } = postingEnv();
    const missingToken = await run([], io(noToken), fast);
    expect(missingToken.code).toBe(1);
    expect(missingToken.stderr.split('\n')).toHaveLength(1);
    expect(missingToken.stderr).toMatch(/^summary: set SLACK_BOT_TOKEN .* or use --dry-run/);
    expect(backendsCreated).toBe(before);
    expect(slack.calls).toHaveLength(0);
  });

  it('exits 1 with the invite advice when the bot is not in the channel', async () => {
    slack.failWith('chat.postMessage', 'not_in_channel');
    const closesBefore = fixture.backendCloses();
    const { code, stdout, stderr } = await run([], io(postingEnv()), fast);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `summary: @callkit is not a member of <#${CHANNEL}>: invite @callkit to <#${CHANNEL}> (type /invite @callkit in the channel) and try again.`,
    );
    expect(fixture.backendCloses()).toBe(closesBefore + 1);
  });

  it('exits 1 with one line when Slack cannot be reached', async () => {
    const env = { ...postingEnv(), SLACK_API_URL: 'http://127.0.0.1:9/api/' };
    const { code, stderr } = await run([], io(env), fast);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^summary: Could not reach Slack at http:\/\/127\.0\.0\.1:9\/api\/ to post the summary \(.+\)\.$/,
    );
  });

  it('exits 2 on a bad --date or option, before starting anything', async () => {
    const before = backendsCreated;
    const cases: Array<[string[], RegExp]> = [
      [['--date', '2026-02-30'], /--date must be a calendar date YYYY-MM-DD, not "2026-02-30"/],
      [['--date', 'yesterday'], /--date must be a calendar date YYYY-MM-DD/],
      [['--date', '2026-11-27'], /--date 2026-11-27 is in the future \(today is 2026-11-26 in Europe\/Berlin\)/],
      [
        ['--date', '2026-08-01', '--dry-run'],
        /--date 2026-08-01 is older than the 90 days of calls the store keeps \(RETENTION_DAYS\): choose 2026-08-28 or later \(in Europe\/Berlin\)/,
      ],
      [['--date'], /argument missing/],
      [['--day', DAY], /Unknown option '--day'/],
      [['extra'], /Unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr, stdout } = await run(argv, io(postingEnv()), fast);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr.split('\n')[0]).toMatch(message);
      expect(stdout).toBe('');
    }
    expect(backendsCreated).toBe(before);
    expect(slack.calls).toHaveLength(0);
  });

  it('--help prints the usage', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: npm run summary -- [--date YYYY-MM-DD] [--dry-run] [--force]');
  });
});

describe('checkDate', () => {
  it('allows today and a day partly inside RETENTION_DAYS; refuses the future and a day wholly past them', () => {
    expect(checkDate('2026-11-26', BERLIN, NOW, 7)).toBeUndefined(); // today (not over: the summary says so)
    expect(checkDate('2026-11-19', BERLIN, NOW, 7)).toBeUndefined(); // partly kept (the summary says so)
    expect(checkDate('2026-11-18', BERLIN, NOW, 7)).toMatch(/older than the 7 days of calls the store keeps/);
    expect(checkDate('2026-10-01', BERLIN, NOW, 90)).toBeUndefined(); // past Tencent's 7 days: from the store
    expect(checkDate('2026-08-01', BERLIN, NOW, 90)).toMatch(/older than the 90 days/);
    expect(checkDate('2026-11-27', BERLIN, NOW, 90)).toMatch(/in the future/);
    // "Today" is the zone's: at 11:00 UTC it is already the 27th on Kiritimati (UTC+14), still the 26th in Berlin.
    const later = NOW + 3 * 3600;
    expect(checkDate('2026-11-27', 'Pacific/Kiritimati', later, 90)).toBeUndefined();
    expect(checkDate('2026-11-27', BERLIN, later, 90)).toMatch(/in the future/);
  });
});
