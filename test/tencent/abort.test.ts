import { describe, expect, it } from 'vitest';
import { linkAbort } from '../../src/tencent/abort.js';

describe('linkAbort on a shared parent signal', () => {
  it('links many concurrent children to one caller signal without a leak warning, and frees them', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const parent = new AbortController();
      const children = Array.from({ length: 30 }, () => linkAbort(parent.signal));
      parent.abort();
      expect(children.every((child) => child.signal.aborted)).toBe(true);
      for (const child of children) child.dispose();
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
