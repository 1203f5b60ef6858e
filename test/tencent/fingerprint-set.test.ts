import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FingerprintSet } from '../../src/tencent/fingerprint-set.js';

describe('FingerprintSet', () => {
  it('adds each string once across growth', () => {
    const set = new FingerprintSet(4);
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    for (const id of ids) expect(set.add(id)).toBe(true);
    for (const id of ids.slice(0, 1000)) expect(set.add(id)).toBe(false);
    expect(set.size).toBe(20_000);
    expect(set.has(ids[12_345] as string)).toBe(true);
    expect(set.has('not-there')).toBe(false);
    expect(set.add('')).toBe(true);
    expect(set.add('')).toBe(false);
  });
});
