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

    let result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    const firstRun = result.structured;
    for (let attempt = 0; attempt < 3 && result.structured.failed > 0; attempt += 1) {
      result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    }
    expect(result.structured.status).toBe('succeeded');
    expect(result.structured.failed).toBe(0);
    expect(fake.state.projects).toHaveLength(120);
    expect(fake.duplicateExternalIds('projects')).toEqual([]);
    expect(fake.stats().faults.lostResponse).toBeGreaterThan(0);
    expect(firstRun.reconciled).toBeGreaterThan(0);
  });

  it('adopts a project whose create committed but whose response was lost', async () => {
    fake = await startFakeInnergy();
    fake.faults.once({ kind: 'lostResponse', match: { method: 'POST', path: '/api/projects' }, count: 2 });
    const file = writeCanonicalProjects(ws.outputDir, 5);
    const client = await connect();

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ status: 'succeeded', created: 5, failed: 0, reconciled: 2 });
    expect(fake.state.projects).toHaveLength(5);
    expect(fake.duplicateExternalIds('projects')).toEqual([]);
  });

  it('creates again a project whose create was reset before it committed', async () => {
    fake = await startFakeInnergy();
    fake.faults.once({ kind: 'reset', match: { method: 'POST', path: '/api/projects' } });
    const file = writeCanonicalProjects(ws.outputDir, 4);
    const client = await connect();

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ created: 4, failed: 0, reconciled: 0 });
    expect(fake.state.projects).toHaveLength(4);
  });

  it('fails only the record INNERGY rejects with a 400 and imports the rest', async () => {
    fake = await startFakeInnergy();
    const file = writeCanonicalProjects(ws.outputDir, 6, (p, i) => (i === 2 ? { ...p, start_date: '2024-13-45' } : p));
    const client = await connect();

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ status: 'succeeded', created: 5, failed: 1 });
    expect(result.structured.failures[0]).toMatchObject({ key: 'J-000002' });
    expect(result.structured.failures[0].error).toMatch(/400/);
    expect(result.structured.next_action).toMatch(/failed/);
  });

  it('honours 429 + Retry-After from a rate-limited INNERGY and still imports everything once', async () => {
    fake = await startFakeInnergy({ rateLimit: { count: 10, windowMs: 200 } });
    const file = writeCanonicalProjects(ws.outputDir, 40);
    const client = await connect({ INNERGY_RATE_LIMIT: '200/s' });

    const result = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ status: 'succeeded', created: 40, failed: 0 });
    expect(result.structured.api.rate_limited).toBeGreaterThan(0);
    expect(fake.stats().rateLimited).toBe(result.structured.api.rate_limited);
    expect(fake.duplicateExternalIds('projects')).toEqual([]);
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
    expect(fake.state.projects).toHaveLength(30);
    expect(fake.duplicateExternalIds('projects')).toEqual([]);
  });
});
