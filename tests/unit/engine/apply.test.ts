import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyWrites, tallyIntents, type ApplyItem, type ApplyOptions } from '../../../src/engine/apply.js';
import { contentHash } from '../../../src/engine/canonical-hash.js';
import { CancelledError } from '../../../src/engine/errors.js';
import type { Intent } from '../../../src/engine/ledger/intent-store.js';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { ProgressTracker } from '../../../src/engine/progress.js';
import { CircuitOpenError, HttpAuthError } from '../../../src/http/errors.js';
import { getLogger, setLogLevel } from '../../../src/logging/logger.js';
import { FakeRemote, type Payload } from './helpers/fake-target.js';
import { makeTempDir, sleep } from './helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
let ledger: Ledger;
let remote: FakeRemote;
beforeEach(() => {
  setLogLevel('error');
  tmp = makeTempDir();
  ledger = Ledger.open(tmp.dir);
  remote = new FakeRemote();
});
afterEach(() => {
  ledger.close();
  tmp.cleanup();
});

function ctx(runId = 'r-1', signal: AbortSignal = new AbortController().signal) {
  return { runId, ledger, signal, progress: new ProgressTracker(0), logger: getLogger() };
}

function payload(key: string, name = `name of ${key}`): Payload {
  return { key, name };
}

function create(key: string, name?: string, line?: number): ApplyItem<Payload> {
  const p = payload(key, name);
  return { key, op: 'create', targetId: null, payload: p, contentHash: contentHash(p), source: line === undefined ? undefined : { file: 'projects.csv', line } };
}

function update(key: string, targetId: string, name: string): ApplyItem<Payload> {
  const p = payload(key, name);
  return { key, op: 'update', targetId, payload: p, contentHash: contentHash(p) };
}

function unchanged(key: string, targetId: string | null, name?: string): ApplyItem<Payload> {
  const p = payload(key, name);
  return { key, op: 'none', targetId, payload: p, contentHash: contentHash(p) };
}

function apply(items: ApplyItem<Payload>[], extra: ApplyOptions = {}) {
  return applyWrites<Payload>(ctx(), { label: 'writing projects', target: remote, items }, extra);
}

const REF = { system: 'fake', scope: 'http://fake.test', kind: 'project' };

const states = (intents: Map<string, Intent>) => Object.fromEntries([...intents].map(([key, intent]) => [key, intent.state]));

