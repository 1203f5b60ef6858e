/**
 * The app's one error model: every failure the app expects and names is an `AppError` with a `code` from this
 * closed set, thrown where it happens (a folder keeps its own subclass, with the fields its callers need). What a
 * person reads for a code is chosen in one place, `slack/error-messages.ts` (Slack) and the CLI's `main.ts`; an
 * error without a code is unexpected and is logged with a reference.
 */
export const ERROR_CODES = [
  /** The environment does not make a valid configuration (ConfigError). */
  'config',
  /** The call-record store itself failed: database down, file unwritable (StoreUnavailableError, DataDirError). */
  'store-unavailable',
  /** A stored row does not have the expected shape (StoreRowError). */
  'store-row',
  /** The database was migrated by a newer version, or its schema is unusable (StoreSchemaError). */
  'store-schema',
  /** Another process uses DATA_DIR's embedded store (DataDirInUseError). */
  'data-dir-in-use',
  /** Tencent refused, failed or answered something unreadable; `kind` says which (TencentError). */
  'tencent',
  /** The store refused a value of one call (CallRefusedError). */
  'call-refused',
  /** A search the store will not run: too broad, out of range (SearchError). */
  'search',
  /** The daily summary could not be posted (SummaryPostError). */
  'summary-post',
  /** A button value or Home tab state cannot be written (ButtonStateError, HomeStateError). */
  'ui-state',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
}

/** Whether `error` is one of the app's coded errors. */
export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
