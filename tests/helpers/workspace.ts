/**
 * A throwaway workspace for tests: a temp directory holding a copy of the bundled examples
 * (PPak exports, material library), an output dir and a state dir, plus the environment a server
 * or pipeline needs to use it (data roots confined to the workspace).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN_JS = path.join(REPO_ROOT, 'dist', 'main.js');

export interface Workspace {
  dir: string;
  exportDir: string;
  outputDir: string;
  stateDir: string;
  materialLibrary: string;
  /** Environment for a server or CLI confined to this workspace (no INNERGY unless added). */
  env: Record<string, string>;
  cleanup(): void;
}

export function makeWorkspace(extraEnv: Record<string, string> = {}): Workspace {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'migration-mcp-test-')));
  const exportDir = path.join(dir, 'data', 'ppak_exports');
  const outputDir = path.join(dir, 'data', 'migration_output');
  const stateDir = path.join(dir, 'var');
  const materialLibrary = path.join(dir, 'data', 'material_library_master.csv');
  fs.mkdirSync(outputDir, { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'examples', 'ppak_exports'), exportDir, { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, 'examples', 'material_library_master.csv'), materialLibrary);
  const env: Record<string, string> = {
    MIGRATION_STATE_DIR: stateDir,
    MIGRATION_CONFIG_DIR: path.join(REPO_ROOT, 'config'),
    MIGRATION_DATA_ROOTS: dir,
    PPAK_EXPORT_DIR: exportDir,
    MIGRATION_OUTPUT_DIR: outputDir,
    MATERIAL_LIBRARY_MASTER: materialLibrary,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  return { dir, exportDir, outputDir, stateDir, materialLibrary, env, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The environment of the current process without any migration-mcp variables, plus `env`. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(MIGRATION_|INNERGY_|OPENPROJECT_|DEVREV_|INFLUX_|PPAK_|MATERIAL_|PM_DB|WAREHOUSE_DB|LOG_LEVEL|MAX_RETRIES|SNOWFLAKE_|SLACK_|SMTP_|ALERT_)/.test(key)) continue;
    base[key] = value;
  }
  return { ...base, ...env };
}
