/** The throwaway PostgreSQL cluster of the test harness: it starts, serves, and never outlives its owner. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAlive as alive, startPostgres } from '../../helpers/postgres.js';
import { REPO_ROOT } from '../../helpers/workspace.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!condition()) throw new Error(`still waiting for ${what}`);
}

describe('the test PostgreSQL cluster', () => {
  it('serves PostgreSQL 15 on 127.0.0.1 and is gone, directory and all, after stop()', async () => {
    const cluster = await startPostgres();
    const dir = cluster.dir;
    expect(fs.existsSync(path.join(dir, 'data', 'postmaster.pid'))).toBe(true);
    try {
      const { rows } = await cluster.sql("SELECT current_setting('server_version_num')::int AS version, inet_server_addr()::text AS addr");
      expect(rows[0].version).toBeGreaterThanOrEqual(150000);
      expect(rows[0].addr).toBe('127.0.0.1/32');
    } finally {
      await cluster.stop();
    }
    expect(alive(cluster.pid)).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('is stopped by its watchdog when the process that started it dies without stopping it', async () => {
    const script = `import { startPostgres } from ${JSON.stringify(path.join(REPO_ROOT, 'tests/helpers/postgres.ts'))};
      const c = await startPostgres();
      process.stdout.write(JSON.stringify({ pid: c.pid }) + '\\n');
      process.exit(0);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => child.on('exit', resolve));
    const { pid } = JSON.parse(out) as { pid: number };
    await until(() => !alive(pid), `postmaster ${pid} to stop`);
    expect(alive(pid)).toBe(false);
  });
});
