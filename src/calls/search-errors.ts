/**
 * Errors of the search itself (Tencent's own failures pass through as `TencentError`). Each message is one
 * plain sentence a person can act on; the surfaces show it as it is.
 */
export type SearchErrorKind =
  /** The range holds more calls than one search may scan. */
  | 'too-broad'
  /** The range lies entirely outside what Tencent keeps (older than 7 days, in the future, or empty). */
  | 'out-of-range';

export class SearchError extends Error {
  override readonly name = 'SearchError';
  constructor(
    readonly kind: SearchErrorKind,
    message: string,
    readonly details: {
      /** too-broad: how many calls the scan would have to go through. */
      count?: number;
      /** too-broad: the most one search may scan. */
      limit?: number;
    } = {},
  ) {
    super(message);
  }
}
