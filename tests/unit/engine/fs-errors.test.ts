/**
 * File-system errors an operator can fix become validation errors naming the path (at most
 * ECHO_LIMIT characters of it), the code and what to do; anything else stays a bug.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ECHO_LIMIT, MigrationError, ValidationError, shortText } from '../../../src/engine/errors.js';
import { operatorErrorFromFs, pathProblem } from '../../../src/engine/fs-errors.js';
import { makeTempDir } from './helpers/temp.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

/** The error a real file-system call throws. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not throw');
}

describe('operatorErrorFromFs', () => {
  it.each([
    ['EISDIR', () => fs.readFileSync(temp.dir), 'is a folder, not a file', 'Pass the path of a file'],
    ['ENOTDIR', () => fs.readFileSync(path.join(file(), 'child')), 'goes through a file where a folder is expected', 'one of its parts is a file'],
    ['EEXIST', () => fs.mkdirSync(file()), 'already exists and is not a folder', 'Pick another output folder'],
    ['ENOENT', () => fs.readFileSync(path.join(temp.dir, 'missing')), undefined, undefined],
    ['ELOOP', () => fs.readFileSync(loop()), 'has too many symbolic links (a loop)', 'Fix the symbolic links'],
    ['ENAMETOOLONG', () => fs.readFileSync(path.join(temp.dir, 'x'.repeat(300))), 'is too long for the file system', 'Use a shorter path.'],
  ])('turns a real %s into its advice', (code, call, what, action) => {
    const error = thrownBy(call);
    const answer = operatorErrorFromFs(error);
    if (!what) {
      expect(answer).toBeUndefined();
      return;
    }
    expect(answer).toBeInstanceOf(ValidationError);
    const where = (error as NodeJS.ErrnoException).path;
    expect(answer!.message).toBe(`${where ? `The path '${shortText(where)}'` : 'A path'} ${what} (${code}).`);
    expect(answer!.action).toContain(action);
    expect(answer!.details).toEqual({ code });
  });

  it.each([
    ['EACCES', 'cannot be accessed (permission denied)', "Give the server's user read"],
    ['EPERM', 'cannot be accessed (operation not permitted)', "Give the server's user permission"],
    ['ENOSPC', 'cannot be written: the disk is full', 'Free disk space'],
    ['EROFS', 'is on a read-only file system', 'writable place'],
    ['EMFILE', 'cannot be opened: too many open files', 'ulimit -n'],
  ])('explains %s, which cannot be provoked here', (code, what, action) => {
    const answer = operatorErrorFromFs(Object.assign(new Error(code), { code, path: '/data/out' }));
    expect(answer!.message).toBe(`The path '/data/out' ${what} (${code}).`);
    expect(answer!.action).toContain(action);
  });

  it('says "a path" when the error names none, and shortens a long one', () => {
    expect(operatorErrorFromFs(Object.assign(new Error('x'), { code: 'EISDIR' }))!.message).toBe('A path is a folder, not a file (EISDIR).');
    const long = `/${'d'.repeat(ECHO_LIMIT + 50)}`;
    const message = operatorErrorFromFs(Object.assign(new Error('x'), { code: 'ENOSPC', path: long }))!.message;
    expect(message).toContain(`'${long.slice(0, ECHO_LIMIT)}… (51 more characters)'`);
  });

  it('turns the NUL-byte argument error of a real call into its own advice, but not other argument errors', () => {
    const answer = operatorErrorFromFs(thrownBy(() => fs.readFileSync(`${temp.dir}/a\0b`)));
    expect(answer).toBeInstanceOf(ValidationError);
    expect(answer!.message).toBe('A path contains a NUL byte.');
    expect(answer!.action).toBe('Remove the NUL character from the path.');
    expect(operatorErrorFromFs(Object.assign(new TypeError('The "path" argument must be of type string'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBeUndefined();
    const typed = Object.assign(new TypeError('The argument \'path\' must be a string without null bytes'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(operatorErrorFromFs(typed)!.message).toBe('A path contains a NUL byte.');
    expect(operatorErrorFromFs(Object.assign(new Error('path has null bytes'), { code: 'ERR_SOMETHING_ELSE' }))).toBeUndefined();
  });

  it('leaves migration errors, non-errors and unknown codes alone', () => {
    expect(operatorErrorFromFs(new ValidationError('already explained', { action: 'nothing' }))).toBeUndefined();
    expect(operatorErrorFromFs(Object.assign(new MigrationError('terminal', 'x'), { code: 'EISDIR' }))).toBeUndefined();
    expect(operatorErrorFromFs({ code: 'EISDIR', path: '/x' })).toBeUndefined();
    expect(operatorErrorFromFs(Object.assign(new Error('x'), { code: 'EWHATEVER', path: '/x' }))).toBeUndefined();
    expect(operatorErrorFromFs(Object.assign(new Error('x'), { code: 'toString', path: '/x' }))).toBeUndefined();
  });
});

describe('pathProblem', () => {
  it('refuses a NUL byte and a path over 4096 characters, and accepts the rest', () => {
    expect(pathProblem('a\0b')).toBe('contains a NUL byte');
    expect(pathProblem('x'.repeat(4096))).toBeUndefined();
    expect(pathProblem('x'.repeat(4097))).toBe('is 4097 characters long (at most 4096)');
    expect(pathProblem('data/ok.csv')).toBeUndefined();
  });
});

function file(): string {
  const target = path.join(temp.dir, 'a-file');
  fs.writeFileSync(target, 'x');
  return target;
}

function loop(): string {
  const a = path.join(temp.dir, 'loop-a');
  fs.symlinkSync(path.join(temp.dir, 'loop-b'), a);
  fs.symlinkSync(a, path.join(temp.dir, 'loop-b'));
  return a;
}
