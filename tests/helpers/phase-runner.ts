/**
 * A process that drives the engine without any MCP: a two-phase plan (one parent, its children)
 * against a "tree" fake over real HTTP, through the run manager, the ledger, plan-and-apply and the
 * HTTP client — so a test can kill it with SIGKILL mid-apply and resume the run in a new process.
 *
 *   node --import tsx tests/helpers/phase-runner.ts start  <stateDir> <fakeUrl> <children>
 *   node --import tsx tests/helpers/phase-runner.ts resume <stateDir> <fakeUrl> <children> <runId>
 *
 * Prints `{"run_id": …}` when the run starts and `{"status": …, "result": …}` when it ends.
 */
import { loadConfig } from '../../src/config/env.js';
import { Ledger } from '../../src/engine/ledger/ledger.js';
import { composePlan, executePlan, planRecords, type RecordMapper } from '../../src/engine/plan-apply.js';
import { RunManager, type RunDefinition } from '../../src/engine/run-manager.js';
import type { Target } from '../../src/engine/target.js';
import { createHttpClient } from '../../src/http/index.js';
import { getLogger, setLogLevel } from '../../src/logging/logger.js';

const [mode, stateDir, url, childCount, resumeId] = process.argv.slice(2) as [string, string, string, string, string | undefined];

interface TreeRecord {
  id: string;
  key: string;
  kind: string;
  parent: string | null;
}

const http = createHttpClient({ target: 'TREE', baseUrl: url, rateLimit: { count: 1000, windowMs: 1000 }, retryDelayMs: 20, maxRetries: 2 });
const list = async (kind: string): Promise<TreeRecord[]> => (await http.get<{ items: TreeRecord[] }>('/records', { searchParams: { kind } })).body.items;

function target(kind: string): Target<{ key: string }> {
  return {
    system: 'tree',
    kind,
    scope: new URL(url).origin,
    check: async () => ({ ok: true, findings: [] }),
    lookup: async (keys) => new Map((await list(kind)).filter((r) => keys.has(r.key)).map((r) => [r.key, r.id])),
    create: async (payload, { signal, parentId }) => (await http.post<{ id: string }>('/records', { json: { ...payload, kind, parent: parentId ?? null }, signal })).body.id,
    update: async (id, payload, { signal, parentId }) => {
      await http.put(`/records/${id}`, { json: { ...payload, kind, parent: parentId ?? null }, signal });
    },
  };
}

function mapper(kind: string, current: readonly TreeRecord[], parent?: string): RecordMapper<string, { key: string }, TreeRecord> {
  const byKey = new Map(current.map((r) => [r.key, r]));
  return {
    kind,
    key: (key) => key,
    payload: (key) => ({ key }),
    parent: () => (parent ? { kind: 'parent', key: parent } : undefined),
    current: (_record, key) => byKey.get(key),
    idOf: (record) => record.id,
    changes: () => [],
  };
}

const definition: RunDefinition = {
  tool: 'phase_test',
  args: {},
  dryRun: false,
  execute: async (ctx) => {
    const children = Array.from({ length: Number(childCount) }, (_, i) => `C-${i + 1}`);
    const parents = planRecords(['P-1'], mapper('parent', await list('parent')), { system: 'tree' });
    const kids = planRecords(children, mapper('child', await list('child'), 'P-1'), { system: 'tree' });
    const plan = composePlan('phase_test', [parents, kids]);
    const outcome = await executePlan({
      ctx,
      plan,
      dryRun: false,
      workers: 1,
      phases: [
        { label: 'creating parents', target: target('parent') },
        { label: 'creating children', target: target('child') },
      ],
    });
    return { result: { ...outcome.byKind, reconciled: outcome.reconciled }, nextAction: 'done' };
  },
};

setLogLevel('error');
const config = loadConfig({ MIGRATION_STATE_DIR: stateDir, MIGRATION_DATA_ROOTS: stateDir, MIGRATION_OUTPUT_DIR: stateDir }, stateDir);
const ledger = Ledger.open(stateDir);
const runs = new RunManager({ ledger, config, logger: getLogger() });
runs.registerFactory('phase_test', () => definition);
runs.recoverOrphans();
const active = mode === 'resume' ? runs.resume(resumeId!) : runs.start(definition);
process.stdout.write(`${JSON.stringify({ run_id: active.runId })}\n`);
const record = await active.done;
process.stdout.write(`${JSON.stringify({ status: record.status, result: record.result, error: record.error })}\n`);
ledger.close();
