/**
 * The write path under hostile conditions, through an MCP client: injected 5xx, connection
 * resets and responses lost after the write committed, and a rate-limited target. Every run
 * must converge to exactly one INNERGY project per job number.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { writeCanonicalProjects } from '../../helpers/canonical.js';
import { callToCompletion, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';
import type { FakeRequest } from '../../fakes/types.js';
import { expectExactlyOnce, jobNumbers } from './fake-records.js';

let fake: FakeInnergy | undefined;
let ws: Workspace;
let session: InProcessSession | undefined;

beforeEach(() => {
  ws = makeWorkspace();
});

afterEach(async () => {
  await session?.close();
  await fake?.close();
  session = undefined;
  fake = undefined;
  ws.cleanup();
});

async function connect(extra: Record<string, string> = {}) {
  session = await connectInProcess({ ...ws.env, INNERGY_API_BASE_URL: fake!.url, INNERGY_API_KEY: fake!.apiKey, INNERGY_RATE_LIMIT: '500/s', ...extra }, ws.dir);
  return session.client;
}

describe('project import under injected faults', () => {
  it('converges with no duplicates when 10% of requests fail, reset or lose their response', async () => {
    fake = await startFakeInnergy({ seed: 7, faults: { status5xx: 0.04, reset: 0.03, lostResponse: 0.03 } });
    const file = writeCanonicalProjects(ws.outputDir, 120);
    const client = await connect({ MAX_RETRIES: '6' });

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(fake.stats().faults.lostResponse).toBeGreaterThan(0);
    expectExactlyOnce(fake.state.projects, jobNumbers(120));
    expect(result.structured).toMatchObject({ status: 'succeeded', created: 120, failed: 0 });
    expect(result.structured.reconciled).toBeGreaterThan(0);
  });

  it('adopts a project whose create committed but whose response was lost', async () => {
    fake = await startFakeInnergy();
    fake.faults.once({ kind: 'lostResponse', match: { method: 'POST', path: '/api/projects' }, count: 2 });
    const file = writeCanonicalProjects(ws.outputDir, 5);
    const client = await connect();

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ status: 'succeeded', created: 5, failed: 0, reconciled: 2 });
    expectExactlyOnce(fake.state.projects, jobNumbers(5));
    expect(fake.requests.count({ method: 'POST', path: '/api/projects' })).toBe(5);
  });

  it('creates again a project whose create was reset before it committed', async () => {
    fake = await startFakeInnergy();
    fake.faults.once({ kind: 'reset', match: { method: 'POST', path: '/api/projects' } });
    const file = writeCanonicalProjects(ws.outputDir, 4);
    const client = await connect();

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ created: 4, failed: 0, reconciled: 0 });
    expectExactlyOnce(fake.state.projects, jobNumbers(4));
  });

  it('fails only the record INNERGY rejects with a 400 and imports the rest', async () => {
    fake = await startFakeInnergy();
    const file = writeCanonicalProjects(ws.outputDir, 6, (p, i) => (i === 2 ? { ...p, start_date: '2024-13-45' } : p));
    const client = await connect();

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ status: 'succeeded', created: 5, failed: 1 });
    expectExactlyOnce(fake.state.projects, jobNumbers(6).filter((key) => key !== 'J-000002'));
    expect(result.structured.failures[0]).toMatchObject({ key: 'J-000002' });
    expect(result.structured.failures[0].error).toMatch(/400/);
    expect(result.structured.next_action).toMatch(/failed/);
  });

  it('honours 429 + Retry-After: every refused create is sent again only after the wait, and imported once', async () => {
    fake = await startFakeInnergy();
    const arrivals = limitByOrder(fake, { allowed: 10, refused: 3 });
    const file = writeCanonicalProjects(ws.outputDir, 40);
    const client = await connect({ INNERGY_RATE_LIMIT: '200/s' });

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(fake.stats().rateLimited).toBe(3);
    expectExactlyOnce(fake.state.projects, jobNumbers(40));
    expect(fake.requests.count({ method: 'POST', path: '/api/projects' })).toBe(43);
    expect(result.structured).toMatchObject({ status: 'succeeded', created: 40, failed: 0 });
    expect(result.structured.api.rate_limited).toBe(3);

    // Event order: each refused create is sent again, no sooner than Retry-After (1 s) after the
    // refusal, and every job is accepted exactly once.
    const refused = arrivals.filter((a) => a.refused);
    expect(refused).toHaveLength(3);
    for (const first of refused) {
      const next = arrivals.find((a) => a.key === first.key && a.seq > first.seq);
      expect(next, `${first.key} was sent again after its 429`).toBeDefined();
      expect(next!.at - first.at).toBeGreaterThanOrEqual(990);
    }
    expect(arrivals.filter((a) => !a.refused).map((a) => a.key).sort()).toEqual(jobNumbers(40));
  });

  it('interrupts the run when INNERGY only fails, and a resume finishes it', async () => {
    fake = await startFakeInnergy();
    const file = writeCanonicalProjects(ws.outputDir, 30);
    const client = await connect({ MAX_RETRIES: '0' });
    fake.faults.set({ routes: [{ match: { method: 'POST', path: '/api/projects' }, status5xx: 1 }] });

    const broken = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(broken.structured.status).toBe('interrupted');
    expect(broken.structured.error.message).toMatch(/INNERGY/);

    fake.faults.clear();
    const resumed = await callToCompletion(client, 'resume_run', { run_id: broken.structured.run_id });
    expect(resumed.structured).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(resumed.structured.result).toMatchObject({ created: 30, failed: 0 });
    expectExactlyOnce(fake.state.projects, jobNumbers(30));
  });
});

interface Arrival {
  seq: number;
  key: string;
  at: number;
  refused: boolean;
}

/**
 * Rate-limits the fake by event order, not by a time window: the first `allowed` requests pass,
 * the next `refused` ones get 429 + `Retry-After: 1`, then every request passes. Returns the
 * arrivals of project creates (key = ExternalIdentifier), in order.
 */
function limitByOrder(target: FakeInnergy, { allowed, refused }: { allowed: number; refused: number }): Arrival[] {
  const arrivals: Arrival[] = [];
  let current: Arrival | undefined;
  let count = 0;
  const keyBy = (req: FakeRequest) => {
    current = undefined;
    if (req.method === 'POST') {
      current = { seq: arrivals.length + 1, key: String((req.body as { ExternalIdentifier?: unknown }).ExternalIdentifier), at: Date.now(), refused: false };
      arrivals.push(current);
    }
    return '*';
  };
  const afterwards = { count: Number.MAX_SAFE_INTEGER, windowMs: 3_600_000, keyBy };
  target.server.setRateLimit({
    count: allowed,
    windowMs: 3_600_000,
    retryAfterSeconds: 1,
    keyBy,
    body: () => {
      if (current) current.refused = true;
      if (++count === refused) target.server.setRateLimit(afterwards);
      return undefined;
    },
  });
  return arrivals;
}
