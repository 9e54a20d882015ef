/**
 * The OpenProject client: basic auth `apikey:<OPENPROJECT_API_KEY>` over the shared HTTP client
 * (the `OPENPROJECT_RATE_LIMIT` token bucket shared by every worker and run, retries honouring
 * `RateLimit-Reset` and `Retry-After`, circuit breaker, redacted errors).
 *
 * - Lists are read with `offsetPaging` (1-based `offset`, `pageSize` 1000) and always carry an
 *   explicit `filters` array, so closed work packages are seen; never one GET per record.
 * - Writes carry `notify=false`. A create is not retried blindly (its outcome is reconciled by a
 *   lookup). A PATCH carries the `lockVersion`: on 409 the work package is read again and the
 *   PATCH sent once more with the fresh version; a lost PATCH repeated is answered 409 and
 *   handled the same way, so PATCHes may be retried.
 * - 422 becomes a WorkPackageRejectedError with the server's messages (record-level); 404 on a
 *   work package becomes a WorkPackageGoneError (stale id); DELETE of a missing one is done.
 */
import type { AppConfig, TargetConfig } from '../../config/env.js';
import { ConfigError } from '../../engine/errors.js';
import { createHttpClient, sharedBucket, type HttpClient, type HttpStats, type RequestOptions } from '../../http/index.js';
import { offsetPaging, readAllPages } from '../../http/paging.js';
import type { Logger } from '../../logging/logger.js';
import {
  filtersParam,
  MAX_PAGE_SIZE,
  OP_PATHS,
  type OpCollection,
  type OpFilter,
  type OpProject,
  type OpSchema,
  type OpType,
  type OpWorkPackage,
} from './api.js';
import { hasStatus, UpdateConflictError, violationsOf, WorkPackageGoneError, WorkPackageRejectedError, type WriteDescription } from './errors.js';

const AUTH_HINT = 'Check OPENPROJECT_API_KEY (an API key of a user who may view and add work packages in the registered projects) and OPENPROJECT_URL, then resume the run.';

/** Options of {@link OpenProjectClient}. */
export interface OpenProjectClientOptions {
  /** Base URL without `/api/v3` (a trailing `/api/v3` is removed). */
  baseUrl: string;
  apiKey: string;
  rateLimit: AppConfig['openproject']['rateLimit'];
  maxRetries?: number;
  timeoutMs?: number;
  logger?: Logger;
  /** Page size asked for. @default 1000 */
  pageSize?: number;
}

/** A work package body to send: properties plus `_links`. */
export type WorkPackageBody = Record<string, unknown> & { _links?: Record<string, unknown> };

/** The base URL as configured, without a trailing slash or `/api/v3`. */
export function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api\/v3$/i, '');
}

/** A client of one OpenProject instance. */
export class OpenProjectClient {
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly pageSize: number;

  constructor(options: OpenProjectClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    this.http = createHttpClient({
      target: 'OpenProject',
      baseUrl: this.baseUrl,
      headers: { Authorization: `Basic ${Buffer.from(`apikey:${options.apiKey}`).toString('base64')}` },
      rateLimit: options.rateLimit,
      bucket: sharedBucket('OpenProject', this.baseUrl, options.rateLimit),
      maxRetries: options.maxRetries,
      timeoutMs: options.timeoutMs,
      authHint: AUTH_HINT,
      logger: options.logger,
    });
  }

  /** Builds a client from the OPENPROJECT_* configuration; a ConfigError names the missing variables. */
  static fromConfig(target: TargetConfig, options: { maxRetries?: number; logger?: Logger } = {}): OpenProjectClient {
    const { baseUrl, secret } = target;
    if (!baseUrl || !secret) {
      const missing = [!baseUrl && 'OPENPROJECT_URL', !secret && 'OPENPROJECT_API_KEY'].filter(Boolean).join(' and ');
      throw new ConfigError(`${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set.`, {
        action: 'Set OPENPROJECT_URL (the instance URL, without /api/v3) and OPENPROJECT_API_KEY (My account → Access tokens → API) in the environment or .env.',
      });
    }
    return new OpenProjectClient({ baseUrl, apiKey: secret, rateLimit: target.rateLimit, maxRetries: options.maxRetries, logger: options.logger });
  }

  /** The API root (`_type: "Root"`), to check the URL. */
  async root(signal?: AbortSignal): Promise<Record<string, unknown>> {
    return (await this.http.get<Record<string, unknown>>(OP_PATHS.root, { signal })).body ?? {};
  }

  /** The user the key belongs to. */
  async me(signal?: AbortSignal): Promise<{ id?: number; name?: string; login?: string; _type?: string }> {
    return (await this.http.get<{ id?: number; name?: string }>(OP_PATHS.me, { signal })).body ?? {};
  }

  /** A project by numeric id or identifier; undefined when it does not exist (or the key cannot see it). */
  async project(ref: string | number, signal?: AbortSignal): Promise<OpProject | undefined> {
    return this.getOrUndefined<OpProject>(OP_PATHS.project(ref), signal);
  }

