/**
 * `GET /healthz`: 200 `{"ok":true,"store":{"engine","coveredFrom","lastSyncAt"}}` (times as ISO 8601 strings, or
 * null: nothing reconciled yet / no sync finished yet), plus `invalidRecords` and `syncProblem` (the kind of the
 * sync's last failure, or null) for operators. When the store itself does not answer: 503 with `ok: false`. When it
 * answers but its writes fail (a full disk, a read-only database): 503 with `ok: false` and `writeProblem`.
 * Served by Bolt's HTTPReceiver in HTTP mode and by a tiny server of its own in Socket Mode.
 */
import type { CustomRoute } from '@slack/bolt';
import type { StoreCoverage } from '../calls/call-store.js';

export const HEALTH_PATH = '/healthz';

export interface HealthBody {
  ok: boolean;
  store: {
    engine: StoreCoverage['engine'] | null;
    coveredFrom: string | null;
    lastSyncAt: string | null;
    invalidRecords?: number;
    syncProblem?: string | null;
    /** Writes are failing (full disk, read-only database): since when, and the store's sentence. */
    writeProblem?: { since: string; message: string } | null;
    error?: string;
  };
}

const iso = (unixSeconds: number | null) => (unixSeconds === null ? null : new Date(unixSeconds * 1000).toISOString());

/** The body of `/healthz` from the store's coverage (or its failure). */
export async function healthOf(coverage: () => Promise<StoreCoverage>): Promise<HealthBody> {
  try {
    const c = await coverage();
    const writeProblem = c.writeProblem ?? null;
    return {
      // Reads still answer while writes fail, but nothing new is stored: not healthy.
      ok: writeProblem === null,
      store: {
        engine: c.engine,
        coveredFrom: iso(c.coveredFrom),
        lastSyncAt: iso(c.lastSyncAt),
        invalidRecords: c.invalidRecords,
        syncProblem: c.syncProblem?.kind ?? null,
        writeProblem:
          writeProblem === null ? null : { since: iso(writeProblem.since) as string, message: writeProblem.message },
      },
    };
  } catch {
    return {
      ok: false,
      store: { engine: null, coveredFrom: null, lastSyncAt: null, error: 'the call-record store is unavailable' },
    };
  }
}

export function healthRoute(coverage: () => Promise<StoreCoverage>): CustomRoute {
  return {
    path: HEALTH_PATH,
    method: ['GET', 'HEAD'],
    handler: async (_req, res) => {
      const body = await healthOf(coverage);
      res
        .writeHead(body.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    },
  };
}
