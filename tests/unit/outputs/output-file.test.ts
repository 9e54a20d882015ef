import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CanonicalProjectsFileSchema, type CanonicalProject } from '../../../src/sources/canonical/schema.js';
import { OutputFile } from '../../../src/outputs/output-file.js';
import { CanonicalJsonWriter } from '../../../src/pipelines/ppak/canonical-json-writer.js';
import { encodeProject } from '../../../src/pipelines/ppak/project-json.js';
import { workspace, type Workspace } from '../pipelines/ppak/helpers.js';

let ws: Workspace;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

const project = (i: number): CanonicalProject => ({
  ppak_job_number: `J-${i}`,
  name: `Project ${i}`,
  customer_name: null,
  status: null,
  phase: null,
  ppak_status: null,
  ppak_phase: null,
  start_date: null,
  due_date: null,
  contract_amount: null,
  material_skus: [],
  work_orders: [],
  innergy_id: null,
  source: { file: 'projects_2024-01-15.csv', line: i + 1 },
});

describe('OutputFile', () => {
  it('writes to a temporary file and puts it in place only on commit', async () => {
    const target = path.join(ws.outputDir, 'a.txt');
    const out = await OutputFile.create(target, 8);
    out.append('hello ');
    out.append(Buffer.from('world'));
    await out.flushIfFull();
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.existsSync(out.tempFile)).toBe(true);
    await out.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('hello world');
    expect(fs.readdirSync(ws.outputDir)).toEqual(['a.txt']);
  });

  it('removes its temporary file on abort and leaves an existing target untouched', async () => {
    const target = path.join(ws.outputDir, 'a.txt');
    fs.mkdirSync(ws.outputDir, { recursive: true });
    fs.writeFileSync(target, 'previous');
    const out = await OutputFile.create(target);
    out.append('half');
    await out.flush();
    await out.abort();
    await out.abort();
    expect(fs.readdirSync(ws.outputDir)).toEqual(['a.txt']);
    expect(fs.readFileSync(target, 'utf8')).toBe('previous');
  });
});

describe('CanonicalJsonWriter', () => {
  it('streams a canonical file, one record per line, that parses and validates', async () => {
    const target = path.join(ws.outputDir, 'canonical_projects_2024-01-15.json');
    const out = await OutputFile.create(target, 1024);
    const writer = new CanonicalJsonWriter<CanonicalProject>(out, 'projects', { export_date: '2024-01-15', generated_at: '2024-01-16T00:00:00.000Z' }, encodeProject);
    for (let i = 1; i <= 3000; i++) {
      writer.add(project(i));
      await out.flushIfFull();
    }
    writer.close();
    await out.commit();
    const text = fs.readFileSync(target, 'utf8');
    const parsed = CanonicalProjectsFileSchema.parse(JSON.parse(text));
    expect(parsed.projects).toHaveLength(3000);
    expect(parsed.projects[2999]).toEqual(project(3000));
    expect(text.split('\n')[4]).toBe(`    ${JSON.stringify(project(1))},`);
    expect(writer.written).toBe(3000);
  });

  it('writes an empty array when there are no records', async () => {
    const target = path.join(ws.outputDir, 'canonical_materials_2024-01-15.json');
    const out = await OutputFile.create(target);
    const writer = new CanonicalJsonWriter(out, 'materials', { export_date: '2024-01-15', generated_at: 'now' });
    writer.close();
    await out.commit();
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toEqual({ export_date: '2024-01-15', generated_at: 'now', materials: [] });
  });
});
