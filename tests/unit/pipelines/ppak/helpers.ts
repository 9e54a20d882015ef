/**
 * Helpers for the PPak pipeline tests: a temp data root with a real AppConfig (sandboxed to it,
 * config from the repository), a run context, and writers for export files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type AppConfig } from '../../../../src/config/env.js';
import { ProgressTracker } from '../../../../src/engine/progress.js';
import { getLogger, setLogLevel } from '../../../../src/logging/logger.js';
import type { PpakEtlContext } from '../../../../src/pipelines/ppak/etl.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CONFIG_DIR = path.join(REPO, 'config');
export const MAPPING_DIR = path.join(CONFIG_DIR, 'mappings');
export const EXAMPLES_DIR = path.join(REPO, 'examples', 'ppak_exports');
export const FIXTURES_DIR = path.join(REPO, 'tests', 'fixtures', 'ppak');

/** Default headers of DESIGN §5. */
export const PROJECT_HEADER = 'Job Number,Job Name,Customer,Status,Phase,Start Date,Due Date,Contract Amount,Materials';
export const MATERIAL_HEADER = 'SKU,Description,Category,Unit,Unit Cost,Active';
export const WORK_ORDER_HEADER = 'Work Order,Job Number,Description,Quantity,Status';

export interface Workspace {
  /** The data root (real path). */
  root: string;
  exportDir: string;
  outputDir: string;
  config: AppConfig;
  ctx: PpakEtlContext;
  /** Writes a file under the export dir (text or bytes). */
  write: (name: string, content: string | Buffer) => string;
  cleanup: () => void;
}

/** A fresh data root with `exports/` and `out/`, sandboxed to it (plus `extraRoots`). */
export function workspace(options: { extraRoots?: string[]; signal?: AbortSignal } = {}): Workspace {
  setLogLevel('error');
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ppak-etl-')));
  const exportDir = path.join(root, 'exports');
  const outputDir = path.join(root, 'out');
  fs.mkdirSync(exportDir);
  const config = loadConfig({ MIGRATION_DATA_ROOTS: [root, ...(options.extraRoots ?? [])].join(':'), MIGRATION_CONFIG_DIR: CONFIG_DIR }, root);
  const ctx: PpakEtlContext = {
    config,
    logger: getLogger(),
    progress: new ProgressTracker(),
    signal: options.signal ?? new AbortController().signal,
  };
  return {
    root,
    exportDir,
    outputDir,
    config,
    ctx,
    write: (name, content) => {
      const file = path.join(exportDir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** CSV text from lines (CRLF or LF), with a trailing line end. */
export function csv(lines: string[], eol = '\n'): string {
  return `${lines.join(eol)}${eol}`;
}

/** Reads a CSV output (rejects) as rows of values; good enough for our own quoting. */
export function readRejects(file: string): string[][] {
  const text = fs.readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else value += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(value);
      value = '';
    } else if (ch === '\n') {
      row.push(value);
      rows.push(row);
      row = [];
      value = '';
    } else value += ch;
  }
  return rows;
}

/** Parses a JSON output file. */
export function readJson<T = unknown>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
