/**
 * What a pipeline receives while it runs: its run id, a cancellation signal, progress, logger,
 * configuration and the ledger. Pipelines take only the parts they need (`Pick<RunContext, …>`),
 * so a script or test can drive one without a server.
 */
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import type { Ledger } from './ledger/ledger.js';
import type { ProgressTracker } from './progress.js';

export interface RunContext {
  runId: string;
  /** Aborted by cancel_run, MCP cancellation or Ctrl-C; pipelines check it between records. */
  signal: AbortSignal;
  progress: ProgressTracker;
  logger: Logger;
  config: AppConfig;
  ledger: Ledger;
  /** True when this execution continues an interrupted run (resume_run / resume: true). */
  resume: boolean;
}
