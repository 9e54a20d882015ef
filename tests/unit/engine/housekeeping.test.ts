import { describe, expect, it } from 'vitest';
import { pruneLedger, resetCheckpoints } from '../../../src/engine/housekeeping.js';
import { explainRecord } from '../../../src/engine/records.js';
import type { Ledger } from '../../../src/engine/ledger/ledger.js';
import { useTempLedger } from './helpers/temp.js';

const useLedger = useTempLedger();
const DAY = 86_400_000;

/** A finished run with a plan of `items` items and as many intents, finished `daysAgo` days ago. */
function finishedRun(ledger: Ledger, runId: string, daysAgo: number, items = 3): void {
  ledger.runs.create({ run_id: runId, tool: 'run_innergy_project_import', dry_run: false, args: {}, owner_pid: 1, owner_host: 'h' });
  ledger.runs.finish(runId, { status: 'succeeded', result: {}, error: null });
  ledger.db.prepare('UPDATE runs SET finished_at = ? WHERE run_id = ?').run(new Date(Date.now() - daysAgo * DAY).toISOString(), runId);
  const keys = Array.from({ length: items }, (_, i) => `${runId}-K${i}`);
  ledger.plans.save({ plan_id: `plan-${runId}`, tool: 'run_innergy_project_import', run_id: runId, fingerprint: 'f', inputs_hash: 'i', summary: {}, items: keys.map((key) => ({ key, action: 'create', data: {} })) });
  ledger.intents.planMany(runId, 'innergy', 'project', keys.map((key) => ({ key, op: 'create' })));
  ledger.provenance.record({ run_id: runId, system: 'innergy', kind: 'project', item_key: keys[0]!, action: 'created', target_id: 'P-1' });
}

describe('pruneLedger', () => {
  it('counts on a dry run and removes on apply the plan items and intents of runs finished before the retention', () => {
    const ledger = useLedger();
    finishedRun(ledger, 'r-old', 45);
    finishedRun(ledger, 'r-new', 2);
    expect(pruneLedger(ledger, 30, { dryRun: true })).toMatchObject({ runs: 1, plans: 1, plan_items: 3, intents: 3, retention_days: 30 });
    expect(ledger.plans.items('plan-r-old')).toHaveLength(3);

    expect(pruneLedger(ledger, 30, { dryRun: false })).toMatchObject({ runs: 1, plan_items: 3, intents: 3 });
    expect(ledger.plans.items('plan-r-old')).toHaveLength(0);
    expect(ledger.intents.latestForRun('r-old', 'innergy', 'project').size).toBe(0);
    expect(ledger.plans.items('plan-r-new')).toHaveLength(3);
    expect(pruneLedger(ledger, 30, { dryRun: true })).toMatchObject({ plan_items: 0, intents: 0 });
  });

  it('keeps runs, plan headers and provenance, so explain_record still answers', () => {
    const ledger = useLedger();
    finishedRun(ledger, 'r-old', 45);
    pruneLedger(ledger, 30, { dryRun: false });
    expect(ledger.runs.get('r-old')?.status).toBe('succeeded');
    expect(ledger.plans.get('plan-r-old')?.item_count).toBe(3);
    expect(explainRecord(ledger, 'r-old-K0')).toMatchObject({ found: true, events: [expect.objectContaining({ action: 'created', tool: 'run_innergy_project_import' })] });
  });

  it('never touches a run that is still running', () => {
    const ledger = useLedger();
    ledger.runs.create({ run_id: 'r-live', tool: 't', dry_run: false, args: {}, owner_pid: 1, owner_host: 'h' });
    ledger.intents.planMany('r-live', 'innergy', 'project', [{ key: 'A', op: 'create' }]);
    expect(pruneLedger(ledger, 1, { dryRun: false, now: Date.now() + 400 * DAY })).toMatchObject({ intents: 0 });
  });
});

describe('resetCheckpoints', () => {
  it('counts on a dry run and clears on apply, naming the runs concerned', () => {
    const ledger = useLedger();
    ledger.checkpoints.set('run_full_cycle', 'r-1', 'step:etl', { ok: true });
    ledger.checkpoints.set('run_full_cycle', 'r-1', 'step:material_sync', { ok: true });
    expect(resetCheckpoints(ledger, 'run_full_cycle', { dryRun: true })).toEqual({ checkpoints: 2, runs: ['r-1'] });
    expect(ledger.checkpoints.listForJob('run_full_cycle')).toHaveLength(2);
    expect(resetCheckpoints(ledger, 'run_full_cycle', { dryRun: false })).toEqual({ checkpoints: 2, runs: ['r-1'] });
    expect(ledger.checkpoints.listForJob('run_full_cycle')).toHaveLength(0);
  });
});
