import { createHmac } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { Api } from 'tls-sig-api-v2';
import { describe, expect, it } from 'vitest';
import { verifyUserSig } from '../../src/demo/user-sig.js';

const KEY = 'unit-test-key';
const APP = 1400000009;
const now = () => Math.floor(Date.now() / 1000);
const expected = (over: Partial<Parameters<typeof verifyUserSig>[1]> = {}) => ({
  sdkAppId: APP,
  identifier: 'administrator',
  secretKey: KEY,
  now: now(),
  ...over,
});

/** Builds a UserSig by hand, so that single fields can be tampered with. */
function handMade(doc: Record<string, unknown>, signWith = KEY): string {
  const text = `TLS.identifier:${doc['TLS.identifier']}\nTLS.sdkappid:${doc['TLS.sdkappid']}\nTLS.time:${doc['TLS.time']}\nTLS.expire:${doc['TLS.expire']}\n`;
  const full = { 'TLS.sig': createHmac('sha256', signWith).update(text).digest('base64'), ...doc };
  return deflateSync(JSON.stringify(full))
    .toString('base64')
    .replaceAll('+', '*')
    .replaceAll('/', '-')
    .replaceAll('=', '_');
}
const baseDoc = () => ({
  'TLS.ver': '2.0',
  'TLS.identifier': 'administrator',
  'TLS.sdkappid': APP,
  'TLS.time': now(),
  'TLS.expire': 600,
});

describe('verifyUserSig', () => {
  it('accepts tls-sig-api-v2 output and a hand-made equivalent', () => {
    expect(verifyUserSig(new Api(APP, KEY).genUserSig('administrator', 600), expected())).toEqual({ ok: true });
    expect(verifyUserSig(handMade(baseDoc()), expected())).toEqual({ ok: true });
  });

  it('names each problem with its Tencent code', () => {
    const code = (sig: string, over = {}) => {
      const check = verifyUserSig(sig, expected(over));
      return check.ok ? 0 : check.code;
    };
    expect(code(handMade(baseDoc(), 'other-key'))).toBe(70009);
    expect(code(handMade({ ...baseDoc(), 'TLS.sdkappid': APP + 1 }))).toBe(70014);
    expect(code(handMade(baseDoc()), { identifier: 'alice' })).toBe(70013);
    expect(code(handMade({ ...baseDoc(), 'TLS.time': now() - 700 }))).toBe(70001);
    // Signed for 600 s but the document claims a longer life: the HMAC no longer matches.
    const sig = handMade(baseDoc());
    expect(code(sig, { now: now() + 601 })).toBe(70001);
    expect(code('')).toBe(70002);
    expect(code('@@@')).toBe(70003);
    expect(code(deflateSync('{"TLS.identifier":1}').toString('base64').replaceAll('=', '_'))).toBe(70003);
    expect(code(deflateSync('not json').toString('base64').replaceAll('=', '_'))).toBe(70003);
  });

  it('refuses a document whose fields were changed after signing', () => {
    const text = 'TLS.identifier:administrator\nTLS.sdkappid:1400000009\nTLS.time:1\nTLS.expire:600\n';
    const sig = createHmac('sha256', KEY).update(text).digest('base64');
    const doc = { ...baseDoc(), 'TLS.sig': sig, 'TLS.time': now() };
    const tampered = deflateSync(JSON.stringify(doc))
      .toString('base64')
      .replaceAll('/', '-')
      .replaceAll('+', '*')
      .replaceAll('=', '_');
    const check = verifyUserSig(tampered, expected());
    expect(check.ok ? 0 : check.code).toBe(70009);
  });

  it('does not inflate a huge document', () => {
    const bomb = deflateSync(Buffer.alloc(1_000_000, 32)).toString('base64').replaceAll('=', '_');
    expect(bomb.length).toBeLessThan(4096);
    const check = verifyUserSig(bomb, expected());
    expect(check.ok ? 0 : check.code).toBe(70003);
  });
});
