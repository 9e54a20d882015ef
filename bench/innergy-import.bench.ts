/**
 * Benchmark: INNERGY project import against the fake INNERGY (a separate process) limited to
 * 50 requests/s with 20 ms latency. Imports N new projects, then re-runs unchanged.
 *
 * Prints: achieved writes/s ÷ the 50/s limit (target ≥ 0.9), API requests per created project
 * (target ≤ 1.05 plus the paged reads), requests of the unchanged re-run (target: reads only,
 * zero writes), and 429s received. Run: npm run bench:innergy [-- --projects 2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawnFakeInnergy } from '../tests/fakes/spawn-fake.js';
import { writeCanonicalProjects } from '../tests/helpers/canonical.js';
import { callToCompletion, connectInProcess } from '../tests/helpers/mcp.js';

const { values } = parseArgs({ options: { projects: { type: 'string', default: '2000' }, rate: { type: 'string', default: '50' }, latency: { type: 'string', default: '20' } } });
const count = Number(values.projects);
const rate = Number(values.rate);
const latencyMs = Number(values.latency);

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-innergy-')));
const fake = await spawnFakeInnergy({ latencyMs, rateLimit: { count: rate, windowMs: 1000 } });
try {
  const file = writeCanonicalProjects(path.join(dir, 'out'), count);
  const env = {
    MIGRATION_STATE_DIR: path.join(dir, 'var'),
    MIGRATION_DATA_ROOTS: dir,
    MIGRATION_OUTPUT_DIR: path.join(dir, 'out'),
    INNERGY_API_BASE_URL: fake.url,
    INNERGY_API_KEY: fake.apiKey ?? 'test-innergy-key',
    INNERGY_RATE_LIMIT: `${rate}/s`,
    LOG_LEVEL: 'error',
  };
  const session = await connectInProcess(env, dir);

  const started = performance.now();
  const first = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false }, 30 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  const api = first.structured.api as { requests: number; by_method: Record<string, number>; rate_limited: number };
  const writes = (api.by_method.POST ?? 0) + (api.by_method.PUT ?? 0);
  const pagedReads = api.by_method.GET ?? 0;

  const rerun = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false }, 30 * 60_000);
  const rerunApi = rerun.structured.api as typeof api;
  const rerunWrites = (rerunApi.by_method.POST ?? 0) + (rerunApi.by_method.PUT ?? 0);
  const fakeState = (await fake.control.state()) as { projects: { ExternalIdentifier: string }[] };
  const distinct = new Set(fakeState.projects.map((p) => p.ExternalIdentifier)).size;
  await session.close();

  const writesPerSecond = first.structured.created / seconds;
  const figures = {
    projects: count,
    created: first.structured.created,
    failed: first.structured.failed,
    seconds: Number(seconds.toFixed(2)),
    writes_per_second: Number(writesPerSecond.toFixed(2)),
    rate_limit: rate,
    ratio_to_limit: Number((writesPerSecond / rate).toFixed(3)),
    requests_per_created_project: Number(((api.requests - pagedReads) / first.structured.created).toFixed(3)),
    paged_reads: pagedReads,
    rerun_requests: rerunApi.requests,
    rerun_writes: rerunWrites,
    rerun_unchanged: rerun.structured.unchanged,
    http_429_received: api.rate_limited + rerunApi.rate_limited,
    projects_in_innergy: fakeState.projects.length,
    duplicates: fakeState.projects.length - distinct,
  };
  process.stderr.write(
    [
      `INNERGY import benchmark: ${count} projects, fake limited to ${rate} req/s, ${latencyMs} ms latency`,
      `  achieved writes/s           ${figures.writes_per_second}  (÷ ${rate} = ${figures.ratio_to_limit}; target ≥ 0.9)`,
      `  requests per created project ${figures.requests_per_created_project}  (+ ${pagedReads} paged read(s); target ≤ 1.05)`,
      `  unchanged re-run            ${figures.rerun_requests} request(s), ${figures.rerun_writes} write(s)  (target: reads only)`,
      `  429s received               ${figures.http_429_received}`,
      `  projects in INNERGY         ${figures.projects_in_innergy} (duplicates ${figures.duplicates})`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify(figures)}\n`); // stdout-ok: benchmark output
} finally {
  await fake.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
