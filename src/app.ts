/**
 * Builds the application once per process (stdio, each HTTP session and the CLI's in-process client
 * share it): opens the ledger, prunes what its retention allows, builds the target registry and the
 * run manager, registers the run factories of the exposed tools and recovers orphaned runs. No MCP here.
 */
import type { AppDeps } from './app-deps.js';
import type { AppConfig } from './config/env.js';
import { pruneLedger } from './engine/housekeeping.js';
import { Ledger } from './engine/ledger/ledger.js';
import { RunManager } from './engine/run-manager.js';
import { getLogger, setLogLevel, type Logger } from './logging/logger.js';
import { metrics, recordRunMetrics } from './metrics/index.js';
import { selectTools } from './server/toolsets.js';
import { TargetRegistry } from './targets/registry.js';
import { ALL_TOOLS } from './tools/index.js';
import { composeResult } from './tools/run-result.js';

export type { AppDeps } from './app-deps.js';

/** Opens the ledger, prunes it, recovers orphaned runs and registers the run factories of the exposed tools. */
export function createApp(config: AppConfig, logger: Logger = getLogger()): AppDeps {
  setLogLevel(config.logLevel);
  const tools = selectTools(ALL_TOOLS, config); // a bad MIGRATION_TOOLSETS fails before anything opens
  const ledger = Ledger.open(config.stateDir);
  const targets = new TargetRegistry(config, logger);
  targets.claimUnscopedIdentities(ledger);
  const pruned = pruneLedger(ledger, config.retentionDays, { dryRun: false });
  if (pruned.plan_items || pruned.intents) {
    logger.info(`Ledger retention (${config.retentionDays} days): pruned ${pruned.plan_items} plan items and ${pruned.intents} intents of ${pruned.runs} finished runs.`);
  }
  const runs: RunManager = new RunManager({ ledger, config, logger, resultView: (run) => composeResult(runs, run) });
  recordRunMetrics(runs, metrics()); // also starts the HTTP metrics of every target client
  const deps: AppDeps = { config, ledger, runs, targets, logger };
  for (const tool of tools) {
    if (tool.runFactory) runs.registerFactory(tool.name, tool.runFactory(deps));
  }
  runs.recoverOrphans();
  return deps;
}

/** Interrupts active runs (they stay resumable) and closes the ledger. */
export async function closeApp(deps: AppDeps): Promise<void> {
  await deps.runs.shutdown();
  deps.ledger.close();
}
