/** sync_innergy_material_library through an MCP client against the fake INNERGY. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { callTool, callToCompletion, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

let fake: FakeInnergy;
let ws: Workspace;
let session: InProcessSession;

const MASTER = [
  'sku,name,category,unit,unit_cost,active',
  'MAT-1,Oak panel,Panels,EA,12.50,Y',
  'MAT-2,Birch panel,Panels,EA,"1,010.00",yes',
  'MAT-3,Hinge,Hardware,EA,2,Active',
  'MAT-4,Old handle,Hardware,EA,3.10,N',
  'MAT-5,Retired glue,Consumables,L,9,no',
  ',No sku,Hardware,EA,1,Y',
  'MAT-6,Bad cost,Hardware,EA,abc,Y',
].join('\n');

beforeEach(async () => {
  ws = makeWorkspace();
  fs.writeFileSync(ws.materialLibrary, `${MASTER}\n`);
  fake = await startFakeInnergy({
    materials: [
      { Sku: 'MAT-2', Name: 'Birch panel', Category: 'Panels', Unit: 'EA', UnitCost: { Value: 1000 }, Active: true, ExternalIdentifier: 'MAT-2' },
      { Sku: 'MAT-3', Name: 'Hinge', Category: 'Hardware', Unit: 'EA', UnitCost: { Value: 2 }, Active: true, ExternalIdentifier: null },
      { Sku: 'MAT-4', Name: 'Old handle', Category: 'Hardware', Unit: 'EA', UnitCost: { Value: 3.1 }, Active: true, ExternalIdentifier: 'MAT-4' },
      { Sku: 'OTHER-1', Name: 'Made in INNERGY', Active: true },
    ],
  });
  session = await connectInProcess({ ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '500/s' }, ws.dir);
});

afterEach(async () => {
  await session.close();
  await fake.close();
  ws.cleanup();
});

describe('sync_innergy_material_library', () => {
  it('plans new, updated, inactive and unchanged materials in a dry run and writes nothing', async () => {
    const dry = await callToCompletion(session.client, 'sync_innergy_material_library', {});
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, new: 1, updated: 2, inactive: 1, unchanged: 1, failed: 0, rejected: 2, not_in_master: 1 });
    const bySku = Object.fromEntries(dry.structured.items.map((item: { sku: string }) => [item.sku, item]));
    expect(bySku['MAT-2']).toMatchObject({ action: 'update', changed_fields: ['UnitCost'] });
    expect(bySku['MAT-3']).toMatchObject({ action: 'update', changed_fields: ['ExternalIdentifier'] });
    expect(bySku['MAT-4']).toMatchObject({ action: 'deactivate', changed_fields: ['Active'] });
    expect(dry.structured.warnings.join('\n')).toMatch(/material_library_master\.csv:7: missing sku/);
    expect(fake.requests.count({ method: 'POST' }) + fake.requests.count({ method: 'PUT' })).toBe(0);
  });

  it('applies the plan, deactivates instead of deleting, and a re-run costs zero writes', async () => {
    const dry = await callToCompletion(session.client, 'sync_innergy_material_library', {});
    const applied = await callToCompletion(session.client, 'sync_innergy_material_library', { dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured).toMatchObject({ status: 'succeeded', new: 1, updated: 2, inactive: 1, failed: 0 });
    const handle = fake.state.materials.find((m) => m.Sku === 'MAT-4')!;
    expect(handle.Active).toBe(false);
    expect(fake.state.materials).toHaveLength(5);
    expect(fake.requests.count({ method: 'DELETE' })).toBe(0);

    fake.requests.clear();
    const again = await callToCompletion(session.client, 'sync_innergy_material_library', { dry_run: false });
    expect(again.structured).toMatchObject({ new: 0, updated: 0, inactive: 0, unchanged: 5, failed: 0 });
    expect(fake.requests.count({ method: 'POST' }) + fake.requests.count({ method: 'PUT' })).toBe(0);
  });

  it('refuses a plan made before the master changed', async () => {
    const dry = await callToCompletion(session.client, 'sync_innergy_material_library', {});
    fs.appendFileSync(ws.materialLibrary, 'MAT-9,New one,Panels,EA,1,Y\n');
    const applied = await callToCompletion(session.client, 'sync_innergy_material_library', { dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.isError).toBe(true);
    expect(applied.structured.error).toMatchObject({ kind: 'stale_plan' });
  });

  it('writes an import-ready CSV in csv mode instead of calling the write API', async () => {
    const result = await callToCompletion(session.client, 'sync_innergy_material_library', { mode: 'csv', dry_run: false });
    expect(result.structured).toMatchObject({ status: 'succeeded', mode: 'csv', new: 1, updated: 2, inactive: 1 });
    const csv = fs.readFileSync(result.structured.csv_file, 'utf8').trim().split(/\r?\n/);
    expect(csv[0]).toBe('Sku,Name,Category,Unit,UnitCost,CurrencyCode,Active,ExternalIdentifier,Action');
    expect(csv).toHaveLength(5);
    expect(csv.find((line) => line.startsWith('MAT-2,'))).toBe('MAT-2,Birch panel,Panels,EA,1010,USD,true,MAT-2,updated');
    expect(path.dirname(result.structured.csv_file)).toBe(ws.outputDir);
    expect(fake.requests.count({ method: 'POST' }) + fake.requests.count({ method: 'PUT' })).toBe(0);
  });

  it('says which file and what to set when the master is missing', async () => {
    const result = await callTool(session.client, 'sync_innergy_material_library', { material_library: path.join(ws.dir, 'nope.csv'), wait_seconds: 10 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/nope\.csv does not exist/);
    expect(result.text).toMatch(/MATERIAL_LIBRARY_MASTER/);
  });
});
