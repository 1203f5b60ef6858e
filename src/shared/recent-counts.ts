/**
 * Counts of things that happened in the last hour, by key (a callback's command and outcome, a Tencent API's
 * outcome): what `/calls status` shows. Sixty one-minute buckets in a ring, so adding costs the same at the
 * millionth event as at the first and memory is bounded by the number of distinct keys, which callers keep small.
 */
const BUCKET_SECONDS = 60;
const BUCKETS = 60;

export type Counts = Record<string, number>;

export class RecentCounts {
  readonly #buckets: Array<{ minute: number; counts: Map<string, number> }> = [];

  /** `now`: Unix seconds. */
  add(key: string, now: number): void {
    const minute = Math.floor(now / BUCKET_SECONDS);
    const slot = ((minute % BUCKETS) + BUCKETS) % BUCKETS;
    let bucket = this.#buckets[slot];
    if (bucket === undefined || bucket.minute !== minute) {
      bucket = { minute, counts: new Map() };
      this.#buckets[slot] = bucket;
    }
    bucket.counts.set(key, (bucket.counts.get(key) ?? 0) + 1);
  }

  /** Every key's count over the hour ending at `now` (Unix seconds). */
  lastHour(now: number): Counts {
    const minute = Math.floor(now / BUCKET_SECONDS);
    const totals: Counts = {};
    for (const bucket of this.#buckets) {
      if (bucket === undefined || bucket.minute <= minute - BUCKETS || bucket.minute > minute) continue;
      for (const [key, count] of bucket.counts) totals[key] = (totals[key] ?? 0) + count;
    }
    return totals;
  }
}

/** Adds several processes' counts together. */
export function sumCounts(all: readonly Counts[]): Counts {
  const totals: Counts = {};
  for (const counts of all) for (const [key, count] of Object.entries(counts)) totals[key] = (totals[key] ?? 0) + count;
  return totals;
}
