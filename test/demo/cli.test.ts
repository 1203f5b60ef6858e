import { describe, expect, it } from 'vitest';
import { runDemoServerCli } from '../../src/demo/cli.js';
import { filter, queryFor } from './helpers.js';

describe('runDemoServerCli', () => {
  it('starts the server and prints how to reach it, with a UserSig the server accepts', async () => {
    const lines: string[] = [];
    const server = await runDemoServerCli(['--seed', '5', '--calls-per-day', '20', '--latency', '1'], {
      print: (line) => lines.push(line),
      handleSignals: false,
    });
    try {
      const text = lines.join('\n');
      expect(text).toContain(server.url);
      expect(text).toContain(String(server.sdkAppId));
      expect(text).toContain(server.adminUser);
      expect(text).toContain(server.secretKey);
      expect(server.records).toHaveLength(140);
      const curl = lines.find((line) => line.includes('curl')) ?? '';
      const printedQuery = /\?([^']+)'/.exec(curl)?.[1];
      expect(printedQuery).toBeDefined();
      const answer = await filter(server, {}, printedQuery);
      expect(answer.json.ErrorCode).toBe(0);
      expect((await filter(server, {}, queryFor(server))).json.Response.TotalNum).toBe(140);
    } finally {
      await server.close();
    }
  });

  it('refuses a bad option with the usage', async () => {
    await expect(runDemoServerCli(['--port', 'abc'], { handleSignals: false })).rejects.toThrow(/--port.*\n.*usage/s);
    await expect(runDemoServerCli(['--bogus'], { handleSignals: false })).rejects.toThrow();
  });
});
