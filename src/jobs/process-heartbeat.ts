/**
 * Every app process writes its row in the store every HEARTBEAT_SECONDS (host, pid, version, its sync holder ID and
 * its last hour's counts), so `/calls status` on any process can list the live ones. A failed heartbeat is logged
 * at most once until one succeeds again (the store being down is reported elsewhere); stop() deletes the row.
 */
import { HEARTBEAT_SECONDS, type ProcessInfo, type ProcessRegistry } from '../calls/operations-status.js';
import type { Logger } from '../shared/logger.js';

export interface ProcessHeartbeat {
  /** Writes the row now (the first beat; tests). */
  beat(): Promise<void>;
  stop(): Promise<void>;
}

export function startProcessHeartbeat(options: {
  registry: ProcessRegistry;
  /** This process as it is now (its counts change between beats). */
  self: () => ProcessInfo;
  logger: Pick<Logger, 'warn' | 'info'>;
  everyMs?: number;
}): ProcessHeartbeat {
  let failing = false;
  let current: Promise<void> = Promise.resolve();
  const beat = () => {
    current = options.registry.heartbeat(options.self()).then(
      () => {
        if (failing) options.logger.info('process heartbeat written again');
        failing = false;
      },
      (error: unknown) => {
        if (!failing) options.logger.warn({ err: error }, 'could not write the process heartbeat; will retry');
        failing = true;
      },
    );
    return current;
  };
  const timer = setInterval(beat, options.everyMs ?? HEARTBEAT_SECONDS * 1000);
  timer.unref();
  void beat();
  return {
    beat,
    async stop() {
      clearInterval(timer);
      await current;
      await options.registry.remove(options.self().id).catch(() => {});
    },
  };
}
