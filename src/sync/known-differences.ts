/**
 * Differences between Tencent's count and the store's that a download already explained, per downloaded bucket:
 * records Tencent counts but that failed validation (never stored), calls the store keeps that Tencent no longer
 * lists, or a bucket whose download did not add up even after a retry. Without them such a bucket would differ on
 * every pass and be downloaded again every SYNC_INTERVAL; with them a quiet pass compares
 * `Tencent = store + known` and stays one request. Held in memory by the syncing process: a new syncer
 * re-downloads those buckets once.
 */
import type { Bucket } from './buckets.js';

export interface KnownDifference {
  from: number;
  /** Nominal end on the bucket's grid (the newest bucket grows with `now`). */
  to: number;
  /** Tencent's count minus the store's, right after the download. */
  difference: number;
  /** Set when the download did not add up: what Tencent reported and what arrived. */
  incomplete?: { reported: number; received: number };
  /** Records of the download that failed validation (part of `difference`). */
  invalid?: number;
}

export class KnownDifferences {
  readonly #entries = new Map<number, KnownDifference[]>();

  /** The sum of known differences of buckets that start inside `[from, to)`. */
  sumWithin(bucket: { from: number; to: number }): number {
    let sum = 0;
    for (const entry of this.#all()) {
      if (entry.from >= bucket.from && entry.from < bucket.to) sum += entry.difference;
    }
    return sum;
  }

  /** Records what a download of `bucket` left; replaces whatever was known of buckets overlapping it. */
  record(bucket: Bucket, difference: number, incomplete?: KnownDifference['incomplete'], invalid = 0): void {
    const to = bucket.from + (Number.isFinite(bucket.step) ? bucket.step : bucket.to - bucket.from);
    this.#remove((entry) => entry.from < to && bucket.from < entry.to);
    if (difference === 0 && incomplete === undefined && invalid === 0) return;
    const entry: KnownDifference = {
      from: bucket.from,
      to,
      difference,
      ...(incomplete ? { incomplete } : {}),
      ...(invalid > 0 ? { invalid } : {}),
    };
    const list = this.#entries.get(bucket.from);
    if (list === undefined) this.#entries.set(bucket.from, [entry]);
    else list.push(entry);
  }

  /** Drops buckets that start before `from` (out of the window now). */
  forgetBefore(from: number): void {
    this.#remove((entry) => entry.from < from);
  }

  /** Drops the buckets whose download did not add up, so the next pass downloads them again. */
  forgetIncomplete(): void {
    this.#remove((entry) => entry.incomplete !== undefined);
  }

  /** Unreadable records in the buckets still known (those inside the window): what answers may lack. */
  invalidTotal(): number {
    let total = 0;
    for (const entry of this.#all()) total += entry.invalid ?? 0;
    return total;
  }

  /** Buckets whose download did not add up, oldest first. */
  incomplete(): KnownDifference[] {
    return [...this.#all()].filter((entry) => entry.incomplete !== undefined).sort((a, b) => a.from - b.from);
  }

  *#all(): Iterable<KnownDifference> {
    for (const list of this.#entries.values()) yield* list;
  }

  #remove(test: (entry: KnownDifference) => boolean): void {
    for (const [from, list] of this.#entries) {
      const kept = list.filter((entry) => !test(entry));
      if (kept.length === 0) this.#entries.delete(from);
      else if (kept.length !== list.length) this.#entries.set(from, kept);
    }
  }
}
