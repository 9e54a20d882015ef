/**
 * Control endpoints of a fake server, under `/__fake/` (outside the target's API, no auth, no
 * latency, no faults, not logged), so a test in another process can steer and inspect a fake:
 *
 * | route | what |
 * |---|---|
 * | `GET /__fake/state` | the fake's records (`ControlOptions.state`) |
 * | `GET /__fake/stats` | request counts by route/path/status, 429s sent, faults applied |
 * | `GET /__fake/requests` | the request log |
 * | `GET /__fake/faults` | current fault settings and pending one-shot count |
 * | `POST /__fake/faults` | body `FaultConfig` (replaces the settings) and/or `{once: OneShotFault[]}` (queues) |
 * | `DELETE /__fake/faults` | clears every fault |
 * | `POST /__fake/rate-limit` | body `{count, windowMs, retryAfterSeconds?}` or `null` (off) |
 * | `POST /__fake/latency` | body `{latencyMs, jitterMs?}` |
 * | `POST /__fake/reset` | back to the start state (records, faults, limits, log) |
 * | anything else | the fake's own control routes (`ControlOptions.extra`), e.g. seeding records |
 */
import type { FaultConfig, OneShotFault } from './fault-injection.js';
import type { FakeServer } from './fake-http.js';
import { json, type FakeResponse } from './types.js';

/** What a fake exposes through its control endpoints. */
export interface ControlOptions {
  /** The fake's records, for `GET /__fake/state`. */
  state?: () => unknown;
  /** Restores the fake's records to their start values (called by `POST /__fake/reset`). */
  reset?: () => void;
  /** Fake-specific control routes (seeding, edits "by hand"); undefined for a route it does not know. */
  extra?: (method: string, path: string, body: unknown) => FakeResponse | undefined;
}

function parse(raw: string): unknown {
  return raw.trim() === '' ? undefined : JSON.parse(raw);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Answers one control request. */
export async function handleControl(
  server: FakeServer,
  control: ControlOptions,
  method: string,
  path: string,
  raw: string,
): Promise<FakeResponse> {
  let body: unknown;
  try {
    body = parse(raw);
  } catch {
    return json(400, { error: 'control body is not valid JSON' });
  }
  try {
    switch (`${method} ${path}`) {
      case 'GET /__fake/state':
        return json(200, control.state?.() ?? {});
      case 'GET /__fake/stats':
        return json(200, server.stats());
      case 'GET /__fake/requests':
        return json(200, server.requests.entries);
      case 'GET /__fake/faults':
        return json(200, { config: server.faults.config, pending: server.faults.pending });
      case 'POST /__fake/faults': {
        if (!isObject(body)) return json(400, { error: 'expected a JSON object (FaultConfig and/or {once: [...]})' });
        const { once, ...config } = body;
        if (Object.keys(config).length > 0) server.faults.set(config as FaultConfig);
        if (once !== undefined) {
          if (!Array.isArray(once)) return json(400, { error: '`once` must be an array' });
          for (const fault of once as OneShotFault[]) server.faults.once(fault);
        }
        return json(200, { config: server.faults.config, pending: server.faults.pending });
      }
      case 'DELETE /__fake/faults':
        server.faults.clear();
        return json(200, { config: server.faults.config, pending: server.faults.pending });
      case 'POST /__fake/rate-limit': {
        if (body === null || body === undefined) server.setRateLimit(null);
        else if (isObject(body) && typeof body.count === 'number' && typeof body.windowMs === 'number') {
          const retry = typeof body.retryAfterSeconds === 'number' ? { retryAfterSeconds: body.retryAfterSeconds } : {};
          server.setRateLimit({ count: body.count, windowMs: body.windowMs, ...retry });
        } else return json(400, { error: 'expected {count, windowMs} or null' });
        const now = server.rateLimiter.options;
        return json(200, { rateLimit: now ? { count: now.count, windowMs: now.windowMs, retryAfterSeconds: now.retryAfterSeconds ?? null } : null });
      }
      case 'POST /__fake/latency': {
        if (!isObject(body) || typeof body.latencyMs !== 'number') return json(400, { error: 'expected {latencyMs, jitterMs?}' });
        server.setLatency(body.latencyMs, typeof body.jitterMs === 'number' ? body.jitterMs : 0);
        return json(200, server.latency);
      }
      case 'POST /__fake/reset':
        server.reset();
        return json(200, { reset: true });
      default:
        return control.extra?.(method, path, body) ?? json(404, { error: `unknown control route ${method} ${path}` });
    }
  } catch (err) {
    return json(400, { error: err instanceof Error ? err.message : String(err) });
  }
}
