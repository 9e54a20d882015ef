/**
 * OpenProject's error bodies turned into errors an operator can act on. A 422
 * (`PropertyConstraintViolation`, or several at once as `MultipleErrors`) fails only that work
 * package, carrying every message the server gave; a 404 on a work package we hold an id for means
 * the id is stale (deleted by hand): the pipeline looks the record up again, or creates it.
 */
import { TerminalError } from '../../engine/errors.js';
import { HttpStatusError } from '../../http/index.js';
import { ERROR_URN_PREFIX } from './api.js';

/** The short name of an error body's identifier (`PropertyConstraintViolation`), if any. */
export function errorName(body: unknown): string | undefined {
  const identifier = (body as { errorIdentifier?: unknown } | null)?.errorIdentifier;
  if (typeof identifier !== 'string') return undefined;
  return identifier.startsWith(ERROR_URN_PREFIX) ? identifier.slice(ERROR_URN_PREFIX.length) : identifier;
}

/** One violated constraint: its message and the attribute it is about. */
export interface ConstraintViolation {
  message: string;
  attribute?: string;
}

/**
 * Every constraint an error body names: the errors of a `MultipleErrors`, else the body's own
 * message. A body cut short (the HTTP layer keeps 2 KB) still yields the messages it contains.
 */
export function violationsOf(body: unknown): ConstraintViolation[] {
  if (typeof body === 'string') {
    return [...body.matchAll(/"message"\s*:\s*"((?:[^"\\]|\\.)*)"/g)]
      .map((match) => ({ message: unescapeJson(match[1]!) }))
      .filter((violation, index, all) => index > 0 || all.length === 1 || !/multiple/i.test(violation.message));
  }
  if (!body || typeof body !== 'object') return [];
  const record = body as { message?: unknown; _embedded?: { errors?: unknown[]; details?: { attribute?: unknown } } };
  const nested = record._embedded?.errors;
  if (Array.isArray(nested) && nested.length > 0) return nested.flatMap((error) => violationsOf(error));
  if (typeof record.message !== 'string') return [];
  const attribute = record._embedded?.details?.attribute;
  return [{ message: record.message, ...(typeof attribute === 'string' ? { attribute } : {}) }];
}

function unescapeJson(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}

/** What was being written, for messages: `create Epic "WPO1" in project flowone`. */
export interface WriteDescription {
  operation: 'create' | 'update' | 'delete' | 'read';
  /** `Epic`, `User story`, or `work package`. */
  what: string;
  /** Our external key (order id, line key) when known. */
  key?: string;
  /** The work package id when known. */
  id?: number | string;
  project?: string;
}

function describe(write: WriteDescription): string {
  const key = write.key ? ` ${write.key}` : '';
  const id = write.id !== undefined ? ` (#${write.id})` : '';
  const project = write.project ? ` in project ${write.project}` : '';
  return `${write.operation} ${write.what}${key}${id}${project}`;
}

/** OpenProject refused a write (422): the record fails with the server's messages; the run goes on. */
export class WorkPackageRejectedError extends TerminalError {
  readonly violations: ConstraintViolation[];
  readonly status: number;

  constructor(write: WriteDescription, violations: ConstraintViolation[], status: number, cause?: unknown) {
    const messages = violations.map((violation) => violation.message.replace(/[.\s]+$/, ''));
    const text = messages.length ? messages.join('; ') : `status ${status}`;
    const blank = violations.some((violation) => /can't be blank|must not be blank|is not set to one of the allowed values/i.test(violation.message));
    super(`OpenProject refused to ${describe(write)}: ${text}.`, {
      action: blank
        ? 'A required custom field is empty or a value is not allowed: fill it in the WPR data, or add the value as an option of the custom field in OpenProject (or map it in op_custom_option_overrides.json), then run the delta again.'
        : 'Fix the value named in the message (in the WPR data or in OpenProject), then run the delta again; the other records were written.',
      details: { ...write, status, violations },
      cause,
      outcome: 'rejected',
    });
    this.name = 'WorkPackageRejectedError';
    this.violations = violations;
    this.status = status;
  }
}

/** A work package we hold an id for does not exist (any more): the cached id is stale. */
export class WorkPackageGoneError extends TerminalError {
  readonly gone = true;
  readonly workPackageId: string;

  constructor(write: WriteDescription, cause?: unknown) {
    super(`OpenProject has no work package #${write.id} (it was deleted, or the key cannot see it) while trying to ${describe(write)}.`, {
      action: 'The cached id is stale: run the delta again (it looks the record up by its WPR key and recreates it when missing), or pass ignore_cached_identity: true.',
      details: { ...write },
      cause,
      outcome: 'rejected',
    });
    this.name = 'WorkPackageGoneError';
    this.workPackageId = String(write.id);
  }
}

/** A value of the WPR data does not fit its custom field (found before sending anything). */
export class WorkPackageValueError extends TerminalError {
  constructor(write: WriteDescription, problems: readonly string[]) {
    super(`Cannot ${describe(write)}: ${problems.join('; ')}.`, {
      action: 'Correct the value in the WPR workbook (or the custom field type in OpenProject), ingest it again and run the delta; the other records were written.',
      details: { ...write, problems },
      outcome: 'not_sent',
    });
    this.name = 'WorkPackageValueError';
  }
}

/** Two updates in a row lost the optimistic lock (409 after a refetch): someone keeps editing it. */
export class UpdateConflictError extends TerminalError {
  constructor(write: WriteDescription, cause?: unknown) {
    super(`OpenProject kept answering 409 UpdateConflict to ${describe(write)}: the work package is being changed by someone else right now.`, {
      action: 'Run the delta again once the work package is no longer being edited (force_orders can target just this order).',
      details: { ...write },
      cause,
      outcome: 'rejected',
    });
    this.name = 'UpdateConflictError';
  }
}

/** Whether an error is an HTTP answer with this status. */
export function hasStatus(error: unknown, status: number): error is HttpStatusError {
  return error instanceof HttpStatusError && error.status === status;
}

/** Whether an error says a work package id is stale. */
export function isGone(error: unknown): error is WorkPackageGoneError {
  return error instanceof WorkPackageGoneError;
}
