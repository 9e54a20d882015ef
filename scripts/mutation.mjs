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
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const folder = args[0] && !args[0].startsWith('-') ? args.shift().replace(/\/+$/, '') : 'src';

const isFile = folder.endsWith('.ts');
if (!existsSync(path.join(root, folder)) || statSync(path.join(root, folder)).isDirectory() === isFile || !/^src(\/|$)/.test(folder)) {
  process.stderr.write(`mutation: "${folder}" is not a folder or .ts file under src/ (e.g. src/http, src/pipelines/innergy, src/http/token-bucket.ts).\n`);
  process.exit(2);
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
