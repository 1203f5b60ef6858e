import { pino } from 'pino';
import { createLogDestination } from './log-destination.js';
import { redactText } from './redact-text.js';
import { redactValues } from './redact-values.js';

export type Logger = pino.Logger;

/** Re-exported for code that already holds the logger; the patterns live in redact-text.ts. */
export { pathForLog, redactText } from './redact-text.js';

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
