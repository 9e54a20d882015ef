/**
 * A fake InfluxDB for the batch-store contract tests, written from InfluxDB's API documentation
 * (docs.influxdata.com: "Write data with the InfluxDB API", "Query with the InfluxDB API",
 * "Delete data", "Line protocol", "Annotated CSV", and the 1.8 "API compatibility endpoints").
 * Built on the `fake-http.ts` toolkit (faults, rate limiting with `Retry-After`, request log).
 *
 * - `POST /api/v2/write?org=&bucket=&precision=ns|us|ms|s`: line protocol (see influx-model.ts),
 *   plain or `Content-Encoding: gzip`; 204. Errors as InfluxDB sends them, `{"code", "message"}`:
 *   400 invalid (unparseable line, bad precision), 401 unauthorized, 404 organization / bucket not
 *   found, 413 request too large (more than `maxLinesPerWrite` lines), 422 field type conflict.
 * - `POST /api/v2/query?org=`: `{"query": "<flux>"}` (or `application/vnd.flux`); 200 annotated CSV
 *   (see influx-flux.ts); 400 for what the fake cannot compile; 404 unknown bucket.
 * - `POST /api/v2/delete?org=&bucket=`: `{start, stop, predicate: 'k="v" AND …'}`; 204.
 * - `GET /health` (2.x), `GET /ping` (both): liveness.
 * - Auth: `Authorization: Token <token>` (1.8: `Token user:password`).
 * - `version: '1.8'`: the org is ignored, buckets are `database/retention-policy` (a bare database
 *   means its `autogen` policy), and there is no delete route (404), as on InfluxDB 1.8.
 */
import { startFakeServer, type FakeServer, type FaultConfig, type RateLimitOptions } from './fake-http.js';
import { FluxError, parseRfc3339, runFlux } from './influx-flux.js';
import { FieldTypeConflict, InfluxModel, LineProtocolError, parseLineProtocol, type StoredPoint } from './influx-model.js';

export { InfluxModel, type StoredPoint } from './influx-model.js';

/** Options of `startFakeInflux`; all optional. */
export interface FakeInfluxOptions {
  /** @default 'test-influx-token' */
  token?: string;
  /** @default 'test-org' (ignored by version 1.8) */
  org?: string;
  /** Buckets that exist (1.8: `db/rp`). @default ['wpr'] (1.8: ['wpr/autogen']) */
  buckets?: string[];
  /** @default '2' */
  version?: '2' | '1.8';
  /** Writes with more lines get 413. @default unlimited */
  maxLinesPerWrite?: number;
  faults?: FaultConfig;
  rateLimit?: Partial<RateLimitOptions> & Pick<RateLimitOptions, 'count' | 'windowMs'>;
  port?: number;
}

/** What the fake has seen, for assertions. */
export interface FakeInfluxCounters {
  writeRequests: number;
  gzipRequests: number;
  pointsWritten: number;
  queries: number;
  deletes: number;
}

/** A running fake InfluxDB. */
export interface FakeInflux {
  readonly url: string;
  readonly token: string;
  readonly org: string;
  readonly model: InfluxModel;
  readonly server: FakeServer;
  readonly counters: FakeInfluxCounters;
  /** Stored points of a bucket (optionally of one measurement). */
  points(bucket?: string, measurement?: string): StoredPoint[];
  close(): Promise<void>;
}

const influxError = (code: string, message: string) => ({ code, message });

