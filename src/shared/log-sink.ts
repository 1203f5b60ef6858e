/**
 * What the jobs, the sync and the Tencent client log through. A pino `Logger` is one; tests pass a recorder.
 * Whatever is passed to it is already free of secrets and URLs. It lives apart from `logger.ts` so that code which
 * only logs does not load pino.
 */
export interface LogSink {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
