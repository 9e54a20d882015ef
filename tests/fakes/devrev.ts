/**
 * A fake DevRev API for integration, end-to-end and benchmark tests, after DevRev's public
 * OpenAPI excerpt and docs (`../shared/api/devrev-*`). Built on the `fake-http.ts` toolkit.
 *
 * Contract:
 * - Auth `Authorization: Bearer <token>`; an unknown token answers 401 `unauthenticated`.
 *   Tokens listed in `readOnlyTokens` may read but `works.update` answers 403 `forbidden`.
 * - Every route is `POST /<object>.<verb>` with a JSON body: `works.list {cursor, limit, type[],
 *   created_by[], custom_fields}` → `{works, next_cursor?}`, `works.get {id}` → `{work}`,
 *   `works.update {id, type, custom_fields, custom_schema_spec}` → `{work}`, `groups.list` →
 *   `{groups, next_cursor?}`, `groups.members.list {group}` → `{members: [{member}], next_cursor?}`,
 *   `dev-users.self` → `{dev_user}`, `schemas.aggregated.get {leaf_type}` → `{schema: {custom_fields}}`.
 *   Ids are DONs or display ids. Lists default to 50 and cap at `maxPageSize` (100) per page; no
 *   `next_cursor` means the last page.
 * - Tenant custom fields (`tnt__creator_group` unless `tenantFields` says otherwise) can only be
 *   written with `custom_schema_spec: {tenant_fragment: true}` (400 `bad_request` without it); an
 *   undefined `tnt__` field is 400 `invalid_field`; a text field takes a string or null.
 * - Rate limit off by default; when on, a fixed window per token (DevRev limits per user over five
 *   minutes), `X-RateLimit-Limit/Remaining/Reset` (epoch seconds) on every answer, and a 429 with
 *   `Retry-After` and `{type: "too_many_requests", message, retry_after}`.
 * - Faults from the toolkit: 5xx, reset, lost response (the update IS committed), delay.
 * - Every committed `works.update` is counted per issue (`updateCounts`), with the writes that
 *   changed a value (`changeCounts`), so tests count effects on the fake, not the tool's report.
 */
import { startFakeServer, type FakeServer, type FaultConfig, type RequestStats } from './fake-http.js';
import { devrevError, groupDon, issueDon, refersTo, userNumber, userSummary, type DevRevGroup, type DevRevGroupSeed, type DevRevIssue, type DevRevIssueSeed, type DevRevUserSeed } from './devrev-model.js';
import type { FaultController } from './fault-injection.js';
import type { RequestLog } from './request-log.js';
import type { FakeRequest } from './types.js';
import { devrevRoutes } from './devrev-routes.js';

export * from './devrev-model.js';

/** Options of `startFakeDevRev`; all optional. */
export interface FakeDevRevOptions {
  /** Accepted bearer tokens. @default ['test-devrev-token'] */
  tokens?: string[];
  /** Tokens that may read but not update works (403). @default [] */
  readOnlyTokens?: string[];
  /** Users (display names); users referenced by issues or groups exist anyway. */
  users?: DevRevUserSeed[];
  issues?: DevRevIssueSeed[];
  /** Generated issues appended after `issues` (numbered on): `n` issues created by DEVU-1…DEVU-`users` in turn. */
  generate?: { issues: number; users: number };
  groups?: DevRevGroupSeed[];
  /** Tenant custom fields defined for issues. @default ['tnt__creator_group'] */
  tenantFields?: string[];
  /** Fixed window per token, answered DevRev-style. @default off */
  rateLimit?: { count: number; windowMs: number; retryAfterSeconds?: number };
  /** Largest page served. @default 100 */
  maxPageSize?: number;
  latencyMs?: number;
  jitterMs?: number;
  seed?: number;
  faults?: FaultConfig;
  port?: number;
  host?: string;
}

/** The fake's records (live), and what was written. */
export interface FakeDevRevState {
  issues: DevRevIssue[];
  groups: DevRevGroup[];
  /** Committed `works.update` requests per issue display id. */
  updateCounts: Record<string, number>;
  /** Committed updates that changed a field value, per issue display id. */
  changeCounts: Record<string, number>;
}

/** A running fake DevRev. */
export interface FakeDevRev {
  /** Base URL (what `DEVREV_BASE_URL` should be). */
  readonly url: string;
  /** The first accepted token. */
  readonly token: string;
  readonly state: FakeDevRevState;
  readonly requests: RequestLog;
  readonly faults: FaultController;
  readonly server: FakeServer;
  stats(): RequestStats;
  /** An issue's current value of a custom field, by display id or DON. */
  valueOf(issue: string, field?: string): unknown;
  /** Back to the seed records, start faults/limits/latency, empty log. */
  reset(): void;
  close(): Promise<void>;
}

/** Internal view the routes work on. */
export interface DevRevContext {
  state: FakeDevRevState;
  users: Map<number, string>;
  tenantFields: Set<string>;
  maxPageSize: number;
  readOnlyTokens: Set<string>;
  tokenOf(req: FakeRequest): string | undefined;
  selfUser: number;
}

