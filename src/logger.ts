import { pino } from 'pino';

export type Logger = pino.Logger;

/** Anything that looks like a credential inside a string: the UserSig travels in Tencent URLs. */
const SECRET_IN_TEXT = /(usersig=|token=|xox[abprs]-|xapp-)[^\s&"']*/gi;

export function redactText(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_match, prefix: string) => `${prefix}[redacted]`);
}

/**
 * JSON logs on stdout (or the given stream). Credentials are removed twice: by path for the fields we know,
 * and by pattern for any message or error text, since a URL with a UserSig could reach a log through an error.
 */
export function createLogger(
  options: { level?: string; name?: string } = {},
  destination: pino.DestinationStream = pino.destination(1),
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
      serializers: {
        err: (error: unknown) => {
          const serialized = pino.stdSerializers.err(error as Error);
          return JSON.parse(redactText(JSON.stringify(serialized)));
        },
      },
    },
    destination,
  );
}
