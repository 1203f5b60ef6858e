import { describe, expect, it } from 'vitest';
import { dropUndefined } from '../../src/shared/drop-undefined.js';

describe('dropUndefined', () => {
  it('leaves out undefined keys so that the callee keeps its defaults, and keeps every other value', () => {
    const forwarded = dropUndefined({ port: undefined, host: '127.0.0.1', retries: 0, quiet: false, name: null });
    expect(forwarded).toEqual({ host: '127.0.0.1', retries: 0, quiet: false, name: null });
    expect('port' in forwarded).toBe(false);
    const defaults: { port: number } = { port: 3000 };
    expect({ ...defaults, ...(forwarded as object) }).toMatchObject({ port: 3000 });
  });
});
