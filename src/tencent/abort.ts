import { setMaxListeners } from 'node:events';

/** Small helpers for AbortSignal handling that Node 20 lacks or leaks with (AbortSignal.any keeps listeners). */

/** The error a wait rejects with when its signal aborts: the signal's reason, or a plain AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

/** Resolves after `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A child AbortController that aborts when the parent does or after `timeoutMs`, and that must be disposed:
 * `dispose()` removes the listener from the parent, so a long scan sharing one parent signal does not pile up
 * thousands of listeners (which AbortSignal.any does on Node 20).
 */
export interface LinkedAbort {
  readonly signal: AbortSignal;
  /** True once the timeout fired (as opposed to the parent aborting). */
  readonly timedOut: boolean;
  dispose(): void;
}

export function linkAbort(parent: AbortSignal | undefined, timeoutMs?: number): LinkedAbort {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const onParentAbort = (): void => controller.abort(abortReason(parent as AbortSignal));
  if (parent?.aborted) controller.abort(abortReason(parent));
  else if (parent) {
    // One caller's signal legitimately covers many concurrent requests (a summary fires a dozen counts at once);
    // each listener is removed by dispose(), so Node's "possible leak" warning past 10 would be a false alarm.
    setMaxListeners(0, parent);
    parent.addEventListener('abort', onParentAbort, { once: true });
  }
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    timer = setTimeout(() => {
      timedOut = true;
      const error = new Error('deadline exceeded');
      error.name = 'TimeoutError';
      controller.abort(error);
    }, timeoutMs);
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
