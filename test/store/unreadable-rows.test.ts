/**
 * A stored row that cannot be a real call (written before the edge refused such records, or edited by hand) is
 * skipped where it is read, never failing the page, export or summary it would be on.
 */
import { describe, expect, it } from 'vitest';
import { recordToRow } from '../../src/store/call-rows.js';
import { aCall, anyCall } from '../support/call-records.js';
import { captureLogs } from '../support/logs.js';
import { storeEngines } from '../support/store-engines.js';

const NOW = 1_800_000_000;

describe.each(storeEngines())('$name: unreadable stored rows', (engine) => {
  it('are skipped by searches and by getCall, and logged, while the other calls still read', async () => {
    const logs = captureLogs('debug');
    const store = await engine.open({ now: () => NOW, logger: logs.logger });
    const good = [aCall(), aCall(), aCall()];
    await store.upsertCalls(good);
    // Straight into the table, past the edge: an AcceptTime of 1e20 read as ms (past the safe integers), and callees
    // that are not JSON.
    const impossible = aCall({ acceptTime: 100_000_000_000_000_000 });
    const garbled = aCall();
    await store.db
      .insertInto('calls')
      .values([recordToRow(impossible, NOW), { ...recordToRow(garbled, NOW), callees: 'not json' }])
      .execute();

    const found = await store.findCalls(anyCall(), { limit: 10 });
    expect(found.map((call) => call.callId).sort()).toEqual(good.map((call) => call.callId).sort());
    expect(await store.getCall(impossible.callId)).toBeNull();
    expect(await store.getCall(garbled.callId)).toBeNull();
    expect(await store.getCall(good[0]?.callId ?? '')).toEqual(good[0]);
    expect(logs.text()).toContain('Skipped stored calls that cannot be read');
  });
});
