/**
 * Deterministic fault injection for the fakes.
 *
 * Kinds:
 * - `status5xx`: answer `status` (503 unless set) with the target's error body;
 * - `reset`: reset the connection before handling (nothing committed);
 * - `lostResponse`: run the handler (the write IS committed), then reset the connection instead of
 *   answering, so the client sees a network error for a record that exists;
 * - `delay`: wait `delayMs` more before handling (provokes client timeouts; the handler still runs);
 * - `html`: answer 200 `text/html` with a login page.
 *
 * Two ways to inject: probabilities (global, or per route through `routes`), and one-shot faults
 * (`once()`: "the next N requests matching X"), which take precedence.
 *
 * Reproducibility: a probabilistic decision is a seeded draw keyed by the request itself (method,
 * path, query, body) and by how many identical requests came before, so concurrent workers that
 * interleave differently still see the same fault on the same record with the same seed.
 */
import { drawFor, hash32 } from './prng.js';
import { compilePattern } from './routing.js';
import type { FakeRequest } from './types.js';

/** The fault kinds a fake can inject. */
export type FaultKind = 'status5xx' | 'reset' | 'lostResponse' | 'delay' | 'html';

/** All fault kinds, in the order probabilities are accumulated. */
export const FAULT_KINDS: readonly FaultKind[] = ['status5xx', 'reset', 'lostResponse', 'delay', 'html'];

/** Which requests a fault applies to; every given field must match. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Path pattern (`/api/projects/:id`, `/api/*`) or exact path. */
  path?: string;
  /** Arbitrary predicate over the request (body included); not available over the control endpoint. */
  where?: (req: FakeRequest) => boolean;
}

/** Probability (0..1) of each fault kind per request. */
export type FaultProbabilities = Partial<Record<FaultKind, number>>;

/** Probabilities for the requests a `match` selects; overrides the global ones for them. */
export interface FaultRule extends FaultProbabilities {
  match: FaultMatch;
}

/** Fault settings, replaced as a whole by `FaultController.set()`. */
export interface FaultConfig extends FaultProbabilities {
  /** Seed of the draws. @default the server's seed */
  seed?: number;
  /** Status of `status5xx` faults. @default 503 */
  status?: number;
  /** Extra latency of `delay` faults, in ms. @default 2000 */
  delayMs?: number;
  /** Per-route probabilities; the first matching rule wins over the global probabilities. */
  routes?: FaultRule[];
}

/** A one-shot fault: applies to the next `count` requests matching `match`. */
export interface OneShotFault {
  kind: FaultKind;
  /** @default every request */
  match?: FaultMatch;
  /** How many matching requests get it. @default 1 */
  count?: number;
  /** Status for `status5xx`. @default the config's status (503) */
  status?: number;
  /** Extra latency for `delay`. @default the config's delayMs */
  delayMs?: number;
}

/** What to do to one request. */
export interface FaultDecision {
  kind: FaultKind;
  status: number;
  delayMs: number;
  source: 'once' | 'probability';
}

/** True when `req` satisfies `match` (an absent match matches everything). */
export function matchesFault(match: FaultMatch | undefined, req: FakeRequest): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== req.method) return false;
  if (match.path && !compilePattern(match.path).match(req.path)) return false;
  if (match.where && !match.where(req)) return false;
  return true;
}

