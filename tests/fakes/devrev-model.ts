/**
 * Records, ids, cursors and error bodies of the fake DevRev API (see `devrev.ts`), after DevRev's
 * public OpenAPI excerpt (`../shared/api/devrev-works.openapi.json`) and its docs pages.
 *
 * - Ids are DONs (`don:core:dvrv-us-1:devo/fake:issue/7`) with display ids (`ISS-7`, `DEVU-3`);
 *   every route that takes an id accepts either.
 * - Tenant custom fields live in `custom_fields` under `tnt__<name>`; a text field holds a string.
 * - Errors are `{type, message, detail?}` with the types of the spec (`bad_request`,
 *   `invalid_field`, `unexpected_json_type`, `unauthenticated`, `forbidden`, `not_found`,
 *   `too_many_requests` + `retry_after`, `internal_error`, `service_unavailable`).
 * - Cursors are opaque strings; here base64url of the next offset and the filters they belong to.
 */
import { createHash } from 'node:crypto';

/** The dev org every fake DON lives in. */
export const FAKE_DEVO = 'dvrv-us-1:devo/fake';

/** A user reference as DevRev embeds it (`user-summary`, `member-summary`). */
export interface DevRevUserSummary {
  type: 'dev_user';
  id: string;
  display_id: string;
  display_name: string;
}

/** An issue (a `work` of type `issue`), with the fields the backfill reads and writes. */
export interface DevRevIssue {
  type: 'issue';
  id: string;
  display_id: string;
  title: string;
  created_by: DevRevUserSummary;
  created_date: string;
  modified_date: string;
  custom_fields: Record<string, unknown>;
  custom_schema_fragments: string[];
}

/** A group (`group`), with its members' DONs. */
export interface DevRevGroup {
  id: string;
  display_id: string;
  name: string;
  description: string;
  is_default: boolean;
  member_type: 'dev_user';
  members: string[];
}

/** What a test seeds: a user by display id number or name. */
export interface DevRevUserSeed {
  /** Display id number: 3 → `DEVU-3`. */
  number: number;
  display_name?: string;
}

/** What a test seeds: an issue created by a user (display id number or `DEVU-n`), with custom fields. */
export interface DevRevIssueSeed {
  /** Display id number: 7 → `ISS-7`. @default position + 1 */
  number?: number;
  title?: string;
  /** Creator: `DEVU-3`, a DON, or 3. */
  created_by: string | number;
  custom_fields?: Record<string, unknown>;
}

/** What a test seeds: a group and its members (`DEVU-n`, DONs or numbers). */
export interface DevRevGroupSeed {
  name: string;
  is_default?: boolean;
  members: Array<string | number>;
}

/** The JSON error body of DevRev. */
export interface DevRevErrorBody {
  type: string;
  message: string;
  detail?: string;
  [extra: string]: unknown;
}

/** Builds an error body. */
export function devrevError(type: string, message: string, extra: Record<string, unknown> = {}): DevRevErrorBody {
  return { type, message, ...extra };
}

/** DON of an issue. */
export function issueDon(n: number): string {
  return `don:core:${FAKE_DEVO}:issue/${n}`;
}

/** DON of a dev user. */
export function userDon(n: number): string {
  return `don:identity:${FAKE_DEVO}:devu/${n}`;
}

/** DON of a group. */
export function groupDon(n: number): string {
  return `don:identity:${FAKE_DEVO}:group/${n}`;
}

/** The number of a user reference: `DEVU-3`, `don:…:devu/3` or 3 → 3; undefined when it is neither. */
export function userNumber(ref: string | number): number | undefined {
  if (typeof ref === 'number') return ref;
  const match = /^DEVU-(\d+)$/i.exec(ref.trim()) ?? /:devu\/(\d+)$/.exec(ref.trim());
  return match ? Number(match[1]) : undefined;
}

/** A user summary. */
export function userSummary(n: number, names: ReadonlyMap<number, string>): DevRevUserSummary {
  return { type: 'dev_user', id: userDon(n), display_id: `DEVU-${n}`, display_name: names.get(n) ?? `User ${n}` };
}

/** Whether `ref` names the record (DON or display id, display ids case-insensitively). */
export function refersTo(ref: unknown, record: { id: string; display_id: string }): boolean {
  if (typeof ref !== 'string') return false;
  const trimmed = ref.trim();
  return trimmed === record.id || trimmed.toUpperCase() === record.display_id.toUpperCase();
}

/** Cursor state: where the next page starts and a hash of the filters it was made for. */
interface CursorState {
  offset: number;
  filters: string;
}

/** Hash of a list request's filters (everything but cursor, limit and mode). */
export function filterHash(body: Record<string, unknown>): string {
  const { cursor: _c, limit: _l, mode: _m, ...filters } = body;
  return createHash('sha256').update(JSON.stringify(filters)).digest('hex').slice(0, 12);
}

/** An opaque cursor for the page starting at `offset`. */
export function encodeCursor(offset: number, filters: string): string {
  return Buffer.from(JSON.stringify({ offset, filters } satisfies CursorState)).toString('base64url');
}

/** Reads a cursor; undefined when it is not one of ours or belongs to other filters. */
export function decodeCursor(cursor: string, filters: string): number | undefined {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
    if (!Number.isInteger(state.offset) || state.offset < 0 || state.filters !== filters) return undefined;
    return state.offset;
  } catch {
    return undefined;
  }
}

/** A page of `all` for a list request: `{items, next_cursor?}` or an error message. */
export function page<T>(
  all: readonly T[],
  body: Record<string, unknown>,
  options: { defaultLimit: number; maxLimit: number },
): { items: T[]; next_cursor?: string } | { error: string } {
  const filters = filterHash(body);
  let offset = 0;
  if (body.cursor !== undefined) {
    const decoded = typeof body.cursor === 'string' ? decodeCursor(body.cursor, filters) : undefined;
    if (decoded === undefined) return { error: 'The cursor is invalid or belongs to another query.' };
    offset = decoded;
  }
  if (body.mode !== undefined && body.mode !== 'after') return { error: `Unsupported mode '${String(body.mode)}' (only "after").` };
  const limit = body.limit === undefined ? options.defaultLimit : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1) return { error: 'limit must be a positive integer.' };
  const size = Math.min(limit, options.maxLimit);
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return next < all.length ? { items, next_cursor: encodeCursor(next, filters) } : { items };
}
