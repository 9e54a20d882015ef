#!/usr/bin/env node
/**
 * `npm run mutation -- [folder] [stryker options]`: mutation testing of one source folder.
 *
 *   npm run mutation -- src/http
 *   npm run mutation -- src/pipelines/innergy --incremental
 *   npm run mutation -- src/http/token-bucket.ts        (one file)
 *
 * Mutates `<folder>/**\/*.ts` and writes reports/mutation/<folder-with-dashes>/mutation.{html,json}.
 * Without a folder, all of src (hours on 2 cores: prefer one folder at a time). Options after the
 * folder go to `stryker run` as they are (e.g. --concurrency 1, --incremental, --dryRunOnly).
 *
 * By default a folder is measured against its own tests — tests/unit/<area>/ and
 * tests/integration/<area>/ (for src/pipelines/<x>: tests/unit/pipelines/<x>/ and
 * tests/integration/<x>/) — which keeps src/engine and src/http under an hour on 2 cores. The score
 * is then a lower bound: other suites kill more. `--all-tests` uses every in-process test that
 * imports the folder instead (hours for src/engine and src/http).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const folder = args[0] && !args[0].startsWith('-') ? args.shift().replace(/\/+$/, '') : 'src';

const allTests = args.includes('--all-tests');
if (allTests) args.splice(args.indexOf('--all-tests'), 1);

/** Suites of an area kept elsewhere than tests/integration/<area>/. */
const OTHER_SUITES = {
  health: ['tests/integration/innergy/health-and-cycle.test.ts'],
  acc: ['tests/integration/warehouse/**/*.test.ts'],
};

/** The test files that belong to a source folder (see the header), as globs. */
function ownTests(target) {
  const parts = target.split('/').slice(1).filter((part) => !part.endsWith('.ts'));
  if (parts.length === 0) return [];
  const area = parts[0] === 'pipelines' && parts[1] ? parts[1] : parts[0];
  const unit = parts[0] === 'pipelines' && parts[1] ? `tests/unit/pipelines/${area}` : `tests/unit/${area}`;
  const folders = [unit, `tests/integration/${area}`].filter((dir) => existsSync(path.join(root, dir)));
  return [...folders.map((dir) => `${dir}/**/*.test.ts`), ...(OTHER_SUITES[area] ?? [])];
}

const isFile = folder.endsWith('.ts');
if (!existsSync(path.join(root, folder)) || statSync(path.join(root, folder)).isDirectory() === isFile || !/^src(\/|$)/.test(folder)) {
  process.stderr.write(`mutation: "${folder}" is not a folder or .ts file under src/ (e.g. src/http, src/pipelines/innergy, src/http/token-bucket.ts).\n`);
  process.exit(2);
}

const testGlobs = allTests || args.some((arg) => arg.startsWith('--testFiles') || arg === '-t') ? [] : ownTests(folder);
if (testGlobs.length > 0) {
  args.push('--testFiles', testGlobs.join(','));
  process.stderr.write(`mutation: ${folder} against its own tests (${testGlobs.join(', ')}); --all-tests for every related test\n`);
}

const stryker = path.join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const started = Date.now();
const child = spawn(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MUTATION_FOLDER: folder },
});
child.on('exit', (code, signal) => {
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  process.stderr.write(`mutation: ${folder} finished in ${minutes} min (reports/mutation/${folder.replace(/\.ts$/, '').replace(/[/.]+/g, '-')}/)\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