function checkProbabilities(p: FaultProbabilities, where: string): void {
  let sum = 0;
  for (const kind of FAULT_KINDS) {
    const value = p[kind] ?? 0;
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${where}: probability of ${kind} must be in [0, 1], got ${value}`);
    sum += value;
  }
  if (sum > 1 + 1e-9) throw new RangeError(`${where}: fault probabilities add up to ${sum} > 1`);
}

/** Holds the fault settings of one fake server and decides, per request, which fault applies. */
export class FaultController {
  #config: FaultConfig = {};
  #pending: Array<Required<Pick<OneShotFault, 'kind' | 'count'>> & OneShotFault> = [];
  #occurrences = new Map<string, number>();
  #applied: Record<FaultKind, number> = { status5xx: 0, reset: 0, lostResponse: 0, delay: 0, html: 0 };

  constructor(
    config: FaultConfig | undefined,
    private readonly defaultSeed: number,
  ) {
    if (config) this.set(config);
  }

  /** Replaces the probabilistic settings (pending one-shot faults are kept) and restarts the draw sequence. */
  set(config: FaultConfig): void {
    checkProbabilities(config, 'faults');
    (config.routes ?? []).forEach((rule, i) => checkProbabilities(rule, `faults.routes[${i}]`));
    this.#config = { ...config };
    this.#occurrences.clear();
  }

  /** Removes every probability and every pending one-shot fault. */
  clear(): void {
    this.#config = {};
    this.#pending = [];
    this.#occurrences.clear();
  }

  /** Queues a fault for the next `count` (default 1) requests matching `fault.match`. */
  once(fault: OneShotFault): void {
    const count = fault.count ?? 1;
    if (!(count >= 1)) throw new RangeError(`once(): count must be >= 1, got ${count}`);
    if (!FAULT_KINDS.includes(fault.kind)) throw new RangeError(`once(): unknown fault kind ${String(fault.kind)}`);
    this.#pending.push({ ...fault, count });
  }

  /** Current settings (a copy). */
  get config(): FaultConfig {
    return { ...this.#config };
  }

  /** How many one-shot faults are still waiting for a request. */
  get pending(): number {
    return this.#pending.reduce((n, f) => n + f.count, 0);
  }

  /** How many faults of each kind were applied since the last `resetCounters()`. */
  get applied(): Record<FaultKind, number> {
    return { ...this.#applied };
  }

  /** Zeroes the applied counters. */
  resetCounters(): void {
    for (const kind of FAULT_KINDS) this.#applied[kind] = 0;
  }

  /** Decides the fault for `req` (`null` = answer normally) and counts it as applied. */
  decide(req: FakeRequest): FaultDecision | null {
    const decision = this.#decideOnce(req) ?? this.#decideByProbability(req);
    if (decision) this.#applied[decision.kind] += 1;
    return decision;
  }

  #decideOnce(req: FakeRequest): FaultDecision | null {
    const index = this.#pending.findIndex((f) => matchesFault(f.match, req));
    const fault = this.#pending[index];
    if (!fault) return null;
    fault.count -= 1;
    if (fault.count <= 0) this.#pending.splice(index, 1);
    return {
      kind: fault.kind,
      status: fault.status ?? this.#config.status ?? 503,
      delayMs: fault.delayMs ?? this.#config.delayMs ?? 2000,
      source: 'once',
    };
  }

  #decideByProbability(req: FakeRequest): FaultDecision | null {
    const config = this.#config;
    const rule = config.routes?.find((r) => matchesFault(r.match, req));
    const probabilities: FaultProbabilities = rule ?? config;
    if (!FAULT_KINDS.some((k) => (probabilities[k] ?? 0) > 0)) return null;
    const identity = `${req.method} ${req.path}?${req.query.toString()}\n${req.rawBody}`;
    // Count identical requests by a 64-bit digest, so long benchmark runs do not keep every body.
    const digest = `${hash32(identity)}:${hash32(identity, 0x9e3779b9)}`;
    const n = this.#occurrences.get(digest) ?? 0;
    this.#occurrences.set(digest, n + 1);
    const u = drawFor(config.seed ?? this.defaultSeed, `${identity}\n#${n}`);
    let cumulative = 0;
    for (const kind of FAULT_KINDS) {
      cumulative += probabilities[kind] ?? 0;
      if (u < cumulative) {
        return { kind, status: config.status ?? 503, delayMs: config.delayMs ?? 2000, source: 'probability' };
      }
    }
    return null;
  }
}
