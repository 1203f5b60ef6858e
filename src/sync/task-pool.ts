/**
 * Runs at most `limit` tasks at once; `add` waits for a free slot, so whoever adds cannot run far ahead. The first
 * failure (of a task, or given to `abort`) aborts the pool's signal, so the other tasks stop, and is what `drain`
 * rejects with.
 */
export class TaskPool {
  readonly #running = new Set<Promise<void>>();
  readonly #controller = new AbortController();
  #failure: { error: unknown } | undefined;

  constructor(
    private readonly limit: number,
    parent?: AbortSignal,
  ) {
    if (parent?.aborted) this.#controller.abort(parent.reason);
    else parent?.addEventListener('abort', () => this.#controller.abort(parent.reason), { once: true });
  }

  /** Aborted when a task failed or the parent signal aborted. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops every task (through the signal); `reason` becomes the failure unless one came first. */
  abort(reason: unknown): void {
    this.#failure ??= { error: reason };
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }

  async add(task: (signal: AbortSignal) => Promise<void>): Promise<void> {
    while (this.#running.size >= this.limit) await Promise.race(this.#running);
    this.#throwIfFailed();
    const running: Promise<void> = task(this.signal)
      .catch((error: unknown) => this.abort(error))
      .finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** Waits for every task; rejects with the first failure. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.race(this.#running);
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
