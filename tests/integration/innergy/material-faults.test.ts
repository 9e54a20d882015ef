/**
 * sync_innergy_material_library under injected faults, through an MCP client: a material create
 * that INNERGY committed but whose response was lost must be found by its key and adopted, never
 * created twice. Every assertion counts the fake's own records.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { callToCompletion, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';
import { expectExactlyOnce } from './fake-records.js';

let fake: FakeInnergy | undefined;
let ws: Workspace;
let session: InProcessSession | undefined;

const skus = (count: number) => Array.from({ length: count }, (_, i) => `MAT-${String(i + 1).padStart(3, '0')}`);

/** A master of `count` active materials MAT-001…; returns their SKUs. */
function writeMaster(count: number): string[] {
  const rows = skus(count).map((sku, i) => `${sku},Material ${i + 1},Panels,EA,${(i + 1) * 1.25},Y`);
  fs.writeFileSync(ws.materialLibrary, ['sku,name,category,unit,unit_cost,active', ...rows, ''].join('\n'));
  return skus(count);
}

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

const POST_MATERIALS = { method: 'POST', path: '/api/materials' } as const;

describe('material sync under injected faults', () => {
  it('adopts materials whose create committed but whose response was lost, so each exists once', async () => {
    fake = await startFakeInnergy();
    const expected = writeMaster(12);
    fake.faults.once({ kind: 'lostResponse', match: POST_MATERIALS, count: 3 });
    const client = await connect();

    const result = await callToCompletion(client, 'sync_innergy_material_library', { dry_run: false });
    expect(fake.stats().faults.lostResponse).toBe(3);
    expectExactlyOnce(fake.state.materials, expected);
    // Each lost create was resolved by a lookup, not by posting again.
    expect(fake.requests.count(POST_MATERIALS)).toBe(12);
    expect(result.structured).toMatchObject({ status: 'succeeded', new: 12, failed: 0 });
    for (const sku of expected) expect(fake.state.materials.find((m) => m.ExternalIdentifier === sku)).toMatchObject({ Sku: sku, Active: true });

    fake.requests.clear();
    const again = await callToCompletion(client, 'sync_innergy_material_library', { dry_run: false });
    expect(again.structured).toMatchObject({ new: 0, updated: 0, unchanged: 12, failed: 0 });
    expect(fake.requests.count({ method: 'POST' }) + fake.requests.count({ method: 'PUT' })).toBe(0);
  });

  it('converges to exactly one record per SKU when a tenth of the requests fail, reset or lose their response', async () => {
    fake = await startFakeInnergy({ seed: 11, faults: { status5xx: 0.04, reset: 0.03, lostResponse: 0.03 } });
    const expected = writeMaster(80);
    const client = await connect({ MAX_RETRIES: '6' });

    const first = await callToCompletion(client, 'sync_innergy_material_library', { dry_run: false });
    expect(fake.stats().faults.lostResponse).toBeGreaterThan(0);
    expectExactlyOnce(fake.state.materials, expected);
    expect(first.structured).toMatchObject({ status: 'succeeded', new: 80, failed: 0 });
  });
});
