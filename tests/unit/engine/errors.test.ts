import { describe, expect, it } from 'vitest';
import {
  AuthError,
  BusyError,
  CancelledError,
  ConfigError,
  describeError,
  isMigrationError,
  MigrationError,
  NotFoundError,
  OutsideDataRootError,
  StalePlanError,
  TerminalError,
  TransientError,
  ValidationError,
  throwIfCancelled,
  type ErrorKind,
} from '../../../src/engine/errors.js';

const classes: [string, new (message: string) => MigrationError, ErrorKind][] = [
  ['ConfigError', ConfigError, 'config'],
  ['AuthError', AuthError, 'auth'],
  ['ValidationError', ValidationError, 'validation'],
  ['TransientError', TransientError, 'transient'],
  ['TerminalError', TerminalError, 'terminal'],
  ['StalePlanError', StalePlanError, 'stale_plan'],
  ['OutsideDataRootError', OutsideDataRootError, 'outside_data_root'],
  ['NotFoundError', NotFoundError, 'not_found'],
  ['BusyError', BusyError, 'busy'],
  ['CancelledError', CancelledError, 'cancelled'],
];

describe('error taxonomy', () => {
  it.each(classes)('%s carries its kind, its name and a default action', (name, Class, kind) => {
    const error = new Class('Something happened.');
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe(kind);
    expect(error.name).toBe(name);
    expect(error.message).toBe('Something happened.');
    expect(error.action.length).toBeGreaterThan(10);
  });

  it('every kind has its own default action', () => {
    const actions = new Set(classes.map(([, Class]) => new Class('x').action));
    expect(actions.size).toBe(classes.length);
  });

  it('an explicit action, details and cause are kept', () => {
    const cause = new Error('root cause');
    const error = new ConfigError('INNERGY_API_KEY is missing.', { action: 'Set INNERGY_API_KEY.', details: { variable: 'INNERGY_API_KEY' }, cause });
    expect(error.action).toBe('Set INNERGY_API_KEY.');
    expect(error.details).toEqual({ variable: 'INNERGY_API_KEY' });
    expect(error.cause).toBe(cause);
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new TerminalError('refused')).toBe(false);
  });

  it('only transient and busy errors are retryable', () => {
    const retryable = classes.filter(([, Class]) => new Class('x').retryable).map(([, , kind]) => kind);
    expect(retryable.sort()).toEqual(['busy', 'transient']);
  });

  it('isMigrationError tells operator errors from bugs', () => {
    expect(isMigrationError(new StalePlanError('stale'))).toBe(true);
    expect(isMigrationError(new Error('bug'))).toBe(false);
    expect(isMigrationError('text')).toBe(false);
    expect(isMigrationError(undefined)).toBe(false);
  });

  it('CancelledError has a default message', () => {
    expect(new CancelledError().message).toBe('The run was cancelled.');
  });

  it('describeError gives what happened, then what to do', () => {
    const error = new NotFoundError('There is no run r-1.', { action: 'Check the run_id.' });
    expect(describeError(error)).toBe('There is no run r-1. What to do: Check the run_id.');
  });
});

describe('throwIfCancelled', () => {
  it('throws a CancelledError once the signal is aborted', () => {
    const controller = new AbortController();
    expect(() => throwIfCancelled(controller.signal)).not.toThrow();
    controller.abort();
    expect(() => throwIfCancelled(controller.signal)).toThrow(CancelledError);
  });

  it('does nothing without a signal', () => {
    expect(() => throwIfCancelled(undefined)).not.toThrow();
  });
});
