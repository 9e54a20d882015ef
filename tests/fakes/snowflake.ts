/**
 * A fake Snowflake SQL API v2 for the Snowflake source's contract tests, after Snowflake's
 * published reference (statements, status polling, partitions, key-pair JWT):
 *
 * - `POST /api/v2/statements?requestId=…` with `Authorization: Bearer <JWT>` and
 *   `X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT`. The JWT is verified with the configured
 *   public key: RS256 signature, `iss = ACCOUNT.USER.SHA256:<fingerprint>`, `sub = ACCOUNT.USER`,
 *   not expired, lifetime ≤ 1 h. A bad token answers 401 `{code: "390144", message: "JWT token is invalid."}`.
 * - Understands `SELECT * FROM IDENTIFIER(?)` (binding 1 = table name) and `SELECT <cols|*> FROM <table>`;
 *   anything else is 422 with a SQL compilation error body `{code, sqlState, message, statementHandle}`,
 *   an unknown table 422 `002003`/`42S02`.
 * - `asyncPolls: n`: the POST answers 202 `{code: "333334", statementHandle, statementStatusUrl}` and
 *   the status route answers 202 n−1 more times before the 200 result.
 * - Results: `{resultSetMetaData: {numRows, format: "jsonv2", rowType, partitionInfo}, data, code:
 *   "090001", statementHandle, …}` with `partitionRows` rows per partition; partition N > 0 via
 *   `GET /api/v2/statements/{handle}?partition=N` → `{data}`. Values are strings (or null).
 * - `POST /api/v2/statements/{handle}/cancel`. Rate limit (429 + Retry-After) and faults from the toolkit.
 */
import { createHash, createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import { startFakeServer, type FakeServer, type FaultConfig } from './fake-http.js';
import type { FakeRequest, HandlerContext } from './types.js';

/** A table of the fake. */
export interface FakeTable {
  columns: string[];
  rows: Array<Array<string | null>>;
}

/** Options of `startFakeSnowflake`. */
export interface FakeSnowflakeOptions {
  account: string;
  user: string;
  /** PEM public key registered on the user. */
  publicKeyPem: string;
  /** Tables by upper-case name (as `DB.SCHEMA.NAME` or `NAME`). */
  tables: Record<string, FakeTable>;
  /** Rows per result partition. @default 100 */
  partitionRows?: number;
  /** Status polls answered 202 before the result. @default 0 */
  asyncPolls?: number;
  rateLimit?: { count: number; windowMs: number; retryAfterSeconds?: number };
  faults?: FaultConfig;
  port?: number;
}

/** A running fake Snowflake. */
export interface FakeSnowflake {
  readonly url: string;
  readonly server: FakeServer;
  /** Statements received (text and bindings), in order. */
  readonly statements: Array<{ statement: string; bindings: unknown; requestId: string | null }>;
  /** Handles cancelled. */
  readonly cancelled: string[];
  close(): Promise<void>;
}

interface Statement {
  columns: string[];
  rows: Array<Array<string | null>>;
  pollsLeft: number;
}

function fingerprint(key: KeyObject): string {
  return `SHA256:${createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64')}`;
}

/** Why a JWT is refused, or undefined when it is good. */
function jwtProblem(req: FakeRequest, key: KeyObject, qualified: string): string | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  if (!token) return 'no bearer token';
  if (String(req.headers['x-snowflake-authorization-token-type'] ?? '').toUpperCase() !== 'KEYPAIR_JWT') return 'token type header missing';
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return 'not a JWT';
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'RS256') return 'alg is not RS256';
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) return 'bad signature';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: string; sub?: string; iat?: number; exp?: number };
    const now = Date.now() / 1000;
    if (claims.sub !== qualified) return `sub ${claims.sub} is not ${qualified}`;
    if (claims.iss !== `${qualified}.${fingerprint(key)}`) return 'iss does not name this key';
    if (typeof claims.exp !== 'number' || claims.exp < now) return 'expired';
    if (typeof claims.iat !== 'number' || claims.exp - claims.iat > 3600 || claims.iat > now + 60) return 'bad lifetime';
  } catch {
    return 'unreadable JWT';
  }
  return undefined;
}

