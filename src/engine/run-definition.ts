/**
 * What a run is: a RunDefinition says what to execute (a tool's pipeline over stored arguments);
 * tools build definitions through RunFactories registered by tool name, so a resume can rebuild one
 * from the arguments stored with the run. A RunOutcome is what the execution produced.
 */
import type { RunContext } from './run-context.js';

/** What a run produced: the tool-specific result keys plus the plan and the next action. */
export interface RunOutcome<R extends Record<string, unknown> = Record<string, unknown>> {
  result: R;
  planId?: string | null | undefined;
  nextAction: string;
  /** Markdown body of the run report; a generic rendering of `result` when absent. */
  markdown?: string;
  /**
   * Set when the run could not go on but has a result worth keeping (e.g. a full cycle that
   * stopped at a failed step): the run ends failed/interrupted with both result and error.
   */
  failure?: unknown;
}

export interface RunDefinition<R extends Record<string, unknown> = Record<string, unknown>> {
  tool: string;
  /** Lock names; one active run per job. @default [tool] */
  jobs?: string[];
  /** Stored with the run so resume can rebuild the definition. Never secrets. */
  args: Record<string, unknown>;
  dryRun: boolean;
  /** Where the run's reports go (`<outputDir>/reports`). @default MIGRATION_OUTPUT_DIR */
  outputDir?: string | undefined;
  execute(ctx: RunContext): Promise<RunOutcome<R>>;
}

/** Rebuilds a run definition from stored arguments (for resume). */
export type RunFactory = (args: Record<string, unknown>) => RunDefinition;
