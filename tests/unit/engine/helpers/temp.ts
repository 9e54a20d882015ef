/** Temp directories, dead pids and small waits for engine unit tests. */
import { afterEach, beforeEach } from 'vitest';
import { Ledger } from '../../../../src/engine/ledger/ledger.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh real-path temp directory; `cleanup` removes it. */
export function makeTempDir(prefix = 'mmcp-engine-'): { dir: string; cleanup(): void } {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The pid of a process that has already exited (spawned and waited for). */
export function deadPid(): number {
  // `true` exits at once and is much faster to start than node; node is the fallback.
  let child = spawnSync('true', { stdio: 'ignore' });
  if (typeof child.pid !== 'number' || child.status !== 0) child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  if (typeof child.pid !== 'number' || child.status !== 0) throw new Error('could not spawn a short-lived process');
  return child.pid;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A fresh ledger in a temp dir for each test of the calling file (registers beforeEach/afterEach).
 * Read it through the returned getter: `const ledger = useTempLedger(); … ledger().runs…`.
 */
export function useTempLedger(): () => Ledger {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  let ledger: Ledger | undefined;
  beforeEach(() => {
    tmp = makeTempDir();
    ledger = Ledger.open(tmp.dir);
  });
  afterEach(() => {
    ledger?.close();
    tmp?.cleanup();
  });
  return () => ledger!;
}