/** Starts a fake Snowflake SQL API on 127.0.0.1. */
export async function startFakeSnowflake(options: FakeSnowflakeOptions): Promise<FakeSnowflake> {
  const key = createPublicKey(options.publicKeyPem);
  const qualified = `${options.account.toUpperCase().split('.')[0]}.${options.user.toUpperCase()}`;
  const partitionRows = options.partitionRows ?? 100;
  const statements = new Map<string, Statement>();
  const received: FakeSnowflake['statements'] = [];
  const cancelled: string[] = [];
  const sqlError = (ctx: HandlerContext, code: string, sqlState: string, message: string) =>
    ctx.json(422, { code, sqlState, message, statementHandle: randomUUID(), statementStatusUrl: null });

  const resultSet = (handle: string, st: Statement) => {
    const partitions = Math.max(1, Math.ceil(st.rows.length / partitionRows));
    return {
      resultSetMetaData: {
        numRows: st.rows.length,
        format: 'jsonv2',
        rowType: st.columns.map((name) => ({ name, type: 'text', nullable: true, length: 16777216 })),
        partitionInfo: Array.from({ length: partitions }, (_, i) => ({ rowCount: st.rows.slice(i * partitionRows, (i + 1) * partitionRows).length, uncompressedSize: 1000 })),
      },
      data: st.rows.slice(0, partitionRows),
      code: '090001',
      statementStatusUrl: `/api/v2/statements/${handle}`,
      requestId: randomUUID(),
      sqlState: '00000',
      statementHandle: handle,
      message: 'Statement executed successfully.',
      createdOn: Date.now(),
    };
  };
  const running = (handle: string) => ({
    code: '333334',
    message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
    statementHandle: handle,
    statementStatusUrl: `/api/v2/statements/${handle}`,
  });

  const server = await startFakeServer({
    name: 'fake-snowflake',
    port: options.port,
    faults: options.faults,
    rateLimit: options.rateLimit,
    rateLimitDefaults: { headerStyle: 'retry-after', body: () => ({ code: '390415', message: 'Too many requests. Retry later.' }) },
    renderError: (status, message) => ({ status, body: { code: String(status), message } }),
    before: (req, ctx) => {
      if (!req.headers['user-agent']) return ctx.json(400, { code: '391903', message: 'User-Agent header is required.' });
      const problem = jwtProblem(req, key, qualified);
      return problem ? ctx.json(401, { code: '390144', message: 'JWT token is invalid.', detail: problem }) : undefined;
    },
    routes: [
      {
        method: 'POST',
        path: '/api/v2/statements',
        handler: (req, ctx) => {
          const body = (req.body ?? {}) as { statement?: unknown; bindings?: Record<string, { value?: unknown }> };
          const text = typeof body.statement === 'string' ? body.statement.trim().replace(/;\s*$/, '') : '';
          received.push({ statement: text, bindings: body.bindings, requestId: req.query.get('requestId') });
          let table: string | undefined;
          let wanted: string[] | '*' = '*';
          if (/^select\s+\*\s+from\s+identifier\(\?\)$/i.test(text)) table = String(body.bindings?.['1']?.value ?? '');
          else {
            const match = /^select\s+(.+?)\s+from\s+([A-Za-z0-9_.$"]+)$/is.exec(text);
            if (!match) return sqlError(ctx, '001003', '42000', `SQL compilation error:\nsyntax error line 1 at position 0 unexpected '${text.split(/\s/)[0] ?? ''}'.`);
            table = match[2];
            if (match[1]!.trim() !== '*') wanted = match[1]!.split(',').map((c) => c.trim());
          }
          const name = (table ?? '').replace(/"/g, '').toUpperCase();
          const found = options.tables[name] ?? Object.entries(options.tables).find(([t]) => t.split('.').pop() === name.split('.').pop())?.[1];
          if (!found) return sqlError(ctx, '002003', '42S02', `SQL compilation error:\nObject '${name}' does not exist or not authorized.`);
          const indexes = wanted === '*' ? found.columns.map((_, i) => i) : wanted.map((c) => found.columns.findIndex((col) => col.toUpperCase() === c.toUpperCase()));
          if (indexes.some((i) => i < 0)) return sqlError(ctx, '000904', '42000', `SQL compilation error: error line 1 at position 7\ninvalid identifier '${String(wanted)}'`);
          const handle = randomUUID();
          const st: Statement = { columns: indexes.map((i) => found.columns[i]!.toUpperCase()), rows: found.rows.map((r) => indexes.map((i) => r[i] ?? null)), pollsLeft: options.asyncPolls ?? 0 };
          statements.set(handle, st);
          if (st.pollsLeft > 0 || req.query.get('async') === 'true') {
            st.pollsLeft -= 1;
            return ctx.json(202, running(handle));
          }
          return ctx.json(200, resultSet(handle, st));
        },
      },
      {
        method: 'GET',
        path: '/api/v2/statements/:handle',
        handler: (req, ctx) => {
          const handle = req.params.handle ?? '';
          const st = statements.get(handle);
          if (!st) return ctx.json(404, { code: '333333', message: `Statement ${handle} not found.` });
          if (st.pollsLeft > 0) {
            st.pollsLeft -= 1;
            return ctx.json(202, running(handle));
          }
          const partition = Number(req.query.get('partition') ?? 0);
          if (partition === 0) return ctx.json(200, resultSet(handle, st));
          const rows = st.rows.slice(partition * partitionRows, (partition + 1) * partitionRows);
          if (!Number.isInteger(partition) || partition < 0 || rows.length === 0) return ctx.json(422, { code: '000000', sqlState: '22023', message: `Partition ${partition} is out of range.` });
          return ctx.json(200, { data: rows });
        },
      },
      {
        method: 'POST',
        path: '/api/v2/statements/:handle/cancel',
        handler: (req, ctx) => {
          cancelled.push(req.params.handle ?? '');
          return ctx.json(200, { code: '000604', message: 'Statement canceled successfully.', statementHandle: req.params.handle });
        },
      },
    ],
  });
  return { url: server.url, server, statements: received, cancelled, close: () => server.close() };
}
