import { AppError } from '../shared/errors.js';
/**
 * Typed errors of the Tencent client. Every message is one sentence a person can act on; none contains the
 * UserSig, the secret key or a request URL. The Slack layer maps `kind` to what the person in Slack reads.
 */
export type TencentErrorKind =
  | 'auth' // UserSig / account / SDKAppID problems (700xx, 60004-60006, 60010, 60016, 60020, 60021): never retried
  | 'rate-limit' // 60007, 60011, 60018, 60019: retried with backoff
  | 'transient' // 101001, 60008, 70169, 70202, HTTP 5xx, timeouts, resets: retried with backoff
  | 'bad-request' // other 600xx and unknown codes: never retried
  | 'deadline' // the overall deadline passed or the caller aborted
  | 'invalid-response'; // the answer did not have the documented shape

export class TencentError extends AppError {
  override readonly name = 'TencentError';
  readonly code = 'tencent';
  constructor(
    readonly kind: TencentErrorKind,
    message: string,
    readonly details: {
      /** Tencent ErrorCode, or undefined for network/HTTP failures. */
      code?: number;
      /** HTTP status when it was not 200. */
      httpStatus?: number;
      /** Tencent's RequestId, to give to Tencent support. */
      requestId?: string;
      /** How many attempts were made before giving up. */
      attempts?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get retryable(): boolean {
    return this.kind === 'rate-limit' || this.kind === 'transient';
  }
}
