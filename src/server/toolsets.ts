/**
 * Toolsets, described as data: which tools an operator exposes with MIGRATION_TOOLSETS, and the
 * read-only filter (MIGRATION_READ_ONLY=1), which wins over everything.
 */
import type { AppConfig } from '../config/env.js';
import { ConfigError } from '../engine/errors.js';
import { isWritingTool, type ToolDefinition, type ToolsetId } from '../tools/tool-definition.js';

export interface Toolset {
  id: ToolsetId;
  description: string;
}

export const TOOLSETS: readonly Toolset[] = [
  { id: 'ppak', description: 'PPak CSV exports → canonical project and material files (ETL).' },
  { id: 'innergy', description: 'INNERGY: material library sync, project import, health check, full migration cycle.' },
  { id: 'wpr', description: 'WPR Excel order reports → a batch store (wpr_ingest_orders) → OpenProject epics and stories: delta apply, backfill, duplicate cleanup, connection check.' },
  { id: 'devrev', description: 'DevRev: creator-group backfill from CSV or Snowflake, connection check.' },
  { id: 'acc', description: 'ACC issues → warehouse dim.issue: gap report and set-based backfill (SQL Server or PostgreSQL).' },
  { id: 'runs', description: 'Run records: list, get, cancel, resume, reset checkpoints, explain a record. Always enabled.' },
];

/** The tools to expose under this configuration. Throws ConfigError for an unknown toolset id. */
export function selectTools<T extends Pick<ToolDefinition, 'name' | 'toolset' | 'annotations'>>(tools: readonly T[], config: Pick<AppConfig, 'toolsets' | 'readOnly'>): T[] {
  const known = new Set(TOOLSETS.map((t) => t.id as string));
  let enabled: Set<string>;
  if (config.toolsets === 'all') enabled = known;
  else {
    const unknown = config.toolsets.filter((id) => id !== 'all' && !known.has(id));
    if (unknown.length) {
      throw new ConfigError(`MIGRATION_TOOLSETS names unknown toolset(s): ${unknown.join(', ')}.`, {
        action: `Use a comma-separated list of: ${[...known].join(', ')} (or leave it unset for all).`,
      });
    }
    enabled = config.toolsets.includes('all') ? known : new Set([...config.toolsets, 'runs']);
  }
  return tools.filter((tool) => enabled.has(tool.toolset) && !(config.readOnly && isWritingTool(tool)));
}
