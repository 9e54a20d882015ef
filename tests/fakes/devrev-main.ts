/**
 * Runs the fake DevRev as a separate process, for end-to-end tests and benchmarks:
 *
 *   npx tsx tests/fakes/devrev-main.ts --options '{"generate":{"issues":100,"users":5},"rateLimit":{"count":500,"windowMs":300000}}'
 *
 * Options (JSON of `FakeDevRevOptions`, without functions) come from `--options <json>` or the
 * `FAKE_DEVREV_OPTIONS` environment variable; `--port <n>` overrides the port. When listening it
 * prints ONE line to stdout: `{"url": "...", "pid": ..., "apiKey": "<token>"}`; diagnostics go to
 * stderr. Steer and inspect it through `/__fake/*` (see `control.ts`, `control-client.ts`).
 * Stops on SIGTERM/SIGINT, and with `--exit-with-stdin` also when its stdin closes (parent gone).
 * Exit codes: 0 stopped, 1 could not start, 2 bad arguments.
 */
import { startFakeDevRev, type FakeDevRevOptions } from './devrev.js';
import { runFakeMain } from './fake-main.js';

runFakeMain<FakeDevRevOptions>({
  name: 'fake-devrev',
  entry: 'tests/fakes/devrev-main.ts',
  envVariable: 'FAKE_DEVREV_OPTIONS',
  start: async (options) => {
    const fake = await startFakeDevRev(options);
    return { url: fake.url, apiKey: fake.token, close: () => fake.close() };
  },
});
