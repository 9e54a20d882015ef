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
import { runFakeMain } from './fake-main.js';
import { startFakeOpenProject, type FakeOpenProjectOptions } from './openproject.js';

runFakeMain<FakeOpenProjectOptions>({
  name: 'fake-openproject',
  entry: 'tests/fakes/openproject-main.ts',
  envVariable: 'FAKE_OPENPROJECT_OPTIONS',
  start: async (options) => {
    const fake = await startFakeOpenProject(options);
    return { url: fake.url, apiKey: fake.apiKey, close: () => fake.close() };
  },
});
