import { pino } from 'pino';
import { createLogDestination } from './log-destination.js';
import { redactValues } from './redact-values.js';

export type Logger = pino.Logger;

/** Anything that looks like a credential inside a string: the UserSig travels in Tencent URLs. */
const SECRET_IN_TEXT = /(usersig=|token=|xox[abprs]-|xapp-)[^\s&"'\\]*/gi;

/**
 * The segment after `/tencent/callback/` is TENCENT_CALLBACK_TOKEN, also in the near misses a proxy, a base URL with
 * a trailing slash or a prober produces (`//tencent/callback/…`, `/tencent//callback/…`, `%2F` for a slash).
 */
// Five or more token characters: a URL the CLI cut to the token's first 4 (`…/tencent/callback/abcd…`) stays shown.
const CALLBACK_TOKEN_IN_TEXT = /(tencent(?:\/|%2f)+callback(?:\/|%2f)+)[A-Za-z0-9_%-]{5,}/gi;
/** A path segment shaped like a TENCENT_CALLBACK_TOKEN (16 or more URL-safe characters). */
const TOKEN_LIKE_SEGMENT = /(?<=\/)[A-Za-z0-9_%-]{16,}(?=\/|$)/g;

export function redactText(text: string): string {
  return text
    .replace(SECRET_IN_TEXT, (_match, prefix: string) => `${prefix}[redacted]`)
    .replace(CALLBACK_TOKEN_IN_TEXT, (_match, prefix: string) => `${prefix}[redacted]`);
}

/**
 * How a request's URL appears in a log line when nothing serves it: the path without its query, and without any
 * segment shaped like a secret, since a caller with the callback token in a wrong place (`/x/<token>`) must not get
 * it written into the logs either.
 */
export function pathForLog(url: string | undefined): string {
  const path = (url ?? '/').split(/[?#]/, 1)[0] ?? '/';
  return redactText(path).replace(TOKEN_LIKE_SEGMENT, '[redacted]').slice(0, 200);
}

/**
 * JSON logs on stdout (or the given stream; stdout's never blocks nor throws once the pipe is gone). Credentials are removed twice: by path for the fields we know,
 * and by pattern for any message or error text, since a URL with a UserSig could reach a log through an error.
 * The pattern works on values before pino serialises them (never on the JSON text, where a rewrite could break an
 * escape sequence and lose the line).
 */
export function createLogger(
  options: { level?: string; name?: string } = {},
  destination: pino.DestinationStream = createLogDestination(1),
) {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'callkit-slack',
      redact: {
        paths: [
          'secretKey',
          '*.secretKey',
          'usersig',
          '*.usersig',
          'token',
          '*.token',
          'botToken',
          'signingSecret',
          'appToken',
          'headers.authorization',
          '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<
            typeof method
          >;
          return method.apply(this, cleaned);
        },
      },
      formatters: {
        // Every string of the merge object (errors are left to their serializer below).
        log: (object) => redactValues(object, redactText) as Record<string, unknown>,
      },
      serializers: {
        err: (error: unknown) =>
          redactValues(pino.stdSerializers.err(error as Error), redactText, { everyObject: true }),
      },
    },
    destination,
  );
}
