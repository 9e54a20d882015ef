/**
 * The ACC backfill pipeline's resume bookkeeping against a real PostgreSQL and a real ledger: a run
 * that dies right after a batch's COMMIT (before its checkpoint) or right before it (intent
 * recorded, batch rolled back) is resumed to exact totals and the same rows in the warehouse.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { ProgressTracker } from '../../../src/engine/progress.js';
import type { RunContext } from '../../../src/engine/run-context.js';
import { getLogger } from '../../../src/logging/logger.js';
import { clearSecrets } from '../../../src/logging/redact.js';
import { runAccBackfill } from '../../../src/pipelines/acc/backfill.js';
import { openPmSource, openWarehouse } from '../../../src/targets/warehouse/index.js';
import type { UpsertOptions, Warehouse } from '../../../src/targets/warehouse/types.js';
import { warehouseCounts } from '../../helpers/acc-fixture.js';
import { setupAccDatabases, type AccDatabases } from '../../helpers/acc-databases.js';
import { usePostgres } from '../../helpers/use-postgres.js';
import { makeTempDir } from '../../unit/engine/helpers/temp.js';

const cluster = usePostgres();
let dbs: AccDatabases;
let tmp: ReturnType<typeof makeTempDir>;
let ledger: Ledger;

beforeAll(async () => {
  dbs = await setupAccDatabases(cluster());
}, 120_000);

beforeEach(() => {
  tmp = makeTempDir('mmcp-acc-');
  ledger = Ledger.open(tmp.dir);
});

afterEach(() => {
  ledger.close();
  tmp.cleanup();
  clearSecrets();
});

class Crash extends Error {}

function context(resume: boolean): RunContext {
  return { runId: 'r-acc-1', signal: new AbortController().signal, progress: new ProgressTracker(0), logger: getLogger(), config: {} as RunContext['config'], ledger, resume };
}

/** The warehouse, dying at batch `at`: after its COMMIT (`after`) or inside it before COMMIT (`before`). */
function crashingWarehouse(url: string, at: number, when: 'after' | 'before'): Warehouse {
  const real = openWarehouse(url);
  let batch = 0;
  return new Proxy(real, {
    get(target, property, receiver) {
      if (property !== 'upsertBatch') return Reflect.get(target, property, receiver) as unknown;
      return async (rows: Parameters<Warehouse['upsertBatch']>[0], options: UpsertOptions) => {
        const current = batch++;
        if (current !== at) return real.upsertBatch(rows, options);
        if (when === 'after') {
          await real.upsertBatch(rows, options);
          throw new Crash('killed after COMMIT');
        }
        return real.upsertBatch(rows, {
          ...options,
          beforeCommit: async (outcome) => {
            await options.beforeCommit?.(outcome);
            throw new Crash('killed before COMMIT');
          },
        });
      };
    },
  });
}

async function attempt(url: string, resume: boolean, warehouse = openWarehouse(url)) {
  return runAccBackfill({ dryRun: false, batchSize: 500 }, context(resume), { source: openPmSource(dbs.pmUrl), warehouse });
}

describe('resuming an ACC backfill', () => {
  it.each(['after', 'before'] as const)('reaches exact totals when the run died %s the COMMIT of a batch', async (when) => {
    const { url, name } = await dbs.freshWarehouse();
    await expect(attempt(url, false, crashingWarehouse(url, 3, when))).rejects.toBeInstanceOf(Crash);
    const client = await cluster().connect(name);
    try {
      const midway = await warehouseCounts(client);
      // Batches 0–2 committed (plus batch 3 when the crash came after its COMMIT); a few of their
      // 500 rows each may be updates of the 37 rows already there.
      const committedRows = (when === 'after' ? 4 : 3) * 500;
      expect(midway.acc).toBeGreaterThanOrEqual(37 + committedRows - 4);
      expect(midway.acc).toBeLessThanOrEqual(37 + committedRows);
      const resumed = await attempt(url, true);
      expect(resumed.result).toMatchObject({ inserted: 3659, updated: 4, unchanged: 33, batches: 8, before: { acc_rows: 37 }, after: { acc_rows: 3696 } });
      expect(resumed.result.warnings.join(' ')).toContain(when === 'after' ? 'Batch 3 had committed just before the interruption' : 'Resumed after 3 committed batch(es)');
      expect(await warehouseCounts(client)).toMatchObject({ acc: 3696, distinctAcc: 3696 });
    } finally {
      await client.end();
    }
  });

  it('backfills the seed in one run: 8 batches of 500, full coverage after, one provenance event per row written', async () => {
    const { url } = await dbs.freshWarehouse();
    const run = await attempt(url, false);
    expect(run.result).toMatchObject({ inserted: 3659, updated: 4, batches: 8 });
    expect(run.result.gap_after?.coverage).toBe('3,696 / 3,696 = 100.0 %');
    const db = new Database(path.join(tmp.dir, 'state.db'), { readonly: true });
    try {
      const events = db.prepare("SELECT action, count(*) AS n FROM provenance WHERE system = 'warehouse' GROUP BY action ORDER BY action").all();
      expect(events).toEqual([
        { action: 'create', n: 3659 },
        { action: 'update', n: 4 },
      ]);
    } finally {
      db.close();
    }
    const updated = run.result.samples.find((sample) => sample.action === 'update')!;
    expect(ledger.provenance.forKey(updated.source_issue_id, 'warehouse')).toMatchObject([
      { run_id: 'r-acc-1', kind: 'dim.issue', action: 'update', source_file: 'dbo.vw_acc_issue_id_map', target_id: `ACC/${updated.source_issue_id}/${updated.source_project_id}` },
    ]);
  });
});
