/**
 * The global setup's staleness check, on a throwaway project in a temp dir (mtimes set by hand,
 * so no test depends on the clock's resolution).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureFreshBuild, staleBuildReason } from '../../global-setup.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** Writes `file` under `root` with its mtime `seconds` after T0. */
function put(root: string, file: string, seconds: number): void {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, '');
  utimesSync(full, at(seconds), at(seconds));
}

/** A project whose sources were written at t=0..2 and built at t=10. */
function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'build-check-'));
  roots.push(root);
  put(root, 'tsconfig.json', 0);
  put(root, 'package.json', 0);
  put(root, 'src/main.ts', 1);
  put(root, 'src/engine/deep/apply.ts', 2);
  put(root, 'dist/main.js', 10);
  return root;
}

describe('build staleness check', () => {
  it('finds a build newer than every source fresh', () => {
    expect(staleBuildReason(project())).toBeUndefined();
  });

  it('finds the build stale when dist/main.js is missing', () => {
    const root = project();
    rmSync(path.join(root, 'dist'), { recursive: true });
    expect(staleBuildReason(root)).toMatch(/dist\/main\.js is missing/);
  });

  it('names a source file in a nested folder changed after the build', () => {
    const root = project();
    put(root, 'src/engine/deep/apply.ts', 11);
    expect(staleBuildReason(root)).toBe('src/engine/deep/apply.ts is newer than dist/main.js');
  });

  it('finds the build stale when a source file is added after it', () => {
    const root = project();
    put(root, 'src/new-tool.ts', 12);
    expect(staleBuildReason(root)).toMatch(/src\/new-tool\.ts is newer/);
  });

  it('finds the build stale when tsconfig.json changed after it', () => {
    const root = project();
    put(root, 'tsconfig.json', 11);
    expect(staleBuildReason(root)).toMatch(/tsconfig\.json is newer/);
  });

  it('does not count a file written at the same moment as the build as newer', () => {
    const root = project();
    put(root, 'src/main.ts', 10);
    expect(staleBuildReason(root)).toBeUndefined();
  });
});

describe('ensureFreshBuild', () => {
  it('does not build when the build is fresh (npm test has just built)', () => {
    const builds: string[] = [];
    expect(ensureFreshBuild(project(), (root) => builds.push(root))).toBeUndefined();
    expect(builds).toEqual([]);
  });

  it('builds once when a source changed, and reports why', () => {
    const root = project();
    put(root, 'src/main.ts', 11);
    const builds: string[] = [];
    const reason = ensureFreshBuild(root, (r) => {
      builds.push(r);
      put(r, 'dist/main.js', 20);
    });
    expect(builds).toEqual([root]);
    expect(reason).toMatch(/src\/main\.ts is newer/);
    expect(staleBuildReason(root)).toBeUndefined();
  });

  it('fails loudly when the build fails', () => {
    const root = project();
    put(root, 'src/main.ts', 11);
    const failing = () => {
      throw new Error('The build (tsc -p tsconfig.json) failed: src/main.ts(1,1): error TS1005');
    };
    expect(() => ensureFreshBuild(root, failing)).toThrow(/build .* failed.*TS1005/);
  });

  it('fails loudly when the build leaves dist stale', () => {
    const root = project();
    put(root, 'src/main.ts', 11);
    expect(() => ensureFreshBuild(root, () => {})).toThrow(/still stale \(src\/main\.ts is newer/);
  });
});
