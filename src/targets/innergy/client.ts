/**
 * The INNERGY client: reads (paged) and writes materials and projects through the shared HTTP
 * client (rate limit, retries, circuit breaker, redaction). INNERGY answers a bad key or a wrong
 * base URL with HTTP 200 and its web app's HTML: that is turned into an AuthError saying so.
 */
import type { AppConfig } from '../../config/env.js';
import { AuthError, ConfigError } from '../../engine/errors.js';
import { createHttpClient, NonJsonResponseError, sharedBucket, type HttpClient, type HttpStats, type RequestOptions } from '../../http/index.js';
import type { Logger } from '../../logging/logger.js';
import {
  API_KEY_HEADER,
  INNERGY_PATHS,
  PAGE_SIZE,
  type InnergyList,
  type InnergyMaterial,
  type InnergyProject,
  type MaterialPayload,
  type ProjectPayload,
} from './fields.js';

const AUTH_HINT = 'Check INNERGY_API_KEY (and that INNERGY_API_BASE_URL is the API host, not the web app), then resume the run.';

export interface InnergyClientOptions {
  baseUrl: string;
  apiKey: string;
  rateLimit: AppConfig['innergy']['rateLimit'];
  maxRetries?: number;
  timeoutMs?: number;
  logger?: Logger;
}

export class InnergyClient {
  private readonly http: HttpClient;

  constructor(options: InnergyClientOptions) {
    this.http = createHttpClient({
      target: 'INNERGY',
      baseUrl: options.baseUrl,
      headers: { [API_KEY_HEADER]: options.apiKey, Accept: 'application/json' },
      rateLimit: options.rateLimit,
      bucket: sharedBucket('INNERGY', options.baseUrl, options.rateLimit),
      maxRetries: options.maxRetries,
      timeoutMs: options.timeoutMs,
      authHint: AUTH_HINT,
      logger: options.logger,
    });
  }

  /** Builds a client from configuration; a ConfigError says which variable is missing. */
  static fromConfig(config: AppConfig, logger?: Logger): InnergyClient {
    const { baseUrl, secret } = config.innergy;
    if (!baseUrl || !secret) {
      const missing = [!baseUrl && 'INNERGY_API_BASE_URL', !secret && 'INNERGY_API_KEY'].filter(Boolean).join(' and ');
      throw new ConfigError(`${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set.`, {
        action: 'Set INNERGY_API_BASE_URL and INNERGY_API_KEY in the environment or .env, or use mode "csv" for an import file.',
      });
    }
    return new InnergyClient({ baseUrl, apiKey: secret, rateLimit: config.innergy.rateLimit, maxRetries: config.maxRetries, logger });
  }

  /** Every material (all pages). */
  listMaterials(signal?: AbortSignal): Promise<InnergyMaterial[]> {
    return this.listAll<InnergyMaterial>(INNERGY_PATHS.materials, signal);
  }

  /** Every project (all pages). */
  listProjects(signal?: AbortSignal): Promise<InnergyProject[]> {
    return this.listAll<InnergyProject>(INNERGY_PATHS.projects, signal);
  }

  async createMaterial(payload: MaterialPayload, signal?: AbortSignal): Promise<InnergyMaterial> {
    return (await this.call<InnergyMaterial>('POST', INNERGY_PATHS.materials, { json: payload, signal })).body;
  }

  async updateMaterial(id: string, payload: MaterialPayload, signal?: AbortSignal): Promise<InnergyMaterial> {
    return (await this.call<InnergyMaterial>('PUT', INNERGY_PATHS.material(id), { json: { Id: id, ...payload }, signal })).body;
  }

  async createProject(payload: ProjectPayload, signal?: AbortSignal): Promise<InnergyProject> {
    return (await this.call<InnergyProject>('POST', INNERGY_PATHS.projects, { json: payload, signal })).body;
  }

  async updateProject(id: string, payload: ProjectPayload, signal?: AbortSignal): Promise<InnergyProject> {
    return (await this.call<InnergyProject>('PUT', INNERGY_PATHS.project(id), { json: { Id: id, ...payload }, signal })).body;
  }

  /**
   * Verifies URL, key and read permissions with one small read of each resource we use.
   * Throws AuthError/ConfigError/TransientError with an actionable message when it fails.
   */
  async check(signal?: AbortSignal): Promise<{ materials: boolean; projects: boolean }> {
    await this.call('GET', INNERGY_PATHS.materials, { searchParams: { page: 1, pageSize: 1 }, signal });
    await this.call('GET', INNERGY_PATHS.projects, { searchParams: { page: 1, pageSize: 1 }, signal });
    return { materials: true, projects: true };
  }

  stats(): HttpStats {
    return this.http.stats();
  }

  /**
   * Every record of a list route. Pages are asked for with `page`/`pageSize`; paging goes on while
   * pages bring new records and the `TotalCount` (when given) is not reached. A server that
   * ignores paging answers the same records again: they add nothing new, and reading stops.
   */
  private async listAll<T extends { Id: string }>(path: string, signal?: AbortSignal): Promise<T[]> {
    const byId = new Map<string, T>();
    for (let page = 1; ; page += 1) {
      const { body } = await this.call<InnergyList<T>>('GET', path, { searchParams: { page, pageSize: PAGE_SIZE }, signal });
      if (!body || !Array.isArray(body.Items)) {
        throw new AuthError(`INNERGY answered GET ${path} without an Items list.`, { action: AUTH_HINT });
      }
      const before = byId.size;
      for (const item of body.Items) byId.set(item.Id, item);
      const added = byId.size - before;
      if (body.Items.length === 0 || added === 0) break;
      if (typeof body.TotalCount === 'number' ? byId.size >= body.TotalCount : body.Items.length < PAGE_SIZE) break;
    }
    return [...byId.values()];
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, options: RequestOptions) {
    try {
      return await this.http.request<T>(method, path, options);
    } catch (error) {
      if (error instanceof NonJsonResponseError) {
        throw new AuthError(
          `INNERGY answered ${method} ${path} with a web page instead of JSON: the API key is probably wrong, or INNERGY_API_BASE_URL points at the web app instead of the API.`,
          { action: AUTH_HINT, cause: error },
        );
      }
      throw error;
    }
  }
}
