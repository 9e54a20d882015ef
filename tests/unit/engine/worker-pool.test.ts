import { describe, expect, it } from 'vitest';
import { runPool } from '../../../src/engine/worker-pool.js';
import { sleep } from './helpers/temp.js';

describe('runPool', () => {
  it('processes every item exactly once', async () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const seen: number[] = [];
    await runPool(items, 4, async (item) => {
      await sleep(item % 3);
      seen.push(item);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(items);
  });

  it('never runs more than `concurrency` items at once, and uses that many', async () => {
    let running = 0;
    let peak = 0;
    await runPool(Array.from({ length: 20 }, (_, i) => i), 3, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(2);
      running -= 1;
    });
    expect(peak).toBe(3);
  });

  it('takes items in order', async () => {
    const started: number[] = [];
    await runPool([0, 1, 2, 3, 4, 5], 1, async (item) => {
      started.push(item);
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('does nothing for an empty list and treats a concurrency below 1 as 1', async () => {
    let calls = 0;
    await runPool([], 4, async () => {
      calls += 1;
    });
    expect(calls).toBe(0);
    await runPool([1, 2, 3], 0, async () => {
      calls += 1;
    });
    expect(calls).toBe(3);
  });

  it('stops taking new items once stopped() is true, letting items in flight finish', async () => {
    let stop = false;
    const finished: number[] = [];
    await runPool(
      Array.from({ length: 10 }, (_, i) => i),
      2,
      async (item) => {
        if (item === 1) stop = true;
        await sleep(5);
        finished.push(item);
      },
      () => stop,
    );
    expect(finished.sort()).toEqual([0, 1]);
  });

  it('rethrows the failure of an item after the other workers have settled', async () => {
    let slowDone = false;
    const failure = new Error('item 1 broke');
    await expect(
      runPool([0, 1], 2, async (item) => {
        if (item === 1) throw failure;
        await sleep(20);
        slowDone = true;
      }),
    ).rejects.toBe(failure);
    expect(slowDone).toBe(true);
  });
});
