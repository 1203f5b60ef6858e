import { AppError } from '../shared/errors.js';
/**
 * Errors of the search itself (the store's failures pass through as `StoreUnavailableError`; Tencent's, for an
 * `id:` lookup, as `TencentError`). Each message is one plain sentence a person can act on; the surfaces show it as
 * it is.
 */
export type SearchErrorKind =
  /** The range lies entirely outside what the store holds (older than stored history, in the future, or empty). */
  'out-of-range';

export class SearchError extends AppError {
  override readonly name = 'SearchError';
  readonly code = 'search';
  constructor(
    readonly kind: SearchErrorKind,
    message: string,
  ) {
    super(message);
  }
}
