/**
 * Vitest configuration for mutation testing (`npm run mutation`, see stryker.config.mjs).
 *
 * Mutants live in the sandbox's `src`, loaded into the test process. Tests that spawn
 * `dist/main.js` (the e2e suites, the secrets suite) run a separate, unmutated build: they can
 * never kill a mutant, only cost minutes, so they are left out. So is the build step of the
 * normal global setup (Stryker's sandbox is never run from `dist`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** Marks of a test that drives the built server process instead of the source. */
const SPAWNS_DIST = /\bMAIN_JS\b|\bconnectStdio\(|dist\/main\.js/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(process.cwd(), path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

const spawning = testFiles('tests').filter((file) => SPAWNS_DIST.test(readFileSync(file, 'utf8')));

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    globalSetup: [],
    exclude: ['**/node_modules/**', 'tests/e2e/**', 'tests/live/**', ...spawning],
  },
});
