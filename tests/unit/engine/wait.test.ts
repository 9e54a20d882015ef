/** raceTimeout: true when the promise settles in time, false on timeout or abort, nothing left behind. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { raceTimeout } from '../../../src/engine/wait.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('raceTimeout', () => {
  it('answers true when the promise resolves or rejects before the time is up, and clears its timer', async () => {
    await expect(raceTimeout(Promise.resolve('x'), 1000)).resolves.toBe(true);
    await expect(raceTimeout(Promise.reject(new Error('boom')), 1000)).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answers false once the time is up, not a millisecond before', async () => {
    let settled: boolean | undefined;
    void raceTimeout(new Promise(() => {}), 500).then((value) => (settled = value));
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answers false as soon as the signal aborts, and removes its listener and timer', async () => {
    const abort = new AbortController();
    const remove = vi.spyOn(abort.signal, 'removeEventListener');
    const answer = raceTimeout(new Promise(() => {}), 60_000, abort.signal);
    abort.abort();
    await expect(answer).resolves.toBe(false);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes its abort listener when the promise wins', async () => {
    const abort = new AbortController();
    const add = vi.spyOn(abort.signal, 'addEventListener');
    const remove = vi.spyOn(abort.signal, 'removeEventListener');
    await expect(raceTimeout(Promise.resolve(), 60_000, abort.signal)).resolves.toBe(true);
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0]![1]);
    abort.abort();
    expect(vi.getTimerCount()).toBe(0);
  });
});
