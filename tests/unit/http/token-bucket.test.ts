import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/engine/errors.js';
import { TokenBucket } from '../../../src/http/index.js';
import { flush, ManualClock } from './helpers/manual-clock.js';

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('TokenBucket', () => {
  it('paces requests to the configured rate', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const bucket = new TokenBucket({ count: 20, windowMs: 1000 }, { clock });
    const times: number[] = [];
    for (let i = 0; i < 6; i += 1) void bucket.take().then(() => times.push(clock.now() - start));
    await flush();
    expect(times).toEqual([0]);
    await clock.advance(49);
    expect(times).toEqual([0]);
    await clock.advance(1000);
    // 20 per second: one every 50 ms after the first, never two closer together
    expect(times).toEqual([0, 50, 100, 150, 200, 250]);
  });

  it('allows a burst when configured, then paces', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const bucket = new TokenBucket({ count: 10, windowMs: 1000 }, { burst: 3, clock });
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) void bucket.take().then(() => times.push(clock.now() - start));
    await flush();
    expect(times).toEqual([0, 0, 0]);
    await clock.advance(1000);
    expect(times).toEqual([0, 0, 0, 100, 200]);
  });

  it('refills a burst while idle, up to the burst and no more', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ count: 10, windowMs: 1000 }, { burst: 2, clock });
    void bucket.take();
    void bucket.take();
    await clock.advance(10_000); // idle for 100 intervals: the bucket holds 2 tokens, not 100
    const start = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 3; i += 1) void bucket.take().then(() => times.push(clock.now() - start));
    await flush();
    expect(times).toEqual([0, 0]);
    await clock.advance(1000);
    expect(times).toEqual([0, 0, 100]);
  });

  it('pauses every waiter and new takers until the given time', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ count: 100, windowMs: 1000 }, { clock });
    await bucket.take();
    const start = clock.now();
    const times: number[] = [];
    const waiters = [bucket.take(), bucket.take()].map((p) => p.then(() => times.push(clock.now() - start)));
    bucket.pauseUntil(start + 300);
    await clock.advance(100);
    void bucket.take().then(() => times.push(clock.now() - start)); // a new taker during the pause
    await clock.advance(199);
    expect(times).toEqual([]);
    await clock.advance(1000);
    await Promise.all(waiters);
    // all held until 300, then at the steady rate (10 ms apart), first come first served
    expect(times).toEqual([300, 310, 320]);
    expect(bucket.pausedUntil).toBe(start + 300);
  });

  it('ignores a pause that ends before the current one', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ count: 1, windowMs: 1000 }, { clock });
    const later = clock.now() + 500;
    bucket.pauseUntil(later);
    bucket.pauseUntil(later - 400);
    expect(bucket.pausedUntil).toBe(later);
  });

  it('arms one timer for its waiters and clears it when they are served', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ count: 10, windowMs: 1000 }, { clock });
    await bucket.take();
    const served = Promise.all([bucket.take(), bucket.take(), bucket.take()]);
    expect(clock.pending).toBe(1);
    await clock.advance(300);
    await expect(served).resolves.toEqual([2, 3, 4]);
    expect(clock.pending).toBe(0);
  });

  it('a cancelled signal rejects a waiter with CancelledError and leaves no timer behind', async () => {
    const bucket = new TokenBucket({ count: 1, windowMs: 60_000 }, { name: 'INNERGY' });
    await bucket.take();
    const before = activeTimers();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    expect(bucket.waiting).toBe(1);
    expect(activeTimers()).toBe(before + 1);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    await expect(waiting).rejects.toThrow(/INNERGY.*cancelled/);
    expect(bucket.waiting).toBe(0);
    expect(activeTimers()).toBe(before);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const bucket = new TokenBucket({ count: 10, windowMs: 1000 });
    await expect(bucket.take(AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
  });

  it('serves the next waiter when the one before it is cancelled', async () => {
    const bucket = new TokenBucket({ count: 10, windowMs: 1000 });
    await bucket.take();
    const controller = new AbortController();
    const first = bucket.take(controller.signal);
    const second = bucket.take();
    controller.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    await expect(second).resolves.toBeTypeOf('number');
  });

  it('refuses a rate that allows nothing', () => {
    expect(() => new TokenBucket({ count: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});
