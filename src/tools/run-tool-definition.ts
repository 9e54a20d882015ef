/**
 * `defineRunTool`: a whole run-based tool from its contract (schemas, annotations) and its
 * execution. It resolves path arguments inside the data roots (filling defaults from the
 * configuration), stores the run's arguments under the tool's own input names (what get_run shows
 * is what the caller passed, defaults filled in), starts the run and waits `wait_seconds` for it,
 * and registers the factory that rebuilds the run on resume — re-checking its stored paths, since
 * the data roots may have changed since it started.
 */
import path from 'node:path';
import type { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { AppConfig } from '../config/env.js';
import { PathSandbox } from '../config/sandbox.js';
import { CancelledError } from '../engine/errors.js';
import type { RunContext } from '../engine/run-context.js';
import type { RunDefinition, RunOutcome } from '../engine/run-definition.js';
import { awaitRun, runOutputShape, startRun } from './run-tool.js';
import { defineTool, type ToolAnnotations, type ToolDefinition, type ToolsetId } from './tool-definition.js';

/** How a path argument is resolved. */
export interface PathArgument {
  /** Used when the caller leaves the argument out. */
  default?: (config: AppConfig) => string;
  /** `mapping`: may also lie in the (trusted) config folder. @default 'data' */
  kind?: 'data' | 'mapping';
}

/** A run's stored arguments: the tool's inputs without `wait_seconds`, path arguments resolved. */
export type StoredArgs<I extends z.ZodRawShape, P extends string> = Omit<z.output<z.ZodObject<I>>, 'wait_seconds' | P> & { [K in P]: string };

export interface RunToolSpec<I extends z.ZodRawShape, O extends z.ZodRawShape, P extends keyof I & string> {
  name: string;
  toolset: ToolsetId;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  /** The input schema (public contract), `wait_seconds` included. */
  inputSchema: I;
  /** The tool's own result keys; the common run keys are added. */
  resultShape: O;
  /** Path arguments: resolved inside the data roots when the run starts and again on resume. */
  paths?: { [K in P]: PathArgument };
  /** Lock names: one active run per job. @default [name] */
  jobs?: readonly string[];
  /** Whether a run writes nothing to a target. @default the `dry_run` argument (false without one) */
  dryRun?: (args: StoredArgs<I, P>) => boolean;
  /** Checks made before a run starts; throw operator errors (ValidationError…). */
  validate?: (args: StoredArgs<I, P>, deps: AppDeps) => void;
  /**
   * A question to put to the user before a run starts (e.g. before deleting), or undefined when
   * none is needed. Asked by elicitation when the client supports it; a refusal starts no run.
   * Not asked on resume (the run was confirmed when it started).
   */
  confirm?: (args: StoredArgs<I, P>, deps: AppDeps) => string | undefined;
  /**
   * For tools with a `resume` argument: the run this call continues (resumed under its own id and
   * stored arguments) instead of starting a new one; undefined starts a new run. Throw an operator
   * error when there is nothing to resume.
   */
  resumeOf?: (args: StoredArgs<I, P>, deps: AppDeps) => string | undefined;
  /** Runs the pipeline over the stored arguments. */
  execute: (args: StoredArgs<I, P>, ctx: RunContext, deps: AppDeps) => Promise<RunOutcome>;
}

/** Resolves a path against the data roots (or, for mapping folders, the config folder too). */
export function resolvePathArgument(config: AppConfig, name: string, value: string, rule: PathArgument = {}): string {
  if (rule.kind === 'mapping') {
    const configDefault = path.join(config.configDir, 'mappings');
    if (path.resolve(config.cwd, value) === configDefault) return configDefault;
    return new PathSandbox([...config.dataRoots, config.configDir], config.cwd).resolve(value, name);
  }
  return config.sandbox.resolve(value, name);
}

function storedArgs<I extends z.ZodRawShape, P extends string>(config: AppConfig, input: Record<string, unknown>, paths: Partial<Record<P, PathArgument>> = {}): StoredArgs<I, P> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (key !== 'wait_seconds' && value !== undefined) args[key] = value;
  for (const [key, rule] of Object.entries(paths) as [string, PathArgument][]) {
    const value = (args[key] as string | undefined) ?? rule.default?.(config);
    if (value !== undefined) args[key] = resolvePathArgument(config, key, value, rule);
  }
  return args as StoredArgs<I, P>;
}

/** Defines a run-based tool (see the module header). */
export function defineRunTool<I extends z.ZodRawShape, O extends z.ZodRawShape, P extends keyof I & string = never>(spec: RunToolSpec<I, O, P>): ToolDefinition<I, z.ZodRawShape> {
  const definition = (args: StoredArgs<I, P>, deps: AppDeps): RunDefinition => ({
    tool: spec.name,
    jobs: spec.jobs ? [...spec.jobs] : undefined,
    args: { ...args } as Record<string, unknown>,
    dryRun: spec.dryRun ? spec.dryRun(args) : (args as { dry_run?: boolean }).dry_run === true,
    outputDir: (args as { output_dir?: string }).output_dir,
    execute: (ctx) => spec.execute(args, ctx, deps),
  });
  return defineTool({
    name: spec.name,
    toolset: spec.toolset,
    title: spec.title,
    description: spec.description,
    inputSchema: spec.inputSchema,
    outputSchema: runOutputShape(spec.resultShape),
    annotations: spec.annotations,
    handler: async (input, ctx) => {
      const args = storedArgs<I, P>(ctx.deps.config, input as Record<string, unknown>, spec.paths);
      spec.validate?.(args, ctx.deps);
      const question = spec.confirm?.(args, ctx.deps);
      if (question && (await ctx.confirm(question)) === 'declined') {
        throw new CancelledError(`${spec.name} was not confirmed, so nothing was changed.`, { action: 'Call it again and confirm when asked, or review the dry run first.' });
      }
      const waitSeconds = (input as { wait_seconds?: number }).wait_seconds ?? 30;
      const resumeId = spec.resumeOf?.(args, ctx.deps);
      if (resumeId) {
        ctx.deps.runs.resume(resumeId);
        return awaitRun(ctx, resumeId, waitSeconds);
      }
      return startRun(ctx, definition(args, ctx.deps), waitSeconds);
    },
    runFactory: (deps) => (stored) => {
      const args = storedArgs<I, P>(deps.config, stored, spec.paths);
      spec.validate?.(args, deps);
      return definition(args, deps);
    },
  });
}
