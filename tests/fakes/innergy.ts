/**
 * A fake INNERGY API for integration, end-to-end and benchmark tests (DESIGN §10, §11;
 * api/README.md "INNERGY"). Built on the `fake-http.ts` toolkit.
 *
 * Contract (assumed, like our client's):
 * - Auth header `Api-Key: <key>`. A missing or wrong key answers **HTTP 200 with the web app's
 *   HTML login page**, as real INNERGY does (`authStyle: '401'` answers 401 JSON instead). Any
 *   unknown route (under `/api/` or not, wrong method included) also answers 200 HTML.
 * - Routes: `GET/POST /api/materials`, `PUT /api/materials/:id`,
 *   `GET/POST /api/projects`, `GET/PUT /api/projects/:id`. POST → 201 + record, PUT → 200 + record
 *   (a full replacement of the writable fields), unknown id → 404.
 * - Lists: `{Items}` with every record in creation order; with `page` (1-based) and/or `pageSize`
 *   → `{Items, Page, PageSize, TotalCount}` (pageSize capped at `maxPageSize`).
 * - Validation: `Name` always, `Sku` (materials) and `CustomerName` (projects) required → 400.
 * - Error body: `{Message, Errors: [{Field, Message}]}` (see `innergy-model.ts`).
 * - `ExternalIdentifier` is NOT unique: duplicates can be created, and tests detect them with
 *   `duplicateExternalIds()`.
 * - Rate limit off by default; when on, 429 with `Retry-After: <seconds>`.
 */
import { startFakeServer, type FakeServer, type FaultConfig, type Handler, type RequestStats } from './fake-http.js';
import {
  INNERGY_LOGIN_PAGE,
  innergyError,
  readMaterial,
  readProject,
  seedMaterial,
  seedProject,
  type InnergyDateStyle,
  type InnergyMaterial,
  type InnergyMaterialSeed,
  type InnergyProject,
  type InnergyProjectSeed,
} from './innergy-model.js';
import type { RequestLog } from './request-log.js';
import type { FaultController } from './fault-injection.js';

export * from './innergy-model.js';

/** Options of `startFakeInnergy`; all optional. */
export interface FakeInnergyOptions {
  /** Key expected in the `Api-Key` header. @default 'test-innergy-key' */
  apiKey?: string;
  /** How a bad key is answered: 200 HTML login page (real INNERGY) or 401 JSON. @default 'html' */
  authStyle?: 'html' | '401';
  /** @default 0 */
  latencyMs?: number;
  /** @default 0 */
  jitterMs?: number;
  /** Fixed-window limit answered with 429 + `Retry-After`. @default off */
  rateLimit?: { count: number; windowMs: number; retryAfterSeconds?: number };
  /** Largest page served. @default 100 */
  maxPageSize?: number;
  /** Seed of jitter and fault draws. @default 1 */
  seed?: number;
  /** Fault settings at start. */
  faults?: FaultConfig;
  /** Records present at start (and after `reset()`); missing fields get defaults, missing `Id`s are assigned. */
  materials?: InnergyMaterialSeed[];
  projects?: InnergyProjectSeed[];
  /** How `StartDate`/`DueDate` are echoed back. @default 'as-sent' */
  dateStyle?: InnergyDateStyle;
  /** @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

/** The fake's records (live arrays, in creation order). */
export interface FakeInnergyState {
  materials: InnergyMaterial[];
  projects: InnergyProject[];
}

/** A duplicated external identifier and the ids of the records carrying it. */
export interface DuplicateExternalId {
  externalIdentifier: string;
  ids: string[];
}

/** A running fake INNERGY. */
export interface FakeInnergy {
  /** Base URL (what `INNERGY_API_BASE_URL` should be). */
  readonly url: string;
  readonly apiKey: string;
  readonly state: FakeInnergyState;
  readonly requests: RequestLog;
  readonly faults: FaultController;
  /** The underlying toolkit server (rate limit, latency, routes). */
  readonly server: FakeServer;
  stats(): RequestStats;
  /** Projects grouped by `ExternalIdentifier` (records without one are left out). */
  projectsByExternalId(): Map<string, InnergyProject[]>;
  /** Materials grouped by `ExternalIdentifier`. */
  materialsByExternalId(): Map<string, InnergyMaterial[]>;
  /** External identifiers carried by more than one record of `kind` (empty = no duplicates). */
  duplicateExternalIds(kind: 'projects' | 'materials'): DuplicateExternalId[];
  /** Back to the seed records, start faults/limits/latency, empty log. */
  reset(): void;
  close(): Promise<void>;
}

function groupByExternalId<T extends { ExternalIdentifier: string | null }>(records: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of records) {
    if (r.ExternalIdentifier === null || r.ExternalIdentifier === '') continue;
    const list = map.get(r.ExternalIdentifier) ?? [];
    list.push(r);
    map.set(r.ExternalIdentifier, list);
  }
  return map;
}

