/**
 * The demo server's live calls: the callbacks of each played call agree with its record (the cause the app derives
 * names the outcome's side), and in demo mode the real app receives them over HTTP, driven by a manual timer.
 */
import { describe, expect, it } from 'vitest';
import { callCause } from '../../src/calls/call-cause.js';
import type { CallEvent } from '../../src/calls/call-events.js';
import { playCall, type Schedule } from '../../src/demo/live-calls.js';
import { mulberry32 } from '../../src/demo/prng.js';
import { parseCallbackBody } from '../../src/tencent/callback-request.js';
import { shownTextOf, startTestApp } from '../support/test-app.js';

const T0_MS = 1_795_000_000_000;

describe('playCall', () => {
  it('plays calls whose callbacks the app accepts and whose cause matches the outcome and the record', () => {
    const rng = mulberry32(3);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const played = playCall(rng, T0_MS + i * 60_000);
      seen.add(played.outcome);
      const events: CallEvent[] = [];
      let record: unknown;
      for (const step of played.callbacks) {
        const parsed = parseCallbackBody(
          JSON.stringify({ CallbackCommand: step.command, ...step.body }),
          step.command,
          Math.floor(T0_MS / 1000) + 86_400,
        );
        if (!parsed.ok) throw new Error(`refused: ${parsed.reason} ${parsed.detail}`);
        if (parsed.kind === 'ignored') throw new Error('ignored');
        events.push(...parsed.events.events);
        if (parsed.kind === 'end-call') record = parsed.record;
      }
      const cause = callCause(record as Parameters<typeof callCause>[0], events);
      const expected = {
        normal: 'hung-up',
        'callee-offline': 'offline',
        'caller-offline': 'offline',
        rejected: 'rejected',
        'not-answered': 'not-answered',
        cancelled: 'cancelled',
      }[played.outcome];
      expect(cause?.kind).toBe(expected);
      if (played.outcome === 'callee-offline') expect(cause?.side).toBe('callee');
      if (played.outcome === 'caller-offline') expect(cause?.side).toBe('caller');
      // The callbacks come in time order, the end last, at the record's end.
      const times = played.callbacks.map((c) => c.afterMs);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(Math.floor((T0_MS + i * 60_000 + (times.at(-1) ?? 0)) / 1000)).toBe(played.record.EndTime);
    }
    expect(seen.size).toBe(6);
  });
});

describe('demo mode plays live calls to the app', () => {
  it('sends the three callbacks over HTTP: a call is live, then ends with a cause and a record the API lists', async () => {
    // A manual timer: tasks run when the test says, in time order.
    let clock = Date.now();
    const tasks: { at: number; run: () => void }[] = [];
    const schedule: Schedule = (run, ms) => {
      const task = { at: clock + ms, run };
      tasks.push(task);
      return () => tasks.splice(tasks.indexOf(task), 1);
    };
    const advanceTo = (at: number) => {
      for (;;) {
        tasks.sort((a, b) => a.at - b.at);
        const next = tasks[0];
        if (next === undefined || next.at > at) break;
        tasks.shift();
        clock = next.at;
        next.run();
      }
      clock = at;
    };
    const app = await startTestApp({ sync: 'off', demoCalls: { seed: 5, nowMs: () => clock, schedule } });
    try {
      const store = app.backend.store;
      const startAt = clock + 1_000;
      advanceTo(startAt);
      const waitLive = async () => {
        for (let i = 0; i < 200; i++) {
          const live = await store.liveCalls(0, 10);
          if (live.length > 0) return live;
          await new Promise((resolve) => setImmediate(resolve));
        }
        throw new Error('no live call');
      };
      const [live] = await waitLive();
      const callId = live?.callId as string;
      const sent = await app.command('live');
      expect(shownTextOf((await app.reply(sent.responseId)).blocks)).toContain(callId);
      // Play the rest of that call (its end comes within ~5 minutes).
      advanceTo(startAt + 300_000);
      for (let i = 0; i < 500 && (await store.getCall(callId)) === null; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await store.getCall(callId)).not.toBeNull();
      expect(app.tencent.records.some((r) => r.CallId === callId)).toBe(true);
      const details = await app.command(`id:${callId}`);
      expect(shownTextOf((await app.reply(details.responseId)).blocks)).toContain('*Cause*');
    } finally {
      await app.close();
    }
  });
});
