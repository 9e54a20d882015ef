/**
 * Runs: every long-running tool call becomes a durable run recorded in the ledger. The run
 * continues in this process after the tool call returns (`wait_seconds`), reports progress,
 * can be cancelled, and — if the process dies — is marked `interrupted` at the next start and
 * continued by `resume`.
 *
 * A run is described by a RunDefinition (what to execute); tools build definitions through
 * RunFactories registered by tool name, so a resume can rebuild one from the stored arguments.
 */
import os from 'node:os';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import { CancelledError, MigrationError, NotFoundError, ValidationError } from './errors.js';
import type { Ledger } from './ledger/ledger.js';
import type { RunError, RunFilter, RunRecord, RunStatus } from './ledger/run-store.js';
import { JobLocks, isProcessAlive, type Lease } from './lock.js';
import { ProgressTracker } from './progress.js';
import { renderResultMarkdown, writeRunReport } from './reports.js';
import type { RunContext } from './run-context.js';
import type { RunDefinition, RunFactory } from './run-definition.js';
import { classifyFailure, SHUTDOWN } from './run-failure.js';
import { newRunId } from './run-id.js';
import { raceTimeout } from './wait.js';

export type { RunDefinition, RunFactory, RunOutcome } from './run-definition.js';

interface ActiveRun {
  runId: string;
  progress: ProgressTracker;
  abort: AbortController;
  done: Promise<RunRecord>;
}

export interface RunManagerDeps {
  ledger: Ledger;
  config: AppConfig;
  logger: Logger;
  /** How a finished run's result is shown to callers (and written into its report). @default its stored result */
  resultView?: (run: RunRecord) => Record<string, unknown>;
}

/** What a finished-run listener is told (metrics, alerts). */
export interface FinishedRun {
  run: RunRecord;
  /** Seconds this attempt took. */
  durationSeconds: number;
}

export class RunManager {
  private readonly active = new Map<string, ActiveRun>();
  private readonly factories = new Map<string, RunFactory>();
  private readonly finishedListeners = new Set<(event: FinishedRun) => void>();
  private readonly locks: JobLocks;

  constructor(private readonly deps: RunManagerDeps) {
    this.locks = new JobLocks(deps.ledger);
  }

  /** Registers how to rebuild runs of a tool (needed by resume). */
  registerFactory(tool: string, factory: RunFactory): void {
    this.factories.set(tool, factory);
  }

  /** Tools whose runs this manager can start again (resume). */
  knownTools(): string[] {
    return [...this.factories.keys()];
  }

