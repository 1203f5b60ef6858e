import { Api } from 'tls-sig-api-v2';

/**
 * Signs the administrator's UserSig with Tencent's own signer and caches it. Signing is cheap, but one UserSig
 * per process keeps the URL stable and the key out of the hot path. It is valid for `validitySeconds` (24 h,
 * Tencent recommends at least that) and renewed after `renewAfterSeconds` (12 h), so a request never leaves with
 * a UserSig close to expiry even if the clocks here and at Tencent disagree by hours.
 */
export interface UserSigOptions {
  sdkAppId: number;
  secretKey: string;
  identifier: string;
  validitySeconds?: number;
  renewAfterSeconds?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export class UserSigProvider {
  // Private fields: neither JSON.stringify nor util.inspect show them, so the key cannot leak through a log of
  // this object.
  readonly #api: Api;
  readonly #identifier: string;
  readonly #validitySeconds: number;
  readonly #renewAfterMs: number;
  readonly #now: () => number;
  #cached: { sig: string; signedAt: number } | undefined;
  #signCount = 0;

  constructor(options: UserSigOptions) {
    this.#api = new Api(options.sdkAppId, options.secretKey);
    this.#identifier = options.identifier;
    this.#validitySeconds = options.validitySeconds ?? 24 * 3600;
    const renewAfter = options.renewAfterSeconds ?? Math.floor(this.#validitySeconds / 2);
    if (renewAfter >= this.#validitySeconds) throw new Error('renewAfterSeconds must be shorter than validitySeconds');
    this.#renewAfterMs = renewAfter * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** The current UserSig, signing a new one when the cached one is older than the renewal age. */
  get(): string {
    const now = this.#now();
    const cached = this.#cached;
    // A clock that jumped backwards also triggers a renewal: the cached signature's age is then unknown.
    if (cached !== undefined && now >= cached.signedAt && now - cached.signedAt < this.#renewAfterMs) {
      return cached.sig;
    }
    const sig = this.#api.genUserSig(this.#identifier, this.#validitySeconds);
    this.#cached = { sig, signedAt: now };
    this.#signCount += 1;
    return sig;
  }

  /** Forget the cached UserSig (after Tencent said it expired), so the next request signs a fresh one. */
  invalidate(): void {
    this.#cached = undefined;
  }

  /** How many signatures were made; for tests of the cache. */
  get signCount(): number {
    return this.#signCount;
  }

  toJSON(): Record<string, unknown> {
    return { identifier: this.#identifier };
  }
}
