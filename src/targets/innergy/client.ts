/**
 * The INNERGY client: reads (paged) and writes materials and projects through the shared HTTP
 * client (rate limit, retries, circuit breaker, redaction). INNERGY answers a bad key or a wrong
 * base URL with HTTP 200 and its web app's HTML: that is turned into an AuthError saying so.
 */
import type { TargetConfig } from '../../config/env.js';
import { AuthError, ConfigError, MigrationError } from '../../engine/errors.js';
import type { CheckFinding, TargetCheck } from '../../engine/target.js';
import { createHttpClient, NonJsonResponseError, pageNumberPaging, readAllPages, sharedBucket, type HttpClient, type HttpStats, type RequestOptions } from '../../http/index.js';
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
  rateLimit: TargetConfig['rateLimit'];
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

  /**
   * Builds a client from the INNERGY settings; a ConfigError names the missing variable.
   * @param hint appended to the action, e.g. the csv-mode alternative of the material sync
   */
  static fromConfig(target: TargetConfig, options: { maxRetries?: number; logger?: Logger; hint?: string } = {}): InnergyClient {
    const { baseUrl, secret } = target;
    if (!baseUrl || !secret) {
      const missing = [!baseUrl && 'INNERGY_API_BASE_URL', !secret && 'INNERGY_API_KEY'].filter(Boolean).join(' and ');
      throw new ConfigError(`${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set.`, {
        action: `Set INNERGY_API_BASE_URL and INNERGY_API_KEY in the environment or .env${options.hint ? `, ${options.hint}` : ''}.`,
      });
    }
    return new InnergyClient({ baseUrl, apiKey: secret, rateLimit: target.rateLimit, maxRetries: options.maxRetries, logger: options.logger });
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

  /** One small read of each resource we use; throws AuthError/ConfigError/TransientError with an actionable message. */
  async verifyAccess(signal?: AbortSignal): Promise<void> {
    await this.call('GET', INNERGY_PATHS.materials, { searchParams: { page: 1, pageSize: 1 }, signal });
    await this.call('GET', INNERGY_PATHS.projects, { searchParams: { page: 1, pageSize: 1 }, signal });
  }

  /**
   * Verifies URL, key and read permissions like {@link verifyAccess}, but never throws for an
   * operator-fixable problem: each finding says what was checked and what is wrong.
   */
  async check(signal?: AbortSignal): Promise<TargetCheck> {
    const findings: CheckFinding[] = [];
    for (const [name, path] of [['materials', INNERGY_PATHS.materials], ['projects', INNERGY_PATHS.projects]] as const) {
      try {
        await this.call('GET', path, { searchParams: { page: 1, pageSize: 1 }, signal });
        findings.push({ check: `read ${name}`, ok: true, detail: `GET ${path} answered with JSON.` });
      } catch (error) {
        if (!(error instanceof MigrationError) || error.kind === 'cancelled') throw error;
        const check = error.kind === 'auth' ? 'credentials' : error.kind === 'transient' ? 'url' : `read ${name}`;
        findings.push({ check, ok: false, detail: `${error.message} What to do: ${error.action}` });
        break;
      }
    }
    return { ok: findings.every((finding) => finding.ok), findings };
  }

  stats(): HttpStats {
    return this.http.stats();
  }

  /**
   * Every record of a list route, read in `page`/`pageSize` pages until the `TotalCount` (when
   * given) is reached; a server that ignores paging answers the same records again, which ends the read.
   */
  private async listAll<T extends { Id: string }>(path: string, signal?: AbortSignal): Promise<T[]> {
    const paging = pageNumberPaging<InnergyList<T>, T>({ size: PAGE_SIZE, items: (body) => body.Items, total: (body) => body.TotalCount, idOf: (item) => item.Id });
    return readAllPages(async (params) => {
      const { body } = await this.call<InnergyList<T>>('GET', path, { searchParams: params, signal });
      if (!body || !Array.isArray(body.Items)) throw new AuthError(`INNERGY answered GET ${path} without an Items list.`, { action: AUTH_HINT });
      return body;
    }, paging, { signal });
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
