/**
 * The ETL's outputs, byte for byte, on generated exports full of bad rows (nasty-export.ts): the
 * canonical projects and materials files (generated_at masked), the rejects file and the result
 * (counts, unmapped values, warnings, reject samples) are held to SHA-256 digests recorded from the
 * ETL before its hot path was optimised (commit ef0b8d1, which validated every project with zod),
 * re-recorded once when mixed line endings stopped merging rows (issue 8: rows ending LF in a CRLF
 * file are now read, not rejected as ragged with the next row),
 * once through the in-thread CSV parser and once through the worker thread (a file above
 * WORKER_THRESHOLD). A change that alters any output byte fails here; if the change is intended,
 * print the new digests with `GOLDEN_PRINT=1 npx vitest run tests/unit/pipelines/ppak/etl-golden.test.ts`
 * and say why in the commit.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPpakEtl, type PpakEtlInput, type PpakEtlResult } from '../../../../src/pipelines/ppak/etl.js';
import { WORKER_THRESHOLD } from '../../../../src/sources/csv/reader.js';
import { MAPPING_DIR, workspace, type Workspace } from './helpers.js';
import { nastyExport, type NastyExportOptions } from './nasty-export.js';

const DATE = '2024-01-15';

let ws: Workspace;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Digests of the outputs that must not change; generated_at and output paths are masked. */
function digests(result: PpakEtlResult): Record<string, string> {
  const mask = (file: string) => fs.readFileSync(file, 'utf8').replace(/"generated_at": "[^"]*"/, '"generated_at": "…"');
  const { outputs: _outputs, ...rest } = result;
  return {
    canonical_projects: sha256(mask(result.outputs.canonical_projects)),
    canonical_materials: sha256(mask(result.outputs.canonical_materials)),
    rejects: sha256(fs.readFileSync(result.outputs.rejects)),
    result: sha256(JSON.stringify(rest)),
  };
}

async function run(options: NastyExportOptions, extra: Partial<PpakEtlInput> = {}): Promise<{ result: PpakEtlResult; size: number }> {
  const files = nastyExport(options);
  const projects = ws.write(`projects_${DATE}.csv`, files.projects);
  ws.write(`materials_${DATE}.csv`, files.materials);
  ws.write(`work_orders_${DATE}.csv`, files.workOrders);
  const result = await runPpakEtl({ exportDir: ws.exportDir, outputDir: ws.outputDir, mappingDir: MAPPING_DIR, ...extra }, ws.ctx);
  return { result, size: fs.statSync(projects).size };
}

function expectDigests(name: string, result: PpakEtlResult, expected: Record<string, string>): void {
  const actual = digests(result);
  if (process.env.GOLDEN_PRINT === '1') process.stderr.write(`${name}: ${JSON.stringify(actual, null, 2)}\n`);
  expect(actual).toEqual(expected);
}

describe('the ETL outputs on a generated export full of bad rows', () => {
  it('are byte-identical to the reference when parsed in the calling thread (with date_range and known INNERGY ids)', async () => {
    const { result, size } = await run(
      { rows: 3000, seed: 1, openQuoteAtEnd: true },
      { dateRange: { from: '2024-01-01', to: '2024-12-31' }, knownInnergyIds: new Map([['J-5', 'innergy-5'], ['J-8', 'innergy-8']]) },
    );
    expect(size).toBeLessThan(WORKER_THRESHOLD);
    expect(result.projects.rejected).toBeGreaterThan(50);
    expect(result.projects.duplicates).toBeGreaterThan(10);
    expect(result.reject_samples[0]).toMatchObject({ file: expect.any(String), line: expect.any(Number), reason: expect.any(String) });
    expectDigests('in-thread', result, {
      canonical_projects: '6007117980373c3ca50a3848213c2f452d087c28c335b8f8710fe1510fda044d',
      canonical_materials: '7df5c5d155e1e41cd340867c69a24b4bdcca021509d628525545ad6a35583743',
      rejects: '314ba39917e2917cde7e8c9148f0643f06975a38bf6a01adf1ac9788a614aef0',
      result: 'bd6283bc01d572d36ca24ae169bf15b3f2921471e81fbc00212e1d0dde3447e3',
    });
  });

  it('are byte-identical to the reference when parsed in the worker thread (with U+0001 and U+0000 late in the file)', async () => {
    const { result, size } = await run({ rows: 100_000, seed: 2, controlCharacter: true });
    expect(size).toBeGreaterThanOrEqual(WORKER_THRESHOLD);
    expectDigests('worker', result, {
      canonical_projects: 'b8937359ad1df38a45b2823c444199f6dd48d35329ab24fc7acce8057b33728f',
      canonical_materials: '7df5c5d155e1e41cd340867c69a24b4bdcca021509d628525545ad6a35583743',
      rejects: '9b1fd2a650a5e69377f3848c51a672f6f3ec6cd93afed2b35457dbdcd7373e50',
      result: '482fbf1dbfb496bb3f36fdf932d26fa693a0016808c15096eafa50df3c300019',
    });
  });
});
