/**
 * A fake OpenProject API v3 for integration, end-to-end and benchmark tests (DESIGN §10;
 * ../shared/api/README.md "OpenProject"). Built on the `fake-http.ts` toolkit.
 *
 * Contract:
 * - Auth: basic `apikey:<key>` or `Bearer <key>`; anything else answers 401 `Unauthenticated`.
 *   `GET /api/v3` (the root) answers without auth.
 * - Projects by id or identifier (`visible: false` answers 404); types per project; schemas
 *   `/api/v3/work_packages/schemas/{projectId}-{typeId}` with the active custom fields (list
 *   fields with their allowed custom options).
 * - Work package lists with `filters` (no parameter = open ones only), `sortBy`, `offset` (1-based
 *   page) and `pageSize` (capped at `maxPageSize`, default 1000).
 * - Create (`POST /api/v3/projects/{id}/work_packages`, `POST /api/v3/work_packages` with
 *   `_links.project`), `PATCH /api/v3/work_packages/{id}` with `lockVersion` (missing or stale →
 *   409 `UpdateConflict`), `DELETE` → 204 deleting all descendants. 422 bodies as OpenProject's.
 *   `notify=false` is honoured (writes without it count in `notificationsSent`).
 * - Rate limit off by default; when on, 429 with `RateLimit-Limit/Remaining/Reset` (no Retry-After),
 *   counted in epoch-aligned windows as Rack::Attack does.
 * - Control routes (no auth) under `/__fake/openproject/`: `POST work-packages` (add by hand, no
 *   validation), `PATCH work-packages/:id` (edit by hand), `DELETE work-packages/:id` (delete by
 *   hand, cascading), `POST custom-fields`, `DELETE custom-fields/:id`, `PATCH projects/:identifier`;
 *   `GET /__fake/state` lists everything readably.
 */
import { startFakeServer, type FakeServer, type FaultConfig, type RequestStats } from './fake-http.js';
import type { FaultController } from './fault-injection.js';
import { type FakeOpenProjectState, type FakeWorkPackage } from './openproject-model.js';
import { openProjectControl } from './openproject-control.js';
import { openProjectRoutes } from './openproject-routes.js';
import {
  addCustomField,
  addProject,
  addWorkPackage,
  DEFAULT_STATUSES,
  DEFAULT_TYPES,
  readableState,
  type FakeCustomFieldSeed,
  type FakeProjectSeed,
  type FakeWorkPackageSeed,
  type ReadableWorkPackage,
} from './openproject-seed.js';
import type { RequestLog } from './request-log.js';
import { opError } from './openproject-model.js';

export * from './openproject-model.js';
export * from './openproject-seed.js';

/** Options of `startFakeOpenProject`; all optional. */
export interface FakeOpenProjectOptions {
  /** @default 'test-openproject-key' */
  apiKey?: string;
  latencyMs?: number;
  jitterMs?: number;
  /** Fixed-window limit answered with 429 and `RateLimit-*` headers. @default off */
  rateLimit?: { count: number; windowMs: number };
  /** Largest page served. @default 1000 */
  maxPageSize?: number;
  /** Page size when none is asked for. @default 20 */
  defaultPageSize?: number;
  seed?: number;
  faults?: FaultConfig;
  customFields?: FakeCustomFieldSeed[];
  projects?: FakeProjectSeed[];
  workPackages?: FakeWorkPackageSeed[];
  port?: number;
  host?: string;
}

/** A running fake OpenProject. */
export interface FakeOpenProject {
  readonly url: string;
  readonly apiKey: string;
  readonly state: FakeOpenProjectState;
  readonly requests: RequestLog;
  readonly faults: FaultController;
  readonly server: FakeServer;
  stats(): RequestStats;
  /** Every work package, readably. */
  workPackages(): ReadableWorkPackage[];
  /** Adds a work package by hand (no validation). */
  addWorkPackage(seed: FakeWorkPackageSeed): FakeWorkPackage;
  reset(): void;
  close(): Promise<void>;
}

/** A fresh state from seeds. */
export function buildState(options: Pick<FakeOpenProjectOptions, 'customFields' | 'projects' | 'workPackages'>): FakeOpenProjectState {
  const state: FakeOpenProjectState = {
    types: DEFAULT_TYPES.map((t) => ({ ...t })),
    statuses: DEFAULT_STATUSES.map((s) => ({ ...s })),
    customFields: [],
    projects: [],
    workPackages: new Map(),
    notificationsSent: 0,
    nextIds: { workPackage: 0, customField: 0, option: 0, project: 0 },
  };
  for (const field of options.customFields ?? []) addCustomField(state, structuredClone(field));
  for (const project of options.projects ?? []) addProject(state, structuredClone(project));
  for (const wp of options.workPackages ?? []) addWorkPackage(state, structuredClone(wp));
  return state;
}

function authorized(header: string | string[] | undefined, apiKey: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return false;
  const basic = /^Basic\s+(\S+)$/i.exec(value);
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8') === `apikey:${apiKey}`;
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  return bearer?.[1] === apiKey;
}

/** Starts a fake OpenProject on 127.0.0.1. */
export async function startFakeOpenProject(options: FakeOpenProjectOptions = {}): Promise<FakeOpenProject> {
  const apiKey = options.apiKey ?? 'test-openproject-key';
  const holder = { state: buildState(options) };
  const routes = openProjectRoutes(() => holder.state, { maxPageSize: options.maxPageSize ?? 1000, defaultPageSize: options.defaultPageSize ?? 20 });
  const server = await startFakeServer({
    name: 'fake-openproject',
    host: options.host,
    port: options.port,
    seed: options.seed,
    latencyMs: options.latencyMs,
    jitterMs: options.jitterMs,
    faults: options.faults,
    rateLimit: options.rateLimit,
    rateLimitDefaults: { headerStyle: 'ratelimit', alignToEpoch: true, body: () => opError('TooManyRequests', 'You have exceeded the rate limit. Please try again later.') },
    renderError: (status, message) => {
      if (status === 400) return { status, body: opError('InvalidRequestBody', message) };
      if (status === 404) return { status, body: opError('NotFound', 'The requested resource could not be found.') };
      if (status === 429) return { status, body: opError('TooManyRequests', message) };
      if (status >= 500) return { status, body: opError('InternalServerError', 'An internal error has occurred.') };
      return { status, body: opError('InvalidRequest', message) };
    },
    before: (req, ctx) => {
      if (req.method === 'GET' && req.path === '/api/v3') return undefined;
      if (authorized(req.headers.authorization, apiKey)) return undefined;
      return ctx.json(401, opError('Unauthenticated', 'You did not provide the correct credentials.'), { 'www-authenticate': 'Basic realm="OpenProject API"' });
    },
    control: {
      state: () => readableState(holder.state),
      reset: () => {
        holder.state = buildState(options);
      },
      extra: (method, path, body) => openProjectControl(holder.state, method, path, body),
    },
    routes,
  });
  return {
    url: server.url,
    apiKey,
    get state() {
      return holder.state;
    },
    requests: server.requests,
    faults: server.faults,
    server,
    stats: () => server.stats(),
    workPackages: () => readableState(holder.state).workPackages,
    addWorkPackage: (seed) => addWorkPackage(holder.state, seed),
    reset: () => server.reset(),
    close: () => server.close(),
  };
}
