/**
 * Every tool that reads a file, and how to hand it a hostile input. A new tool that reads files
 * joins the corpus by adding one entry here (its input shape, where the file goes, and how many good
 * records its result says it kept).
 */
import fs from 'node:fs';
import path from 'node:path';
import { canonicalProject } from '../helpers/canonical.js';
import type { Workspace } from '../helpers/workspace.js';
import { csvCorpus, jsonCorpus, type HostileInput } from './corpus.js';
import { xlsxCorpus } from './xlsx-corpus.js';

export interface FileReadingTool {
  tool: string;
  corpus: HostileInput[];
  /** Extra environment (e.g. a target that must be configured for the tool to read its input). */
  env?: Record<string, string>;
  /** Puts the input in place; returns the tool's arguments. */
  place(ws: Workspace, input: HostileInput, outside: string): Record<string, unknown>;
  /** Good records the tool kept, from its result. */
  kept?(result: Record<string, any>): number;
}

/** Writes `input` at `file` (or makes the special path) and returns the path to pass. */
export function materialise(file: string, input: HostileInput, outside: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  switch (input.special) {
    case 'directory':
      fs.mkdirSync(file, { recursive: true });
      return file;
    case 'symlink-outside': {
      const target = path.join(outside, `secret-${path.basename(file)}`);
      fs.writeFileSync(target, 'stolen,data\n');
      fs.symlinkSync(target, file);
      return file;
    }
    case 'nul-byte':
      return `${file}\0.csv`;
    case 'long-path':
      return path.join(path.dirname(file), 'a'.repeat(5000));
    case 'missing':
      return file;
    default:
      fs.writeFileSync(file, input.content!);
      return file;
  }
}

const projectRow = (job: string, name: string) => [job, name, 'Acme', 'Active', 'Design', '01/15/2024', '2024-06-30', '1000', ''];
const materialRow = (sku: string, name: string) => [sku, name, 'Sheet', 'ea', '12.50', 'Y'];
const backfillRow = (issue: string, group: string) => [issue, 'DEVU-1', 'Ops', group];
const canonical = JSON.stringify({ export_date: '2024-01-15', generated_at: '2024-01-15T00:00:00Z', projects: [canonicalProject(1), canonicalProject(2)] });

const registry = JSON.stringify({ registry: { FlowOne: 'flowone', NIAM: 'niam' } });

/** A registry mapping no product of the corpus (written into the workspace). */
function emptyRegistry(ws: Workspace): string {
  const file = path.join(ws.dir, 'data', 'registry_none.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ registry: { 'No Such Product': 'none' } }));
  return file;
}

export const FILE_READING_TOOLS: FileReadingTool[] = [
  {
    tool: 'run_ppak_export_etl',
    corpus: csvCorpus({
      header: ['Job Number', 'Job Name', 'Customer', 'Status', 'Phase', 'Start Date', 'Due Date', 'Contract Amount', 'Materials'],
      rows: Array.from({ length: 6 }, (_, i) => projectRow(`J-${i + 1}`, `Project ${i + 1}`)),
      goodRow: (value) => projectRow(`J-9${value.length}`, value),
      badRow: (value) => projectRow(value, ''),
    }),
    place: (ws, input, outside) => {
      const dir = path.join(ws.dir, 'data', 'hostile_exports');
      const file = materialise(path.join(dir, 'projects_2024-01-15.csv'), input, outside);
      const exportDir = input.special === 'nul-byte' || input.special === 'long-path' ? file : input.special === 'missing' ? path.join(dir, 'nowhere') : dir;
      return { ppak_export_dir: exportDir, output_dir: path.join(ws.dir, 'data', 'etl_out') };
    },
    kept: (result) => result.projects.written,
  },
  {
    tool: 'sync_innergy_material_library',
    corpus: csvCorpus({
      header: ['sku', 'name', 'category', 'unit', 'unit_cost', 'active'],
      rows: Array.from({ length: 6 }, (_, i) => materialRow(`M-${i + 1}`, `Panel ${i + 1}`)),
      goodRow: (value) => materialRow(`M-9${value.length}`, value),
      badRow: (value) => materialRow(value, ''),
    }),
    place: (ws, input, outside) => ({ material_library: materialise(path.join(ws.dir, 'data', 'hostile_master.csv'), input, outside), mode: 'csv', dry_run: false }),
    kept: (result) => result.new,
  },
  {
    tool: 'run_innergy_project_import',
    corpus: jsonCorpus(canonical),
    // The import reads its canonical file before it calls INNERGY; a closed port is enough.
    env: { INNERGY_API_BASE_URL: 'http://127.0.0.1:9', INNERGY_API_KEY: 'bad-input-key' },
    place: (ws, input, outside) => ({ canonical_file: materialise(path.join(ws.dir, 'data', 'hostile_canonical.json'), input, outside) }),
  },
  {
    tool: 'wpr_ingest_orders',
    corpus: xlsxCorpus(),
    place: (ws, input, outside) => ({ file: materialise(path.join(ws.dir, 'data', 'hostile', 'orders.xlsx'), input, outside), batch_id: 'corpus' }),
    kept: (result) => result.line_items,
  },
  {
    tool: 'wpr_backfill',
    corpus: xlsxCorpus(),
    // No product of the corpus is in this registry, so the apply needs no OpenProject: what is tested is the ingest.
    env: { OPENPROJECT_URL: 'http://127.0.0.1:9', OPENPROJECT_API_KEY: 'bad-input-key' },
    place: (ws, input, outside) => ({ file: materialise(path.join(ws.dir, 'data', 'hostile', 'orders.xlsx'), input, outside), batch_id: 'corpus', registry: emptyRegistry(ws) }),
    kept: (result) => result.ingest.line_items,
  },
  {
    tool: 'wpr_delta_apply',
    corpus: jsonCorpus(registry),
    env: { OPENPROJECT_URL: 'http://127.0.0.1:9', OPENPROJECT_API_KEY: 'bad-input-key' },
    place: (ws, input, outside) => ({ batch_id: 'corpus', registry: materialise(path.join(ws.dir, 'data', 'hostile_registry.json'), input, outside) }),
  },
  {
    tool: 'check_openproject_connection',
    corpus: jsonCorpus(registry),
    env: { OPENPROJECT_URL: 'http://127.0.0.1:9', OPENPROJECT_API_KEY: 'bad-input-key' },
    place: (ws, input, outside) => ({ registry: materialise(path.join(ws.dir, 'data', 'hostile_registry.json'), input, outside) }),
  },
  {
    tool: 'devrev_backfill',
    corpus: csvCorpus({
      header: ['issue_id', 'creator_user_id', 'assigned_group', 'creator_group'],
      rows: Array.from({ length: 6 }, (_, i) => backfillRow(`ISS-${i + 1}`, 'Platform')),
      goodRow: (value) => backfillRow(`ISS-9${value.length}`, value),
      badRow: (value) => [value, '', 'Ops', ''],
    }),
    // validate_only reads and checks the input without any API call; bad rows go to the rejects file.
    place: (ws, input, outside) => ({ csv: materialise(path.join(ws.dir, 'data', 'hostile_backfill.csv'), input, outside), validate_only: true }),
    kept: (result) => result.valid,
  },
  {
    tool: 'migration_health_check',
    corpus: jsonCorpus(canonical),
    place: (ws, input, outside) => ({ canonical_file: materialise(path.join(ws.dir, 'data', 'hostile_canonical.json'), input, outside) }),
  },
];
