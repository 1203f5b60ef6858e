/**
 * Downloads one bucket from Tencent with the client's scan and upserts it by CallId in batches, publishing the
 * calls the store did not have to the new-calls feed. Says whether the download added up: the distinct records that
 * arrived plus those that failed validation should make Tencent's TotalNum, else pages repeated or TotalNum was
 * wrong, and the caller retries or reports it.
 */
import type { NewCallsFeed } from '../calls/new-calls.js';
import type { CallRecordsApi, RequestMeter } from '../calls/record-source.js';
import type { CallRecord } from '../calls/records.js';
// Batches of the store's transaction size: one upsert, one transaction, and the event loop runs between them.
import { UPSERT_BATCH } from '../store/call-writes.js';
import { type Bucket, storeFilter, tencentFilter } from './buckets.js';
import type { SyncStore } from './sync-store.js';

export interface DownloadContext {
  api: CallRecordsApi;
  store: SyncStore;
  feed: NewCallsFeed;
  meter: RequestMeter;
  signal?: AbortSignal;
  /** Called after each batch is stored, with how many records it held. */
  onStored?: (records: number) => void;
}

export interface DownloadOutcome {
  bucket: Bucket;
  /** Tencent's TotalNum as the scan saw it last. */
  reported: number;
  /** Distinct valid records that arrived. */
  received: number;
  /** Records that arrived without the documented shape (skipped). */
  invalid: number;
  inserted: number;
  updated: number;
  /** The store's count of the bucket afterwards. */
  stored: number;
  addsUp: boolean;
}

export async function downloadBucket(bucket: Bucket, context: DownloadContext): Promise<DownloadOutcome> {
  const { api, store, feed } = context;
  // Per page number, so a page read again by the scan's repair pass is counted once.
  const pages = new Map<number, { totalNum: number; exhausted: boolean; invalid: number }>();
  const outcome = { received: 0, inserted: 0, updated: 0 };
  // Calls the database refused (see upsertCalls): counted with the unreadable records.
  let refused = 0;
  let batch: CallRecord[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    const result = await store.upsertCalls(records);
    outcome.received += records.length;
    outcome.inserted += result.inserted.length;
    outcome.updated += result.updated;
    refused += result.refused?.length ?? 0;
    if (result.inserted.length > 0) {
      const inserted = new Set(result.inserted);
      await feed.publish(records.filter((record) => inserted.has(record.callId)));
    }
    context.onStored?.(records.length);
  };

  const scan = api.scan(tencentFilter(bucket), {
    meter: context.meter,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
    onPage: (page) =>
      pages.set(page.page, { totalNum: page.totalNum, exhausted: page.exhausted, invalid: page.invalidRecords }),
  });
  for await (const record of scan) {
    batch.push(record);
    if (batch.length >= UPSERT_BATCH) await flush();
  }
  await flush();

  let reported = 0;
  let invalid = 0;
  for (const page of pages.values()) {
    if (!page.exhausted) reported = Math.max(reported, page.totalNum);
    invalid += page.invalid;
  }
  const stored = await store.countCalls(storeFilter(bucket));
  return {
    bucket,
    reported,
    ...outcome,
    invalid: invalid + refused,
    stored,
    addsUp: outcome.received + invalid === reported,
  };
}
