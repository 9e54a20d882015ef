/**
 * Apply in phases, proven across crashes: a parent whose create response is lost (the process is
 * killed with SIGKILL while the request is in flight, after the target committed it) is adopted on
 * resume, and its children are created under the adopted id — each exactly once, even when the
 * process is killed again in the middle of the children.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { json, startFakeServer, type FakeServer } from '../../fakes/fake-http.js';
import { REPO_ROOT } from '../../helpers/workspace.js';

interface TreeRecord {
  id: string;
  key: string;
  kind: string;
  parent: string | null;
}

const RUNNER = path.join(REPO_ROOT, 'tests', 'helpers', 'phase-runner.ts');
const CHILDREN = 5;

let fake: FakeServer;
let records: TreeRecord[];
/** Keys whose next create is committed and then never answered (the process gets killed meanwhile). */
let hangAfterCommit: Set<string>;
let posts: string[];
let stateDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  records = [];
  posts = [];
  hangAfterCommit = new Set();
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-order-'));
  let next = 1;
  fake = await startFakeServer({
    name: 'tree',
    routes: [
      { method: 'GET', path: '/records', handler: (req) => json(200, { items: records.filter((r) => r.kind === req.query.get('kind')) }) },
      {
        method: 'POST',
        path: '/records',
        handler: async (req) => {
          const body = req.body as { key: string; kind: string; parent: string | null };
          posts.push(body.key);
          const record = { id: `R-${next++}`, key: body.key, kind: body.kind, parent: body.parent };
          records.push(record);
          if (hangAfterCommit.delete(body.key)) await new Promise(() => {});
          return json(201, { id: record.id });
        },
      },
    ],
  });
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await fake.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** Starts the runner; resolves its run id, and exposes the final line it prints. */
function runner(...args: string[]): { child: ChildProcess; runId: Promise<string>; end: Promise<{ status: string; result: Record<string, Record<string, number>> }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = readline.createInterface({ input: child.stdout! });
  let resolveId!: (id: string) => void;
  let resolveEnd!: (end: never) => void;
  const runId = new Promise<string>((resolve) => (resolveId = resolve));
  const end = new Promise<never>((resolve) => (resolveEnd = resolve));
  lines.on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    if (typeof message.run_id === 'string') resolveId(message.run_id);
    else resolveEnd(message as never);
  });
  return { child, runId, end };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('apply in phases across kill -9', () => {
  it('adopts a parent whose create response was lost and creates its children under it, each exactly once', async () => {
    hangAfterCommit.add('P-1');
    const first = runner('start', stateDir, fake.url, String(CHILDREN));
    const runId = await first.runId;
    await until(() => records.some((r) => r.key === 'P-1'));
    await kill(first.child); // the parent exists on the target; the process never saw the answer

    hangAfterCommit.add('C-3');
    const second = runner('resume', stateDir, fake.url, String(CHILDREN), runId);
    await until(() => records.some((r) => r.key === 'C-3'));
    await kill(second.child); // killed again with C-3 committed and unanswered

    const third = runner('resume', stateDir, fake.url, String(CHILDREN), runId);
    const end = await third.end;
    expect(end.status).toBe('succeeded');

    const parents = records.filter((r) => r.kind === 'parent');
    expect(parents).toHaveLength(1);
    const kids = records.filter((r) => r.kind === 'child');
    expect(kids.map((r) => r.key).sort()).toEqual(['C-1', 'C-2', 'C-3', 'C-4', 'C-5']);
    expect(kids.every((kid) => kid.parent === parents[0]!.id)).toBe(true);
    expect(posts.filter((key) => key === 'P-1')).toHaveLength(1);
    for (const kid of kids) expect(posts.filter((key) => key === kid.key)).toHaveLength(1);

    const ledger = Ledger.open(stateDir);
    try {
      const parentEvents = ledger.provenance.forKey('P-1', 'tree');
      expect(parentEvents).toEqual([expect.objectContaining({ action: 'created', target_id: parents[0]!.id, detail: expect.stringContaining('adopted') })]);
      expect(ledger.identities.get({ system: 'tree', scope: new URL(fake.url).origin, kind: 'child' }, 'C-3')?.target_id).toBe(kids.find((k) => k.key === 'C-3')!.id);
    } finally {
      ledger.close();
    }
  });
});
