import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/engine/errors.js';
import { TokenBucket } from '../../../src/http/index.js';

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('TokenBucket', () => {
  it('paces requests to the configured rate', async () => {
    const bucket = new TokenBucket({ count: 20, windowMs: 1000 });
    const start = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => bucket.take().then(() => times.push(Date.now() - start))));
    times.sort((a, b) => a - b);
    expect(times[0]).toBeLessThan(100);
    // 5 intervals of 50 ms after the first token
    expect(times[5]!).toBeGreaterThanOrEqual(240);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(45);
  });

  it('allows a burst when configured, then paces', async () => {
    const bucket = new TokenBucket({ count: 10, windowMs: 1000 }, { burst: 3 });
    const start = Date.now();
    for (let i = 0; i < 3; i += 1) await bucket.take();
    expect(Date.now() - start).toBeLessThan(100);
    await bucket.take();
    expect(Date.now() - start).toBeGreaterThanOrEqual(90);
  });

  it('pauses every waiter and new takers until the given time', async () => {
    const bucket = new TokenBucket({ count: 100, windowMs: 1000 });
    await bucket.take();
    const start = Date.now();
    bucket.pauseUntil(start + 300);
    const waits = await Promise.all([bucket.take(), bucket.take(), bucket.take()].map((p) => p.then(() => Date.now() - start)));
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(290);
    expect(bucket.pausedUntil).toBe(start + 300);
  });

  it('ignores a pause that ends before the current one', () => {
    const bucket = new TokenBucket({ count: 1, windowMs: 1000 });
    const later = Date.now() + 500;
    bucket.pauseUntil(later);
    bucket.pauseUntil(later - 400);
    expect(bucket.pausedUntil).toBe(later);
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
