import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../../../src/schemas/json-schemas.js';
import { REPO_ROOT } from '../../helpers/workspace.js';

describe('generated JSON Schemas', () => {
  it('schemas/ matches the zod schemas (run npm run schemas when this fails)', () => {
    const dir = path.join(REPO_ROOT, 'schemas');
    const onDisk = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
    const rendered = renderJsonSchemas();
    expect(onDisk).toEqual([...rendered.keys()].sort());
    for (const [file, text] of rendered) expect(fs.readFileSync(path.join(dir, file), 'utf8'), `schemas/${file} is stale: run npm run schemas`).toBe(text);
  });

  it('the canonical projects file schema requires innergy_id and source on every project', () => {
    const schema = JSON.parse(renderJsonSchemas().get('canonical-project.schema.json')!) as { required: string[]; additionalProperties: boolean };
    expect(schema.required).toEqual(expect.arrayContaining(['ppak_job_number', 'innergy_id', 'source', 'material_skus']));
    expect(schema.additionalProperties).toBe(false);
  });
});
