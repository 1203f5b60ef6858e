import { abortReason } from './abort.js';

/** What the client needs from a limiter: one permit per HTTP request, waited for in FIFO order. */
export interface RateLimiter {
  /** Resolves when a request may be sent; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
  readonly maxQps: number;
}

export interface PacedRateLimiterOptions {
  /**
   * Fraction of maxQps left unused so that requests bunched by network jitter still stay under the server's
   * count. Default 0.05: a scan runs at 95% of maxQps, above the 90% target.
   */
  margin?: number;
  /** Monotonic milliseconds; injectable for tests. */
  clock?: () => number;
}

/** How late (ms) a request may arrive relative to its neighbours before the server could count one too many. */
const JITTER_ALLOWANCE_MS = 20;
/** The window we count in: the server's second plus the jitter allowance. */
const WINDOW_MS = 1000 + JITTER_ALLOWANCE_MS;
/** After a stall (GC, a busy event loop), permits may catch up for at most this long... */
const MAX_CATCH_UP_MS = 100;
/** ...and no faster than twice the steady rate. */
const CATCH_UP_SPEED = 2;

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

/**
 * Evenly spaced permits with a hard cap per sliding window.
 *
 * Why this shape: Tencent counts requests per second per API. A plain token bucket with a one-second bucket would
 * allow a burst of maxQps at once and then another full second, i.e. up to 2 × maxQps in a sliding window. Here:
 * - permits are spaced `interval` apart (GCRA, the virtual-scheduling form of a token bucket) at 95% of maxQps;
 * - after a stall the schedule may catch up, but for at most 100 ms worth of permits and at most twice the steady
 *   rate, so a paused event loop does not cost throughput and does not turn into a burst either;
 * - and a log of the last `cap` grant times makes sure that no window of 1020 ms (the server's second plus 20 ms
 *   of network jitter) ever holds more than `cap` = 96% of maxQps permits, whatever the schedule did. That
 *   guarantee is by construction (grant k+cap is at least 1020 ms after grant k), not by a formula.
 *
 * Waits are FIFO (a scan cannot starve a single lookup by more than its in-flight window) and abortable.
 */
export class PacedRateLimiter implements RateLimiter {
  #maxQps = 0;
  #interval = 0;
  #tolerance = 0;
  #minSpacing = 0;
  #cap = 1;
  #log: Float64Array = new Float64Array(1);
  #logCount = 0;
  #logNext = 0;
  #lastGrant = Number.NEGATIVE_INFINITY;
  #tat = Number.NEGATIVE_INFINITY; // theoretical arrival time of the next permit
  readonly #margin: number;
  readonly #clock: () => number;
  #queue: Waiter[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #granted = 0;

  constructor(maxQps: number, options: PacedRateLimiterOptions = {}) {
    this.#margin = options.margin ?? 0.05;
    this.#clock = options.clock ?? (() => performance.now());
    this.setMaxQps(maxQps);
  }

  get maxQps(): number {
    return this.#maxQps;
  }

  /** Milliseconds between permits in the steady state. */
  get intervalMs(): number {
    return this.#interval;
  }

  /** Most permits in any window of 1020 ms. */
  get windowCap(): number {
    return this.#cap;
  }

  /** Permits handed out so far. */
  get granted(): number {
    return this.#granted;
  }

  /** Waiters not yet granted. */
  get pending(): number {
    let n = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (!(this.#queue[i] as Waiter).settled) n++;
    return n;
  }

  setMaxQps(maxQps: number): void {
    if (!(maxQps > 0) || !Number.isFinite(maxQps)) throw new Error('maxQps must be a positive number');
    this.#maxQps = maxQps;
    this.#interval = 1000 / (maxQps * (1 - this.#margin));
    this.#tolerance = Math.min(MAX_CATCH_UP_MS, 20 * this.#interval);
    this.#minSpacing = this.#interval / CATCH_UP_SPEED;
    // 96% of maxQps by default: the steady schedule (95%) fits under it, and 4% is left for jitter beyond 20 ms.
    const cap = Math.max(1, Math.floor(maxQps * Math.min(1, 1 - this.#margin + 0.01)));
    if (cap !== this.#cap) {
      // Keep the most recent grants so a lower ceiling applies at once.
      const recent: number[] = [];
      for (let i = 0; i < this.#logCount; i++) {
        recent.push(this.#log[(this.#logNext - this.#logCount + i + this.#log.length) % this.#log.length] as number);
      }
      this.#cap = cap;
      this.#log = new Float64Array(cap);
      this.#logCount = 0;
      this.#logNext = 0;
      for (const t of recent.slice(-cap)) this.#record(t);
    }
    this.#drain();
  }

  /** A permit now if one is free and nobody is waiting; never waits. */
  tryAcquire(): boolean {
    return this.#head === this.#queue.length && this.#tryGrant(this.#clock());
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#head === this.#queue.length && this.#tryGrant(this.#clock())) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined, settled: false };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          if (waiter.settled) return;
          waiter.settled = true;
          reject(abortReason(signal));
          // The head may have been this waiter: let the next one have its slot.
          this.#drain();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#drain();
    });
  }

  /** The earliest time a permit may be granted. */
  #earliest(): number {
    let at = Math.max(this.#tat - this.#tolerance, this.#lastGrant + this.#minSpacing);
    if (this.#logCount === this.#cap) {
      const oldest = this.#log[this.#logNext] as number; // the slot to be overwritten is the oldest
      at = Math.max(at, oldest + WINDOW_MS);
    }
    return at;
  }

  #tryGrant(now: number): boolean {
    if (now < this.#earliest()) return false;
    this.#tat = Math.max(this.#tat, now) + this.#interval;
    this.#lastGrant = now;
    this.#record(now);
    this.#granted += 1;
    return true;
  }

  #record(time: number): void {
    this.#log[this.#logNext] = time;
    this.#logNext = (this.#logNext + 1) % this.#cap;
    this.#logCount = Math.min(this.#logCount + 1, this.#cap);
  }

  #drain(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head] as Waiter;
      if (waiter.settled) {
        this.#head++;
        continue;
      }
      const now = this.#clock();
      if (!this.#tryGrant(now)) {
        const wait = Math.max(1, Math.ceil(this.#earliest() - now));
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#drain();
        }, wait);
        break;
      }
      waiter.settled = true;
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.#head++;
      waiter.resolve();
    }
    // Keep the array from growing forever: drop the consumed prefix once it dominates.
    if (this.#head > 256 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}

const shared = new Map<string, PacedRateLimiter>();

/**
 * The process-wide limiter for one Tencent app (Tencent's quota is per SDKAppID and API): every client built for
 * the same origin and SDKAppID shares it, so a summary job and a Slack search together stay under the limit.
 * When two callers ask for different ceilings, the lower one wins.
 */
export function sharedRateLimiter(key: string, maxQps: number): PacedRateLimiter {
  const existing = shared.get(key);
  if (existing !== undefined) {
    if (maxQps < existing.maxQps) existing.setMaxQps(maxQps);
    return existing;
  }
  const limiter = new PacedRateLimiter(maxQps);
  shared.set(key, limiter);
  return limiter;
}
