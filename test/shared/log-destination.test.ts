import { describe, expect, it } from 'vitest';
import { createLogDestination } from '../../src/shared/log-destination.js';
import { createLogger } from '../../src/shared/logger.js';
import { createShutdownHandler } from '../../src/slack/lifecycle.js';

function failing(code: string, times = Number.POSITIVE_INFINITY) {
  const written: string[] = [];
  let failures = 0;
  const write = ((_fd: number, buffer: Buffer) => {
    if (failures < times) {
      failures += 1;
      throw Object.assign(new Error(code), { code });
    }
    written.push(buffer.toString('utf8'));
    return buffer.length;
  }) as unknown as typeof import('node:fs').writeSync;
  return { write, written, attempts: () => failures };
}

describe('log destination', () => {
  it('drops lines once the pipe is gone (EPIPE), without throwing', () => {
    const fs = failing('EPIPE');
    const destination = createLogDestination(1, fs.write);
    expect(() => destination.write('{"msg":"a"}\n')).not.toThrow();
    expect(destination.broken).toBe(true);
    destination.write('{"msg":"b"}\n');
    expect(fs.attempts()).toBe(1);
  });

  it('waits out a briefly full pipe (EAGAIN) and writes the line', () => {
    const fs = failing('EAGAIN', 2);
    const destination = createLogDestination(1, fs.write);
    destination.write('{"msg":"a"}\n');
    expect(fs.written).toEqual(['{"msg":"a"}\n']);
    expect(destination.broken).toBe(false);
  });

  it('writes what a partial write left over', () => {
    const written: string[] = [];
    const write = ((_fd: number, buffer: Buffer) => {
      const n = Math.min(3, buffer.length);
      written.push(buffer.subarray(0, n).toString('utf8'));
      return n;
    }) as unknown as typeof import('node:fs').writeSync;
    createLogDestination(1, write).write('{"msg":"partial"}\n');
    expect(written.join('')).toBe('{"msg":"partial"}\n');
  });
});

describe('shutdown handler', () => {
  it('exits even when every log write throws', async () => {
    const exits: number[] = [];
    const logger = createLogger(
      {},
      {
        write: () => {
          throw new Error('EPIPE');
        },
      },
    );
    await createShutdownHandler({ stop: async () => {}, logger, exit: (code) => exits.push(code) })('SIGTERM');
    expect(exits).toEqual([0]);
  });

  it('exits 1 when the graceful stop hangs past its deadline', async () => {
    const exits: number[] = [];
    const logger = createLogger({}, { write: () => {} });
    void createShutdownHandler({
      stop: () => new Promise(() => {}),
      logger,
      exit: (code) => exits.push(code),
      deadlineMs: 50,
    })('SIGTERM');
    await expect.poll(() => exits).toEqual([1]);
  });
});
