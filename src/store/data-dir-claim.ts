/**
 * The embedded store is for one process: the app claims its DATA_DIR with an `app` lease recorded in the SQLite
 * file (holder `<pid>@<hostname>`), renewed while it runs. A second app process on the same DATA_DIR is refused
 * with a clear message instead of syncing and posting twice; it takes over at once when the holder's pid is dead
 * on this host, and after the lease expires otherwise (a holder on another host sharing the folder).
 * On PostgreSQL the claim does nothing: processes share the store and coordinate through their own leases.
 */
import { hostname as osHostname } from 'node:os';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { readLease } from './leases.js';
import type { CallStore } from './open-call-store.js';

export const APP_LEASE = 'app';
const DEFAULT_TTL_SECONDS = 60;

export class DataDirInUseError extends AppError {
  override readonly name = 'DataDirInUseError';
  readonly code = 'data-dir-in-use';
  constructor(
    readonly pid: number,
    readonly host: string,
    dataDir: string,
  ) {
    super(
      `Another callkit-slack process (pid ${pid} on ${host}) is using DATA_DIR ${dataDir}; the embedded store is ` +
        'for one process: set DATABASE_URL to share a PostgreSQL store between processes.',
    );
  }
}

export interface DataDirClaim {
  /** Gives the DATA_DIR up (graceful stop). */
  release(): Promise<void>;
}

export interface ClaimDataDirOptions {
  dataDir: string;
  logger?: Logger;
  pid?: number;
  hostname?: string;
  ttlSeconds?: number;
  /** Whether a pid is alive on this host (tests may replace it). */
  isAlive?: (pid: number) => boolean;
}

export async function claimDataDir(store: CallStore, options: ClaimDataDirOptions): Promise<DataDirClaim> {
  if (store.engine !== 'sqlite') return { release: async () => {} };
  const pid = options.pid ?? process.pid;
  const host = options.hostname ?? osHostname();
  const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const isAlive = options.isAlive ?? isPidAlive;
  const me = `${pid}@${host}`;

  if (!(await store.acquireLease(APP_LEASE, me, ttl))) {
    const current = await readLease(store.db, APP_LEASE);
    const holder = current ? parseHolder(current.holder) : null;
    const deadHere = holder !== null && holder.host === host && !isAlive(holder.pid);
    if (deadHere && current) {
      // Only that dead holder's row goes: if another process took over meanwhile, its lease stays.
      await store.db.deleteFrom('leases').where('name', '=', APP_LEASE).where('holder', '=', current.holder).execute();
      options.logger?.warn({ pid: holder.pid }, 'Took DATA_DIR over from a process that is no longer running');
    }
    if (!deadHere || !(await store.acquireLease(APP_LEASE, me, ttl))) {
      const owner = holder ?? { pid: 0, host: current?.holder ?? 'unknown' };
      throw new DataDirInUseError(owner.pid, owner.host, options.dataDir);
    }
  }

  const timer = setInterval(
    () => {
      store.acquireLease(APP_LEASE, me, ttl).then(
        (held) => {
          if (!held) options.logger?.error('Another process took the DATA_DIR over; this one should stop');
        },
        (error: unknown) => options.logger?.warn({ err: error }, 'Could not renew the DATA_DIR claim'),
      );
    },
    (ttl * 1000) / 3,
  );
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await store.releaseLease(APP_LEASE, me);
    },
  };
}

function parseHolder(holder: string): { pid: number; host: string } | null {
  const match = /^(\d+)@(.+)$/.exec(holder);
  return match ? { pid: Number(match[1]), host: match[2] as string } : null;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
