/**
 * SPEC §13 with real processes: three app processes (the built `npm start` entry) on one PostgreSQL database,
 * behind no load balancer but the test itself, which sends each request to the process it chooses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '../reliability/app-process.js';
import { buttonsOf } from '../support/block-kit.js';
import { testDatabaseUrl } from '../support/store-engines.js';
import { textOf } from '../support/test-app.js';
import { type Cluster, startCluster } from './support/cluster.js';

/** The CallIds a result page shows. */
const callIdsOf = (reply: unknown) => [...textOf(reply).matchAll(/CallId `([^`]+)`/g)].map((m) => m[1] as string);
/** The page number a result page says it is. */
const pageOf = (reply: unknown) => Number(/page (\d+) of \d+/.exec(textOf(reply))?.[1]);

describe.skipIf(testDatabaseUrl() === null)('three app processes on one PostgreSQL', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ processes: 3 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('answers a search on any process, and each Next click on another process than the page before', async () => {
    const [a, b, c] = cluster.apps as [AppProcess, AppProcess, AppProcess];
    let reply = await cluster.command(a, 'last:3d');
    const shown = callIdsOf(reply);
    const pages = [pageOf(reply)];
    for (const app of [b, c, a, b]) {
      const next = buttonsOf(reply).find((button) => button.action_id === 'calls_page_next');
      expect(next, textOf(reply)).toBeDefined();
      reply = await cluster.click(app, 'calls_page_next', next?.value ?? '');
      pages.push(pageOf(reply));
      shown.push(...callIdsOf(reply));
    }
    // Five consecutive pages of one search, whichever process answered: no call twice.
    expect(pages).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.length).toBeGreaterThanOrEqual(5 * 5);
    expect(cluster.responses.blockKitErrors).toEqual([]);
  });
});
