import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathSandbox, realpathOfNearest } from '../../../src/config/sandbox.js';
import { OutsideDataRootError } from '../../../src/engine/errors.js';
import { makeTempDir } from '../engine/helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
let root: string;
let outside: string;
let sandbox: PathSandbox;
beforeEach(() => {
  tmp = makeTempDir('mmcp-sandbox-');
  root = path.join(tmp.dir, 'data');
  outside = path.join(tmp.dir, 'elsewhere');
  fs.mkdirSync(path.join(root, 'exports'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'exports', 'projects_2024-01-15.csv'), 'x');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'x');
  sandbox = new PathSandbox([root], tmp.dir);
});
afterEach(() => tmp.cleanup());

function refusal(candidate: string, using = sandbox): OutsideDataRootError {
  try {
    using.resolve(candidate);
  } catch (error) {
    if (error instanceof OutsideDataRootError) return error;
    throw error;
  }
  throw new Error(`${candidate} was accepted`);
}

describe('PathSandbox', () => {
  it('accepts a file inside a data root and returns its absolute real path', () => {
    expect(sandbox.resolve(path.join(root, 'exports', 'projects_2024-01-15.csv'))).toBe(path.join(root, 'exports', 'projects_2024-01-15.csv'));
  });

  it('resolves relative paths against the working directory', () => {
    expect(sandbox.resolve('data/exports')).toBe(path.join(root, 'exports'));
  });

  it('accepts the root itself', () => {
    expect(sandbox.resolve(root)).toBe(root);
  });

  it('refuses a path outside the data roots with OutsideDataRootError naming it', () => {
    const error = refusal(path.join(outside, 'secret.txt'));
    expect(error.message).toContain(path.join(outside, 'secret.txt'));
    expect(error.message).toContain(root);
    expect(error.kind).toBe('outside_data_root');
    expect(refusal('/etc/passwd')).toBeInstanceOf(OutsideDataRootError);
  });

  it('names what the path is for in the refusal', () => {
    expect(() => sandbox.resolve('/etc/passwd', 'canonical_file')).toThrow(/The canonical_file \/etc\/passwd/);
  });

  it('refuses a ".." escape', () => {
    refusal(path.join(root, 'exports', '..', '..', 'elsewhere', 'secret.txt'));
    refusal('data/../elsewhere/secret.txt');
  });

  it('accepts ".." that stays inside the root', () => {
    expect(sandbox.resolve(path.join(root, 'exports', '..', 'exports'))).toBe(path.join(root, 'exports'));
  });

  it('refuses a sibling directory whose name starts like the root', () => {
    fs.mkdirSync(`${root}-backup`);
    refusal(`${root}-backup`);
  });

  it('refuses a symlink inside the root that points outside', () => {
    fs.symlinkSync(outside, path.join(root, 'link-out'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'file-link'));
    refusal(path.join(root, 'link-out', 'secret.txt'));
    refusal(path.join(root, 'file-link'));
  });

  it('accepts a symlink inside the root that points inside it, returning the real path', () => {
    fs.symlinkSync(path.join(root, 'exports'), path.join(root, 'alias'));
    expect(sandbox.resolve(path.join(root, 'alias', 'projects_2024-01-15.csv'))).toBe(path.join(root, 'exports', 'projects_2024-01-15.csv'));
  });

  it('checks a path that does not exist yet through its nearest existing parent', () => {
    expect(sandbox.resolve(path.join(root, 'out', 'reports', 'r-1.json'))).toBe(path.join(root, 'out', 'reports', 'r-1.json'));
    refusal(path.join(outside, 'new', 'file.json'));
  });

  it('refuses a path that does not exist yet under a symlink pointing outside', () => {
    fs.symlinkSync(outside, path.join(root, 'link-out'));
    refusal(path.join(root, 'link-out', 'new-dir', 'new-file.csv'));
  });

  it('refuses a dangling symlink that would create a file outside the roots', () => {
    fs.symlinkSync(path.join(outside, 'created-by-us.csv'), path.join(root, 'dangling'));
    refusal(path.join(root, 'dangling'));
  });

  it('refuses a path below a dangling symlink that points outside', () => {
    fs.symlinkSync(path.join(outside, 'new-dir'), path.join(root, 'dangling-dir'));
    refusal(path.join(root, 'dangling-dir', 'sub', 'file.csv'));
  });

  it('accepts a dangling symlink that points inside the root, as the place it points to', () => {
    fs.symlinkSync('exports/not-yet.csv', path.join(root, 'dangling-in'));
    expect(sandbox.resolve(path.join(root, 'dangling-in'))).toBe(path.join(root, 'exports', 'not-yet.csv'));
  });

  it('accepts paths in any of several roots', () => {
    const two = new PathSandbox([root, outside], tmp.dir);
    expect(two.resolve(path.join(outside, 'secret.txt'))).toBe(path.join(outside, 'secret.txt'));
    expect(two.roots).toEqual([root, outside]);
  });

  it('compares against the real path of a root given through a symlink', () => {
    fs.symlinkSync(root, path.join(tmp.dir, 'root-link'));
    const viaLink = new PathSandbox([path.join(tmp.dir, 'root-link')], tmp.dir);
    expect(viaLink.roots).toEqual([root]);
    expect(viaLink.resolve(path.join(root, 'exports'))).toBe(path.join(root, 'exports'));
    expect(viaLink.resolve(path.join(tmp.dir, 'root-link', 'exports'))).toBe(path.join(root, 'exports'));
  });

  it('contains() is true for the root and paths below it only', () => {
    expect(sandbox.contains(root)).toBe(true);
    expect(sandbox.contains(path.join(root, 'a', 'b'))).toBe(true);
    expect(sandbox.contains(path.dirname(root))).toBe(false);
    expect(sandbox.contains(`${root}x`)).toBe(false);
  });
});

describe('realpathOfNearest', () => {
  it('is the real path of an existing path', () => {
    expect(realpathOfNearest(path.join(root, 'exports'))).toBe(path.join(root, 'exports'));
  });

  it('joins the missing tail to the real path of the nearest existing ancestor', () => {
    fs.symlinkSync(outside, path.join(root, 'link-out'));
    expect(realpathOfNearest(path.join(root, 'link-out', 'a', 'b.txt'))).toBe(path.join(outside, 'a', 'b.txt'));
  });

  it('goes past a regular file used as a directory', () => {
    expect(realpathOfNearest(path.join(root, 'exports', 'projects_2024-01-15.csv', 'x'))).toBe(path.join(root, 'exports', 'projects_2024-01-15.csv', 'x'));
  });
});
