import type { z } from 'zod';

export type DecodeFailure = { ok: false; reason: 'malformed' | 'outdated' };
export type DecodeResult<T> = { ok: true; state: T } | DecodeFailure;

/**
 * Reads state that came back from Slack (a button value, a view's private_metadata): compact JSON with a version
 * number `v`, checked against a schema. Another version is `outdated` (written by an older or newer release of
 * the app); anything else wrong is `malformed`. Never throws: the value is whatever a client sent.
 */
export function decodeVersionedState<S extends z.ZodType>(
  value: unknown,
  options: { version: number; maxLength: number; schema: S },
): DecodeResult<z.output<S>> {
  if (typeof value !== 'string' || value.length === 0 || value.length > options.maxLength) {
    return { ok: false, reason: 'malformed' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'malformed' };
  const version = (raw as { v?: unknown }).v;
  if (version !== options.version) {
    return typeof version === 'number' ? { ok: false, reason: 'outdated' } : { ok: false, reason: 'malformed' };
  }
  const parsed = options.schema.safeParse(raw);
  return parsed.success ? { ok: true, state: parsed.data } : { ok: false, reason: 'malformed' };
}
