/**
 * A slow INNERGY project import to cancel: a fake INNERGY (in this process, so its request log
 * can be read at any moment) with per-request latency, a canonical file of many projects and a
 * client-side rate limit, so the import takes many seconds and a test can stop it half-way.
 * Writes are counted on the fake (requests that arrived), never taken from the tool's report.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { writeCanonicalProjects } from '../../helpers/canonical.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

/** Projects in the file: at the rate below the import needs about ten seconds. */
export const PROJECTS = 200;

export interface SlowImport {
  fake: FakeInnergy;
  ws: Workspace;
  /** The canonical projects file to import. */
  file: string;
  /** Environment of a server or CLI pointed at the fake. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function startSlowImport(): Promise<SlowImport> {
  const fake = await startFakeInnergy({ latencyMs: 20 });
  const ws = makeWorkspace();
  const file = writeCanonicalProjects(ws.outputDir, PROJECTS);
  const env = { ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '20/s' };
  return {
    fake,
    ws,
    file,
    env,
    cleanup: async () => {
      await fake.close();
      ws.cleanup();
    },
  };
}

/** Write requests (POST/PUT) that reached the fake so far. */
export function writesReceived(fake: FakeInnergy): number {
  return fake.requests.count({ method: 'POST' }) + fake.requests.count({ method: 'PUT' });
}

/** Waits (generously) until `condition` holds; polls every 20 ms. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Asserts that the fake gets no write request after this point: watches it for a quiet period
 * in which the running import (about 20 writes/s) would have sent many, and checks that the
 * import stopped short of the whole file.
 */
export async function expectNoFurtherWrites(fake: FakeInnergy, quietMs = 1500): Promise<void> {
  const settled = writesReceived(fake);
  await sleep(quietMs);
  expect(writesReceived(fake), 'write requests after the run was cancelled').toBe(settled);
  expect(settled).toBeLessThan(PROJECTS);
  expect(fake.state.projects.length).toBeLessThan(PROJECTS);
}