const DEFAULT_TOKEN = 'test-devrev-token';

/** Starts a fake DevRev on 127.0.0.1 (a free port unless `port` is given). */
export async function startFakeDevRev(options: FakeDevRevOptions = {}): Promise<FakeDevRev> {
  const tokens = new Set(options.tokens ?? [DEFAULT_TOKEN]);
  const readOnlyTokens = new Set(options.readOnlyTokens ?? []);
  const state: FakeDevRevState = { issues: [], groups: [], updateCounts: {}, changeCounts: {} };
  const users = new Map<number, string>();
  const tokenOf = (req: FakeRequest) => /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1]?.trim();

  const loadSeed = () => {
    users.clear();
    for (const user of options.users ?? []) users.set(user.number, user.display_name ?? `User ${user.number}`);
    state.issues.length = 0;
    state.groups.length = 0;
    for (const key of Object.keys(state.updateCounts)) delete state.updateCounts[key];
    for (const key of Object.keys(state.changeCounts)) delete state.changeCounts[key];
    const created = '2024-01-01T00:00:00.000Z';
    const seeds = [...(options.issues ?? [])];
    if (options.generate) {
      const from = seeds.length;
      seeds.push(...seedIssues(options.generate.issues, options.generate.users).map((seed) => ({ ...seed, number: from + (seed.number ?? 0) })));
    }
    seeds.forEach((seed, index) => {
      const n = seed.number ?? index + 1;
      const creator = userNumber(seed.created_by);
      if (creator === undefined) throw new Error(`fake-devrev: issue ${n} has an unreadable creator ${String(seed.created_by)}`);
      state.issues.push({
        type: 'issue',
        id: issueDon(n),
        display_id: `ISS-${n}`,
        title: seed.title ?? `Issue ${n}`,
        created_by: userSummary(creator, users),
        created_date: created,
        modified_date: created,
        custom_fields: structuredClone(seed.custom_fields ?? {}),
        custom_schema_fragments: [],
      });
    });
    (options.groups ?? []).forEach((seed, index) => {
      const n = index + 1;
      const members = seed.members.map((ref) => {
        const number = userNumber(ref);
        if (number === undefined) throw new Error(`fake-devrev: group ${seed.name} has an unreadable member ${String(ref)}`);
        return number;
      });
      state.groups.push({
        id: groupDon(n),
        display_id: `GRP-${n}`,
        name: seed.name,
        description: `${seed.name} group`,
        is_default: seed.is_default ?? false,
        member_type: 'dev_user',
        members: members.map((m) => userSummary(m, users).id),
      });
    });
  };
  loadSeed();

  const context: DevRevContext = {
    state,
    users,
    tenantFields: new Set(options.tenantFields ?? ['tnt__creator_group']),
    maxPageSize: options.maxPageSize ?? 100,
    readOnlyTokens,
    tokenOf,
    selfUser: 1,
  };

  const server = await startFakeServer({
    name: 'fake-devrev',
    host: options.host,
    port: options.port,
    seed: options.seed,
    latencyMs: options.latencyMs,
    jitterMs: options.jitterMs,
    faults: options.faults,
    rateLimit: options.rateLimit,
    rateLimitDefaults: {
      headerStyle: 'x-ratelimit',
      keyBy: (req) => tokenOf(req) ?? 'anonymous',
      body: (info) => devrevError('too_many_requests', `Rate limit exceeded; retry after ${info.retryAfterSeconds} seconds.`, { retry_after: info.retryAfterSeconds }),
    },
    renderError: (status, message) => {
      if (status === 400) return { status, body: devrevError('bad_request', message) };
      if (status === 404) return { status, body: devrevError('not_found', message) };
      if (status === 503) return { status, body: devrevError('service_unavailable', message) };
      if (status >= 500) return { status, body: devrevError('internal_error', message, { reference_id: `ref-${Date.now()}` }) };
      return { status, body: devrevError('bad_request', message) };
    },
    before: (req, ctx) => {
      const token = tokenOf(req);
      if (token && tokens.has(token)) return undefined;
      return ctx.json(401, devrevError('unauthenticated', 'Authentication failed: the token is missing, invalid or expired.'));
    },
    control: { state: () => state, reset: loadSeed },
    routes: devrevRoutes(context),
  });

  return {
    url: server.url,
    token: [...tokens][0] ?? DEFAULT_TOKEN,
    state,
    requests: server.requests,
    faults: server.faults,
    server,
    stats: () => server.stats(),
    valueOf: (issue, field = 'tnt__creator_group') => state.issues.find((i) => refersTo(issue, i))?.custom_fields[field],
    reset: () => server.reset(),
    close: () => server.close(),
  };
}

/** `n` issues ISS-1…ISS-n created by users DEVU-1…DEVU-`users` in turn, with no creator group. */
export function seedIssues(n: number, users: number, fields: (i: number) => Record<string, unknown> = () => ({})): DevRevIssueSeed[] {
  return Array.from({ length: n }, (_, i) => ({ number: i + 1, created_by: (i % users) + 1, custom_fields: fields(i + 1) }));
}
