import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import { TencentError } from '../../src/calls/source-errors.js';
import { describeUtcSpan, incompleteSyncProblem, syncProblemFrom } from '../../src/calls/sync-problem.js';

const AT = 1_790_000_000;

describe('syncProblemFrom', () => {
  it("says a refused key in the Slack error messages' words, with what to check", () => {
    const error = new TencentError(
      'auth',
      'UserSig verification failed: the secret key does not match the SDKAppID; check TENCENT_SECRET_KEY and TENCENT_SDKAPPID (ErrorCode 70009).',
    );
    expect(syncProblemFrom(error, AT)).toEqual({
      at: AT,
      kind: 'auth',
      message:
        'The app cannot sign in to Tencent: UserSig verification failed: the secret key does not match the SDKAppID; check TENCENT_SECRET_KEY and TENCENT_SDKAPPID (ErrorCode 70009).',
    });
  });

  it('says Tencent is busy for frequency limits, outages and deadlines', () => {
    for (const kind of ['rate-limit', 'transient', 'deadline'] as const) {
      const problem = syncProblemFrom(new TencentError(kind, 'Tencent did not answer within 20 s.'), AT);
      expect(problem.kind).toBe(kind);
      expect(problem.message).toBe(
        'Tencent is busy or slow right now (Tencent did not answer within 20 s); the sync keeps retrying.',
      );
    }
  });

  it('never repeats what a store error says (it may carry a connection string)', () => {
    const problem = syncProblemFrom(new StoreUnavailableError('connect postgres://u:secret@db/x refused'), AT);
    expect(problem).toEqual({
      at: AT,
      kind: 'store',
      message: 'The call-record store is unavailable; the sync keeps retrying.',
    });
  });
});

describe('incompleteSyncProblem', () => {
  it('names the span in UTC and both counts', () => {
    const from = Date.UTC(2026, 10, 29, 5) / 1000;
    expect(incompleteSyncProblem({ from, to: from + 3600 }, 1190, 1185, AT).message).toBe(
      "Tencent's call records for 2026-11-29 05:00–06:00 UTC do not add up (it counted 1,190 and sent 1,185), so some calls of that span may be missing from the store.",
    );
  });

  it('writes seconds only where needed, and the end of a day as 24:00', () => {
    const day = Date.UTC(2026, 10, 29) / 1000;
    expect(describeUtcSpan({ from: day + 23 * 3600, to: day + 86_400 })).toBe('2026-11-29 23:00–24:00 UTC');
    expect(describeUtcSpan({ from: day + 10, to: day + 20 })).toBe('2026-11-29 00:00:10–00:00:20 UTC');
  });
});