  /** The types available in a project. */
  async projectTypes(projectId: number, signal?: AbortSignal): Promise<OpType[]> {
    const { body } = await this.http.get<OpCollection<OpType>>(OP_PATHS.projectTypes(projectId), { signal });
    return body?._embedded?.elements ?? [];
  }

  /** The work package schema of a project and type; undefined when there is none. */
  async schema(projectId: number, typeId: number, signal?: AbortSignal): Promise<OpSchema | undefined> {
    return this.getOrUndefined<OpSchema>(OP_PATHS.schema(projectId, typeId), signal);
  }

  /**
   * Every work package of a project matching the filters (all pages, oldest id first). The
   * filters are always sent as an explicit array, so closed work packages are included.
   */
  async listWorkPackages(projectId: number | undefined, filters: readonly OpFilter[], signal?: AbortSignal): Promise<OpWorkPackage[]> {
    const path = projectId === undefined ? OP_PATHS.workPackages : OP_PATHS.projectWorkPackages(projectId);
    const fixed = { filters: filtersParam(filters), sortBy: JSON.stringify([['id', 'asc']]) };
    return readAllPages(
      async (params) => (await this.http.get<OpCollection<OpWorkPackage>>(path, { searchParams: { ...fixed, ...params }, signal })).body,
      offsetPaging<OpWorkPackage>({ pageSize: this.pageSize, idOf: (workPackage) => String(workPackage.id) }),
      { signal },
    );
  }

  /** One work package; undefined when it does not exist. */
  async getWorkPackage(id: number | string, signal?: AbortSignal): Promise<OpWorkPackage | undefined> {
    return this.getOrUndefined<OpWorkPackage>(OP_PATHS.workPackage(id), signal);
  }

  /** Creates a work package in a project (`notify=false`); not retried blindly. */
  async createWorkPackage(projectId: number, body: WorkPackageBody, write: WriteDescription, signal?: AbortSignal): Promise<OpWorkPackage> {
    return this.send(write, () => this.http.post<OpWorkPackage>(OP_PATHS.projectWorkPackages(projectId), this.writeOptions(body, signal)));
  }

  /**
   * Updates a work package with optimistic locking. Without a known `lockVersion` the work package
   * is read first. On 409 it is read again and the PATCH sent once more; a second 409 is an
   * UpdateConflictError. 404 is a WorkPackageGoneError (stale id).
   */
  async updateWorkPackage(id: number | string, body: WorkPackageBody, lockVersion: number | undefined, write: WriteDescription, signal?: AbortSignal): Promise<OpWorkPackage> {
    const described = { ...write, id };
    const patch = (version: number) =>
      this.send(described, () => this.http.patch<OpWorkPackage>(OP_PATHS.workPackage(id), { ...this.writeOptions({ ...body, lockVersion: version }, signal), retryable: true }));
    const fresh = async () => {
      const current = await this.getWorkPackage(id, signal);
      if (!current) throw new WorkPackageGoneError(described);
      return current.lockVersion;
    };
    try {
      return await patch(lockVersion ?? (await fresh()));
    } catch (error) {
      if (!hasStatus(error, 409)) throw error;
    }
    try {
      return await patch(await fresh());
    } catch (error) {
      if (hasStatus(error, 409)) throw new UpdateConflictError(described, error);
      throw error;
    }
  }

  /** Deletes a work package and (server-side) all its descendants; `gone` when it did not exist. */
  async deleteWorkPackage(id: number | string, write: WriteDescription, signal?: AbortSignal): Promise<'deleted' | 'gone'> {
    try {
      await this.http.delete(OP_PATHS.workPackage(id), { signal, responseType: 'none' });
      return 'deleted';
    } catch (error) {
      if (hasStatus(error, 404)) return 'gone';
      throw this.mapWriteError(error, { ...write, id });
    }
  }

  /** Counters of this client's HTTP traffic. */
  stats(): HttpStats {
    return this.http.stats();
  }

  private writeOptions(body: WorkPackageBody, signal: AbortSignal | undefined): RequestOptions {
    return { json: body, searchParams: { notify: 'false' }, signal };
  }

  private async send(write: WriteDescription, call: () => Promise<{ body: OpWorkPackage }>): Promise<OpWorkPackage> {
    try {
      const { body } = await call();
      return body;
    } catch (error) {
      throw this.mapWriteError(error, write);
    }
  }

  private mapWriteError(error: unknown, write: WriteDescription): unknown {
    if (hasStatus(error, 422) || hasStatus(error, 400)) return new WorkPackageRejectedError(write, violationsOf(error.body), error.status, error);
    if (hasStatus(error, 404) && write.id !== undefined) return new WorkPackageGoneError(write, error);
    return error;
  }

  private async getOrUndefined<T>(path: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return (await this.http.get<T>(path, { signal })).body;
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }
}
