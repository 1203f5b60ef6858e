import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactText } from '../../src/shared/logger.js';

function captured() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug' }, stream) };
}

describe('logger', () => {
  it('removes a UserSig and tokens from messages and errors', async () => {
    const { lines, logger } = captured();
    const url = 'https://adminapisgp.im.qcloud.com/v4/x?sdkappid=1&usersig=eJyrVkosSsrMzStRsjI0MjAAAA__&random=5';
    logger.info(`calling ${url}`);
    logger.error({ err: new Error(`failed ${url} with xoxb-123-456`) }, 'request failed');
    logger.info({ token: 'xoxb-abc', secretKey: 'k3y', nested: { secretKey: 'k3y' } }, 'fields');
    await new Promise((resolve) => setImmediate(resolve));
    const output = lines.join('');
    expect(output).not.toContain('eJyrVkosSsrMzStRsjI0MjAAAA__');
    expect(output).not.toContain('xoxb-123-456');
    expect(output).not.toContain('xoxb-abc');
    expect(output).not.toContain('k3y');
    expect(output).toContain('usersig=[redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(redactText('user 147 searched result:interrupted')).toBe('user 147 searched result:interrupted');
  });
});