/** Starts a fake INNERGY on 127.0.0.1 (a free port unless `port` is given). */
export async function startFakeInnergy(options: FakeInnergyOptions = {}): Promise<FakeInnergy> {
  const apiKey = options.apiKey ?? 'test-innergy-key';
  const maxPageSize = options.maxPageSize ?? 100;
  const dateStyle = options.dateStyle ?? 'as-sent';
  const state: FakeInnergyState = { materials: [], projects: [] };
  const counters = { materials: 0, projects: 0 };
  const nextId = (kind: 'materials' | 'projects') =>
    `${kind === 'materials' ? '6d617400' : '70726a00'}-0000-4000-8000-${(++counters[kind]).toString(16).padStart(12, '0')}`;

  const loadSeed = () => {
    counters.materials = 0;
    counters.projects = 0;
    state.materials.length = 0;
    state.projects.length = 0;
    for (const m of options.materials ?? []) state.materials.push(seedMaterial(structuredClone(m), nextId('materials')));
    for (const p of options.projects ?? []) state.projects.push(seedProject(structuredClone(p), nextId('projects')));
  };
  loadSeed();

  const list = (records: () => Array<InnergyMaterial | InnergyProject>): Handler => (req, ctx) => {
    const all = records();
    const page = req.query.get('page');
    const size = req.query.get('pageSize');
    if (page === null && size === null) return ctx.json(200, { Items: all });
    const pageNo = page === null ? 1 : Number(page);
    const pageSize = size === null ? maxPageSize : Number(size);
    const errors = [];
    if (!Number.isInteger(pageNo) || pageNo < 1) errors.push({ Field: 'page', Message: 'page must be an integer >= 1.' });
    if (!Number.isInteger(pageSize) || pageSize < 1) errors.push({ Field: 'pageSize', Message: 'pageSize must be an integer >= 1.' });
    if (errors.length > 0) return ctx.json(400, innergyError('The request is invalid.', errors));
    const capped = Math.min(pageSize, maxPageSize);
    const items = all.slice((pageNo - 1) * capped, pageNo * capped);
    return ctx.json(200, { Items: items, Page: pageNo, PageSize: capped, TotalCount: all.length });
  };

  const notFound = (label: string, id: string) => innergyError(`${label} '${id}' was not found.`);

  const server = await startFakeServer({
    name: 'fake-innergy',
    host: options.host,
    port: options.port,
    seed: options.seed,
    latencyMs: options.latencyMs,
    jitterMs: options.jitterMs,
    faults: options.faults,
    rateLimit: options.rateLimit,
    rateLimitDefaults: { headerStyle: 'retry-after' },
    loginPageHtml: INNERGY_LOGIN_PAGE,
    renderError: (status, message) => {
      if (status === 400) return { status, body: innergyError('The request is invalid.', [{ Field: 'body', Message: message }]) };
      if (status >= 500) return { status, body: innergyError('An error has occurred.') };
      return { status, body: innergyError(message) };
    },
    before: (req, ctx) => {
      if (req.headers['api-key'] === apiKey) return undefined;
      if (options.authStyle === '401') return ctx.json(401, innergyError('Authorization has been denied for this request.'));
      return ctx.html(200, INNERGY_LOGIN_PAGE);
    },
    notFound: (_req, ctx) => ctx.html(200, INNERGY_LOGIN_PAGE),
    control: { state: () => state, reset: loadSeed },
    routes: [
      { method: 'GET', path: '/api/materials', handler: list(() => state.materials) },
      {
        method: 'POST',
        path: '/api/materials',
        handler: (req, ctx) => {
          const read = readMaterial(req.body);
          if (!read.ok) return ctx.json(400, innergyError('The request is invalid.', read.errors));
          const record: InnergyMaterial = { Id: nextId('materials'), ...read.value };
          state.materials.push(record);
          return ctx.json(201, record, { location: `/api/materials/${record.Id}` });
        },
      },
      {
        method: 'PUT',
        path: '/api/materials/:id',
        handler: (req, ctx) => {
          const id = req.params.id ?? '';
          const record = state.materials.find((m) => m.Id === id);
          if (!record) return ctx.json(404, notFound('Material', id));
          const read = readMaterial(req.body);
          if (!read.ok) return ctx.json(400, innergyError('The request is invalid.', read.errors));
          Object.assign(record, read.value);
          return ctx.json(200, record);
        },
      },
      { method: 'GET', path: '/api/projects', handler: list(() => state.projects) },
      {
        method: 'GET',
        path: '/api/projects/:id',
        handler: (req, ctx) => {
          const id = req.params.id ?? '';
          const record = state.projects.find((p) => p.Id === id);
          return record ? ctx.json(200, record) : ctx.json(404, notFound('Project', id));
        },
      },
      {
        method: 'POST',
        path: '/api/projects',
        handler: (req, ctx) => {
          const read = readProject(req.body, dateStyle);
          if (!read.ok) return ctx.json(400, innergyError('The request is invalid.', read.errors));
          const record: InnergyProject = { Id: nextId('projects'), ...read.value };
          state.projects.push(record);
          return ctx.json(201, record, { location: `/api/projects/${record.Id}` });
        },
      },
      {
        method: 'PUT',
        path: '/api/projects/:id',
        handler: (req, ctx) => {
          const id = req.params.id ?? '';
          const record = state.projects.find((p) => p.Id === id);
          if (!record) return ctx.json(404, notFound('Project', id));
          const read = readProject(req.body, dateStyle);
          if (!read.ok) return ctx.json(400, innergyError('The request is invalid.', read.errors));
          Object.assign(record, read.value);
          return ctx.json(200, record);
        },
      },
    ],
  });

  const duplicates = (kind: 'projects' | 'materials'): DuplicateExternalId[] =>
    [...groupByExternalId<InnergyMaterial | InnergyProject>(state[kind]).entries()]
      .filter(([, records]) => records.length > 1)
      .map(([externalIdentifier, records]) => ({ externalIdentifier, ids: records.map((r) => r.Id) }))
      .sort((a, b) => a.externalIdentifier.localeCompare(b.externalIdentifier));

  return {
    url: server.url,
    apiKey,
    state,
    requests: server.requests,
    faults: server.faults,
    server,
    stats: () => server.stats(),
    projectsByExternalId: () => groupByExternalId(state.projects),
    materialsByExternalId: () => groupByExternalId(state.materials),
    duplicateExternalIds: duplicates,
    reset: () => server.reset(),
    close: () => server.close(),
  };
}
