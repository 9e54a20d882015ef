import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/engine/ledger/run-store.js';
import { PathSandbox } from '../../../src/config/sandbox.js';
import { renderResultMarkdown, writeRunReport } from '../../../src/engine/reports.js';
import { clearSecrets, registerSecret } from '../../../src/logging/redact.js';
import { makeTempDir } from './helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  clearSecrets();
  tmp.cleanup();
});

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    run_id: 'r-20261123-101112-abcdef',
    tool: 'run_innergy_project_import',
    status: 'succeeded',
    dry_run: true,
    args: { canonical_file: '/data/canonical_projects_2024-01-15.json' },
    plan_id: 'p-1',
    started_at: '2026-11-23T10:11:12.000Z',
    updated_at: '2026-11-23T10:11:20.000Z',
    finished_at: '2026-11-23T10:11:20.000Z',
    progress: { phase: 'writing', done: 3, total: 3 },
    result: { created: 3 },
    error: null,
    report_json: '/old/path.json',
    report_md: '/old/path.md',
    owner_pid: 42,
    owner_host: 'host',
    attempts: 1,
    ...overrides,
  };
}

describe('writeRunReport', () => {
  it('writes reports/<run_id>.json and .md under the output dir and returns their paths', async () => {
    const out = path.join(tmp.dir, 'out');
    const paths = await writeRunReport(new PathSandbox([tmp.dir]), out, run(), { run_id: 'r-20261123-101112-abcdef', created: 3, next_action: 'Apply the plan.' }, '## Summary\n\n| created | 3 |');
    expect(paths).toEqual({ json: path.join(out, 'reports', 'r-20261123-101112-abcdef.json'), markdown: path.join(out, 'reports', 'r-20261123-101112-abcdef.md') });
    const json = JSON.parse(fs.readFileSync(paths.json, 'utf8'));
    expect(json.result).toEqual({ run_id: 'r-20261123-101112-abcdef', created: 3, next_action: 'Apply the plan.' });
    expect(json.run).toMatchObject({ run_id: 'r-20261123-101112-abcdef', tool: 'run_innergy_project_import', status: 'succeeded', plan_id: 'p-1', attempts: 1 });
    expect(json.run).not.toHaveProperty('result');
    expect(json.run).not.toHaveProperty('report_json');
    expect(json.run).not.toHaveProperty('report_md');
  });

  it('the Markdown report has the header table, the body and the next action', async () => {
    const paths = await writeRunReport(new PathSandbox([tmp.dir]), tmp.dir, run(), { next_action: 'Apply the plan.' }, '## Summary\n\nbody text');
    const md = fs.readFileSync(paths.markdown, 'utf8');
    expect(md.startsWith('# run_innergy_project_import — r-20261123-101112-abcdef\n')).toBe(true);
    expect(md).toContain('| status | succeeded |');
    expect(md).toContain('| dry run | yes (nothing was written to the target) |');
    expect(md).toContain('| plan id | p-1 |');
    expect(md).toContain('body text');
    expect(md).toContain('## Next action\n\nApply the plan.');
    expect(md).not.toContain('## Error');
  });

  it('the Markdown report of a failed run shows the error and what to do', async () => {
    const failed = run({ status: 'failed', dry_run: false, plan_id: null, error: { kind: 'auth', message: 'INNERGY answered 401.', action: 'Check INNERGY_API_KEY.' } });
    const md = fs.readFileSync((await writeRunReport(new PathSandbox([tmp.dir]), tmp.dir, failed, {}, '')).markdown, 'utf8');
    expect(md).toContain('| dry run | no |');
    expect(md).toContain('| plan id | – |');
    expect(md).toContain('## Error\n\nINNERGY answered 401.\n\n**What to do:** Check INNERGY_API_KEY.');
  });

  it('redacts secrets from both reports', async () => {
    registerSecret('sk-live-9f8e7d6c5b');
    const leaky = run({ args: { note: 'key sk-live-9f8e7d6c5b' }, error: { kind: 'terminal', message: 'GET https://user:hunter22@host/x failed', action: 'Authorization: Bearer abc.def' } });
    const paths = await writeRunReport(new PathSandbox([tmp.dir]), tmp.dir, leaky, { sample: ['Api-Key: sk-live-9f8e7d6c5b'] }, 'body with sk-live-9f8e7d6c5b');
    for (const file of [paths.json, paths.markdown]) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text).not.toContain('sk-live-9f8e7d6c5b');
      expect(text).not.toContain('hunter22');
      expect(text).not.toContain('abc.def');
    }
  });

  it('overwrites the report of the same run (a resumed run)', async () => {
    await writeRunReport(new PathSandbox([tmp.dir]), tmp.dir, run({ status: 'interrupted' }), {}, '');
    const paths = await writeRunReport(new PathSandbox([tmp.dir]), tmp.dir, run({ status: 'succeeded', attempts: 2 }), {}, '');
    expect(JSON.parse(fs.readFileSync(paths.json, 'utf8')).run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(fs.readdirSync(path.join(tmp.dir, 'reports')).sort()).toEqual(['r-20261123-101112-abcdef.json', 'r-20261123-101112-abcdef.md']);
  });
});

describe('renderResultMarkdown', () => {
  it('renders scalars as a summary table and leaves out the common keys', () => {
    const md = renderResultMarkdown({ run_id: 'r', status: 'succeeded', dry_run: true, plan_id: 'p', report_uri: 'u', next_action: 'n', created: 3, note: null });
    expect(md).toBe('## Summary\n\n| key | value |\n|---|---|\n| created | 3 |\n| note | null |\n');
  });

  it('renders objects as tables and arrays as bounded lists of samples', () => {
    const md = renderResultMarkdown({ projects: { read: 10, written: 9 }, failures: Array.from({ length: 30 }, (_, i) => ({ key: `J-${i}` })) });
    expect(md).toContain('## projects\n\n| key | value |\n|---|---|\n| read | 10 |\n| written | 9 |');
    expect(md).toContain('- {"key":"J-0"}');
    expect(md).toContain('- {"key":"J-19"}');
    expect(md).not.toContain('J-20');
  });

  it('skips empty arrays and objects, undefined values and the keys it is told to skip', () => {
    expect(renderResultMarkdown({ warnings: [], unmapped: {}, missing: undefined, api: { calls: 3 } }, ['api'])).toBe('');
  });

  it('lists strings as they are', () => {
    expect(renderResultMarkdown({ warnings: ['first', 'second'] })).toBe('## warnings\n\n- first\n- second\n');
  });

  it('refuses a reports folder that is a symlink leading outside the data roots, and writes nothing there', async () => {
    const outside = makeTempDir('outside-');
    try {
      const out = path.join(tmp.dir, 'out');
      fs.mkdirSync(out, { recursive: true });
      fs.symlinkSync(outside.dir, path.join(out, 'reports'));
      await expect(writeRunReport(new PathSandbox([tmp.dir]), out, run(), {}, '')).rejects.toMatchObject({ kind: 'outside_data_root' });
      expect(fs.readdirSync(outside.dir)).toEqual([]);
    } finally {
      outside.cleanup();
    }
  });
});
