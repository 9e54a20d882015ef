import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/engine/errors.js';
import { loadPpakColumns, parsePpakColumns } from '../../../../src/pipelines/ppak/columns.js';
import { CONFIG_DIR } from './helpers.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadPpakColumns', () => {
  it('loads the repository column map with the default headers and realistic variants', async () => {
    const columns = await loadPpakColumns(CONFIG_DIR);
    expect(columns.projects.required).toEqual(['job_number', 'job_name']);
    expect(columns.projects.aliases.job_number).toEqual(expect.arrayContaining(['Job Number', 'Job #', 'Job No']));
    expect(columns.projects.aliases.contract_amount).toContain('Contract Amt');
    expect(columns.materials.aliases.unit_cost).toContain('Unit Cost ($)');
    expect(columns.work_orders.required).toEqual(['work_order', 'job_number']);
  });

  it('is a ConfigError naming the file when it is missing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppak-cols-'));
    await expect(loadPpakColumns(dir)).rejects.toThrow(/ppak_columns\.json/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('parsePpakColumns', () => {
  const valid = { projects: { job_number: ['Job'], job_name: ['Name'] }, materials: { sku: ['SKU'] }, work_orders: { work_order: ['WO'], job_number: ['Job'] } };

  it('accepts a minimal map and gives absent optional fields no aliases', () => {
    const columns = parsePpakColumns(JSON.stringify(valid), 'cols.json');
    expect(columns.projects.aliases.status).toEqual([]);
  });

  it('names the line of a JSON syntax error', () => {
    const error = configError(() => parsePpakColumns('{\n  "projects": {\n    "job_number": ["Job",]\n  }\n}', 'cols.json'));
    expect(error.message).toMatch(/cols\.json is not valid JSON \(line 3/);
  });

  it('names the key of an invalid value', () => {
    const bad = { ...valid, projects: { ...valid.projects, status: 'Status' } };
    const error = configError(() => parsePpakColumns(JSON.stringify(bad), 'cols.json'));
    expect(error.message).toContain("'projects.status' is invalid");
  });

  it('names a missing required field and an unknown field', () => {
    expect(configError(() => parsePpakColumns(JSON.stringify({ ...valid, materials: {} }), 'c.json')).message).toContain("'materials.sku'");
    const typo = { ...valid, projects: { ...valid.projects, job_nmber: ['x'] } };
    expect(configError(() => parsePpakColumns(JSON.stringify(typo), 'c.json')).message).toContain("'projects'");
  });

  it('refuses a header name given to two fields of one export', () => {
    const clash = { ...valid, projects: { job_number: ['Job'], job_name: ['job'] } };
    expect(configError(() => parsePpakColumns(JSON.stringify(clash), 'c.json')).message).toMatch(/in 'projects'.*'job'/);
  });
});
