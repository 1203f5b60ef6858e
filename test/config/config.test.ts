import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, slackCredentialProblems } from '../../src/config/index.js';

const SECRET_KEY = 'tencent-secret-0123456789abcdef';

describe('loadConfig', () => {
  it('defaults to demo mode with the documented defaults', () => {
    const config = loadConfig({});
    expect(config.tencent).toEqual({ mode: 'demo' });
    expect(config.port).toBe(3000);
    expect(config.maxQps).toBe(150);
    expect(config.defaultTimeZone).toBe('UTC');
    expect(config.summary.timeZone).toBe('UTC');
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.slack.socketMode).toBe(false);
    expect(config.access).toEqual({ users: [], channels: [] });
  });

  it('reads live Tencent settings and allow-lists', () => {
    const config = loadConfig({
      TENCENT_SDKAPPID: '1400000001',
      TENCENT_SECRET_KEY: SECRET_KEY,
      TENCENT_REGION: 'Frankfurt',
      DEFAULT_TIMEZONE: 'Asia/Shanghai',
      SUMMARY_CHANNEL: 'C0123ABC',
      SUMMARY_TIME: '09:30',
      ALLOWED_SLACK_USERS: 'U1, U2 ,,',
      SLACK_APP_TOKEN: 'xapp-1-abc',
    });
    expect(config.tencent).toMatchObject({
      mode: 'live',
      sdkAppId: 1400000001,
      region: 'frankfurt',
      adminUser: 'administrator',
    });
    expect(config.summary).toEqual({ channel: 'C0123ABC', time: '09:30', timeZone: 'Asia/Shanghai' });
    expect(config.access.users).toEqual(['U1', 'U2']);
    expect(config.slack.socketMode).toBe(true);
  });

  it('names every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        TENCENT_SDKAPPID: '14000x',
        PORT: 'eighty',
        DEFAULT_TIMEZONE: 'Mars/Olympus',
        TENCENT_REGION: 'atlantis',
        TENCENT_MAX_QPS: '500',
        SUMMARY_TIME: '25:00',
        SLACK_BOT_TOKEN: 'xoxp-user-token',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of [
      'TENCENT_SDKAPPID',
      'PORT',
      'DEFAULT_TIMEZONE',
      'TENCENT_REGION',
      'TENCENT_MAX_QPS',
      'SUMMARY_TIME',
      'SLACK_BOT_TOKEN',
      'SUMMARY_CHANNEL',
    ]) {
      expect(message).toContain(name);
    }
  });

  it.each([
    ['RETENTION_DAYS', '0x10'],
    ['RETENTION_DAYS', '1e2'],
    ['RETENTION_DAYS', '0b11'],
    ['WATCH_DAYS', '0o7'],
    ['ALERT_MIN_CALLS', '0x14'],
    ['PORT', '0x50'],
    ['TENCENT_MAX_QPS', '1e2'],
    ['ALERT_DROP_RATE', '0x0a'],
    ['ALERT_DROP_RATE', '-5'],
    ['RETENTION_DAYS', 'Infinity'],
  ])('refuses %s=%s: numbers are plain decimal digits', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name} must be`));
  });

  it('reads plain decimal numbers, with spaces around them and a fraction where one makes sense', () => {
    const config = loadConfig({ RETENTION_DAYS: ' 16 ', PORT: '0', ALERT_DROP_RATE: '2.5', TENCENT_MAX_QPS: '' });
    expect(config.store.retentionDays).toBe(16);
    expect(config.port).toBe(0);
    expect(config.alerts.dropRatePercent).toBe(2.5);
    expect(config.maxQps).toBe(150);
  });

  it('refuses an SDKAppID of 0 with the other problems, not later in the client', () => {
    expect(() => loadConfig({ TENCENT_SDKAPPID: '0', TENCENT_SECRET_KEY: SECRET_KEY })).toThrow(
      /TENCENT_SDKAPPID must be the numeric SDKAppID/,
    );
  });

  it('reports a secret key without an SDKAppID and the reverse', () => {
    expect(() => loadConfig({ TENCENT_SECRET_KEY: SECRET_KEY })).toThrow(/TENCENT_SDKAPPID is required/);
    expect(() => loadConfig({ TENCENT_SDKAPPID: '1400000001' })).toThrow(/TENCENT_SECRET_KEY is required/);
  });

  it('never prints a secret, however the config is printed', () => {
    const config = loadConfig({
      TENCENT_SDKAPPID: '1400000001',
      TENCENT_SECRET_KEY: SECRET_KEY,
      SLACK_BOT_TOKEN: 'xoxb-very-secret-token',
      SLACK_SIGNING_SECRET: 'signing-very-secret',
      SLACK_APP_TOKEN: 'xapp-very-secret',
      METRICS_TOKEN: 'metrics-very-secret-token',
    });
    const printed = [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      `${config.slack.botToken}`,
      String(config),
    ];
    for (const text of printed) {
      for (const secret of [
        SECRET_KEY,
        'xoxb-very-secret-token',
        'signing-very-secret',
        'xapp-very-secret',
        'metrics-very-secret-token',
      ]) {
        expect(text).not.toContain(secret);
      }
    }
    expect(config.slack.botToken?.reveal()).toBe('xoxb-very-secret-token');
  });

  it('reads METRICS_TOKEN and ADMIN_SLACK_USERS (unset: open metrics, no admins), and refuses bad ones', () => {
    expect(loadConfig({}).operations).toEqual({ metricsToken: undefined, admins: [] });
    const config = loadConfig({ METRICS_TOKEN: 'a-metrics-token-0123', ADMIN_SLACK_USERS: 'U0ADMIN001, U0ADMIN002' });
    expect(config.operations.metricsToken?.reveal()).toBe('a-metrics-token-0123');
    expect(config.operations.admins).toEqual(['U0ADMIN001', 'U0ADMIN002']);
    const refused = () => loadConfig({ METRICS_TOKEN: 'short', ADMIN_SLACK_USERS: 'someone' });
    expect(refused).toThrow(/ADMIN_SLACK_USERS\S* must be Slack IDs/);
    expect(refused).toThrow(/METRICS_TOKEN must be 16 to 256 printable characters/);
    expect(refused).not.toThrow(/short/);
  });

  it('never echoes a secret value in a validation error', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'not-a-token-but-a-secret-value' })).toThrow(ConfigError);
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'not-a-token-but-a-secret-value' });
    } catch (error) {
      expect((error as Error).message).not.toContain('not-a-token-but-a-secret-value');
    }
  });

  it('lists the Slack credentials the app still needs', () => {
    expect(slackCredentialProblems(loadConfig({}))).toHaveLength(2);
    expect(slackCredentialProblems(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }))).toEqual([]);
  });

  it('reads PUBLIC_URL as an http(s) origin, and refuses anything else', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://callkit.example.com/' }).publicUrl).toBe('https://callkit.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' }).publicUrl).toBe('http://127.0.0.1:3000');
    for (const bad of [
      'callkit.example.com',
      'ftp://callkit.example.com',
      'https://callkit.example.com/app',
      'https://u:p@x.io',
    ]) {
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL must be the app's public base URL/);
    }
  });
});