  /** Calls `listener` after every attempt of a run ends (its record is final); returns an unsubscribe. */
  onFinished(listener: (event: FinishedRun) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  /** Recent runs, newest first. */
  list(filter: RunFilter = {}): RunRecord[] {
    return this.deps.ledger.runs.list(filter);
  }

  /**
   * Marks `running` runs whose process is gone as `interrupted`. Called at start-up: a server
   * restart leaves resumable runs, never phantom "running" ones. Returns how many were marked.
   */
  recoverOrphans(): number {
    let marked = 0;
    for (const run of this.deps.ledger.runs.listRunning()) if (this.interruptIfOrphaned(run)) marked += 1;
    if (marked) this.deps.logger.warn(`Marked ${marked} unfinished run(s) from a previous process as interrupted.`);
    return marked;
  }

  /**
   * Marks a `running` run `interrupted` when its owner is gone: on this host, its process is dead
   * (or is this process, which does not run it) or its lock heartbeat is stale (pid reused); on
   * another host, it holds no live lock. Returns whether it did.
   */
  private interruptIfOrphaned(run: RunRecord): boolean {
    if (run.status !== 'running' || this.active.has(run.run_id)) return false;
    const gone =
      run.owner_host === os.hostname()
        ? run.owner_pid === process.pid || run.owner_pid === null || !isProcessAlive(run.owner_pid) || this.locks.isAbandoned(run.run_id, { missingLock: false })
        : this.locks.isAbandoned(run.run_id, { missingLock: true });
    if (!gone) return false;
    this.deps.ledger.transaction(() => {
      this.deps.ledger.runs.markInterrupted(run.run_id, {
        kind: 'interrupted',
        message: `The process running this run (pid ${run.owner_pid} on ${run.owner_host}) stopped before it finished.`,
        action: `Continue it with resume_run {"run_id": "${run.run_id}"}.`,
      });
      this.deps.ledger.locks.releaseRun(run.run_id);
    });
    return true;
  }

  /** Starts a new run; throws BusyError when another run holds one of its jobs. */
  start(definition: RunDefinition): ActiveRun {
    const runId = newRunId();
    this.deps.ledger.runs.create({
      run_id: runId,
      tool: definition.tool,
      dry_run: definition.dryRun,
      args: definition.args,
      owner_pid: process.pid,
      owner_host: os.hostname(),
    });
    try {
      return this.launch(runId, definition, false);
    } catch (error) {
      this.deps.ledger.runs.delete(runId);
      throw error;
    }
  }

  /** Continues an interrupted, cancelled or failed run under the same run id. */
  resume(runId: string): ActiveRun {
    const run = this.get(runId);
    if (this.active.has(runId)) {
      throw new ValidationError(`Run ${runId} is still finishing in this server.`, { action: 'Wait for it with get_run, then resume it if it did not succeed.' });
    }
    if (run.status === 'running') {
      throw new ValidationError(`Run ${runId} is still running.`, { action: 'Poll it with get_run, or cancel it with cancel_run first.' });
    }
    if (run.status === 'succeeded') {
      throw new ValidationError(`Run ${runId} already succeeded; there is nothing to resume.`, {
        action: 'Call the tool again to start a new run (unchanged records cost no writes).',
      });
    }
    if (run.error?.kind === 'stale_plan') {
      throw new ValidationError(`Run ${runId} stopped because its plan was stale; resuming it would apply a plan nobody reviewed.`, {
        action: `Run the dry run of ${run.tool} again and apply the new plan_id.`,
      });
    }
    const factory = this.factories.get(run.tool);
    if (!factory) throw new ValidationError(`Runs of ${run.tool} cannot be resumed by this server.`, { action: `Enable the toolset that provides ${run.tool}.` });
    const definition = factory(run.args);
    if (!this.deps.ledger.runs.reopen(runId, { pid: process.pid, host: os.hostname() })) {
      throw new ValidationError(`Run ${runId} was resumed by another process just now.`, { action: 'Follow it with get_run.' });
    }
    try {
      return this.launch(runId, definition, true);
    } catch (error) {
      this.deps.ledger.runs.finish(runId, { status: run.status as Exclude<RunStatus, 'running'>, result: run.result, error: run.error });
      throw error;
    }
  }

  private launch(runId: string, definition: RunDefinition, resume: boolean): ActiveRun {
    const lease = this.locks.acquire(definition.jobs ?? [definition.tool], runId);
    const progress = new ProgressTracker();
    const abort = new AbortController();
    let lastSaved = 0;
    progress.onUpdate((snapshot) => {
      if (Date.now() - lastSaved < 1000) return;
      lastSaved = Date.now();
      this.deps.ledger.runs.setProgress(runId, { ...snapshot });
    });
    const logger = this.deps.logger.child({ run_id: runId, tool: definition.tool });
    const ctx: RunContext = { runId, signal: abort.signal, progress, logger, config: this.deps.config, ledger: this.deps.ledger, resume };
    logger.info(`${resume ? 'Resuming' : 'Starting'} ${definition.dryRun ? 'dry run' : 'run'} of ${definition.tool}`);
    const activeRun: ActiveRun = { runId, progress, abort, done: Promise.resolve(undefined as unknown as RunRecord) };
    activeRun.done = this.execute(runId, definition, ctx, lease).finally(() => {
      lease.release();
      if (this.active.get(runId) === activeRun) this.active.delete(runId);
    });
    this.active.set(runId, activeRun);
    return activeRun;
  }

  private async execute(runId: string, definition: RunDefinition, ctx: RunContext, lease: Lease): Promise<RunRecord> {
    const startedAt = Date.now();
    let status: Exclude<RunStatus, 'running'>;
    let result: Record<string, unknown> | null = null;
    let error: RunError | null = null;
    let markdown = '';
    try {
      const outcome = await definition.execute(ctx);
      status = 'succeeded';
      if (outcome.failure !== undefined) ({ status, error } = classifyFailure(outcome.failure, ctx.signal));
      if (outcome.planId !== undefined) this.deps.ledger.runs.setPlan(runId, outcome.planId);
      result = { ...outcome.result, next_action: outcome.nextAction };
      markdown = outcome.markdown ?? renderResultMarkdown(outcome.result);
    } catch (caught) {
      ({ status, error } = classifyFailure(caught, ctx.signal));
      if (error.kind === 'internal') ctx.logger.error(`Run failed with an unexpected error: ${(caught as Error)?.stack ?? String(caught)}`);
      else ctx.logger.warn(`Run ended ${status}: ${error.message}`);
    }
    ctx.progress.flush();
    const progress = { ...ctx.progress.snapshot() };
    // The report is written first; then the outcome is recorded and the locks released in one
    // transaction, so no other process can resume the run while this attempt is still finishing.
    const finishedAt = new Date().toISOString();
    const final: RunRecord = { ...this.get(runId), status, result, error, progress, finished_at: finishedAt, updated_at: finishedAt };
    let paths: { json: string; markdown: string } | undefined;
    try {
      const outputDir = definition.outputDir ?? this.deps.config.outputDir;
      paths = await writeRunReport(this.deps.config.sandbox, outputDir, final, this.deps.resultView?.(final) ?? final.result ?? {}, markdown);
    } catch (reportError) {
      ctx.logger.error(`Could not write the report of run ${runId}: ${(reportError as Error).message}`);
    }
    this.deps.ledger.transaction(() => {
      this.deps.ledger.runs.finish(runId, { status, result, error, progress });
      if (paths) this.deps.ledger.runs.setReports(runId, paths.json, paths.markdown);
      lease.release();
    });
    ctx.logger.info(`Run ${runId} ${status}`);
    const record = this.get(runId);
    for (const listener of this.finishedListeners) {
      try {
        listener({ run: record, durationSeconds: (Date.now() - startedAt) / 1000 });
      } catch (error) {
        ctx.logger.warn(`A run-finished listener failed: ${(error as Error).message}`);
      }
    }
    return record;
  }

  /** The run record; throws NotFoundError for an unknown id. */
  get(runId: string): RunRecord {
    const run = this.deps.ledger.runs.get(runId);
    if (!run) throw new NotFoundError(`There is no run ${runId}.`, { action: 'Check the run_id; list_runs shows recent runs.' });
    return this.interruptIfOrphaned(run) ? this.deps.ledger.runs.get(runId)! : run;
  }

  /** Live progress of a run in this process, else the last saved progress. */
  progressOf(runId: string): Record<string, unknown> | null {
    const activeRun = this.active.get(runId);
    return activeRun ? { ...activeRun.progress.snapshot() } : this.get(runId).progress;
  }

  /** The progress tracker of a run active in this process (for live notifications). */
  tracker(runId: string): ProgressTracker | undefined {
    return this.active.get(runId)?.progress;
  }

  /**
   * Waits up to `timeoutMs` for a run to finish; returns its record either way. Runs of other
   * processes are polled in the ledger. An aborted `signal` stops waiting (not the run).
   */
  async wait(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<RunRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const activeRun = this.active.get(runId);
      const remaining = deadline - Date.now();
      if (activeRun) {
        if (remaining <= 0) return this.get(runId);
        const finished = await raceTimeout(activeRun.done, remaining, signal);
        if (finished || signal?.aborted) return this.get(runId);
        continue;
      }
      const run = this.get(runId);
      if (run.status !== 'running' || remaining <= 0 || signal?.aborted) return run;
      await raceTimeout(new Promise<never>(() => {}), Math.min(500, remaining), signal);
    }
  }

  /** Asks a run to stop; it ends `cancelled` and stays resumable. */
  cancel(runId: string): RunRecord {
    const run = this.get(runId);
    const activeRun = this.active.get(runId);
    if (activeRun) activeRun.abort.abort(new CancelledError('The run was cancelled by the operator.'));
    else if (run.status === 'running') {
      throw new ValidationError(`Run ${runId} is running in another process (pid ${run.owner_pid}).`, {
        action: 'Cancel it from the server that runs it, or stop that process; the run will then be marked interrupted.',
      });
    }
    return this.get(runId);
  }

  /** Whether a run is executing in this process. */
  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Interrupts every active run (server shutdown) and waits for them to record it. */
  async shutdown(timeoutMs = 5000): Promise<void> {
    const runs = [...this.active.values()];
    for (const run of runs) run.abort.abort(SHUTDOWN);
    await Promise.race([Promise.allSettled(runs.map((run) => run.done)), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
}
