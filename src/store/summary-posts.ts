/**
 * The summary-post claims (migration 005) on both engines. Claiming is one statement, an insert that on conflict
 * takes the row over only when its last attempt failed or its claim went stale (or, forced, when it is not being
 * posted right now): PostgreSQL locks the conflicting row and re-checks the condition against the committed row,
 * and SQLite has one writer, so of many claimers at the same moment exactly one gets the row back as its own.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  SUMMARY_CLAIM_STALE_SECONDS,
  type SummaryClaim,
  type SummaryPostClaims,
  type SummaryPostKey,
  type SummaryPostState,
} from '../calls/summary-post-claims.js';
import type { StoreDb } from './database.js';
import { guard, StoreRowError } from './store-errors.js';

export interface SummaryPostsTable {
  day: string;
  channel: string;
  status: 'claimed' | 'posted' | 'failed';
  /** The attempt: `<claimer>#<random>`, so a claimer that tries again is a new attempt. */
  claimed_by: string;
  claimed_at: number;
  posted_at: number | null;
  message_ts: string | null;
  error: string | null;
}

export interface SummaryPostsOptions {
  /** Unix seconds; default the real clock. */
  now?: () => number;
  staleAfterSeconds?: number;
}

const ERROR_MAX_LENGTH = 500;

const rowSchema = z.object({
  status: z.enum(['claimed', 'posted', 'failed']),
  claimed_by: z.string(),
  claimed_at: z.number().int(),
  posted_at: z.number().int().nullable(),
  message_ts: z.string().nullable(),
  error: z.string().nullable(),
});

export function createSummaryPosts(db: StoreDb, options: SummaryPostsOptions = {}): SummaryPostClaims {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const staleAfter = options.staleAfterSeconds ?? SUMMARY_CLAIM_STALE_SECONDS;

  const read = async (key: SummaryPostKey): Promise<SummaryPostState | null> => {
    const row = await db
      .selectFrom('summary_posts')
      .select(['status', 'claimed_by', 'claimed_at', 'posted_at', 'message_ts', 'error'])
      .where('day', '=', key.day)
      .where('channel', '=', key.channel)
      .executeTakeFirst();
    if (row === undefined) return null;
    const parsed = rowSchema.safeParse(row);
    if (!parsed.success) throw new StoreRowError('summary_posts', `${key.day} ${key.channel}: ${parsed.error.message}`);
    const r = parsed.data;
    return {
      status: r.status,
      claimedBy: r.claimed_by,
      claimedAt: r.claimed_at,
      postedAt: r.posted_at,
      messageTs: r.message_ts,
      error: r.error,
    };
  };

  /** Moves our own claim to its outcome; false when another attempt holds the row now. */
  const finish = async (
    key: SummaryPostKey,
    claim: string,
    outcome: Pick<SummaryPostsTable, 'status' | 'posted_at' | 'message_ts' | 'error'>,
  ): Promise<boolean> => {
    const result = await db
      .updateTable('summary_posts')
      .set(outcome)
      .where('day', '=', key.day)
      .where('channel', '=', key.channel)
      .where('claimed_by', '=', claim)
      .where('status', '=', 'claimed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  };

  return {
    claimSummaryPost: (key, claimer, { force = false } = {}) =>
      guard(async (): Promise<SummaryClaim> => {
        const claim = `${claimer}#${randomBytes(4).toString('hex')}`;
        const at = now();
        const staleBefore = at - staleAfter;
        const row = await db
          .insertInto('summary_posts')
          .values({ day: key.day, channel: key.channel, status: 'claimed', claimed_by: claim, claimed_at: at })
          .onConflict((conflict) =>
            conflict
              .columns(['day', 'channel'])
              .doUpdateSet({
                status: 'claimed',
                claimed_by: claim,
                claimed_at: at,
                posted_at: null,
                message_ts: null,
                error: null,
              })
              .where((eb) =>
                eb.or([
                  force ? eb('summary_posts.status', '!=', 'claimed') : eb('summary_posts.status', '=', 'failed'),
                  eb.and([
                    eb('summary_posts.status', '=', 'claimed'),
                    eb('summary_posts.claimed_at', '<=', staleBefore),
                  ]),
                ]),
              ),
          )
          .returning('claimed_by')
          .executeTakeFirst();
        if (row?.claimed_by === claim) return { won: true, claim };
        const current = await read(key);
        // The row cannot vanish (nothing deletes it), but a reader must not trust that blindly.
        if (current === null) throw new StoreRowError('summary_posts', `${key.day} ${key.channel} disappeared`);
        return { won: false, current };
      }),
    markSummaryPosted: (key, claim, messageTs) =>
      guard(() => finish(key, claim, { status: 'posted', posted_at: now(), message_ts: messageTs, error: null })),
    markSummaryFailed: (key, claim, error) =>
      guard(() =>
        finish(key, claim, {
          status: 'failed',
          posted_at: null,
          message_ts: null,
          error: error.slice(0, ERROR_MAX_LENGTH),
        }),
      ),
    readSummaryPost: (key) => guard(() => read(key)),
  };
}
