/**
 * The usual set-up of an INNERGY tool test: a workspace, a fake INNERGY on 127.0.0.1 and an
 * in-process MCP session on both, made before each test and closed after it.
 */
import { afterEach, beforeEach } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../fakes/innergy.js';
import { connectInProcess, type InProcessSession } from './mcp.js';
import { makeWorkspace, type Workspace } from './workspace.js';

export interface InnergySession {
  readonly fake: FakeInnergy;
  readonly ws: Workspace;
  readonly session: InProcessSession;
}

/** Registers the hooks; the returned object's fields are the current test's. */
export function useInnergySession(rateLimit = '500/s'): InnergySession {
  const current = {} as { fake: FakeInnergy; ws: Workspace; session: InProcessSession };
  beforeEach(async () => {
    current.ws = makeWorkspace();
    current.fake = await startFakeInnergy();
    current.session = await connectInProcess({ ...current.ws.env, INNERGY_API_BASE_URL: current.fake.url, INNERGY_API_KEY: current.fake.apiKey, INNERGY_RATE_LIMIT: rateLimit }, current.ws.dir);
  });
  afterEach(async () => {
    await current.session.close();
    await current.fake.close();
    current.ws.cleanup();
  });
  return current;
}
