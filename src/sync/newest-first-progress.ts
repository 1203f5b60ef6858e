/**
 * How far back a pass has reconciled without a hole. A pass visits buckets newest first and downloads several at
 * once, so they finish out of order; the covered span only grows over an unbroken run of finished buckets from the
 * newest one down. This is what lets a first backfill say "complete from here to now" after every hour.
 */
export interface ProgressSegment {
  from: number;
  to: number;
  done: boolean;
}

export class NewestFirstProgress {
  readonly #pending: ProgressSegment[] = [];
  #coveredFrom: number | null = null;
  #nextTo: number;

  constructor(
    readonly upper: number,
    private readonly onAdvance: (coveredFrom: number) => void = () => {},
  ) {
    this.#nextTo = upper;
  }

  /** The oldest StartTime reconciled without a hole up to `upper`; null before the newest bucket is done. */
  get coveredFrom(): number | null {
    return this.#coveredFrom;
  }

  /** Adds the next older bucket; buckets must come newest first and touch (`to` = the previous `from`). */
  add(from: number, to: number): ProgressSegment {
    if (to !== this.#nextTo || from >= to) {
      throw new RangeError(`progress segment [${from}, ${to}) does not continue at ${this.#nextTo}`);
    }
    this.#nextTo = from;
    const segment: ProgressSegment = { from, to, done: false };
    this.#pending.push(segment);
    return segment;
  }

  /** Marks a bucket done; advances the covered span over every finished bucket at its newest end. */
  complete(segment: ProgressSegment): void {
    segment.done = true;
    let advanced = false;
    while (this.#pending.length > 0 && (this.#pending[0] as ProgressSegment).done) {
      this.#coveredFrom = (this.#pending.shift() as ProgressSegment).from;
      advanced = true;
    }
    if (advanced && this.#coveredFrom !== null) this.onAdvance(this.#coveredFrom);
  }
}
