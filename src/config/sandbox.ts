/**
 * The path sandbox: every file a tool reads or writes must lie inside one of the data roots.
 *
 * Paths are resolved against the working directory, then through the real file system (so a
 * symlink pointing outside is refused), and compared to the real paths of the roots. A path
 * that does not exist yet (an output file) is checked through its nearest existing parent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OutsideDataRootError, ValidationError, shortText } from '../engine/errors.js';
import { operatorErrorFromFs, pathProblem } from '../engine/fs-errors.js';

export class PathSandbox {
  readonly roots: readonly string[];

  constructor(roots: readonly string[], private readonly cwd: string = process.cwd()) {
    this.roots = roots.map((root) => realpathOfNearest(path.resolve(cwd, root)));
  }

  /** Resolves `candidate` to an absolute real path, or throws OutsideDataRootError. */
  resolve(candidate: string, what = 'path'): string {
    const problem = pathProblem(candidate);
    if (problem) throw new ValidationError(`The ${what} ${problem}.`, { action: `Pass a usable ${what}.` });
    const absolute = path.resolve(this.cwd, candidate);
    const real = realpathOfNearest(absolute);
    if (!this.contains(real)) {
      throw new OutsideDataRootError(
        `The ${what} ${shortText(candidate)} resolves to ${shortText(real)}, which is outside the data roots (${this.roots.join(', ')}).`,
      );
    }
    return real;
  }

  /** True when the real path lies inside (or is) one of the roots. */
  contains(realPath: string): boolean {
    return this.roots.some((root) => realPath === root || realPath.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  }
}

/** Real path of `p`, or of its nearest existing ancestor joined with the missing tail (dangling symlinks followed). */
export function realpathOfNearest(p: string): string {
  const missing: string[] = [];
  let current = p;
  let hops = 0;
  for (;;) {
    try {
      const real = fs.realpathSync(current);
      return missing.length ? path.join(real, ...missing.reverse()) : real;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENAMETOOLONG' || code === 'EACCES') throw operatorErrorFromFs(error) ?? error;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // A dangling symlink: a write through it lands where it points, so check that place.
      const link = readLink(current);
      if (link !== undefined && hops++ < 40) {
        current = path.resolve(path.dirname(current), link);
        continue;
      }
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

function readLink(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}
