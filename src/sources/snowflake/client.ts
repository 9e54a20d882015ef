/**
 * A Snowflake SQL API v2 client (read-only use): `POST /api/v2/statements` with a key-pair JWT,
 * `202` statement polling on `GET /api/v2/statements/{handle}`, and result partitions
 * `GET /api/v2/statements/{handle}?partition=N`. Through the shared HTTP client (token bucket,
 * retries honouring Retry-After on 429, circuit breaker, redaction). A statement is re-sent with the
 * same `requestId` on a lost answer (Snowflake then returns the same statement rather than a second
 * one); a SQL error (`422`) becomes a ValidationError quoting Snowflake's message and SQL state.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SnowflakeConfig } from '../../config/env.js';
import { CancelledError, ConfigError, TransientError, ValidationError } from '../../engine/errors.js';
import { createHttpClient, HttpStatusError, sharedBucket, type HttpClient } from '../../http/index.js';
import type { Logger } from '../../logging/logger.js';
import { registerSecret } from '../../logging/redact.js';
import { loadPrivateKey, snowflakeJwt } from './jwt.js';
import type { KeyObject } from 'node:crypto';

const AUTH_HINT =
  'Check SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and SNOWFLAKE_PRIVATE_KEY_PATH: the public key of that private key must be set on the user (ALTER USER … SET RSA_PUBLIC_KEY), and the user needs a role that may read the table.';

/** A column of a result. */
export interface ResultColumn {
  name: string;
  type?: string;
}

/** A result row as the SQL API sends it (jsonv2: every value a string, or null). */
export type ResultRow = Array<string | null>;

/** The first answer of a finished statement. */
export interface StatementResult {
  handle: string;
  columns: ResultColumn[];
  /** Rows in all partitions. */
  numRows: number;
  /** Number of partitions (partition 0 is `firstPartition`). */
  partitions: number;
  firstPartition: ResultRow[];
}

interface ResultSetBody {
  statementHandle?: string;
  code?: string;
  message?: string;
  sqlState?: string;
  data?: ResultRow[];
  resultSetMetaData?: { numRows?: number; rowType?: ResultColumn[]; partitionInfo?: unknown[] };
}

/** Options of a {@link SnowflakeClient}. */
export interface SnowflakeClientOptions {
  baseUrl: string;
  account: string;
  user: string;
  key: KeyObject;
  warehouse?: string | undefined;
  database?: string | undefined;
  schema?: string | undefined;
  role?: string | undefined;
  rateLimit: SnowflakeConfig['rateLimit'];
  maxRetries?: number;
  timeoutMs?: number;
  /** First wait between status polls of a running statement (doubles up to 5 s). @default 250 */
  pollIntervalMs?: number;
  /** Longest a statement may run before the read gives up. @default 900000 (15 minutes) */
  maxWaitMs?: number;
  logger?: Logger;
}

/** Runs read statements on Snowflake and fetches their result partitions. */
export class SnowflakeClient {
  readonly http: HttpClient;
  private jwt: { token: string; expiresAt: number } | undefined;

  constructor(private readonly options: SnowflakeClientOptions) {
    this.http = createHttpClient({
      target: 'Snowflake',
      baseUrl: options.baseUrl,
      rateLimit: options.rateLimit,
      bucket: sharedBucket('Snowflake', options.baseUrl, options.rateLimit),
      maxRetries: options.maxRetries,
      timeoutMs: options.timeoutMs ?? 60_000,
      authHint: AUTH_HINT,
      logger: options.logger,
    });
  }

