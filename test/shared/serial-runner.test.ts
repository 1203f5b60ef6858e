import { describe, expect, it } from 'vitest';
import { SerialRunner } from '../../src/shared/serial-runner.js';

/** A run that finishes when the test says so, counting how many started and how many ran at once. */
function gatedWork() {
  const gates: Array<() => void> = [];
  const state = { started: 0, active: 0, maxActive: 0 };
  const work = async (): Promise<number> => {
    state.started += 1;
    state.active += 1;
    state.maxActive = Math.max(state.maxActive, state.active);
    const n = state.started;
    await new Promise<void>((resolve) => gates.push(resolve));
    state.active -= 1;
    return n;
  };
  /** Opens the oldest waiting gate once a run is waiting on it. */
  const release = async () => {
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()?.();
  };
  return { work, release, state };
}

describe('SerialRunner', () => {
  it('never overlaps runs, and asks made during a run share one more run after it', async () => {
    const { work, release, state } = gatedWork();
    const runner = new SerialRunner(work);
    const first = runner.run();
    const asks = [runner.run(), runner.run(), runner.run()];
    await release();
    expect(await first).toBe(1);
    await release();
    expect(await Promise.all(asks)).toEqual([2, 2, 2]);
    await runner.settled();
    expect(state).toEqual({ started: 2, active: 0, maxActive: 1 });
  });

  it('runs exclusive work after the run in progress, never beside it', async () => {
    const { work, release, state } = gatedWork();
    const runner = new SerialRunner(work);
    const first = runner.run();
    const other = runner.runExclusive(work);
    await release();
    await first;
    await release();
    expect(await other).toBe(2);
    expect(state.maxActive).toBe(1);
  });

  it('keeps going after a run rejects: the queued run still happens', async () => {
    let calls = 0;
    const runner = new SerialRunner(async () => {
      calls += 1;
      if (calls === 1) throw new Error('store down');
      return calls;
    });
    const first = runner.run();
    const second = runner.run();
    await expect(first).rejects.toThrow('store down');
    expect(await second).toBe(2);
    await runner.settled();
    expect(runner.current).toBeNull();
  });
});
