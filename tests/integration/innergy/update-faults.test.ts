/**
 * run_innergy_project_import when an UPDATE's response is lost after INNERGY committed it, or the
 * connection resets before it did. An update is idempotent (PUT), so the end state must be one
 * record per job with the new value, no duplicate, and a ledger that names the fake's record.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/engine/canonical-hash.js';
import { toProjectPayload } from '../../../src/pipelines/innergy/project-import.js';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { canonicalProject, writeCanonicalProjects } from '../../helpers/canonical.js';
import { callTool, callToCompletion, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';
import { expectExactlyOnce, importedProject, jobNumbers } from './fake-records.js';

const COUNT = 6;
let fake: FakeInnergy;
let ws: Workspace;
let session: InProcessSession | undefined;
let file: string;

/** Project `i` as INNERGY holds it before the import: everything equal but its old name. */
const seeded = (i: number) => importedProject(i, { Name: `Old name ${i}` });

beforeEach(async () => {
  ws = makeWorkspace();
  fake = await startFakeInnergy({ projects: Array.from({ length: COUNT }, (_, i) => seeded(i + 1)) });
  file = writeCanonicalProjects(ws.outputDir, COUNT);
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await fake.close();
  ws.cleanup();
});

async function connect(extra: Record<string, string> = {}) {
  session = await connectInProcess({ ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '500/s', ...extra }, ws.dir);
  return session.client;
}

const seededIds = () => new Map(fake.state.projects.map((p) => [p.ExternalIdentifier, p.Id]));
const writes = () => fake.requests.count({ method: 'POST' }) + fake.requests.count({ method: 'PUT' });

function expectNewNamesOnce(ids: Map<string | null, string>) {
  expectExactlyOnce(fake.state.projects, jobNumbers(COUNT));
  for (const [i, key] of jobNumbers(COUNT).entries()) {
    expect(fake.state.projects.find((p) => p.ExternalIdentifier === key)).toMatchObject({ Id: ids.get(key), Name: `Project ${i + 1}` });
  }
}

/** What the ledger knows of a job: its one INNERGY identity and the run events. */
async function explain(key: string) {
  const answer = await callTool(session!.client, 'explain_record', { system: 'innergy', key });
  return answer.structured as { found: boolean; identities: { kind: string; target_id: string; content_hash: string | null }[]; events: { action: string; target_id: string | null }[] };
}

describe('project import when an update response is lost', () => {
  it('retries a PUT whose response was lost and counts each update once', async () => {
    const ids = seededIds();
    fake.faults.once({ kind: 'lostResponse', match: { method: 'PUT', path: '/api/projects/:id' }, count: 2 });
    const client = await connect({ MAX_RETRIES: '3' });

    const first = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(first.structured).toMatchObject({ status: 'succeeded', created: 0, updated: COUNT, failed: 0 });
    expect(fake.stats().faults.lostResponse).toBe(2);
    expect(fake.requests.count({ method: 'PUT' })).toBe(COUNT + 2);
    expect(fake.requests.count({ method: 'POST' })).toBe(0);
    expectNewNamesOnce(ids);

    const lost = fake.requests.filter({ fault: 'lostResponse' }).map((e) => fake.state.projects.find((p) => `/api/projects/${p.Id}` === e.path)!);
    for (const project of lost) {
      const record = await explain(project.ExternalIdentifier!);
      expect(record.identities).toMatchObject([{ kind: 'project', target_id: project.Id }]);
      expect(record.events.filter((e) => e.action === 'updated')).toEqual([expect.objectContaining({ target_id: project.Id })]);
    }

    fake.requests.clear();
    const again = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(again.structured).toMatchObject({ updated: 0, unchanged: COUNT, failed: 0 });
    expect(writes()).toBe(0);
  });

  it('fails only the job whose every update response was lost; a re-run finds the value committed and writes nothing', async () => {
    const ids = seededIds();
    const lostId = ids.get('J-000003')!;
    fake.faults.once({ kind: 'lostResponse', match: { method: 'PUT', path: `/api/projects/${lostId}` } });
    const client = await connect({ MAX_RETRIES: '0' });

    const first = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(first.structured).toMatchObject({ status: 'succeeded', updated: COUNT - 1, failed: 1 });
    expect(first.structured.failures).toEqual([expect.objectContaining({ key: 'J-000003' })]);
    expectNewNamesOnce(ids);

    fake.requests.clear();
    const again = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(again.structured).toMatchObject({ status: 'succeeded', updated: 0, created: 0, unchanged: COUNT, failed: 0 });
    expect(writes()).toBe(0);
    expectNewNamesOnce(ids);

    const record = await explain('J-000003');
    expect(record.identities).toEqual([
      expect.objectContaining({ kind: 'project', target_id: lostId, content_hash: contentHash(toProjectPayload(canonicalProject(3))) }),
    ]);
  });

  it('does not count an update whose connection reset before INNERGY committed it, and a re-run writes it', async () => {
    const ids = seededIds();
    const resetId = ids.get('J-000002')!;
    fake.faults.once({ kind: 'reset', match: { method: 'PUT', path: `/api/projects/${resetId}` } });
    const client = await connect({ MAX_RETRIES: '0' });

    const first = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(first.structured).toMatchObject({ status: 'succeeded', updated: COUNT - 1, failed: 1 });
    expect(fake.state.projects.find((p) => p.Id === resetId)!.Name).toBe('Old name 2');

    fake.requests.clear();
    const again = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(again.structured).toMatchObject({ updated: 1, unchanged: COUNT - 1, failed: 0 });
    expect(fake.requests.filter({ method: 'PUT' }).map((e) => e.path)).toEqual([`/api/projects/${resetId}`]);
    expectNewNamesOnce(ids);
  });
});
