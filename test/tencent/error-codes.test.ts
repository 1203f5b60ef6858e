import { describe, expect, it } from 'vitest';
import { codeMeaning, httpStatusMeaning, networkMeaning } from '../../src/tencent/error-codes.js';
import { redact, sanitizeError } from '../../src/tencent/redact.js';

describe('codeMeaning', () => {
  it.each([
    [70001, 'auth'],
    [70003, 'auth'],
    [70005, 'auth'],
    [70009, 'auth'],
    [70013, 'auth'],
    [70014, 'auth'],
    [70016, 'auth'],
    [70020, 'auth'],
    [60004, 'auth'],
    [60005, 'auth'],
    [60006, 'auth'],
    [60010, 'auth'],
    [60016, 'auth'],
    [60020, 'auth'],
    [60021, 'auth'],
    [70999, 'auth'],
    [60007, 'rate-limit'],
    [60011, 'rate-limit'],
    [60018, 'rate-limit'],
    [60019, 'rate-limit'],
    [101001, 'transient'],
    [60008, 'transient'],
    [70169, 'transient'],
    [70202, 'transient'],
    [60002, 'bad-request'],
    [60003, 'bad-request'],
    [60009, 'bad-request'],
    [60015, 'bad-request'],
    [101002, 'bad-request'],
    [123456, 'bad-request'],
  ])('%i is %s', (code, kind) => {
    expect(codeMeaning(code).kind).toBe(kind);
  });

  it('tells a person what to check', () => {
    expect(codeMeaning(70009).sentence).toMatch(/secret key does not match the SDKAppID/);
    expect(codeMeaning(70016).sentence).toMatch(/check the SDKAppID and TENCENT_REGION/);
    expect(codeMeaning(70020).sentence).toMatch(/check the SDKAppID and TENCENT_REGION/);
    expect(codeMeaning(60021).sentence).toMatch(/allowlist/);
    expect(codeMeaning(60010).sentence).toMatch(/TENCENT_ADMIN_USER/);
  });
});

describe('httpStatusMeaning / networkMeaning', () => {
  it('retries 5xx and 429 but not other statuses', () => {
    expect(httpStatusMeaning(502).kind).toBe('transient');
    expect(httpStatusMeaning(429).kind).toBe('rate-limit');
    expect(httpStatusMeaning(404).kind).toBe('bad-request');
  });

  it('finds socket error codes through cause chains and AggregateErrors', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(networkMeaning(reset)?.kind).toBe('transient');
    expect(networkMeaning(new Error('wrapped', { cause: reset }))?.sentence).toMatch(/closed/);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(networkMeaning(new AggregateError([refused]))?.sentence).toMatch(/refused/);
    expect(networkMeaning(new Error('plain'))).toBeUndefined();
  });
});

describe('redact / sanitizeError', () => {
  const sig = 'eJw1isEKgzAQBf9lz0VM0123secret';
  it('blanks usersig query values and known secrets', () => {
    const text = `POST https://x/v4/a?sdkappid=1&identifier=admin&usersig=${sig}&random=3 failed key=supersecretkey`;
    const out = redact(text, ['supersecretkey']);
    expect(out).not.toContain(sig);
    expect(out).not.toContain('supersecretkey');
    expect(out).toContain('usersig=[redacted]&random=3');
  });

  it('keeps name and code, redacts the message and the cause chain, and drops the original stack', () => {
    const inner = Object.assign(new Error(`connect to ?usersig=${sig} failed`), { code: 'ECONNRESET' });
    const outer = new Error(`request /v4/x?usersig=${sig}`, { cause: inner });
    const safe = sanitizeError(outer);
    const all = JSON.stringify({ m: safe.message, s: safe.stack, c: (safe.cause as Error).message });
    expect(all).not.toContain(sig);
    expect((safe.cause as Error & { code: string }).code).toBe('ECONNRESET');
  });
});
