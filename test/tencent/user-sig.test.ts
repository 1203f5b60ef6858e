import { inspect } from 'node:util';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { verifyUserSig } from '../../src/demo/user-sig.js';
import { UserSigProvider } from '../../src/tencent/user-sig.js';

const KEY = 'a-secret-key-of-reasonable-length-0123456789';

function decode(sig: string): Record<string, unknown> {
  const base64 = sig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
  return JSON.parse(inflateSync(Buffer.from(base64, 'base64')).toString('utf8'));
}

describe('UserSigProvider', () => {
  it("signs the administrator's UserSig for 24 hours with Tencent's algorithm", () => {
    const provider = new UserSigProvider({ sdkAppId: 1400000123, secretKey: KEY, identifier: 'administrator' });
    const sig = provider.get();
    const doc = decode(sig);
    expect(doc['TLS.identifier']).toBe('administrator');
    expect(doc['TLS.sdkappid']).toBe(1400000123);
    expect(doc['TLS.expire']).toBe(86400);
    const check = verifyUserSig(sig, {
      sdkAppId: 1400000123,
      identifier: 'administrator',
      secretKey: KEY,
      now: Math.floor(Date.now() / 1000),
    });
    expect(check).toEqual({ ok: true });
  });

  it('reuses the cached UserSig and renews it after half its validity', () => {
    let now = 1_700_000_000_000;
    const provider = new UserSigProvider({ sdkAppId: 1, secretKey: KEY, identifier: 'admin', now: () => now });
    provider.get();
    now += 11 * 3600 * 1000;
    provider.get();
    expect(provider.signCount).toBe(1);
    now += 1 * 3600 * 1000;
    provider.get();
    expect(provider.signCount).toBe(2);
    // A clock that went backwards makes the cached signature's age unknown: sign again.
    now -= 60_000;
    provider.get();
    expect(provider.signCount).toBe(3);
  });

  it('signs again after invalidate()', () => {
    const provider = new UserSigProvider({ sdkAppId: 1, secretKey: KEY, identifier: 'admin' });
    provider.get();
    provider.invalidate();
    provider.get();
    expect(provider.signCount).toBe(2);
  });

  it('never shows the key through JSON or inspect', () => {
    const provider = new UserSigProvider({ sdkAppId: 1, secretKey: KEY, identifier: 'admin' });
    const sig = provider.get();
    for (const text of [JSON.stringify(provider), inspect(provider, { depth: 5, showHidden: true })]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(sig);
    }
  });
});
