/**
 * A person's IANA time zone, from Slack's `users.info` (`user.tz`), cached per user: bounded (least recently used
 * out first), with a TTL, and one lookup at a time per user. A failed or empty lookup gives DEFAULT_TIMEZONE and
 * is remembered for a shorter while, so a missing `users:read` scope costs one call a minute, not one per query.
 */
import { isValidTimeZone } from '../calls/time-range.js';
import type { Logger } from '../shared/logger.js';

export interface UserTimeZones {
  /** Never rejects: falls back to the default zone. */
  get(userId: string): Promise<string>;
}

export interface UserTimeZoneOptions {
  /** `users.info` → `user.tz`. */
  lookup: (userId: string) => Promise<string | undefined>;
  defaultTimeZone: string;
  logger: Logger;
  /** Default 6 hours. */
  ttlMs?: number;
  /** Default 1 minute. */
  failureTtlMs?: number;
  /** Default 5,000 users. */
  maxEntries?: number;
  /** A lookup slower than this gives the default zone (and is retried after `failureTtlMs`). Default 3 s. */
  lookupTimeoutMs?: number;
  /** Milliseconds; default Date.now. */
  now?: () => number;
}

interface Entry {
  zone: Promise<string>;
  expires: number;
}

export function createUserTimeZones(options: UserTimeZoneOptions): UserTimeZones {
  const ttlMs = options.ttlMs ?? 6 * 3600_000;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const maxEntries = Math.max(1, options.maxEntries ?? 5_000);
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 3_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const remember = (userId: string, entry: Entry) => {
    entries.delete(userId);
    entries.set(userId, entry);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  };

  return {
    get(userId) {
      const cached = entries.get(userId);
      if (cached && cached.expires > now()) {
        remember(userId, cached);
        return cached.zone;
      }
      const entry: Entry = { zone: Promise.resolve(options.defaultTimeZone), expires: now() + ttlMs };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`users.info took more than ${lookupTimeoutMs} ms`)), lookupTimeoutMs);
        timer.unref();
      });
      const lookup = Promise.resolve().then(() => options.lookup(userId));
      lookup.catch(() => {}); // a late failure after the timeout is not an unhandled rejection
      entry.zone = Promise.race([lookup, timeout]).then(
        (zone) => {
          if (zone && isValidTimeZone(zone)) return zone;
          entry.expires = now() + failureTtlMs;
          return options.defaultTimeZone;
        },
        (error: unknown) => {
          entry.expires = now() + failureTtlMs;
          options.logger.warn({ err: error, user: userId }, 'users.info failed; using DEFAULT_TIMEZONE');
          return options.defaultTimeZone;
        },
      );
      entry.zone.finally(() => clearTimeout(timer)).catch(() => {});
      remember(userId, entry);
      return entry.zone;
    },
  };
}
