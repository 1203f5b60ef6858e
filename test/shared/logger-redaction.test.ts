/**
 * Redaction never corrupts or drops a log line: whatever an error's text holds around a credential-looking
 * fragment (quotes, backslashes, unicode escapes, control characters), the line written is valid JSON, carries
 * no secret, and keeps the rest of the text. And the person in Slack reads the real cause of a failure.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TencentError } from '../../src/calls/source-errors.js';
import { createLogger, redactText } from '../../src/shared/logger.js';
import { userFacingError } from '../../src/slack/error-messages.js';

function captured() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug' }, stream) };
}

const PREFIXES = ['usersig=', 'UserSig=', 'token=', 'xoxb-', 'xoxp-', 'xapp-'];
/** What a secret is made of (a UserSig is base64url with `*`; tokens are dashes and alphanumerics). */
const secretValue = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_*'.split('')),
  minLength: 16,
  maxLength: 40,
});
/** What may come right after a secret: the end of a quoted value, an escape, a separator. */
const terminator = fc.constantFrom('"', '\\"', '\\', "'", ' ', '&', '\n', '\\u0022', '\t');
/** Anything else in the text: arbitrary unicode (lone surrogates too), quotes, backslashes, escapes. */
const noise = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('"', '\\', '\\"', '\\\\', '\\u00', '\\u0041', '"}', '{"a":"', '\ud800', '\u2028', '🙂'),
  )
  .filter((text) => redactText(text) === text);

const errorText = fc
  .array(fc.tuple(noise, fc.constantFrom(...PREFIXES), secretValue, terminator), { minLength: 1, maxLength: 3 })
  .chain((parts) => noise.map((tail) => ({ parts, tail })));

describe('logger redaction over arbitrary error texts', () => {
  it('writes every line as valid JSON, without the secrets, keeping the rest of the text', async () => {
    await fc.assert(
      fc.asyncProperty(errorText, async ({ parts, tail }) => {
        const { lines, logger } = captured();
        const text = parts.map(([before, prefix, secret, end]) => `${before}${prefix}${secret}${end}`).join('') + tail;
        const secrets = parts.map(([, , secret]) => secret).filter((secret) => !tail.includes(secret));
        logger.error({ err: new Error(text), detail: { note: text } }, `failed: ${text}`);
        logger.warn(text);
        await new Promise((resolve) => setImmediate(resolve));
        expect(lines).toHaveLength(2);
        const [withError = {}, plain = {}] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
        const err = withError.err as { message: string; stack: string };
        for (const [before, prefix, , end] of parts) {
          for (const shown of [err.message, withError.msg as string, (withError.detail as { note: string }).note]) {
            expect(shown).toContain(`${before}${prefix}[redacted]`);
            expect(shown).toContain(tail);
            if (end !== '\\' && end !== '"' && end !== "'") expect(shown).toContain(end);
          }
        }
        expect(plain.msg).toContain(tail);
      }),
      { numRuns: 300 },
    );
  });

  it('redacts the cause chain and any nested field, keeping the line whole', async () => {
    const { lines, logger } = captured();
    const inner = new Error('inner failure token=SECRETSECRET1234"');
    logger.error(
      {
        err: new Error('outer', { cause: inner }),
        url: 'https://x.invalid/?usersig=SIGSIGSIG999\\&a=1',
        list: ['xoxb-11-22'],
      },
      'with a cause',
    );
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines[0] as string;
    const parsed = JSON.parse(line) as { err: { message: string }; url: string; list: string[] };
    expect(line).not.toMatch(/SECRETSECRET1234|SIGSIGSIG999|xoxb-11-22/);
    expect(parsed.err.message).toContain('inner failure token=[redacted]"');
    expect(parsed.url).toBe('https://x.invalid/?usersig=[redacted]\\&a=1');
    expect(parsed.list).toEqual(['xoxb-[redacted]']);
  });

  it('tells the person in Slack the real cause: an unknown Tencent ErrorCode with its ErrorInfo', async () => {
    const { lines, logger } = captured();
    // As the Tencent client words an ErrorCode it has no sentence for: ErrorInfo quoted, here ending in a fragment.
    const error = new TencentError(
      'bad-request',
      'Tencent refused the request (ErrorCode 99999, "bad parameter usersig=eJyrVkosSsrMzStRsjI0MjAAAA__"), RequestId r-1).',
      { code: 99999 },
    );
    const failure = userFacingError(error, logger, { surface: 'command' });
    expect(failure.outcome).toBe('tencent-bad-request');
    expect(failure.text).toContain('ErrorCode 99999');
    expect(failure.text).toContain('bad parameter');
    expect(failure.text).not.toContain('eJyrVkosSsrMzStRsjI0MjAAAA__');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0] as string) as { ref: string; err: { message: string } };
    expect(logged.ref).toBe(failure.ref);
    expect(logged.err.message).toContain('ErrorCode 99999');
  });
});
