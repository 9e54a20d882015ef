/**
 * How a run ends when its execution throws: the status (failed, cancelled, interrupted) and the
 * error recorded with it, redacted. A transient error (target down, throttled beyond patience)
 * interrupts a run — it is resumable; cancellation and shutdown are told apart by the abort reason.
 */
import { redact } from '../logging/redact.js';
import { CancelledError, MigrationError } from './errors.js';
import { operatorErrorFromFs } from './fs-errors.js';
import type { RunError, RunStatus } from './ledger/run-store.js';

/** Reason attached to aborts so the run ends with the right status. */
export const SHUTDOWN = 'shutdown';

/** Status and recorded error of a run whose execution failed with `caught`. */
export function classifyFailure(caught: unknown, signal: AbortSignal): { status: Exclude<RunStatus, 'running'>; error: RunError } {
  if (signal.aborted && signal.reason === SHUTDOWN) {
    return { status: 'interrupted', error: { kind: 'interrupted', message: 'The server shut down while the run was in progress.', action: 'Continue it with resume_run.' } };
  }
  caught = operatorErrorFromFs(caught) ?? caught;
  const error = toRunError(caught);
  if (caught instanceof CancelledError || signal.aborted) return { status: 'cancelled', error };
  if (caught instanceof MigrationError && caught.kind === 'transient') return { status: 'interrupted', error };
  return { status: 'failed', error };
}

export function toRunError(caught: unknown): RunError {
  if (caught instanceof MigrationError) return { kind: caught.kind, message: redact(caught.message), action: caught.action };
  const message = caught instanceof Error ? caught.message : String(caught);
  return {
    kind: 'internal',
    message: redact(`Internal error: ${message}`),
    action: 'This is a bug in migration-mcp: the server log (stderr) has the stack trace; report it. The run can be resumed after a fix.',
  };
}
