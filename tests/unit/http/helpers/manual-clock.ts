/**
 * A clock for TokenBucket tests that only moves when the test says so: `advance(ms)` fires the
 * timers due on the way, in order, each at its own time, and lets the promises they settle run.
 */
import type { BucketClock } from '../../../../src/http/index.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets every settled promise's callbacks run (several hops: take() → then → test code). */
export async function flush(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualClock implements BucketClock {
  #now: number;
  #timers = new Map<number, Timer>();
  #seq = 0;

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), seq: id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Timers armed and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers at their own times. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#timers.entries()].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      const [id, timer] = next;
      this.#timers.delete(id);
      this.#now = timer.at;
      timer.callback();
      await flush();
    }
    this.#now = end;
    await flush();
  }
}
