import { describe, expect, it } from 'vitest';
import { ProgressTracker, type ProgressSnapshot } from '../../../src/engine/progress.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, tick: (ms: number) => (now += ms) };
}

function tracked(minIntervalMs = 250) {
  const time = clock();
  const tracker = new ProgressTracker(minIntervalMs, time.now);
  const seen: ProgressSnapshot[] = [];
  tracker.onUpdate((snapshot) => seen.push(snapshot));
  return { time, tracker, seen };
}

describe('ProgressTracker', () => {
  it('starts in a "starting" phase with nothing done', () => {
    const tracker = new ProgressTracker();
    expect(tracker.snapshot()).toMatchObject({ phase: 'starting', done: 0, total: undefined, rate: 0, eta_seconds: undefined });
  });

  it('a new phase resets done, sets the total and is delivered at once', () => {
    const { tracker, seen } = tracked();
    tracker.start('reading', 5);
    tracker.advance(3);
    tracker.start('writing', 10);
    expect(seen.at(-1)).toMatchObject({ phase: 'writing', done: 0, total: 10 });
    expect(tracker.snapshot().done).toBe(0);
  });

  it('computes the rate over the phase and the ETA from it', () => {
    const { time, tracker } = tracked();
    tracker.start('writing', 100);
    time.tick(2000);
    tracker.advance(10);
    expect(tracker.snapshot()).toMatchObject({ done: 10, total: 100, rate: 5, eta_seconds: 18 });
  });

  it('has no ETA while the total is unknown or nothing is done', () => {
    const { time, tracker } = tracked();
    tracker.start('counting');
    time.tick(1000);
    tracker.advance(4);
    expect(tracker.snapshot().eta_seconds).toBeUndefined();
    tracker.start('writing', 10);
    time.tick(1000);
    expect(tracker.snapshot().eta_seconds).toBeUndefined();
  });

  it('notifies at most once per interval, and flush always delivers the last state', () => {
    const { time, tracker, seen } = tracked(250);
    tracker.start('writing', 100);
    const afterStart = seen.length;
    tracker.advance();
    tracker.advance();
    expect(seen.length).toBe(afterStart);
    time.tick(250);
    tracker.advance();
    expect(seen.length).toBe(afterStart + 1);
    expect(seen.at(-1)!.done).toBe(3);
    tracker.advance();
    tracker.flush();
    expect(seen.at(-1)!.done).toBe(4);
  });

  it('a new phase first delivers the final count of the previous phase', () => {
    const { tracker, seen } = tracked(250);
    tracker.start('reading', 3);
    tracker.advance(3);
    tracker.start('writing', 10);
    expect(seen.map((s) => `${s.phase}:${s.done}`)).toEqual(['reading:0', 'reading:3', 'writing:0']);
  });

  it('set() moves to an absolute count (resuming part-way) and setTotal corrects the total', () => {
    const { time, tracker } = tracked();
    tracker.start('writing');
    tracker.set(40);
    tracker.setTotal(50);
    time.tick(1000);
    expect(tracker.snapshot()).toMatchObject({ done: 40, total: 50 });
  });

  it('never reports a negative remaining count', () => {
    const { time, tracker } = tracked();
    tracker.start('writing', 2);
    time.tick(1000);
    tracker.advance(5);
    expect(tracker.snapshot().eta_seconds).toBe(0);
  });

  it('a listener stops receiving updates once unsubscribed', () => {
    const tracker = new ProgressTracker(0);
    const seen: number[] = [];
    const unsubscribe = tracker.onUpdate((snapshot) => seen.push(snapshot.done));
    tracker.advance();
    unsubscribe();
    tracker.advance();
    tracker.flush();
    expect(seen).toEqual([1]);
  });
});
