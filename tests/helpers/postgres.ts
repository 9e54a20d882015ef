/**
 * A throwaway PostgreSQL 15 cluster for tests and benchmarks.
 *
 * `startPostgres()` runs Debian's `initdb` into a fresh temp directory (as the `postgres` system
 * user when we are root: PostgreSQL refuses to run as root), starts the server with `pg_ctl` on a
 * free port of 127.0.0.1 with its socket in the same directory, and returns URLs for it. Local
 * connections of the superuser are trusted; other roles authenticate with a password
 * (scram-sha-256), so wrong-password cases can be tested.
 *
 * The cluster is stopped by PID (`stop()`), and a small watchdog shell stops it and removes the
 * directory if the test process dies first (a crashed vitest worker leaves no server behind).
 * Durability is off (fsync, full-page writes): the data is thrown away anyway.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** PostgreSQL's server binaries: PG_BIN_DIR, else Debian's newest `/usr/lib/postgresql/<major>/bin` (15 here). */
export const PG_BIN_DIR = process.env.PG_BIN_DIR ?? debianBinDir();

function debianBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name) && fs.existsSync(path.join(root, name, 'bin', 'initdb'))) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0] ?? '15';
  return path.join(root, newest, 'bin');
}

export interface PostgresCluster {
  host: string;
  port: number;
  /** The superuser (trusted on 127.0.0.1; no password). */
  superuser: string;
  /** `postgres://<superuser>@127.0.0.1:<port>/<database>` */
  url(database: string, user?: { name: string; password: string }): string;
  /** Runs SQL as the superuser in a database (default `postgres`). */
  sql(text: string, database?: string): Promise<pg.QueryResult>;
  /** A connected client (superuser) to a database; the caller ends it. */
  connect(database?: string): Promise<pg.Client>;
  /** Creates a database, optionally as a copy of a template database. */
  createDatabase(name: string, template?: string): Promise<void>;
  /** The postmaster's pid. */
  pid: number;
  /** The cluster's temp directory (data, socket, log). */
  dir: string;
  /** Stops the server by pid (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
}

/** Whether PostgreSQL's server binaries are installed. */
export function postgresAvailable(): boolean {
  return fs.existsSync(path.join(PG_BIN_DIR, 'initdb'));
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the `postgres` system user when we are root. */
async function pgBin(binary: string, args: string[]): Promise<void> {
  const file = path.join(PG_BIN_DIR, binary);
  const [command, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  await run(command, argv, { maxBuffer: 8 * 1024 * 1024 });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function makeClusterDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'migration-mcp-pg-')));
  fs.mkdirSync(path.join(dir, 'sock'));
  if (isRoot) {
    const { uid, gid } = postgresUser();
    for (const entry of [dir, path.join(dir, 'sock')]) fs.chownSync(entry, uid, gid);
  }
  return dir;
}

function postgresUser(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('Running as root needs the `postgres` system user (apt-get install postgresql).');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

const HBA = [
  'local all all trust',
  'host all postgres 127.0.0.1/32 trust',
  'host all all 127.0.0.1/32 scram-sha-256',
].join('\n');

/** Starts a watchdog that stops the server and removes `dir` once `ownerPid` has exited. */
export function startWatchdog(ownerPid: number, serverPid: number, dir: string): number | undefined {
  const script = [
    `while kill -0 ${ownerPid} 2>/dev/null; do sleep 0.5; done`,
    `kill -INT ${serverPid} 2>/dev/null`,
    `i=0; while kill -0 ${serverPid} 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done`,
    `kill -QUIT ${serverPid} 2>/dev/null`,
    `rm -rf '${dir}'`,
  ].join('\n');
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid;
}

/** Starts a fresh cluster; rejects (and cleans up) when the binaries are missing or it cannot start. */
export async function startPostgres(): Promise<PostgresCluster> {
  if (!postgresAvailable()) throw new Error(`PostgreSQL is not installed (${PG_BIN_DIR}/initdb missing): apt-get install postgresql, or set PG_BIN_DIR`);
  const dir = makeClusterDir();
  const data = path.join(dir, 'data');
  try {
    await pgBin('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    fs.writeFileSync(path.join(data, 'pg_hba.conf'), `${HBA}\n`);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const options = [
        `-p ${port}`,
        `-k ${path.join(dir, 'sock')}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=60',
        '-c shared_buffers=64MB',
      ].join(' ');
      try {
        await pgBin('pg_ctl', ['-D', data, '-w', '-t', '30', '-l', path.join(dir, 'server.log'), '-o', options, 'start']);
        return await clusterAt(dir, port);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000) : '';
    await stopByPidFile(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start a test PostgreSQL cluster: ${(error as Error).message}\n${log}`);
  }
}

function readPid(dir: string): number | undefined {
  const file = path.join(dir, 'data', 'postmaster.pid');
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process runs (a zombie waiting for a slow init to reap it counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Fast shutdown by pid; escalates to an immediate shutdown, waits until the process is gone. */
async function stopByPid(pid: number): Promise<void> {
  const signals: [NodeJS.Signals, number][] = [
    ['SIGINT', 10_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ];
  for (const [signal, waitMs] of signals) {
    if (!processAlive(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (processAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function stopByPidFile(dir: string): Promise<void> {
  const pid = readPid(dir);
  if (pid) await stopByPid(pid);
}

async function clusterAt(dir: string, port: number): Promise<PostgresCluster> {
  const pid = readPid(dir);
  if (!pid) throw new Error('pg_ctl reported a start but postmaster.pid is missing');
  const watchdog = startWatchdog(process.pid, pid, dir);
  const host = '127.0.0.1';
  const url = (database: string, user?: { name: string; password: string }) =>
    user
      ? `postgres://${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@${host}:${port}/${encodeURIComponent(database)}`
      : `postgres://postgres@${host}:${port}/${encodeURIComponent(database)}`;
  const connect = async (database = 'postgres') => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    return client;
  };
  const sql = async (text: string, database = 'postgres') => {
    const client = await connect(database);
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };
  let stopped = false;
  return {
    host,
    port,
    superuser: 'postgres',
    pid,
    dir,
    url,
    sql,
    connect,
    createDatabase: async (name, template) => {
      await sql(`CREATE DATABASE ${pg.escapeIdentifier(name)}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''}`);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopByPid(pid);
      if (watchdog && processAlive(watchdog)) process.kill(-watchdog, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
