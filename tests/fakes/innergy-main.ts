/**
 * Runs the fake INNERGY as a separate process, for end-to-end tests and benchmarks:
 *
 *   npx tsx tests/fakes/innergy-main.ts --options '{"rateLimit":{"count":50,"windowMs":1000}}'
 *
 * Options (JSON of `FakeInnergyOptions`, without functions) come from `--options <json>` or the
 * `FAKE_INNERGY_OPTIONS` environment variable; `--port <n>` overrides the port. When listening it
 * prints ONE line to stdout: `{"url": "...", "pid": ..., "apiKey": "..."}`; diagnostics go to stderr.
 * Steer and inspect it through `/__fake/*` (see `control.ts`, `control-client.ts`).
 * Stops on SIGTERM/SIGINT, and with `--exit-with-stdin` also when its stdin closes (parent gone).
 * Exit codes: 0 stopped, 1 could not start, 2 bad arguments.
 */
import { runFakeMain } from './fake-main.js';
import { startFakeInnergy, type FakeInnergyOptions } from './innergy.js';

runFakeMain<FakeInnergyOptions>({
  name: 'fake-innergy',
  entry: 'tests/fakes/innergy-main.ts',
  envVariable: 'FAKE_INNERGY_OPTIONS',
  start: async (options) => {
    const fake = await startFakeInnergy(options);
    return { url: fake.url, apiKey: fake.apiKey, close: () => fake.close() };
  },
});
