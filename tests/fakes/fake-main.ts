/**
 * The shared `main` of fake servers run as separate processes (`devrev-main.ts`,
 * `snowflake-main.ts`): argument parsing (`--options <json>`, `--port <n>`, `--exit-with-stdin`),
 * the one-line `{"url", "pid", "apiKey"}` announcement on stdout, and clean stops.
 * Exit codes: 0 stopped, 1 could not start, 2 bad arguments.
 */

/** What a fake main needs to know. */
export interface FakeMainSpec<O extends object> {
  /** Name in messages, e.g. `fake-devrev`. */
  name: string;
  /** Path of the entry file, for the usage text. */
  entry: string;
  /** Environment variable read when `--options` is absent. */
  envVariable: string;
  /** Starts the fake; resolves its URL, the credential to announce and a closer. */
  start(options: O): Promise<{ url: string; apiKey?: string; close(): Promise<void> }>;
}

function parseArgs<O extends object>(argv: string[], spec: FakeMainSpec<O>, usage: string): { options: O; exitWithStdin: boolean } {
  let json = process.env[spec.envVariable];
  let port: number | undefined;
  let exitWithStdin = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    } else if (flag === '--options') json = value();
    else if (flag === '--port') port = Number(value());
    else if (flag === '--exit-with-stdin') exitWithStdin = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  const parsed: unknown = json ? JSON.parse(json) : {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('options must be a JSON object');
  const options = parsed as O & { port?: number };
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 0) throw new Error('--port must be an integer >= 0');
    options.port = port;
  }
  return { options, exitWithStdin };
}

/** Parses the arguments, starts the fake, announces it, and stops it on a signal or closed stdin. */
export function runFakeMain<O extends object>(spec: FakeMainSpec<O>): void {
  const usage = `usage: tsx ${spec.entry} [--options <json>] [--port <n>] [--exit-with-stdin]\n  env ${spec.envVariable}=<json> is read when --options is absent`;
  let args: { options: O; exitWithStdin: boolean };
  try {
    args = parseArgs(process.argv.slice(2), spec, usage);
  } catch (err) {
    process.stderr.write(`${spec.name}: ${err instanceof Error ? err.message : String(err)}\n${usage}\n`);
    process.exit(2);
  }
  spec
    .start(args.options)
    .then((fake) => {
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
    })
    .catch((err: unknown) => {
      process.stderr.write(`${spec.name}: could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
