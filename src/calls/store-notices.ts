/**
 * What an answer from the store says about the store itself: where stored history starts, how
 * far the first backfill has come, a sync that is failing (in the words a failed search would use), and records
 * Tencent sent that could not be read. Plain sentences; every surface shows them as notices.
 */
import type { StoreCoverage } from './call-store.js';
import { cleanSentence, TENCENT_AUTH_ADVICE } from './problem-sentences.js';
import { retentionCutoff, TENCENT_RETENTION_SECONDS } from './time-range.js';

export interface StoreNoticeContext {
  coverage: StoreCoverage;
  /** Unix seconds. */
  now: number;
  /** An instant as the reader reads it, with the zone: "Nov 20, 14:05 (Europe/Berlin)". */
  when: (unixSeconds: number) => string;
}

/**
 * The first instant the store answers for: what it has reconciled (`coveredFrom`), and never older than what
 * retention keeps. Before anything is reconciled: the retention bound.
 */
export function historyStartOf(coverage: StoreCoverage, now: number): number {
  const kept = retentionCutoff(now, coverage.retentionDays);
  return Math.max(kept, coverage.coveredFrom ?? kept);
}

/** The notices of an answer over `[range.from, range.to)` (the range as asked, before any clamp). */
export function coverageNotices(ctx: StoreNoticeContext, range: { from: number; to: number }): string[] {
  // Why the store may be behind comes first: a failing sync also explains a backfill that does not progress.
  const notices: string[] = [];
  const problem = syncProblemNotice(ctx);
  if (problem !== undefined) notices.push(problem);
  const backfill = backfillNotice(ctx, range);
  if (backfill !== undefined) notices.push(backfill);
  // Unreadable records are counted within Tencent's window only: a range wholly older cannot lack them.
  const invalid =
    range.to > ctx.now - TENCENT_RETENTION_SECONDS ? invalidRecordsNotice(ctx.coverage.invalidRecords) : undefined;
  if (invalid !== undefined) notices.push(invalid);
  return notices;
}

/** During the first backfill, for a range reaching past what it has covered: how far it has come. */
export function backfillNotice(ctx: StoreNoticeContext, range: { from: number }): string | undefined {
  const { coverage, now, when } = ctx;
  if (coverage.backfillDone) return undefined;
  if (coverage.coveredFrom === null) {
    return 'The store is downloading Tencent’s call records for the first time and has none complete yet: calls may be missing, so try again in a minute.';
  }
  if (range.from >= coverage.coveredFrom) return undefined;
  const days = Math.max(0, now - coverage.coveredFrom) / 86_400;
  const of = TENCENT_RETENTION_SECONDS / 86_400;
  return `The store is still downloading Tencent’s call records for the first time, newest first: ${formatDays(days)} of ${of} days are in so far (from ${when(coverage.coveredFrom)}), so older calls of this range are not shown yet.`;
}

/** While the sync fails: why (as a failed search would say it), and how fresh the stored calls are. */
export function syncProblemNotice(ctx: StoreNoticeContext): string | undefined {
  const { coverage, when } = ctx;
  const problem = coverage.syncProblem;
  if (problem === null) return undefined;
  const fresh =
    coverage.lastSyncAt === null
      ? 'No sync has finished yet, so calls may be missing.'
      : `Calls are shown as stored at the last sync, ${when(coverage.lastSyncAt)}.`;
  // The sync words its failure as a failed search would (calls/sync-problem.ts); the advice is added here.
  const why = `${cleanSentence(problem.message, 400)}.${problem.kind === 'auth' ? ` ${TENCENT_AUTH_ADVICE}` : ''}`;
  // A download that did not add up is no failure to reach Tencent: the answer may lack calls of that span.
  if (problem.kind === 'incomplete') return `The last sync with Tencent (${when(problem.at)}) was incomplete: ${why}`;
  return `The store cannot sync with Tencent (failing since ${when(problem.at)}): ${why} ${fresh}`;
}

/**
 * Records Tencent holds for its last 7 days that failed validation: skipped by the sync, so missing from every
 * answer they belong to (which answers, nobody can tell: their fields could not be read).
 */
export function invalidRecordsNotice(count: number): string | undefined {
  if (!(count > 0)) return undefined;
  const n = count.toLocaleString('en-US');
  return `${n} call record${count === 1 ? '' : 's'} Tencent holds for the last 7 days could not be read and ${count === 1 ? 'is' : 'are'} missing from the store, so this answer may lack ${count === 1 ? 'it' : 'them'}.`;
}

function formatDays(days: number): string {
  if (days < 1) return `${Math.max(1, Math.round(days * 24))} hours`;
  const rounded = Math.round(days * 10) / 10;
  return `${rounded} day${rounded === 1 ? '' : 's'}`;
}
