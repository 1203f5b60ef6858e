/**
 * One run at a time, and one more queued: the shape of a job that is asked to run more often than it can (a timer,
 * a nudge, a burst of new calls) and must neither overlap itself nor drop an ask. An ask while a run is in progress
 * gets one run after it, shared by every ask made meanwhile, so work that arrived during a run is never left for
 * the next tick, and a burst of asks costs two runs, not one per ask.
 *
 * `work` is expected not to reject (a job logs its own failures); if it does, the rejection reaches the callers
 * of that run and the queue goes on.
 */
export class SerialRunner<T> {
  readonly #work: () => Promise<T>;
  #current: Promise<T> | null = null;
  #queued: Promise<T> | null = null;

  constructor(work: () => Promise<T>) {
    this.#work = work;
  }

  /** Runs now, or once more after the run in progress (asks made meanwhile share that one). */
  run(): Promise<T> {
    if (this.#current === null) return this.#start(this.#work);
    if (this.#queued === null) {
      const next = (): Promise<T> => {
        this.#queued = null;
        return this.run();
      };
      this.#queued = this.#current.then(next, next);
    }
    return this.#queued;
  }

  /** Runs other work, never beside a run: after the run in progress (and any other waiting), one at a time. */
  runExclusive(work: () => Promise<T>): Promise<T> {
    if (this.#current === null) return this.#start(work);
    const retry = (): Promise<T> => this.runExclusive(work);
    return this.#current.then(retry, retry);
  }

  /** The run in progress, if any (a stop waits for it). */
  get current(): Promise<T> | null {
    return this.#current;
  }

  /** Resolves when no run is in progress or queued. */
  async settled(): Promise<void> {
    while (this.#current !== null || this.#queued !== null) {
      await (this.#queued ?? this.#current)?.catch(() => {});
    }
  }

  #start(work: () => Promise<T>): Promise<T> {
    const running = work().finally(() => {
      if (this.#current === running) this.#current = null;
    });
    this.#current = running;
    return running;
  }
}
