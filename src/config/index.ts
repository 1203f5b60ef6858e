import { z } from 'zod';
import { DEFAULT_RETENTION_DAYS } from '../calls/time-range.js';
import { AppError } from '../shared/errors.js';
import { CALLBACK_TOKEN_PATTERN } from '../tencent/callback-request.js';
import { DEFAULT_TENCENT_REGION, TENCENT_REGIONS, type TencentRegion } from '../tencent/regions.js';
import { Secret } from './secret.js';

// One list of regions: the client's table of domains (a region added there is accepted here).
export { TENCENT_REGIONS, type TencentRegion } from '../tencent/regions.js';
export { Secret } from './secret.js';

export interface Config {
  slack: {
    botToken?: Secret;
    signingSecret?: Secret;
    appToken?: Secret;
    apiUrl: string;
    socketMode: boolean;
  };
  port: number;
  tencent:
    | { mode: 'demo' }
    | {
        mode: 'live';
        sdkAppId: number;
        secretKey: Secret;
        adminUser: string;
        region: TencentRegion;
        baseUrl?: string;
      };
  maxQps: number;
  defaultTimeZone: string;
  summary: { channel?: string; time?: string; timeZone: string };
  access: { users: string[]; channels: string[] };
  /** `/metrics` bearer token (absent: open) and ADMIN_SLACK_USERS (`/calls status`; empty: nobody). */
  operations: { metricsToken?: Secret; admins: string[] };
  logLevel: string;
  store: {
    /** `postgres://…`: the shared PostgreSQL store; absent: the embedded SQLite store in `dataDir`. */
    databaseUrl?: Secret;
    dataDir: string;
    retentionDays: number;
    /** How often the store is reconciled with Tencent. */
    syncIntervalSeconds: number;
  };
  /** `POST /tencent/callback/<token>`; absent token: no callback endpoint. */
  callback: { token?: Secret; signToken?: Secret };
  alerts: { channel?: string; dropRatePercent: number; minCalls: number; windowSeconds: number };
  watchDays: number;
  /**
   * The app's public origin (`PUBLIC_URL`, no path): every call in a message links to `<publicUrl>/calls/<CallId>`,
   * and such links unfurl into the call's card. Absent: no call links.
   */
  publicUrl?: string;
}

export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  readonly code = 'config';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
const idList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Z0-9]+$/, 'must be Slack IDs like U0123ABCD or C0123ABCD, comma-separated'))),
);
/** `30s`, `1m`, `15m`, `2h`, `1d` → seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})\s*(s|m|h|d)$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] as string).toLowerCase() as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const duration = (min: number, max: number, hint: string) =>
  z.string().transform((value, ctx) => {
    const seconds = parseDuration(value);
    if (seconds === undefined || seconds < min || seconds > max) {
      ctx.addIssue({ code: 'custom', message: hint });
      return z.NEVER;
    }
    return seconds;
  });
/**
 * Every numeric variable is read here: plain decimal digits only (a fraction where `fraction` is allowed). `Number()`
 * alone would take `0x10` as 16, `1e3` as 1000 and `0b1` as 1: nobody means those, so they are refused with the hint.
 */
const decimal = <T extends z.ZodType>(schema: T, options: { fraction?: boolean } = {}) => {
  const shape = options.fraction ? /^\d{1,15}(\.\d{1,15})?$/ : /^\d{1,15}$/;
  return z.preprocess((value) => {
    const blank = blankToUndefined(value);
    if (typeof blank !== 'string') return blank;
    return shape.test(blank.trim()) ? Number(blank.trim()) : blank;
  }, schema);
};
const positiveInt = (max: number, fallback: number, hint: string) =>
  decimal(z.number({ error: hint }).int(hint).min(1, hint).max(max, hint).default(fallback));
const channelId = optionalString.pipe(
  z
    .string()
    .regex(/^[CG][A-Z0-9]+$/, 'must be a channel ID like C0123ABCD (not a #name)')
    .optional(),
);

