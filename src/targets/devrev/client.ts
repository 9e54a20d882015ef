/**
 * The DevRev client: Bearer-token POST JSON calls through the shared HTTP client (token bucket
 * with adaptive pacing from `X-RateLimit-*`, retries honouring `Retry-After`, circuit breaker,
 * redaction). Lists are read with `cursorPaging`, never one call per record; `works.update` of a
 * tenant field is idempotent, so it is marked safe to repeat after a lost response.
 */
import { AuthError, ConfigError } from '../../engine/errors.js';
import { createHttpClient, NonJsonResponseError, sharedBucket, type HttpClient, type HttpStats } from '../../http/index.js';
import { cursorPaging, readAllPages, type PageParams, type ReadAllOptions } from '../../http/paging.js';
import type { RateSpec } from '../../config/rate-spec.js';
import type { Logger } from '../../logging/logger.js';
import {
  DEVREV_PAGE_SIZE,
  DEVREV_PATHS,
  tenantFieldUpdate,
  type AggregatedSchemaResponse,
  type DevRevGroup,
  type DevRevUserRef,
  type DevRevWork,
  type GroupMembersListResponse,
  type GroupsListResponse,
  type SelfResponse,
  type WorksListResponse,
} from './fields.js';

const AUTH_HINT =
  'Check DEVREV_API_TOKEN (a personal access token of a user allowed to update issues) and DEVREV_BASE_URL (the API host, e.g. https://api.devrev.ai), then resume the run.';

/** Options of a {@link DevRevClient}. */
export interface DevRevClientOptions {
  baseUrl: string;
  token: string;
  /** Client-side limit (`DEVREV_RATE_LIMIT`); the server's window is kept on top of it. */
  rateLimit: RateSpec;
  maxRetries?: number;
  timeoutMs?: number;
  /** Records per list page. @default 100 */
  pageSize?: number;
  logger?: Logger;
}

/** DevRev configuration as the client needs it (a subset of AppConfig). */
export interface DevRevConfig {
  devrev: { baseUrl: string | undefined; secret: string | undefined; rateLimit: RateSpec };
  maxRetries?: number;
}

/** The DevRev API calls the backfill makes. */
export class DevRevClient {
  readonly baseUrl: string;
  readonly http: HttpClient;
  private readonly pageSize: number;

  constructor(options: DevRevClientOptions) {
    this.baseUrl = options.baseUrl;
    this.pageSize = options.pageSize ?? DEVREV_PAGE_SIZE;
    // DevRev counts requests over five-minute windows, so 50 ms worth of requests may go back to
    // back: a late timer on a busy machine then costs no throughput.
    const burst = Math.max(1, Math.round((options.rateLimit.count * 50) / options.rateLimit.windowMs));
    this.http = createHttpClient({
      target: 'DevRev',
      baseUrl: options.baseUrl,
      headers: { Authorization: `Bearer ${options.token}` },
      rateLimit: options.rateLimit,
      burst,
      bucket: sharedBucket('DevRev', options.baseUrl, options.rateLimit, burst),
      maxRetries: options.maxRetries,
      timeoutMs: options.timeoutMs,
      authHint: AUTH_HINT,
      logger: options.logger,
    });
  }

  /** Builds a client from configuration; a ConfigError names the missing variable. */
  static fromConfig(config: DevRevConfig, logger?: Logger): DevRevClient {
    const { baseUrl, secret, rateLimit } = config.devrev;
    if (!secret) {
      throw new ConfigError('DEVREV_API_TOKEN is not set.', {
        action: 'Set DEVREV_API_TOKEN (a DevRev personal access token) in the environment or .env; DEVREV_BASE_URL defaults to https://api.devrev.ai.',
      });
    }
    return new DevRevClient({ baseUrl: baseUrl ?? 'https://api.devrev.ai', token: secret, rateLimit, maxRetries: config.maxRetries, logger });
  }

  /** Every issue (all pages of `works.list {type: ["issue"]}`). */
  listIssues(signal?: AbortSignal, onPage?: ReadAllOptions['onPage']): Promise<DevRevWork[]> {
    return this.listAll<WorksListResponse, DevRevWork>(DEVREV_PATHS.worksList, (body) => body.works, (work) => work.id, { type: ['issue'] }, signal, onPage);
  }

