/**
 * The daily summary posts once per (day, channel) on both engines: of many claimers at once exactly one posts, a
 * claim left by a process that died goes stale and is taken over, a failed post is retried once, and a forced run
 * re-posts on purpose. Several stores opened on one location stand for several processes.
 */
import { describe, expect, it } from 'vitest';
import { SUMMARY_CLAIM_STALE_SECONDS, type SummaryPostClaims } from '../../src/calls/summary-post-claims.js';
import { postSummaryOnce, retryUnpostedSummary } from '../../src/jobs/post-summary-once.js';
import { createSummaryPosts } from '../../src/store/summary-posts.js';
import { storeEngines } from '../support/store-engines.js';

const KEY = { day: '2026-11-29', channel: 'C0SUMMARY1' };

describe.each(storeEngines())('$name store: summary posts', (engine) => {
  /** `count` claim repositories on one store location (as many processes), all reading the same clock. */
  async function processes(count: number, clock = { now: 1_800_000_000 }) {
    const at = await engine.location();
    const stores = await Promise.all(Array.from({ length: count }, () => engine.open({ at })));
    return {
      clock,
      claims: stores.map((store) => createSummaryPosts(store.db, { now: () => clock.now })),
    };
  }

  /** Every run posts through one counter (the fake Slack of this test). */
  function poster() {
    const posts: string[] = [];
    return {
      posts,
      post: (by: string) => async () => {
        posts.push(by);
        return { ts: `1700000000.00000${posts.length}` };
      },
    };
  }

  const once = (claims: SummaryPostClaims, claimer: string, post: () => Promise<{ ts: string }>, force = false) =>
    postSummaryOnce({ claims, key: KEY, claimer, force }, post);

  it('of ten claimers at the same moment, exactly one posts and the others are told it is taken', async () => {
    const { claims } = await processes(5);
    const slack = poster();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => once(claims[i % 5] as SummaryPostClaims, `p${i}`, slack.post(`p${i}`))),
    );
    expect(slack.posts).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'posted')).toHaveLength(1);
    const state = await claims[0]?.readSummaryPost(KEY);
    expect(state).toMatchObject({ status: 'posted', messageTs: '1700000000.000001', error: null });
    expect(state?.claimedBy.startsWith(`${slack.posts[0]}#`)).toBe(true);

    // Later runs (tomorrow's schedule finding yesterday done, a scheduler's retry) post nothing.
    const later = await once(claims[3] as SummaryPostClaims, 'late', slack.post('late'));
    expect(later).toMatchObject({ status: 'not-mine', current: { status: 'posted' } });
    expect(slack.posts).toHaveLength(1);
  });

  it('a claim in progress is honoured until it goes stale, then one run takes it over and posts', async () => {
    const { claims, clock } = await processes(3);
    const [a, b, c] = claims as [SummaryPostClaims, SummaryPostClaims, SummaryPostClaims];
    // A claimer that dies mid-post: it claimed and never recorded an outcome.
    const dead = await a.claimSummaryPost(KEY, 'dead');
    expect(dead.won).toBe(true);

    const slack = poster();
    clock.now += SUMMARY_CLAIM_STALE_SECONDS - 1;
    expect(await once(b, 'early', slack.post('early'))).toMatchObject({
      status: 'not-mine',
      current: { status: 'claimed' },
    });
    // Forcing never overrides a claim in progress.
    expect((await once(c, 'forced', slack.post('forced'), true)).status).toBe('not-mine');
    expect(slack.posts).toEqual([]);

    clock.now += 1;
    const takeovers = await Promise.all([once(b, 'b', slack.post('b')), once(c, 'c', slack.post('c'))]);
    expect(takeovers.filter((o) => o.status === 'posted')).toHaveLength(1);
    expect(slack.posts).toHaveLength(1);
    // The dead claimer's late outcome changes nothing.
    if (dead.won) expect(await a.markSummaryPosted(KEY, dead.claim, '1.1')).toBe(false);
    expect(await a.readSummaryPost(KEY)).toMatchObject({ status: 'posted', messageTs: '1700000000.000001' });
  });

  it('a failed post is recorded with its reason, and a later retry posts it exactly once', async () => {
    const { claims } = await processes(3);
    const failing = once(claims[0] as SummaryPostClaims, 'first', async () => {
      throw new Error('not_in_channel');
    });
    await expect(failing).rejects.toThrow('not_in_channel');
    expect(await claims[1]?.readSummaryPost(KEY)).toMatchObject({ status: 'failed', error: 'not_in_channel' });

    const slack = poster();
    const retries = await Promise.all(
      claims.flatMap((claims, i) => [
        once(claims, `retry${i}a`, slack.post(`retry${i}a`)),
        once(claims, `retry${i}b`, slack.post(`retry${i}b`)),
      ]),
    );
    expect(slack.posts).toHaveLength(1);
    expect(retries.filter((o) => o.status === 'posted')).toHaveLength(1);
    expect(await claims[2]?.readSummaryPost(KEY)).toMatchObject({ status: 'posted', error: null });
  });

  it('--force posts a day that was posted again; of forced runs claiming together, one posts', async () => {
    const { claims } = await processes(2);
    const [a, b] = claims as [SummaryPostClaims, SummaryPostClaims];
    const slack = poster();
    await once(a, 'schedule', slack.post('schedule'));
    expect((await once(b, 'by-hand', slack.post('by-hand'), true)).status).toBe('posted');
    expect(slack.posts).toEqual(['schedule', 'by-hand']);
    expect(await a.readSummaryPost(KEY)).toMatchObject({ status: 'posted', messageTs: '1700000000.000002' });

    const together = await Promise.all([
      a.claimSummaryPost(KEY, 'forced-1', { force: true }),
      b.claimSummaryPost(KEY, 'forced-2', { force: true }),
    ]);
    expect(together.filter((claim) => claim.won)).toHaveLength(1);
  });

  it("the next schedule's retry posts a failed day once, and leaves a posted or never-attempted day alone", async () => {
    const { claims } = await processes(2);
    const [a, b] = claims as [SummaryPostClaims, SummaryPostClaims];
    const slack = poster();
    const options = (claims: SummaryPostClaims, day: string) => ({ claims, key: { ...KEY, day }, claimer: 'next' });
    await expect(
      postSummaryOnce(options(a, '2026-11-28'), async () => {
        throw new Error('ratelimited');
      }),
    ).rejects.toThrow();
    await postSummaryOnce(options(a, '2026-11-27'), slack.post('on time'));

    const retried = await Promise.all([
      retryUnpostedSummary(options(a, '2026-11-28'), slack.post('retry a')),
      retryUnpostedSummary(options(b, '2026-11-28'), slack.post('retry b')),
    ]);
    expect(retried.filter((outcome) => outcome?.status === 'posted')).toHaveLength(1);
    expect(await retryUnpostedSummary(options(a, '2026-11-27'), slack.post('again'))).toBeUndefined();
    expect(await retryUnpostedSummary(options(a, '2026-11-26'), slack.post('never'))).toBeUndefined();
    expect(slack.posts).toHaveLength(2);
  });

  it('keeps each day and each channel apart', async () => {
    const { claims } = await processes(1);
    const slack = poster();
    const claim = claims[0] as SummaryPostClaims;
    for (const key of [KEY, { ...KEY, day: '2026-11-30' }, { ...KEY, channel: 'C0OTHER001' }]) {
      expect((await postSummaryOnce({ claims: claim, key, claimer: 'p' }, slack.post(key.day))).status).toBe('posted');
    }
    expect(slack.posts).toHaveLength(3);
  });
});
