/**
 * Spawns `node dist/main.js <args>` and keeps it observable while it runs (stdout and stderr so
 * far, its exit), for CLI tests that must act on a running command (Ctrl-C) — `cli.test.ts` only
 * runs commands to completion. Needs `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { childEnv, MAIN_JS } from '../../helpers/workspace.js';

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its streams are closed. */
  exited: Promise<CliExit>;
}

/** Starts `node dist/main.js <args>` in `cwd` with `env` (stdin closed, stdout/stderr piped, not a TTY). */
export function startCli(args: string[], env: Record<string, string>, cwd: string): RunningCli {
  return startProcess(process.execPath, [MAIN_JS, ...args], env, cwd);
}

/**
 * Starts `node dist/main.js <args>` under a pseudo-terminal through util-linux `script`, so its
 * stderr is a TTY; everything it wrote there (escape codes included) comes out on `stdout()`.
 * Its stdout goes to the file `stdoutFile` (not a TTY, as when a script captures the JSON).
 * The exit code is the command's (`script -e`).
 */
export function startCliInPty(args: string[], env: Record<string, string>, cwd: string, stdoutFile: string): RunningCli {
  const command = `${[process.execPath, MAIN_JS, ...args].map(shellQuote).join(' ')} > ${shellQuote(stdoutFile)}`;
  return startProcess('script', ['-qfec', command, '/dev/null'], env, cwd);
}

function startProcess(command: string, args: string[], env: Record<string, string>, cwd: string): RunningCli {
  const child = spawn(command, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
