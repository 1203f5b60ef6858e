/**
 * The UserSig travels in the query string, so anything that may echo a URL (an error from a proxy, a log line)
 * goes through here: the shared credential pattern, then the literal secrets we know of, whatever surrounds them.
 */
import { redactText } from '../shared/redact-text.js';

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = redactText(text);
  for (const secret of secrets) {
    // Very short strings would blank ordinary words; real keys and UserSigs are long.
    if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/**
 * A copy of an error that is safe to keep as `cause`: name, code and a redacted message, and the same for its own
 * cause chain. The original error (whose message, stack or properties could carry a request URL) is dropped.
 */
export function sanitizeError(error: unknown, secrets: readonly string[] = [], depth = 0): Error {
  if (!(error instanceof Error)) {
    return new Error(redact(String(error).slice(0, 300), secrets));
  }
  const safe = new Error(redact(error.message.slice(0, 300), secrets));
  safe.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') (safe as { code?: unknown }).code = code;
  // The stack would point into undici and, through the message line, repeat it: keep only the redacted message.
  safe.stack = `${safe.name}: ${safe.message}`;
  if (error.cause !== undefined && depth < 4) {
    Object.defineProperty(safe, 'cause', {
      value: sanitizeError(error.cause, secrets, depth + 1),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return safe;
}