/** Starts a fake InfluxDB on 127.0.0.1. */
export async function startFakeInflux(options: FakeInfluxOptions = {}): Promise<FakeInflux> {
  const token = options.token ?? 'test-influx-token';
  const org = options.org ?? 'test-org';
  const v18 = options.version === '1.8';
  const buckets = options.buckets ?? [v18 ? 'wpr/autogen' : 'wpr'];
  const model = new InfluxModel(buckets);
  const counters: FakeInfluxCounters = { writeRequests: 0, gzipRequests: 0, pointsWritten: 0, queries: 0, deletes: 0 };

  /** The stored bucket a request names, or an error response. */
  const bucketOf = (name: string | null): string | { status: number; body: unknown } => {
    if (!name) return { status: 400, body: influxError('invalid', 'bucket is required') };
    const resolved = v18 && !name.includes('/') ? `${name}/autogen` : name;
    if (!model.buckets.has(resolved)) {
      return { status: 404, body: influxError('not found', v18 ? `database not found: "${name.split('/')[0]}"` : `bucket "${name}" not found`) };
    }
    return resolved;
  };
  const orgError = (name: string | null) => {
    if (v18) return undefined;
    if (!name) return { status: 400, body: influxError('invalid', 'Please provide either orgID or org') };
    if (name !== org) return { status: 404, body: influxError('not found', `organization name "${name}" not found`) };
    return undefined;
  };

  const server = await startFakeServer({
    name: 'fake-influx',
    port: options.port,
    faults: options.faults,
    rateLimit: options.rateLimit,
    rateLimitDefaults: { headerStyle: 'retry-after', body: () => influxError('too many requests', 'write limit exceeded') },
    bodyLimitBytes: 64 * 1024 * 1024,
    renderError: (status, message) => ({
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: influxError(status === 503 ? 'unavailable' : status >= 500 ? 'internal error' : status === 413 ? 'request too large' : 'invalid', message),
    }),
    before: (req, ctx) => {
      if (req.path === '/ping' || req.path === '/health') return undefined;
      if (req.headers.authorization === `Token ${token}`) return undefined;
      return ctx.json(401, influxError('unauthorized', 'unauthorized access'));
    },
    control: { state: () => ({ counters, buckets: Object.fromEntries([...model.buckets].map(([name, points]) => [name, points.size])) }), reset: () => model.clear() },
    routes: [
      { method: 'GET', path: '/ping', handler: () => ({ status: 204, headers: { 'x-influxdb-version': v18 ? '1.8.10' : 'v2.7.4' } }) },
      { method: 'GET', path: '/health', handler: (_req, ctx) => (v18 ? ctx.json(404, { error: 'not found' }) : ctx.json(200, { name: 'influxdb', status: 'pass', version: 'v2.7.4' })) },
      {
        method: 'POST',
        path: '/api/v2/write',
        handler: (req, ctx) => {
          counters.writeRequests++;
          if (String(req.headers['content-encoding'] ?? '') === 'gzip') counters.gzipRequests++;
          const bad = orgError(req.query.get('org'));
          if (bad) return ctx.json(bad.status, bad.body);
          const bucket = bucketOf(req.query.get('bucket'));
          if (typeof bucket !== 'string') return ctx.json(bucket.status, bucket.body);
          let points: StoredPoint[];
          try {
            points = parseLineProtocol(req.rawBody, req.query.get('precision') ?? 'ns');
          } catch (error) {
            if (error instanceof LineProtocolError) return ctx.json(400, influxError('invalid', error.message));
            throw error;
          }
          if (options.maxLinesPerWrite !== undefined && points.length > options.maxLinesPerWrite) {
            return ctx.json(413, influxError('request too large', 'unable to read data: points batch is too large'));
          }
          try {
            model.write(bucket, points);
          } catch (error) {
            if (error instanceof FieldTypeConflict) return ctx.json(422, influxError('unprocessable entity', error.message));
            throw error;
          }
          counters.pointsWritten += points.length;
          return { status: 204 };
        },
      },
      {
        method: 'POST',
        path: '/api/v2/query',
        handler: (req, ctx) => {
          counters.queries++;
          const bad = orgError(req.query.get('org'));
          if (bad) return ctx.json(bad.status, bad.body);
          const flux = String(req.headers['content-type'] ?? '').includes('vnd.flux') ? req.rawBody : String((req.body as { query?: unknown } | undefined)?.query ?? '');
          const points = (name: string) => {
            const bucket = bucketOf(name);
            if (typeof bucket !== 'string') throw new FluxError(`could not find bucket "${name}"`);
            return model.points(bucket);
          };
          try {
            const csv = runFlux(flux, points, BigInt(Date.now()) * 1_000_000n);
            return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: csv };
          } catch (error) {
            if (!(error instanceof FluxError)) throw error;
            const notFound = /could not find bucket/.test(error.message);
            return ctx.json(notFound ? 404 : 400, influxError(notFound ? 'not found' : 'invalid', `failed to initialize execute state: ${error.message}`));
          }
        },
      },
      {
        method: 'POST',
        path: '/api/v2/delete',
        handler: (req, ctx) => {
          if (v18) return ctx.json(404, { error: 'not found' });
          counters.deletes++;
          const bad = orgError(req.query.get('org'));
          if (bad) return ctx.json(bad.status, bad.body);
          const bucket = bucketOf(req.query.get('bucket'));
          if (typeof bucket !== 'string') return ctx.json(bucket.status, bucket.body);
          const body = req.body as { start?: string; stop?: string; predicate?: string } | undefined;
          if (!body?.start || !body.stop) return ctx.json(400, influxError('invalid', 'start and stop are required'));
          const where: Record<string, string> = {};
          for (const part of (body.predicate ?? '').split(/\s+AND\s+/i).filter(Boolean)) {
            const match = /^\s*(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
            if (!match) return ctx.json(400, influxError('invalid', `invalid predicate ${part}`));
            where[match[1]!] = match[2]!.replace(/\\(.)/g, '$1');
          }
          model.delete(bucket, parseRfc3339(body.start), parseRfc3339(body.stop), where);
          return { status: 204 };
        },
      },
    ],
  });

  return {
    url: server.url,
    token,
    org,
    model,
    server,
    counters,
    points: (bucket = buckets[0]!, measurement) => model.points(bucket, measurement),
    close: () => server.close(),
  };
}