  /** Every group (all pages of `groups.list`). */
  listGroups(signal?: AbortSignal): Promise<DevRevGroup[]> {
    return this.listAll<GroupsListResponse, DevRevGroup>(DEVREV_PATHS.groupsList, (body) => body.groups, (group) => group.id, {}, signal);
  }

  /** Every member of a group (all pages of `groups.members.list`). */
  async listGroupMembers(groupId: string, signal?: AbortSignal): Promise<DevRevUserRef[]> {
    const members = await this.listAll<GroupMembersListResponse, { member?: DevRevUserRef }>(
      DEVREV_PATHS.groupMembersList,
      (body) => body.members,
      (entry) => entry.member?.id ?? JSON.stringify(entry),
      { group: groupId },
      signal,
    );
    return members.flatMap((entry) => (entry.member?.id ? [entry.member] : []));
  }

  /** Sets one tenant custom field of an issue (`custom_schema_spec: {tenant_fragment: true}`). */
  async setTenantField(id: string, field: string, value: string | null, signal?: AbortSignal): Promise<DevRevWork | undefined> {
    // Setting a field to a value is idempotent: a lost answer may be re-sent safely.
    const { body } = await this.call<{ work?: DevRevWork }>(DEVREV_PATHS.worksUpdate, tenantFieldUpdate(id, field, value), signal);
    return body?.work;
  }

  /** Sends `works.update` with no field to change: 200 proves the token may update the issue. */
  async probeUpdate(id: string, signal?: AbortSignal): Promise<void> {
    await this.call(DEVREV_PATHS.worksUpdate, { id, type: 'issue' }, signal);
  }

  /** The authenticated user (`dev-users.self`). */
  async self(signal?: AbortSignal): Promise<DevRevUserRef & { email?: string }> {
    const { body } = await this.call<SelfResponse>(DEVREV_PATHS.self, {}, signal);
    if (!body?.dev_user?.id) throw new AuthError('DevRev answered dev-users.self without a user.', { action: AUTH_HINT });
    return body.dev_user;
  }

  /** Names of the custom fields issues carry with the tenant fragment (`schemas.aggregated.get`). */
  async issueCustomFields(signal?: AbortSignal): Promise<string[]> {
    const { body } = await this.call<AggregatedSchemaResponse>(DEVREV_PATHS.aggregatedSchema, { leaf_type: 'issue', custom_schema_spec: { tenant_fragment: true } }, signal);
    return (body?.schema?.custom_fields ?? []).flatMap((field) => (field.name ? [field.name] : []));
  }

  /** One small page of issues (connection checks). */
  async firstIssues(limit: number, signal?: AbortSignal): Promise<DevRevWork[]> {
    const { body } = await this.call<WorksListResponse>(DEVREV_PATHS.worksList, { type: ['issue'], limit }, signal);
    return body?.works ?? [];
  }

  /** Counters of the HTTP client. */
  stats(): HttpStats {
    return this.http.stats();
  }

  private listAll<B, T extends object>(
    path: string,
    items: (body: B) => T[] | undefined,
    idOf: (item: T) => string,
    filters: Record<string, unknown>,
    signal?: AbortSignal,
    onPage?: ReadAllOptions['onPage'],
  ): Promise<T[]> {
    const strategy = cursorPaging<B, T>({
      limit: this.pageSize,
      items,
      nextCursor: (body) => (body as { next_cursor?: string } | undefined)?.next_cursor,
      idOf,
    });
    const fetchPage = async (params: PageParams) => (await this.call<B>(path, { ...filters, ...params }, signal)).body;
    return readAllPages(fetchPage, strategy, { signal, onPage });
  }

  /** One POST; every DevRev call reads or is idempotent, so each is safe to repeat after a lost answer. */
  private async call<T>(path: string, json: unknown, signal?: AbortSignal) {
    try {
      return await this.http.post<T>(path, { json, signal, retryable: true });
    } catch (error) {
      if (error instanceof NonJsonResponseError) {
        throw new ConfigError(`DevRev answered ${path} with a web page instead of JSON: DEVREV_BASE_URL probably points at the web app instead of the API.`, {
          action: 'Set DEVREV_BASE_URL to the API host (https://api.devrev.ai, or your gateway URL ending in /internal), then run again.',
          cause: error,
        });
      }
      throw error;
    }
  }
}
