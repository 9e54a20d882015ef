/**
 * An in-memory Target: a Map plays the remote system, keyed by target id. Faults can be scripted
 * per (operation, external key), and a write can be held in flight until released. Records may
 * name a parent (the target id passed with the write), and deletes cascade to children as
 * OpenProject's do.
 */
import type { Target, TargetCheck, WriteOptions } from '../../../../src/engine/target.js';
import { CircuitOpenError, HttpAuthError, HttpStatusError, NetworkError } from '../../../../src/http/errors.js';

export interface Payload {
  key: string;
  name: string;
  /** Target id of the parent, as the write received it (set by the fake). */
  parentId?: string;
}

export type Fault =
  /** The target commits the write, then the response is lost (outcome unknown). */
  | 'commit-then-lose'
  /** The request is lost before the target commits it (outcome unknown). */
  | 'lose-before-commit'
  /** Connection refused: the request never left (outcome not_sent). */
  | 'not-sent'
  /** A 4xx validation answer. */
  | 422
  /** Credentials refused. */
  | 401
  /** The HTTP layer's circuit breaker is open. */
  | 'circuit-open'
  /** Anything else: thrown as is. */
  | Error;

type Op = 'create' | 'update' | 'delete';

export interface Call {
  op: Op | 'lookup';
  key?: string;
  keys?: string[];
}

const URL = 'http://fake.test/api/projects';

export function networkError(outcome: 'unknown' | 'not_sent'): NetworkError {
  return new NetworkError({ target: 'FAKE', method: 'POST', url: URL, outcome, retries: 0, reason: outcome === 'unknown' ? 'connection reset (ECONNRESET)' : 'connection refused (ECONNREFUSED)', code: outcome === 'unknown' ? 'ECONNRESET' : 'ECONNREFUSED' });
}

export function validationError(): HttpStatusError {
  return new HttpStatusError('terminal', { target: 'FAKE', method: 'POST', url: URL, outcome: 'rejected', retries: 0, status: 422, bodyText: JSON.stringify({ message: 'Name is required' }) });
}

export function authError(): HttpAuthError {
  return new HttpAuthError({ target: 'FAKE', method: 'POST', url: URL, outcome: 'rejected', retries: 0, status: 401, bodyText: '' }, 'Check FAKE_API_KEY.');
}

export class FakeRemote implements Target<Payload> {
  readonly system = 'fake';
  readonly scope = 'http://fake.test';
  /** Record kind; two FakeRemotes with different kinds share one `records` map for parent/child tests. */
  constructor(readonly kind = 'project', readonly records = new Map<string, Payload>()) {}
  readonly calls: Call[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly gates = new Map<string, Promise<void>>();
  private static nextId = 1;

  /** Queues faults for the next calls of `op` on `key` (one fault per call). */
  fail(op: Op | 'lookup', key: string, ...faults: Fault[]): this {
    const id = `${op}:${key}`;
    this.faults.set(id, [...(this.faults.get(id) ?? []), ...faults]);
    return this;
  }

  /** Holds the next `op` on `key` in flight until the returned function is called. */
  hold(op: Op, key: string): () => void {
    let release!: () => void;
    this.gates.set(`${op}:${key}`, new Promise<void>((resolve) => (release = resolve)));
    return () => release();
  }

  /** Puts a record on the remote directly (it existed before the run); returns its id. */
  seed(payload: Payload): string {
    const id = `T-${FakeRemote.nextId++}`;
    this.records.set(id, { ...payload });
    return id;
  }

  /** Target ids holding this external key (more than one means a duplicate). */
  idsOf(key: string): string[] {
    return [...this.records].filter(([, payload]) => payload.key === key).map(([id]) => id);
  }

  count(op: Call['op'], key?: string): number {
    return this.calls.filter((call) => call.op === op && (key === undefined || call.key === key)).length;
  }

  async check(): Promise<TargetCheck> {
    return { ok: true, findings: [{ check: 'url', ok: true, detail: 'in memory' }] };
  }

  async create(input: Payload, options: WriteOptions): Promise<string> {
    const payload = options.parentId === undefined ? input : { ...input, parentId: options.parentId };
    this.calls.push({ op: 'create', key: payload.key });
    await this.passGate('create', payload.key);
    const fault = this.nextFault('create', payload.key);
    if (fault === 'lose-before-commit') throw networkError('unknown');
    if (fault !== undefined && fault !== 'commit-then-lose') throw toError(fault);
    const id = `T-${FakeRemote.nextId++}`;
    this.records.set(id, { ...payload });
    if (fault === 'commit-then-lose') throw networkError('unknown');
    return id;
  }

  async update(targetId: string, input: Payload, options: WriteOptions): Promise<void> {
    const payload = options.parentId === undefined ? input : { ...input, parentId: options.parentId };
    this.calls.push({ op: 'update', key: payload.key });
    await this.passGate('update', payload.key);
    const fault = this.nextFault('update', payload.key);
    if (fault === 'lose-before-commit') throw networkError('unknown');
    if (fault !== undefined && fault !== 'commit-then-lose') throw toError(fault);
    if (!this.records.has(targetId)) throw new Error(`fake: no record ${targetId}`);
    this.records.set(targetId, { ...payload });
    if (fault === 'commit-then-lose') throw networkError('unknown');
  }

  /** Deletes a record and its descendants; a record already gone counts as deleted. */
  async delete(targetId: string): Promise<void> {
    const key = this.records.get(targetId)?.key ?? targetId;
    this.calls.push({ op: 'delete', key });
    const fault = this.nextFault('delete', key);
    if (fault !== undefined && fault !== 'commit-then-lose') throw toError(fault);
    const doomed = [targetId];
    for (let i = 0; i < doomed.length; i++) for (const [id, record] of this.records) if (record.parentId === doomed[i]) doomed.push(id);
    for (const id of doomed) this.records.delete(id);
    if (fault === 'commit-then-lose') throw networkError('unknown');
  }

  async lookup(keys: ReadonlySet<string>, _signal: AbortSignal): Promise<Map<string, string>> {
    this.calls.push({ op: 'lookup', keys: [...keys].sort() });
    const fault = this.nextFault('lookup', '*');
    if (fault !== undefined) throw toError(fault);
    const found = new Map<string, string>();
    for (const [id, payload] of this.records) if (keys.has(payload.key)) found.set(payload.key, id);
    return found;
  }

  private nextFault(op: string, key: string): Fault | undefined {
    return this.faults.get(`${op}:${key}`)?.shift();
  }

  private async passGate(op: Op, key: string): Promise<void> {
    const gate = this.gates.get(`${op}:${key}`);
    if (gate) {
      this.gates.delete(`${op}:${key}`);
      await gate;
    }
  }
}

function toError(fault: Fault): Error {
  if (fault instanceof Error) return fault;
  switch (fault) {
    case 'not-sent':
      return networkError('not_sent');
    case 422:
      return validationError();
    case 401:
      return authError();
    case 'circuit-open':
      return new CircuitOpenError('FAKE', 5, 30_000);
    default:
      return networkError('unknown');
  }
}