const PUBLIC_URL_HINT = "must be the app's public base URL, an http(s) origin such as https://callkit.example.com";

/** `https://host[:port]` with nothing after it (a trailing `/` is dropped): call links append `/calls/<CallId>`. */
function publicOrigin(value: string, ctx: z.RefinementCtx): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: PUBLIC_URL_HINT });
    return z.NEVER;
  }
  const bare =
    url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare) {
    ctx.addIssue({ code: 'custom', message: PUBLIC_URL_HINT });
    return z.NEVER;
  }
  return url.origin;
}

const timeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin or Asia/Shanghai');

const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalString.pipe(
    z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.pipe(
    z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional(),
  ),
  SLACK_API_URL: z.preprocess(blankToUndefined, z.url().default('https://slack.com/api/')),
  PORT: decimal(z.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000)),
  TENCENT_SDKAPPID: optionalString.pipe(
    z
      .string()
      // No leading zero: 0 (or 007) is no SDKAppID, and the client would refuse it only after start-up began.
      .regex(/^[1-9]\d{0,11}$/, 'must be the numeric SDKAppID')
      .optional(),
  ),
  TENCENT_SECRET_KEY: optionalString,
  TENCENT_ADMIN_USER: z.preprocess(blankToUndefined, z.string().min(1).max(32).default('administrator')),
  TENCENT_REGION: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value) || undefined,
    z.enum(TENCENT_REGIONS, { error: `must be one of ${TENCENT_REGIONS.join(', ')}` }).default(DEFAULT_TENCENT_REGION),
  ),
  TENCENT_API_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TENCENT_MAX_QPS: decimal(
    z
      .number({ error: 'must be a whole number of requests a second, at most 200' })
      .int()
      .min(1)
      .max(200, 'must be at most 200, the rate Tencent allows')
      .default(150),
  ),
  DEFAULT_TIMEZONE: z.preprocess(blankToUndefined, timeZone.default('UTC')),
  SUMMARY_CHANNEL: channelId,
  SUMMARY_TIME: optionalString.pipe(
    z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm in 24-hour time, e.g. 09:00')
      .optional(),
  ),
  SUMMARY_TIMEZONE: optionalString.pipe(timeZone.optional()),
  ALLOWED_SLACK_USERS: idList,
  ALLOWED_SLACK_CHANNELS: idList,
  ADMIN_SLACK_USERS: idList,
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16 to 256 printable characters without spaces (a bearer token)')
      .optional(),
  ),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL starting with postgres:// or postgresql://')
      .optional(),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  RETENTION_DAYS: positiveInt(3650, DEFAULT_RETENTION_DAYS, 'must be a whole number of days from 1 to 3650'),
  SYNC_INTERVAL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('1m')
      .pipe(duration(10, 3600, 'must be a duration from 10s to 1h, such as 30s, 1m or 5m')),
  ),
  TENCENT_CALLBACK_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(CALLBACK_TOKEN_PATTERN, 'must be 16 to 128 letters, digits, - or _ (it is part of a URL path)')
      .optional(),
  ),
  TENCENT_CALLBACK_SIGN_TOKEN: optionalString,
  ALERT_CHANNEL: channelId,
  ALERT_DROP_RATE: decimal(
    z
      .number({ error: 'must be a percentage from 0.1 to 100' })
      .min(0.1, 'must be a percentage from 0.1 to 100')
      .max(100, 'must be a percentage from 0.1 to 100')
      .default(10),
    { fraction: true },
  ),
  ALERT_MIN_CALLS: positiveInt(1_000_000, 20, 'must be a whole number of calls, at least 1'),
  ALERT_WINDOW: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('15m')
      .pipe(duration(60, 86_400, 'must be a duration from 1m to 24h, such as 15m or 1h')),
  ),
  WATCH_DAYS: positiveInt(365, 7, 'must be a whole number of days from 1 to 365'),
  PUBLIC_URL: optionalString.pipe(z.string().transform(publicOrigin).optional()),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const has = (name: string) => Boolean(env[name]?.trim());
  const problems: string[] = [];
  if (has('TENCENT_SDKAPPID') && !has('TENCENT_SECRET_KEY')) {
    problems.push('TENCENT_SECRET_KEY is required when TENCENT_SDKAPPID is set');
  }
  if (!has('TENCENT_SDKAPPID') && has('TENCENT_SECRET_KEY')) {
    problems.push('TENCENT_SDKAPPID is required when TENCENT_SECRET_KEY is set');
  }
  if (has('SUMMARY_TIME') && !has('SUMMARY_CHANNEL')) {
    problems.push('SUMMARY_CHANNEL is required when SUMMARY_TIME is set');
  }
  return problems;
}

