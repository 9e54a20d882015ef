/**
 * The application's shared dependencies, built once per process (see app.ts) and handed to every
 * server instance and tool: configuration, the ledger, the run manager, the target registry and
 * the logger. A leaf module (types only), so tools and the server depend on it without cycles.
 */
import type { AppConfig } from './config/env.js';
import type { Ledger } from './engine/ledger/ledger.js';
import type { RunManager } from './engine/run-manager.js';
import type { Logger } from './logging/logger.js';
import type { TargetRegistry } from './targets/registry.js';

export interface AppDeps {
  config: AppConfig;
  ledger: Ledger;
  runs: RunManager;
  targets: TargetRegistry;
  logger: Logger;
}
