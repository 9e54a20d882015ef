/**
 * Runs the fake OpenProject as a separate process, for end-to-end tests and benchmarks:
 *
 *   npx tsx tests/fakes/openproject-main.ts --options '{"projects":[{"identifier":"flowone"}]}'
 *
 * Options (JSON of `FakeOpenProjectOptions`) come from `--options <json>` or the
 * `FAKE_OPENPROJECT_OPTIONS` environment variable; `--port <n>` overrides the port. When listening it
 * prints ONE line to stdout: `{"url": "...", "pid": ..., "apiKey": "..."}`; diagnostics go to stderr.
 * Steer and inspect it through `/__fake/*` (see `control.ts`, `openproject-control.ts`).
 * Stops on SIGTERM/SIGINT, and with `--exit-with-stdin` also when its stdin closes (parent gone).
 * Exit codes: 0 stopped, 1 could not start, 2 bad arguments.
 */
import { startFakeOpenProject, type FakeOpenProjectOptions } from './openproject.js';

const USAGE = `usage: tsx tests/fakes/openproject-main.ts [--options <json>] [--port <n>] [--exit-with-stdin]
  env FAKE_OPENPROJECT_OPTIONS=<json> is read when --options is absent`;

function parseArgs(argv: string[]): { options: FakeOpenProjectOptions; exitWithStdin: boolean } {
  let json = process.env.FAKE_OPENPROJECT_OPTIONS;
  let port: number | undefined;
  let exitWithStdin = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (flag === '--options') json = value();
    else if (flag === '--port') port = Number(value());
    else if (flag === '--exit-with-stdin') exitWithStdin = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  const parsed: unknown = json ? JSON.parse(json) : {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('options must be a JSON object');
  const options = parsed as FakeOpenProjectOptions;
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 0) throw new Error('--port must be an integer >= 0');
    options.port = port;
  }
  return { options, exitWithStdin };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`fake-openproject: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  const fake = await startFakeOpenProject(args.options);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    fake.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (args.exitWithStdin) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
  process.stdout.write(`${JSON.stringify({ url: fake.url, pid: process.pid, apiKey: fake.apiKey })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-openproject: could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
