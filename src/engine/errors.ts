/**
 * The one error taxonomy of migration-mcp.
 *
 * Errors are split by who can fix them and whether a retry helps:
 * - operator-fixable (config, auth, validation, stale plan, outside data root, not found, busy)
 *   become `isError` tool results whose text says what to do;
 * - transient errors are retried by the HTTP layer and, if they persist, interrupt a run (resumable);
 * - terminal errors fail a record or a run for good;
 * - anything that is not a `MigrationError` is a bug and is thrown.
 *
 * Each error also says what it means for a run that meets it while writing: whether it stops the
 * whole run (`stopsRun`: bad credentials, an open circuit, a cancellation…) or fails one record,
 * and, for a write, whether the target may have applied it (`outcome`). The engine reads these two
 * facts; only the layer that raised the error (HTTP, a target) decides them.
 */

export type ErrorKind =
  | 'config'
  | 'auth'
  | 'validation'
  | 'transient'
  | 'terminal'
  | 'stale_plan'
  | 'outside_data_root'
  | 'not_found'
  | 'busy'
  | 'cancelled';

/**
 * Whether a target may have applied a write that failed: `not_sent` (it never left), `rejected`
 * (the target answered and refused it), `unknown` (it may have been applied: reconcile by lookup).
 */
export type RequestOutcome = 'not_sent' | 'unknown' | 'rejected';

/** Kinds that stop a whole run by default (no other record can succeed, or the operator said stop). */
const STOPS_RUN: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['auth', 'config', 'cancelled', 'busy', 'stale_plan', 'outside_data_root']);

export interface MigrationErrorOptions {
  /** One sentence telling the operator what to do next. */
  action?: string;
  /** Structured facts that help the operator (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Whether the error stops the whole run. @default true for auth, config, cancelled, busy, stale_plan, outside_data_root */
  stopsRun?: boolean;
  /** For a failed write: whether the target may have applied it. */
  outcome?: RequestOutcome;
}

/** Base class: every error an operator (or the engine) can act on. */
export class MigrationError extends Error {
  readonly kind: ErrorKind;
  readonly action: string;
  readonly details: Record<string, unknown> | undefined;
  /** Whether meeting this error stops the whole run instead of failing one record. */
  readonly stopsRun: boolean;
  /** For a failed write: whether the target may have applied it (undefined when not a write). */
  readonly writeOutcome: RequestOutcome | undefined;

  constructor(kind: ErrorKind, message: string, options: MigrationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MigrationError';
    this.kind = kind;
    this.action = options.action ?? defaultAction[kind];
    this.details = options.details;
    this.stopsRun = options.stopsRun ?? STOPS_RUN.has(kind);
    this.writeOutcome = options.outcome;
  }

  /** Whether trying again later (without operator action) may succeed. */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'busy';
  }
}

const defaultAction: Record<ErrorKind, string> = {
  config: 'Fix the configuration named in the message and run again.',
  auth: 'Check the API key or token for this target in the environment and its permissions, then resume the run.',
  validation: 'Correct the input named in the message and run again.',
  transient: 'The target is unavailable or throttling; wait a little and resume the run with resume_run.',
  terminal: 'The target refused the request; fix the cause named in the message and run again.',
  stale_plan: 'The inputs or the target changed since the dry run; run the dry run again and apply the new plan_id.',
  outside_data_root: 'Use a path inside MIGRATION_DATA_ROOTS, or add its directory to MIGRATION_DATA_ROOTS.',
  not_found: 'Check the identifier; list_runs shows the known runs.',
  busy: 'Another run of this job is active; wait for it (get_run) or cancel it (cancel_run).',
  cancelled: 'The run was cancelled; resume it with resume_run when ready.',
};

export class ConfigError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('config', message, options);
    this.name = 'ConfigError';
  }
}

export class AuthError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('auth', message, options);
    this.name = 'AuthError';
  }
}

export class ValidationError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('validation', message, options);
    this.name = 'ValidationError';
  }
}

export class TransientError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('transient', message, options);
    this.name = 'TransientError';
  }
}

export class TerminalError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('terminal', message, options);
    this.name = 'TerminalError';
  }
}

export class StalePlanError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('stale_plan', message, options);
    this.name = 'StalePlanError';
  }
}

export class OutsideDataRootError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('outside_data_root', message, options);
    this.name = 'OutsideDataRootError';
  }
}

export class NotFoundError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('not_found', message, options);
    this.name = 'NotFoundError';
  }
}

export class BusyError extends MigrationError {
  constructor(message: string, options?: MigrationErrorOptions) {
    super('busy', message, options);
    this.name = 'BusyError';
  }
}

export class CancelledError extends MigrationError {
  constructor(message = 'The run was cancelled.', options?: MigrationErrorOptions) {
    super('cancelled', message, options);
    this.name = 'CancelledError';
  }
}

export function isMigrationError(error: unknown): error is MigrationError {
  return error instanceof MigrationError;
}

/** Throws a CancelledError when the signal has been aborted. Call between records. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Longest echo of a caller's input (an id, a path) in a message. */
export const ECHO_LIMIT = 200;

/** A caller's input as shown in a message: cut to {@link ECHO_LIMIT} characters, saying how much was left out. */
export function shortText(value: string, max = ECHO_LIMIT): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length - max} more characters)`;
}

/** The one-line text shown to an operator: what happened, then what to do. */
export function describeError(error: MigrationError): string {
  return `${error.message} What to do: ${error.action}`;
}
