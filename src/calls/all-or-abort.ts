/**
 * Runs tasks together under one signal, like Promise.all, except that the first failure aborts the others.
 *
 * Why: a search or a summary runs several scans at once; when one fails the whole answer is an error, and a
 * sibling scan left running would keep taking permits from the process-wide rate limit (slowing every other
 * user's query) for records nobody will see. The parent signal (the caller's cancellation) aborts them all too.
 */
export async function allOrAbort<T extends readonly unknown[] | []>(
  parent: AbortSignal | undefined,
  tasks: { readonly [K in keyof T]: (signal: AbortSignal) => Promise<T[K]> },
): Promise<T> {
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  try {
    const running = (tasks as readonly ((signal: AbortSignal) => Promise<unknown>)[]).map((task) =>
      task(controller.signal).catch((error: unknown) => {
        // The siblings then fail with a cancellation; Promise.all has already settled with this first error.
        controller.abort(error);
        throw error;
      }),
    );
    return (await Promise.all(running)) as unknown as T;
  } finally {
    parent?.removeEventListener('abort', onParentAbort);
  }
}
