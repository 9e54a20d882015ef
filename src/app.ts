/**
 * The application's shared dependencies, built once per process and handed to every server
 * instance (stdio, each HTTP session, the CLI's in-process client): configuration, the ledger,
 * the run manager and the logger. No MCP here.
 */
import type { AppConfig } from './config/env.js';
import { Ledger } from './engine/ledger/ledger.js';
import { RunManager } from './engine/runs.js';
import { getLogger, setLogLevel, type Logger } from './logging/logger.js';
import { selectTools } from './server/toolsets.js';
import { ALL_TOOLS } from './tools/index.js';

export interface AppDeps {
  config: AppConfig;
  ledger: Ledger;
  runs: RunManager;
  logger: Logger;
}

/** Opens the ledger, recovers orphaned runs and registers the run factories of the exposed tools. */
export function createApp(config: AppConfig, logger: Logger = getLogger()): AppDeps {
  setLogLevel(config.logLevel);
  const tools = selectTools(ALL_TOOLS, config); // a bad MIGRATION_TOOLSETS fails before anything opens
  const ledger = Ledger.open(config.stateDir);
  const runs = new RunManager({ ledger, config, logger });
  const deps: AppDeps = { config, ledger, runs, logger };
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
