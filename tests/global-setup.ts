/**
 * Vitest global setup: the e2e tests spawn `dist/main.js`, so a stale build would test old code.
 * Before any test runs, `dist` is rebuilt (`tsc -p tsconfig.json`) when it is missing or older
 * than any file in `src` (or tsconfig.json / package.json); a failed build stops the run with
 * the compiler's output. `npm test` builds first, so here the check finds dist fresh and skips.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The build stamp: tsc rewrites every output file on each build. */
const BUILT_FILE = path.join('dist', 'main.js');
/** Inputs besides src/ whose change calls for a rebuild. */
const BUILD_INPUTS = ['tsconfig.json', 'package.json'];

function mtimeMs(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Why `root`'s dist must be rebuilt: a sentence naming the missing build or the first newer
 * input, or undefined when the build is fresh.
 */
export function staleBuildReason(root: string): string | undefined {
  const builtAt = mtimeMs(path.join(root, BUILT_FILE));
  if (builtAt === undefined) return `${BUILT_FILE} is missing`;
  const inputs = [...filesUnder(path.join(root, 'src')), ...BUILD_INPUTS.map((file) => path.join(root, file))];
  for (const input of inputs) {
    const changedAt = mtimeMs(input);
    if (changedAt !== undefined && changedAt > builtAt) return `${path.relative(root, input)} is newer than ${BUILT_FILE}`;
  }
  return undefined;
}

/** Runs `tsc -p tsconfig.json` in `root`; throws with the compiler's output when it fails. */
export function buildWithTsc(root: string): void {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`The build (tsc -p tsconfig.json) failed; the e2e tests would run stale code:\n${stdout}${stderr}`);
  }
}

/** Rebuilds `root` when its build is stale; returns the reason it did, or undefined. */
export function ensureFreshBuild(root: string, build: (root: string) => void = buildWithTsc): string | undefined {
  const reason = staleBuildReason(root);
  if (reason === undefined) return undefined;
  build(root);
  const still = staleBuildReason(root);
  if (still !== undefined) throw new Error(`The build ran but dist is still stale (${still}).`);
  return reason;
}

export default function setup(): void {
  const reason = ensureFreshBuild(REPO_ROOT);
  if (reason) process.stderr.write(`global setup: rebuilt dist (${reason})\n`);
}
