/**
 * The shape of a tool: metadata and zod schemas (the public contract) plus a handler that calls
 * a pipeline. Tools know nothing of transports; the server registers them and maps errors.
 */
import type { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { ProgressSnapshot } from '../engine/progress.js';
import type { RunFactory } from '../engine/run-definition.js';

export type ToolsetId = 'ppak' | 'innergy' | 'wpr' | 'devrev' | 'acc' | 'runs';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolContext {
  deps: AppDeps;
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
  /** Forwards run progress to the caller (MCP progress notifications); a no-op without a token. */
  reportProgress: (snapshot: ProgressSnapshot) => void;
  /**
   * Asks the user a yes/no question by MCP elicitation: `accepted`, `declined` (refused, cancelled
   * or closed), or `unsupported` when the client cannot be asked (scripts: the plan_id is the consent).
   */
  confirm: (question: string) => Promise<'accepted' | 'declined' | 'unsupported'>;
}

export interface ToolResult {
  structured: Record<string, unknown>;
  text: string;
  isError?: boolean;
}

export interface ToolDefinition<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  toolset: ToolsetId;
  title: string;
  /** One or two sentences an agent can act on. */
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  handler: (args: z.infer<z.ZodObject<I>>, ctx: ToolContext) => Promise<ToolResult>;
  /** For run-based tools: rebuilds a run from stored arguments, so resume_run can continue it. */
  runFactory?: (deps: AppDeps) => RunFactory;
}

/** A tool of any schema (for lists of tools). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any, any>;

/** Whether a tool changes anything (hidden and refused when MIGRATION_READ_ONLY=1). */
export function isWritingTool(tool: Pick<ToolDefinition, 'annotations'>): boolean {
  return !tool.annotations.readOnlyHint;
}

/** Identity helper that keeps the schema types of a tool definition. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(tool: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return tool;
}
