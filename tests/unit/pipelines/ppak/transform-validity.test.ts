/**
 * The ETL writes transformProject's output without validating each project with zod (write-projects.ts):
 * this property test holds the transform to CanonicalProjectSchema over many generated rows made of
 * awkward values (bad dates, huge and odd amounts, empty and separator-only SKU lists, Unicode,
 * control characters), with and without `*` defaults in the mapping tables.
 */
import { describe, expect, it } from 'vitest';
import { CanonicalProjectSchema } from '../../../../src/sources/canonical/schema.js';
import { PROJECT_FIELDS, type ProjectField, type WorkOrderField } from '../../../../src/pipelines/ppak/columns.js';
import { ValueMapping } from '../../../../src/pipelines/ppak/mappings.js';
import {
  createTransformContext,
  projectRejectReason,
  transformProject,
  transformWorkOrder,
  workOrderRejectReason,
} from '../../../../src/pipelines/ppak/transform.js';
import { Warnings } from '../../../../src/transform/warnings.js';
import { mulberry32, type Random } from '../../../fakes/prng.js';

const AWKWARD = [
  '', ' ', '0', '-0', '1e400', '$', '$-', '(5)', '(1,234.50)', '-$5', '12,34', '99999999999999999999.99', '0.1', 'NaN', 'Infinity',
  '2024-02-30', '2024-02-29', '0999-01-01', '9999-12-31', '10000-01-01', '1/2/24', '12/31/2024 10:00', '2024-01-15T08:00:00Z', '13/45/2024',
  ';', ';;', ' ; ; ', 'PP-PLY-075', 'pp-ply-075;PP-PLY-075', 'LAM-WHT-MATTE', 'UNKNOWN-SKU; other',
  'Open', 'open ', 'In Progress', 'Install', 'Café Müller — 12″', '漢字 🎉', 'lone \ud800 surrogate', 'a"b\\c', 'tab\there', 'line\r\nbreak', '\u0000',
];

function pick(random: Random, values: readonly string[]): string {
  return values[Math.floor(random() * values.length)]!;
}

/** A value from the awkward list, or a short random string of awkward characters. */
function value(random: Random): string {
  if (random() < 0.7) return pick(random, AWKWARD);
  const alphabet = ' ;,$-.()/0123456789eE"\\\t\nAzé🎉';
  let text = '';
  for (let i = Math.floor(random() * 12); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

function mapping(name: string, withDefault: boolean): ValueMapping {
  const entries = new Map([
    ['open', 'Active'],
    ['install', 'Installation'],
    ['pp-ply-075', 'PLY-MAPLE-075'],
  ]);
  return new ValueMapping(name, entries, withDefault ? 'Fallback value' : undefined);
}

describe('transformProject output', () => {
  it('always satisfies CanonicalProjectSchema for a row that is not rejected', () => {
    const random = mulberry32(20240115);
    let checked = 0;
    for (let round = 0; round < 4000; round++) {
      const withDefault = round % 2 === 0;
      const ctx = createTransformContext(
        { status: mapping('status', withDefault), phase: mapping('phase', withDefault), material: mapping('material', round % 4 === 0) },
        new Warnings(),
        new Map([['J-1', 'innergy-1']]),
      );
      ctx.catalog.add('LAM-WHT-MATTE');
      const record = Object.fromEntries(PROJECT_FIELDS.map((field) => [field, value(random)])) as Record<ProjectField, string>;
      if (round % 3 === 0) record.job_number = 'J-1';
      const order = { work_order: value(random), job_number: 'J-1', description: value(random), quantity: value(random), status: value(random) };
      const orders = workOrderRejectReason(order as Record<WorkOrderField, string>) === undefined
        ? [transformWorkOrder(order as Record<WorkOrderField, string>, 'w.csv', 2, ctx)]
        : [];
      if (projectRejectReason(record) !== undefined) continue;
      const project = transformProject(record, 'projects_2024-01-15.csv', 1 + Math.floor(random() * 1e6), orders, ctx);
      const result = CanonicalProjectSchema.safeParse(project);
      expect(result.success, `${JSON.stringify(record)} → ${JSON.stringify(result.error?.issues)}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(3000);
  });
});
