/**
 * Starts a fake target as a child process (e.g. `innergy-main.ts`) and waits for its one-line
 * `{"url", "pid"}` announcement, for end-to-end tests that must kill our server and still read
 * the fake's state afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fakeControl, type FakeControlClient } from './control-client.js';
import type { FakeDevRevOptions } from './devrev.js';
import type { FakeInnergyOptions } from './innergy.js';

/** A fake running in its own process. */
export interface SpawnedFake {
  url: string;
  pid: number;
  apiKey: string | undefined;
  /** Control endpoints of the fake. */
  control: FakeControlClient;
  child: ChildProcess;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Spawns `node --import tsx <entry> --options <json> --exit-with-stdin` and waits until it listens. */
export async function spawnFake(entry: string, options: object, timeoutMs = 20_000): Promise<SpawnedFake> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--options', JSON.stringify(options), '--exit-with-stdin'], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const announcement = await new Promise<{ url: string; pid: number; apiKey?: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake ${entry} did not start within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { url: string; pid: number; apiKey?: string });
      } catch {
        reject(new Error(`fake ${entry} printed a non-JSON first line: ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake ${entry} exited with code ${code} before listening; stderr: ${stderr}`));
    });
  });
  return {
    url: announcement.url,
    pid: announcement.pid,
    apiKey: announcement.apiKey,
    control: fakeControl(announcement.url),
    child,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Spawns the fake INNERGY (`tests/fakes/innergy-main.ts`) in its own process. */
export function spawnFakeInnergy(options: FakeInnergyOptions = {}, timeoutMs?: number): Promise<SpawnedFake> {
  return spawnFake(fileURLToPath(new URL('./innergy-main.ts', import.meta.url)), options, timeoutMs);
}

/** Spawns the fake InfluxDB (`tests/fakes/influx-main.ts`) in its own process; `apiKey` is its token. */
export function spawnFakeInflux(options: import('./influx.js').FakeInfluxOptions = {}, timeoutMs?: number): Promise<SpawnedFake> {
  return spawnFake(fileURLToPath(new URL('./influx-main.ts', import.meta.url)), options, timeoutMs);
}

/** Spawns the fake DevRev (`tests/fakes/devrev-main.ts`) in its own process; `apiKey` is its token. */
export function spawnFakeDevRev(options: FakeDevRevOptions = {}, timeoutMs?: number): Promise<SpawnedFake> {
  return spawnFake(fileURLToPath(new URL('./devrev-main.ts', import.meta.url)), options, timeoutMs);
}
