import { z } from 'zod';
import { Secret } from './config/secret.js';
import { DEFAULT_TENCENT_REGION, TENCENT_REGIONS, type TencentRegion } from './tencent/regions.js';

export { Secret } from './config/secret.js';

// One list of regions: the client's table of domains (a region added there is accepted here).
export { TENCENT_REGIONS, type TencentRegion } from './tencent/regions.js';

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
  logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
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
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  ),
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
  TENCENT_MAX_QPS: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(1).max(200, 'must be at most 200, the rate Tencent allows').default(150),
  ),
  DEFAULT_TIMEZONE: z.preprocess(blankToUndefined, timeZone.default('UTC')),
  SUMMARY_CHANNEL: optionalString.pipe(
    z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'must be a channel ID like C0123ABCD (not a #name)')
      .optional(),
  ),
  SUMMARY_TIME: optionalString.pipe(
    z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm in 24-hour time, e.g. 09:00')
      .optional(),
  ),
  SUMMARY_TIMEZONE: optionalString.pipe(timeZone.optional()),
  ALLOWED_SLACK_USERS: idList,
  ALLOWED_SLACK_CHANNELS: idList,
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
    logLevel: e.LOG_LEVEL,
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
