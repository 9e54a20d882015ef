import { describe, expect, it } from 'vitest';
import type { CanonicalProject } from '../../../../src/sources/canonical/schema.js';
import { encodeProject, JsonBytes } from '../../../../src/pipelines/ppak/project-json.js';

function encode(project: CanonicalProject): string {
  const chunks: Buffer[] = [];
  const out = new JsonBytes((chunk) => chunks.push(Buffer.from(chunk)));
  encodeProject(out, project);
  out.emit();
  return Buffer.concat(chunks).toString('utf8');
}

function project(overrides: Partial<CanonicalProject> = {}): CanonicalProject {
  return {
    ppak_job_number: 'J-1001',
    name: 'Harbor View Condos',
    customer_name: 'Harbor View HOA',
    status: 'Active',
    phase: 'Production',
    ppak_status: 'Active',
    ppak_phase: 'Production',
    start_date: '2024-01-03',
    due_date: null,
    contract_amount: 48250,
    material_skus: ['PLY-MAPLE-075', 'HW-HINGE-35MM'],
    work_orders: [],
    innergy_id: null,
    source: { file: 'projects_2024-01-15.csv', line: 2 },
    ...overrides,
  };
}

describe('encodeProject', () => {
  it('writes the same bytes as JSON.stringify for a plain project', () => {
    expect(encode(project())).toBe(JSON.stringify(project()));
  });

  it('escapes quotes, backslashes, control characters, non-ASCII and lone surrogates exactly like JSON.stringify', () => {
    const tricky = [
      'Smith "Jr"',
      'back\\slash',
      'tab\there\r\nnewline',
      '\u0000\u001f\u007f',
      'Café Müller — 12″',
      '漢字 🎉',
      'lone \ud800 surrogate',
      '',
    ];
    for (const text of tricky) {
      const p = project({ name: text || 'x', customer_name: text, ppak_status: text, material_skus: [text || 'y', 'z'] });
      expect(encode(p), JSON.stringify(text)).toBe(JSON.stringify(p));
    }
  });

  it('writes numbers, nulls and work orders like JSON.stringify', () => {
    const amounts = [0, 0.5, 0.05, 1234.5, -12.3, 0.1 + 0.2, 1e21, 9999999999999.99, 123456789.123, null];
    for (const amount of amounts) {
      const p = project({
        contract_amount: amount,
        customer_name: null,
        status: null,
        material_skus: [],
        work_orders: [{ work_order: 'WO-1', description: 'Panels "A"', quantity: 12.5, status: null }],
        source: { file: 'p.csv', line: 1_234_567 },
      });
      expect(encode(p)).toBe(JSON.stringify(p));
    }
  });

  it('spills into a new chunk when a project does not fit the current one', () => {
    const chunks: Buffer[] = [];
    const out = new JsonBytes((chunk) => chunks.push(Buffer.from(chunk)));
    const big = project({ name: 'n'.repeat(300_000) });
    encodeProject(out, project());
    encodeProject(out, big);
    out.emit();
    expect(Buffer.concat(chunks).toString()).toBe(JSON.stringify(project()) + JSON.stringify(big));
    expect(chunks.length).toBe(2);
  });
});