  /** Builds a client from configuration; a ConfigError names what is missing. */
  static fromConfig(config: { snowflake: SnowflakeConfig; maxRetries?: number }, logger?: Logger): SnowflakeClient {
    const s = config.snowflake;
    const missing = [!s.account && 'SNOWFLAKE_ACCOUNT', !s.user && 'SNOWFLAKE_USER', !s.privateKeyPath && 'SNOWFLAKE_PRIVATE_KEY_PATH'].filter(Boolean);
    if (missing.length > 0) {
      throw new ConfigError(`The Snowflake source needs ${missing.join(', ')}.`, {
        action: 'Set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and SNOWFLAKE_PRIVATE_KEY_PATH (plus SNOWFLAKE_WAREHOUSE/DATABASE/SCHEMA) in the environment, or use source "csv".',
      });
    }
    let pem: string;
    try {
      pem = fs.readFileSync(s.privateKeyPath!, 'utf8');
    } catch (error) {
      throw new ConfigError(`Cannot read SNOWFLAKE_PRIVATE_KEY_PATH ${s.privateKeyPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {
        action: 'Point SNOWFLAKE_PRIVATE_KEY_PATH at the PEM private key file (rsa_key.p8).',
      });
    }
    const baseUrl = s.baseUrl ?? `https://${s.account!.toLowerCase().replace(/_/g, '-')}.snowflakecomputing.com`;
    return new SnowflakeClient({
      baseUrl,
      account: s.account!,
      user: s.user!,
      key: loadPrivateKey(pem, s.privateKeyPassphrase),
      warehouse: s.warehouse,
      database: s.database,
      schema: s.schema,
      role: s.role,
      rateLimit: s.rateLimit,
      maxRetries: config.maxRetries,
      logger,
    });
  }

  /** Executes one statement and waits for it to finish; resolves its first partition and metadata. */
  async execute(statement: string, bindings: Record<string, { type: string; value: string }>, signal?: AbortSignal): Promise<StatementResult> {
    const { warehouse, database, schema, role } = this.options;
    const body = { statement, timeout: 600, bindings, warehouse, database, schema, role, parameters: { MULTI_STATEMENT_COUNT: '1' } };
    let answer = await this.call<ResultSetBody>('POST', '/api/v2/statements', { json: body, searchParams: { requestId: randomUUID() }, signal });
    if (answer.status === 202) answer = await this.waitFor(answer.body?.statementHandle, signal);
    const result = answer.body ?? {};
    const meta = result.resultSetMetaData ?? {};
    return {
      handle: result.statementHandle ?? '',
      columns: meta.rowType ?? [],
      numRows: meta.numRows ?? result.data?.length ?? 0,
      partitions: Math.max(1, meta.partitionInfo?.length ?? 1),
      firstPartition: result.data ?? [],
    };
  }

  /** Polls a running statement until it is done; cancels it on Snowflake when the read is cancelled or gives up. */
  private async waitFor(handle: string | undefined, signal?: AbortSignal) {
    if (!handle) throw new TransientError('Snowflake answered 202 without a statement handle.', { action: 'Run again; if it persists, check the Snowflake service status.' });
    const started = Date.now();
    let wait = this.options.pollIntervalMs ?? 250;
    try {
      for (;;) {
        if (Date.now() - started > (this.options.maxWaitMs ?? 900_000)) {
          throw new TransientError(`The Snowflake statement ${handle} was still running after ${Math.round((Date.now() - started) / 1000)} s; it was cancelled.`, {
            action: 'Make the query cheaper (filter, a bigger warehouse) or export a CSV, then run again.',
          });
        }
        await sleep(wait, undefined, { signal }).catch(() => {
          throw new CancelledError('The Snowflake statement was cancelled while running.');
        });
        wait = Math.min(wait * 2, 5000);
        const answer = await this.call<ResultSetBody>('GET', `/api/v2/statements/${encodeURIComponent(handle)}`, { signal });
        if (answer.status !== 202) return answer;
      }
    } catch (error) {
      await this.cancel(handle);
      throw error;
    }
  }

  /** Rows of result partition `n` (n ≥ 1) of a finished statement. */
  async partition(handle: string, n: number, signal?: AbortSignal): Promise<ResultRow[]> {
    const { body } = await this.call<ResultSetBody>('GET', `/api/v2/statements/${encodeURIComponent(handle)}`, { searchParams: { partition: n }, signal });
    return body?.data ?? [];
  }

  /** Asks Snowflake to cancel a running statement (best effort). */
  async cancel(handle: string): Promise<void> {
    await this.call('POST', `/api/v2/statements/${encodeURIComponent(handle)}/cancel`, { json: {} }).catch(() => undefined);
  }

  /** A valid JWT, made again a few minutes before the current one expires. */
  private token(): string {
    if (!this.jwt || this.jwt.expiresAt - Date.now() < 5 * 60_000) {
      this.jwt = snowflakeJwt({ account: this.options.account, user: this.options.user, key: this.options.key });
      registerSecret(this.jwt.token);
    }
    return this.jwt.token;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, request: { json?: unknown; searchParams?: Record<string, string | number>; signal?: AbortSignal | undefined }) {
    const headers = { Authorization: `Bearer ${this.token()}`, 'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT' };
    try {
      // Reads, and statements re-sent with the same requestId, are safe to repeat.
      return await this.http.request<T>(method, path, { ...request, signal: request.signal, headers, retryable: true });
    } catch (error) {
      if (error instanceof HttpStatusError && (error.status === 422 || error.status === 400)) {
        const body = (error.body ?? {}) as { message?: string; sqlState?: string; code?: string };
        const detail = [body.sqlState && `SQL state ${body.sqlState}`, body.code && `code ${body.code}`].filter(Boolean).join(', ');
        throw new ValidationError(`Snowflake refused the statement: ${(body.message ?? error.message).replace(/\s+/g, ' ').trim()}${detail ? ` (${detail})` : ''}.`, {
          action: 'Fix the query or table argument (it must return issue_id, creator_user_id, assigned_group and optionally creator_group), then run again.',
          cause: error,
        });
      }
      throw error;
    }
  }
}
