/**
 * File-system errors an operator can fix — a folder given where a file is expected, a file where a
 * folder is expected, a permission, a path too long, a symlink loop, a full disk, a NUL byte —
 * turned into operator errors with `{kind, message, action}` instead of internal errors with a
 * stack trace. The path is echoed at most {@link ECHO_LIMIT} characters long.
 */
import { MigrationError, ValidationError, shortText } from './errors.js';

interface Advice {
  what: string;
  action: string;
}

const ADVICE: Record<string, Advice> = {
  EISDIR: { what: 'is a folder, not a file', action: 'Pass the path of a file (not of a folder).' },
  ENOTDIR: { what: 'goes through a file where a folder is expected', action: 'Check the path: one of its parts is a file, not a folder (an output folder must be a folder).' },
  EEXIST: { what: 'already exists and is not a folder', action: 'Pick another output folder, or remove the file that has its name.' },
  EACCES: { what: 'cannot be accessed (permission denied)', action: "Give the server's user read (and, for outputs, write) permission on it, or use another path." },
  EPERM: { what: 'cannot be accessed (operation not permitted)', action: "Give the server's user permission on it, or use another path." },
  ENAMETOOLONG: { what: 'is too long for the file system', action: 'Use a shorter path.' },
  ELOOP: { what: 'has too many symbolic links (a loop)', action: 'Fix the symbolic links along the path, or use the real path.' },
  ENOSPC: { what: 'cannot be written: the disk is full', action: 'Free disk space (or point the output folder at another disk), then run again.' },
  EROFS: { what: 'is on a read-only file system', action: 'Point the output folder at a writable place.' },
  EMFILE: { what: 'cannot be opened: too many open files', action: 'Raise the open-file limit of the server (ulimit -n) and run again.' },
};

/** Whether a path can be used at all: no NUL byte, not absurdly long. Returns the problem, if any. */
export function pathProblem(candidate: string): string | undefined {
  if (candidate.includes('\0')) return 'contains a NUL byte';
  if (candidate.length > 4096) return `is ${candidate.length} characters long (at most 4096)`;
  return undefined;
}

/**
 * The operator error for a file-system error, or undefined when `error` is not one an operator
 * can fix (a bug stays a bug).
 */
export function operatorErrorFromFs(error: unknown): MigrationError | undefined {
  if (error instanceof MigrationError || !(error instanceof Error)) return undefined;
  const { code, path: where } = error as NodeJS.ErrnoException;
  const subject = where ? `The path '${shortText(where)}'` : 'A path';
  if (code && Object.hasOwn(ADVICE, code)) {
    const advice = ADVICE[code]!;
    return new ValidationError(`${subject} ${advice.what} (${code}).`, { action: advice.action, details: { code } });
  }
  if ((code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') && /null bytes|\\u0000/i.test(error.message)) {
    return new ValidationError('A path contains a NUL byte.', { action: 'Remove the NUL character from the path.' });
  }
  return undefined;
}
