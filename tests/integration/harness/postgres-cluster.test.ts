/** The throwaway PostgreSQL cluster of the test harness: it starts, serves, and never outlives its owner. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAlive as alive, startPostgres, startWatchdog } from '../../helpers/postgres.js';

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

  it('is stopped by its watchdog, and its directory removed, when the process that started it dies', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-mcp-pg-watchdog-'));
    const server = spawn('sleep', ['600'], { stdio: 'ignore' });
    const owner = spawn('sleep', ['0.2'], { stdio: 'ignore' });
    const watchdog = startWatchdog(owner.pid!, server.pid!, dir);
    expect(watchdog).toBeGreaterThan(0);
    const serverExit = new Promise<NodeJS.Signals | null>((resolve) => server.on('exit', (_code, signal) => resolve(signal)));
    expect(await serverExit).toBe('SIGINT');
    await until(() => !fs.existsSync(dir), 'the directory to be removed');
  });
});
