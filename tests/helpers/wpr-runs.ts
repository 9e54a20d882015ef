/**
 * Drives the WPR pipelines without MCP: a workspace (config copied, so tests can edit the registry
 * and overrides), a real ledger and run manager, an in-memory batch store, and a fake OpenProject.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/env.js';
import { Ledger } from '../../src/engine/ledger/ledger.js';
import { RunManager, type RunDefinition } from '../../src/engine/run-manager.js';
import type { RunRecord } from '../../src/engine/ledger/run-store.js';
import { getLogger, setLogLevel } from '../../src/logging/logger.js';
import { CLEANUP_TOOL, runCleanup, type CleanupInput } from '../../src/pipelines/wpr/cleanup.js';
import { BACKFILL_TOOL, DELTA_TOOL, runWprApply, type WprApplyInput } from '../../src/pipelines/wpr/delta.js';
import type { BatchStore, WprLine } from '../../src/stores/batch-store.js';
import { SqliteBatchStore } from '../../src/stores/sqlite-batch-store.js';
import { TargetRegistry } from '../../src/targets/registry.js';
import { makeWorkspace, REPO_ROOT, type Workspace } from './workspace.js';
import { MemoryBatchStore } from './wpr-lines.js';

/** A WPR test bench: workspace, ledger, runs, store. */
export interface WprBench {
  ws: Workspace;
  config: AppConfig;
  ledger: Ledger;
  runs: RunManager;
  store: BatchStore;
  targets: TargetRegistry;
  /** Writes the registry file of the workspace config. */
  registry(entries: Record<string, string>): void;
  /** Writes a file into the workspace config folder. */
  configFile(name: string, content: unknown): void;
  /** Stores a batch. */
  batch(batchId: string, lines: readonly WprLine[]): Promise<void>;
  /** Runs a duplicate cleanup to its end. */
  cleanup(input: Partial<CleanupInput>): Promise<RunRecord>;
  /** Runs a delta apply (or a backfill with `allOrders`) to its end. */
  apply(input: Partial<WprApplyInput> & { batchId: string }): Promise<RunRecord>;
  close(): Promise<void>;
}

/** Opens a bench against an OpenProject at `url` with `apiKey`. */
/** `store: 'sqlite'` uses the embedded store of the workspace's state dir (as the tools do). */
export function openWprBench(fake: { url: string; apiKey: string }, env: Record<string, string> = {}, options: { store?: 'memory' | 'sqlite' } = {}): WprBench {
  const ws = makeWorkspace();
  const configDir = path.join(ws.dir, 'config');
  fs.cpSync(path.join(REPO_ROOT, 'config'), configDir, { recursive: true });
  const config = loadConfig({ ...ws.env, MIGRATION_CONFIG_DIR: configDir, OPENPROJECT_URL: fake.url, OPENPROJECT_API_KEY: fake.apiKey, OPENPROJECT_RATE_LIMIT: '1000/s', MAX_RETRIES: '2', ...env }, ws.dir);
  const ledger = Ledger.open(config.stateDir);
  setLogLevel('warn');
  const logger = getLogger();
  const runs = new RunManager({ ledger, config, logger });
  const store: BatchStore = options.store === 'sqlite' ? SqliteBatchStore.open(config.stateDir) : new MemoryBatchStore();
  const targets = new TargetRegistry(config, logger);
  const bench: WprBench = {
    ws,
    config,
    ledger,
    runs,
    store,
    targets,
    registry: (entries) => bench.configFile('product_project_registry.json', { registry: entries }),
    configFile: (name, content) => fs.writeFileSync(path.join(configDir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2)),
    batch: async (batchId, lines) => void (await store.writeBatch({ batch_id: batchId, file: 'orders.xlsx', sheet: 'WP_Overall_Order_Report' }, lines)),
    async apply(input) {
      const full: WprApplyInput = { tool: input.allOrders ? BACKFILL_TOOL : DELTA_TOOL, dryRun: false, workers: 4, forceOrders: [], ignoreCachedIdentity: false, allOrders: false, ...input };
      const definition: RunDefinition = {
        tool: full.tool,
        args: { ...full },
        dryRun: full.dryRun,
        execute: (ctx) => runWprApply(full, ctx, { store, openproject: targets.openproject(), configDir }),
      };
      return runs.start(definition).done;
    },
    async cleanup(input) {
      const full: CleanupInput = { dryRun: true, ...input };
      return runs.start({ tool: CLEANUP_TOOL, args: { ...full }, dryRun: full.dryRun, execute: (ctx) => runCleanup(full, ctx, { openproject: targets.openproject(), configDir }) }).done;
    },
    async close() {
      await runs.shutdown();
      await store.close();
      ledger.close();
      ws.cleanup();
    },
  };
  bench.registry({ FlowOne: 'flowone' });
  return bench;
}