/** Rejection of a promise (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected applyWrites to throw');
    },
    (error: unknown) => error,
  );
}

describe('applyWrites: writes', () => {
  it('creates new records and updates changed ones, acknowledging every intent', async () => {
    const existing = remote.seed(payload('B', 'old name'));
    const report = await apply([create('A'), update('B', existing, 'new name')]);
    expect(states(report.intents)).toEqual({ A: 'acked', B: 'acked' });
    expect(remote.idsOf('A')).toHaveLength(1);
    expect(remote.records.get(existing)?.name).toBe('new name');
    expect(report.intents.get('A')!.target_id).toBe(remote.idsOf('A')[0]);
    expect(report.intents.get('B')!.target_id).toBe(existing);
    expect(report.reconciled).toBe(0);
  });

  it('an unchanged record costs zero writes', async () => {
    const id = remote.seed(payload('A'));
    const report = await apply([unchanged('A', id)]);
    expect(remote.calls).toEqual([]);
    expect(report.intents.size).toBe(0);
    expect(tallyIntents(report.intents)).toMatchObject({ done: {}, failed: 0 });
  });

  it('records the identity and the content hash of every acknowledged write', async () => {
    const existing = remote.seed(payload('B'));
    const items = [create('A'), update('B', existing, 'renamed')];
    await apply(items);
    expect(ledger.identities.get(REF, 'A')).toMatchObject({ target_id: remote.idsOf('A')[0], content_hash: items[0]!.contentHash, last_run_id: 'r-1' });
    expect(ledger.identities.get(REF, 'B')).toMatchObject({ target_id: existing, content_hash: items[1]!.contentHash, last_run_id: 'r-1' });
  });

  it('records provenance (source file and line → target id) for every write', async () => {
    await apply([create('A', 'Lobby', 7)]);
    const [event] = ledger.provenance.forKey('A', 'fake');
    expect(event).toMatchObject({ run_id: 'r-1', kind: 'project', action: 'created', target_id: remote.idsOf('A')[0], source_file: 'projects.csv', source_line: 7 });
  });

  it('reports progress over the writes', async () => {
    const context = ctx();
    await applyWrites<Payload>(context, { label: 'writing projects', target: remote, items: [create('A'), create('B'), create('C')] });
    expect(context.progress.snapshot()).toMatchObject({ phase: 'writing projects', done: 3, total: 3 });
  });

  it('never runs more writes at once than the number of workers', async () => {
    let inFlight = 0;
    let peak = 0;
    const realCreate = remote.create.bind(remote);
    remote.create = async (p, signal) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(2);
      try {
        return await realCreate(p, signal);
      } finally {
        inFlight -= 1;
      }
    };
    await apply(Array.from({ length: 12 }, (_, i) => createItem(i)), { workers: 3 });
    expect(peak).toBe(3);
    expect(remote.records.size).toBe(12);
  });
});

function createItem(i: number): ApplyItem<Payload> {
  return create(`K-${String(i).padStart(3, '0')}`);
}

describe('applyWrites: unknown outcomes (exactly-once creates)', () => {
  it('adopts a create whose response was lost instead of creating it again', async () => {
    remote.fail('create', 'A', 'commit-then-lose');
    const report = await apply([create('A')]);
    expect(remote.count('create', 'A')).toBe(1);
    expect(remote.count('lookup')).toBe(1);
    expect(remote.idsOf('A')).toHaveLength(1);
    const [id] = remote.idsOf('A');
    expect(report.reconciled).toBe(1);
    expect(report.intents.get('A')).toMatchObject({ state: 'acked', target_id: id });
    expect(ledger.identities.get(REF, 'A')?.target_id).toBe(id);
    expect(ledger.provenance.forKey('A').at(-1)?.detail).toMatch(/adopted/);
  });

  it('creates again a record whose lost create never reached the target', async () => {
    remote.fail('create', 'A', 'lose-before-commit');
    const report = await apply([create('A')]);
    expect(remote.count('create', 'A')).toBe(2);
    expect(remote.count('lookup')).toBe(1);
    expect(remote.idsOf('A')).toHaveLength(1);
    expect(report.reconciled).toBe(0);
    expect(report.intents.get('A')).toMatchObject({ state: 'acked', target_id: remote.idsOf('A')[0] });
  });

  it('reconciles all unknown outcomes of a batch with one lookup', async () => {
    remote.fail('create', 'A', 'commit-then-lose').fail('create', 'B', 'commit-then-lose').fail('create', 'C', 'lose-before-commit');
    const report = await apply([create('A'), create('B'), create('C'), create('D')]);
    expect(remote.calls.filter((call) => call.op === 'lookup').map((call) => call.keys)).toEqual([['A', 'B', 'C']]);
    expect(report.reconciled).toBe(2);
    expect(states(report.intents)).toEqual({ A: 'acked', B: 'acked', C: 'acked', D: 'acked' });
    for (const key of ['A', 'B', 'C', 'D']) expect(remote.idsOf(key)).toHaveLength(1);
  });

  it('leaves a create ambiguous (and counted as failed) when its outcome stays unknown after every round', async () => {
    remote.fail('create', 'A', 'lose-before-commit', 'lose-before-commit', 'lose-before-commit');
    const report = await apply([create('A')], { reconcileRounds: 2 });
    expect(remote.count('create', 'A')).toBe(3);
    expect(remote.count('lookup')).toBe(2);
    expect(report.intents.get('A')!.state).toBe('ambiguous');
    expect(tallyIntents(report.intents)).toMatchObject({ failed: 1, failures: [{ key: 'A' }] });
  });

  it('a refused connection (request never sent) fails the create without a lookup', async () => {
    remote.fail('create', 'A', 'not-sent');
    const report = await apply([create('A'), create('B')]);
    expect(report.intents.get('A')!.state).toBe('failed');
    expect(report.intents.get('B')!.state).toBe('acked');
    expect(remote.count('lookup')).toBe(0);
  });

  it('creates every record exactly once under a mix of lost responses and lost requests', async () => {
    const items = Array.from({ length: 30 }, (_, i) => createItem(i));
    items.forEach((item, i) => {
      if (i % 3 === 0) remote.fail('create', item.key, 'commit-then-lose');
      else if (i % 5 === 0) remote.fail('create', item.key, 'lose-before-commit');
    });
    const report = await apply(items, { workers: 4 });
    expect(remote.records.size).toBe(30);
    for (const item of items) expect(remote.idsOf(item.key)).toHaveLength(1);
    expect(tallyIntents(report.intents)).toMatchObject({ done: { create: 30 }, failed: 0 });
    expect(report.reconciled).toBe(10);
  });
});

describe('applyWrites: record-level failures', () => {
  it('fails only the record on a 422 and goes on', async () => {
    remote.fail('create', 'B', 422);
    const report = await apply([create('A'), create('B'), create('C')]);
    expect(states(report.intents)).toEqual({ A: 'acked', B: 'failed', C: 'acked' });
    expect(report.intents.get('B')!.error).toMatch(/422.*Name is required/);
    expect(remote.idsOf('B')).toEqual([]);
    expect(ledger.identities.get(REF, 'B')).toBeUndefined();
    expect(remote.count('lookup')).toBe(0);
    const tally = tallyIntents(report.intents);
    expect(tally).toMatchObject({ done: { create: 2 }, failed: 1 });
    expect(tally.failures).toEqual([{ key: 'B', error: expect.stringMatching(/422/) }]);
  });

  it('fails only the record when an update is refused', async () => {
    const a = remote.seed(payload('A'));
    const b = remote.seed(payload('B'));
    remote.fail('update', 'A', 422);
    const report = await apply([update('A', a, 'x'), update('B', b, 'y')]);
    expect(states(report.intents)).toEqual({ A: 'failed', B: 'acked' });
    expect(remote.records.get(a)?.name).toBe('name of A');
  });
});

describe('applyWrites: errors that stop the run', () => {
  it('stops the run on 401 and leaves in-flight intents resumable', async () => {
    const releaseA = remote.hold('create', 'A');
    remote.fail('create', 'B', 401);
    const running = rejectionOf(apply([create('A'), create('B'), create('C'), create('D')], { workers: 2 }));
    await sleep(20);
    // B has failed by now; A is still in flight and must finish.
    releaseA();
    const error = await running;
    expect(error).toBeInstanceOf(HttpAuthError);
    const intents = ledger.intents.latestForRun('r-1', 'fake', 'project');
    expect(states(intents)).toEqual({ A: 'acked', B: 'failed', C: 'planned', D: 'planned' });
    expect(remote.count('create', 'C')).toBe(0);
    expect(remote.count('create', 'D')).toBe(0);

    // Resume: a fresh plan finds A on the target; the rest is written, nothing twice.
    const a = remote.idsOf('A')[0]!;
    const report = await apply([unchanged('A', a), create('B'), create('C'), create('D')]);
    expect(states(report.intents)).toEqual({ A: 'acked', B: 'acked', C: 'acked', D: 'acked' });
    for (const key of ['A', 'B', 'C', 'D']) expect(remote.idsOf(key)).toHaveLength(1);
    expect(tallyIntents(report.intents).done).toEqual({ create: 4 });
  });

  it('a create in flight whose response is lost when the run stops is settled by the resume', async () => {
    const releaseA = remote.hold('create', 'A');
    remote.fail('create', 'A', 'commit-then-lose');
    remote.fail('create', 'B', 401);
    const running = rejectionOf(apply([create('A'), create('B')], { workers: 2 }));
    await sleep(20);
    releaseA();
    expect(await running).toBeInstanceOf(HttpAuthError);
    expect(remote.count('lookup')).toBe(0);
    expect(ledger.intents.latestForRun('r-1', 'fake', 'project').get('A')!.state).toBe('ambiguous');

    // The resumed run re-plans against the target, finds A there and records it as done.
    const a = remote.idsOf('A')[0]!;
    const report = await apply([unchanged('A', a), create('B')]);
    expect(report.reconciled).toBe(1);
    expect(report.intents.get('A')).toMatchObject({ state: 'acked', target_id: a });
    expect(ledger.identities.get(REF, 'A')?.target_id).toBe(a);
    expect(remote.idsOf('A')).toHaveLength(1);
    expect(tallyIntents(report.intents).done).toEqual({ create: 2 });
  });

  it('settles a create left "sent" by a crashed process when the resume finds the record', async () => {
    // What a kill -9 right after sending leaves behind.
    const id = ledger.intents.planMany('r-1', 'fake', 'project', [{ key: 'A', op: 'create' }]).get('A')!;
    ledger.intents.transition(id, 'sent');
    const a = remote.seed(payload('A'));
    const report = await apply([unchanged('A', a)]);
    expect(remote.calls).toEqual([]);
    expect(report.intents.get('A')).toMatchObject({ intent_id: id, state: 'acked', target_id: a });
    expect(report.reconciled).toBe(1);
  });

  it('stops the run when the circuit breaker is open, without counting the record as maybe-applied', async () => {
    remote.fail('create', 'A', 'circuit-open');
    const error = await rejectionOf(apply([create('A'), create('B')], { workers: 1 }));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(states(ledger.intents.latestForRun('r-1', 'fake', 'project'))).toEqual({ A: 'failed', B: 'planned' });
    expect(remote.count('lookup')).toBe(0);
  });

  it('stops taking new records when cancelled and throws CancelledError', async () => {
    const controller = new AbortController();
    const realCreate = remote.create.bind(remote);
    remote.create = async (p, signal) => {
      const id = await realCreate(p, signal);
      if (p.key === 'A') controller.abort();
      return id;
    };
    const error = await rejectionOf(applyWrites<Payload>(ctx('r-1', controller.signal), { label: 'writing', target: remote, items: [create('A'), create('B'), create('C')] }, { workers: 1 }));
    expect(error).toBeInstanceOf(CancelledError);
    expect(states(ledger.intents.latestForRun('r-1', 'fake', 'project'))).toEqual({ A: 'acked', B: 'planned', C: 'planned' });
  });

  it('a create cancelled while in flight is kept as maybe-applied, and the resume settles it', async () => {
    // The HTTP client turns an abort during a request into a CancelledError: the target may
    // have committed the create before the connection was dropped.
    const controller = new AbortController();
    const realCreate = remote.create.bind(remote);
    remote.create = async (p, signal) => {
      await realCreate(p, signal);
      controller.abort();
      throw new CancelledError(`The POST request to FAKE (http://fake.test/api/projects) was cancelled.`);
    };
    const error = await rejectionOf(applyWrites<Payload>(ctx('r-1', controller.signal), { label: 'writing', target: remote, items: [create('A')] }, { workers: 1 }));
    expect(error).toBeInstanceOf(CancelledError);
    expect(ledger.intents.latestForRun('r-1', 'fake', 'project').get('A')!.state).toBe('ambiguous');

    remote.create = realCreate;
    const a = remote.idsOf('A')[0]!;
    const report = await apply([unchanged('A', a)]);
    expect(report.intents.get('A')).toMatchObject({ state: 'acked', target_id: a });
    expect(tallyIntents(report.intents)).toMatchObject({ done: { create: 1 }, failed: 0 });
    expect(remote.idsOf('A')).toHaveLength(1);
  });

  it('an error that is not a MigrationError (a bug) stops the run and is rethrown', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    remote.fail('create', 'A', bug);
    const error = await rejectionOf(apply([create('A'), create('B')], { workers: 1 }));
    expect(error).toBe(bug);
    expect(remote.count('create', 'B')).toBe(0);
  });

  it('an update without a target id is a bug that stops the run', async () => {
    const broken: ApplyItem<Payload> = { ...update('A', 'x', 'y'), targetId: null };
    const error = await rejectionOf(apply([broken]));
    expect((error as Error).message).toMatch(/has no target id/);
    expect(remote.calls).toEqual([]);
  });
});


describe('applyWrites: records needing no write', () => {
  it('corrects a cached identity that disagrees with the target', async () => {
    ledger.identities.upsert(REF, 'A', 'T-stale', 'h', 'r-0');
    const actual = remote.seed(payload('A'));
    await apply([unchanged('A', actual)]);
    expect(ledger.identities.get(REF, 'A')).toMatchObject({ target_id: actual, last_run_id: 'r-0' });
    expect(remote.calls).toEqual([]);
  });

  it('records the identity of an unchanged record the ledger did not know', async () => {
    const actual = remote.seed(payload('A'));
    await apply([unchanged('A', actual)]);
    expect(ledger.identities.get(REF, 'A')?.target_id).toBe(actual);
  });

  it('ignores a record with no write and no target id (skipped)', async () => {
    const report = await apply([unchanged('A', null)]);
    expect(report.intents.size).toBe(0);
    expect(ledger.identities.get(REF, 'A')).toBeUndefined();
  });

  it('does not touch intents of another run', async () => {
    const id = ledger.intents.planMany('r-other', 'fake', 'project', [{ key: 'A', op: 'create' }]).get('A')!;
    ledger.intents.transition(id, 'sent');
    const a = remote.seed(payload('A'));
    const report = await apply([unchanged('A', a)]);
    expect(report.reconciled).toBe(0);
    expect(ledger.intents.latestForRun('r-other', 'fake', 'project').get('A')!.state).toBe('sent');
  });
});

describe('tallyIntents', () => {
  function intent(key: string, op: string, state: Intent['state'], error: string | null = null): [string, Intent] {
    return [key, { intent_id: 1, run_id: 'r', system: 's', kind: 'k', item_key: key, op, state, target_id: null, content_hash: null, error }];
  }

  it('counts done writes per operation and failures (ambiguous included), with bounded samples', () => {
    const intents = new Map<string, Intent>([
      intent('A', 'create', 'acked'),
      intent('B', 'create', 'acked'),
      intent('C', 'update', 'acked'),
      intent('D', 'create', 'failed', '422 bad'),
      intent('E', 'create', 'ambiguous'),
      intent('F', 'create', 'failed', 'x'),
      intent('G', 'create', 'planned'),
      intent('H', 'update', 'sent'),
    ]);
    const tally = tallyIntents(intents, 2);
    expect(tally.done).toEqual({ create: 2, update: 1 });
    expect([...tally.doneKeys].sort()).toEqual(['A', 'B', 'C']);
    expect(tally.failed).toBe(3);
    expect(tally.failures).toEqual([
      { key: 'D', error: '422 bad' },
      { key: 'E', error: 'ambiguous' },
    ]);
  });
});
