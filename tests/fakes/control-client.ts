/**
 * A client for the `/__fake/` control endpoints (see `control.ts`), for tests that run a fake in
 * another process (`innergy-main.ts`) and need to steer it or read its records afterwards.
 */
import type { FaultConfig, OneShotFault } from './fault-injection.js';
import type { RequestLogEntry, RequestStats } from './request-log.js';

/** Typed access to one fake's control endpoints. */
export interface FakeControlClient {
  /** `GET /__fake/state`: the fake's records. */
  state<T = unknown>(): Promise<T>;
  /** `GET /__fake/stats`. */
  stats(): Promise<RequestStats>;
  /** `GET /__fake/requests`: the request log. */
  requests(): Promise<RequestLogEntry[]>;
  /** `POST /__fake/faults`: replaces the settings given (if any) and queues `once` faults. `where` predicates cannot be sent. */
  setFaults(config: FaultConfig & { once?: OneShotFault[] }): Promise<void>;
  /** `DELETE /__fake/faults`. */
  clearFaults(): Promise<void>;
  /** `POST /__fake/rate-limit` (`null` = off). */
  setRateLimit(limit: { count: number; windowMs: number; retryAfterSeconds?: number } | null): Promise<void>;
  /** `POST /__fake/latency`. */
  setLatency(latencyMs: number, jitterMs?: number): Promise<void>;
  /** `POST /__fake/reset`: back to the start state. */
  reset(): Promise<void>;
}

/** Builds a control client for the fake at `baseUrl`. */
export function fakeControl(baseUrl: string): FakeControlClient {
  const base = baseUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}/__fake/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`fake control ${method} /__fake/${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
  return {
    state: <T>() => call<T>('GET', 'state'),
    stats: () => call<RequestStats>('GET', 'stats'),
    requests: () => call<RequestLogEntry[]>('GET', 'requests'),
    setFaults: async (config) => void (await call('POST', 'faults', config)),
    clearFaults: async () => void (await call('DELETE', 'faults')),
    setRateLimit: async (limit) => void (await call('POST', 'rate-limit', limit)),
    setLatency: async (latencyMs, jitterMs = 0) => void (await call('POST', 'latency', { latencyMs, jitterMs })),
    reset: async () => void (await call('POST', 'reset')),
  };
}