/** Reads and validates the environment. Throws one ConfigError that names every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  // Issues name the variable and the rule, never the value: a secret pasted into the wrong variable stays hidden.
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
  problems.push(...crossFieldProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const secret = (value: string | undefined) => (value ? new Secret(value) : undefined);
  return {
    slack: {
      botToken: secret(e.SLACK_BOT_TOKEN),
      signingSecret: secret(e.SLACK_SIGNING_SECRET),
      appToken: secret(e.SLACK_APP_TOKEN),
      apiUrl: e.SLACK_API_URL,
      socketMode: Boolean(e.SLACK_APP_TOKEN),
    },
    port: e.PORT,
    tencent:
      e.TENCENT_SDKAPPID && e.TENCENT_SECRET_KEY
        ? {
            mode: 'live',
            sdkAppId: Number(e.TENCENT_SDKAPPID),
            secretKey: new Secret(e.TENCENT_SECRET_KEY),
            adminUser: e.TENCENT_ADMIN_USER,
            region: e.TENCENT_REGION,
            baseUrl: e.TENCENT_API_BASE_URL,
          }
        : { mode: 'demo' },
    maxQps: e.TENCENT_MAX_QPS,
    defaultTimeZone: e.DEFAULT_TIMEZONE,
    summary: { channel: e.SUMMARY_CHANNEL, time: e.SUMMARY_TIME, timeZone: e.SUMMARY_TIMEZONE ?? e.DEFAULT_TIMEZONE },
    access: { users: e.ALLOWED_SLACK_USERS, channels: e.ALLOWED_SLACK_CHANNELS },
    operations: { metricsToken: secret(e.METRICS_TOKEN), admins: e.ADMIN_SLACK_USERS },
    logLevel: e.LOG_LEVEL,
    store: {
      databaseUrl: secret(e.DATABASE_URL),
      dataDir: e.DATA_DIR,
      retentionDays: e.RETENTION_DAYS,
      syncIntervalSeconds: e.SYNC_INTERVAL,
    },
    callback: { token: secret(e.TENCENT_CALLBACK_TOKEN), signToken: secret(e.TENCENT_CALLBACK_SIGN_TOKEN) },
    alerts: {
      channel: e.ALERT_CHANNEL,
      dropRatePercent: e.ALERT_DROP_RATE,
      minCalls: e.ALERT_MIN_CALLS,
      windowSeconds: e.ALERT_WINDOW,
    },
    watchDays: e.WATCH_DAYS,
    ...(e.PUBLIC_URL === undefined ? {} : { publicUrl: e.PUBLIC_URL }),
  };
}

/**
 * What the Slack app needs on top of the base config. Kept apart so the CLI (search, summary --dry-run) runs
 * with no Slack credentials at all.
 */
export function slackCredentialProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.slack.botToken)
    problems.push('SLACK_BOT_TOKEN is required (the xoxb- bot token from OAuth & Permissions)');
  if (!config.slack.socketMode && !config.slack.signingSecret) {
    problems.push('SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → App Credentials)');
  }
  return problems;
}

/** Loads `.env` into process.env when the file exists; real environment variables win over the file. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
