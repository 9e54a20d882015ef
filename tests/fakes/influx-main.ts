/**
 * Runs the fake InfluxDB as a separate process, for end-to-end tests and manual checks:
 *
 *   npx tsx tests/fakes/influx-main.ts --options '{"version":"2","maxLinesPerWrite":5000}'
 *
 * Options (JSON of `FakeInfluxOptions`, without functions) come from `--options <json>`; `--port <n>`
 * overrides the port. When listening it prints ONE line to stdout:
 * `{"url", "pid", "apiKey": <token>, "org", "bucket"}`; diagnostics go to stderr. Inspect it through
 * `GET /__fake/state` (counters, points per bucket). Stops on SIGTERM/SIGINT, and with
 * `--exit-with-stdin` when its stdin closes. Exit codes: 0 stopped, 1 could not start, 2 bad arguments.
 */
import { startFakeInflux, type FakeInfluxOptions } from './influx.js';

const USAGE = 'usage: tsx tests/fakes/influx-main.ts [--options <json>] [--port <n>] [--exit-with-stdin]';

function parseArgs(argv: string[]): { options: FakeInfluxOptions; exitWithStdin: boolean } {
  let options: FakeInfluxOptions = {};
  let exitWithStdin = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg === '--options') options = JSON.parse(argv[++i] ?? '{}') as FakeInfluxOptions;
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--exit-with-stdin') exitWithStdin = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return { options, exitWithStdin };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fake-influx: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const fake = await startFakeInflux(args.options);
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
  const bucket = [...fake.model.buckets.keys()][0];
  process.stdout.write(`${JSON.stringify({ url: fake.url, pid: process.pid, apiKey: fake.token, org: fake.org, bucket })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake-influx: could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
