/**
 * Every DevRev route, body field and record shape the backfill uses, in one place (after DevRev's
 * public OpenAPI: `works.*`, `groups.*`, `dev-users.self`, `schemas.aggregated.get`). All routes
 * are `POST /<object>.<verb>` with a JSON body; lists page with `{cursor, limit}` → `next_cursor`.
 */

/** Routes (relative to DEVREV_BASE_URL). */
export const DEVREV_PATHS = {
  worksList: 'works.list',
  worksUpdate: 'works.update',
  groupsList: 'groups.list',
  groupMembersList: 'groups.members.list',
  self: 'dev-users.self',
  aggregatedSchema: 'schemas.aggregated.get',
} as const;

/** Records per list page (DevRev's default is 50; 100 is the largest page it serves). */
export const DEVREV_PAGE_SIZE = 100;

/** The default tenant custom field that receives the creator group (`DEVREV_CREATOR_GROUP_FIELD`). */
export const DEFAULT_CREATOR_GROUP_FIELD = 'tnt__creator_group';

/** A user reference as DevRev embeds it (`created_by`, a group member). */
export interface DevRevUserRef {
  type?: string;
  id: string;
  display_id?: string;
  display_name?: string;
}

/** The part of a work (issue) the backfill reads. */
export interface DevRevWork {
  id: string;
  type?: string;
  display_id?: string;
  created_by?: DevRevUserRef;
  custom_fields?: Record<string, unknown> | null;
}

/** `works.list` answer. */
export interface WorksListResponse {
  works?: DevRevWork[];
  next_cursor?: string;
}

/** A group as `groups.list` returns it. */
export interface DevRevGroup {
  id: string;
  display_id?: string;
  name?: string;
  is_default?: boolean;
  member_type?: string;
}

/** `groups.list` answer. */
export interface GroupsListResponse {
  groups?: DevRevGroup[];
  next_cursor?: string;
}

/** `groups.members.list` answer. */
export interface GroupMembersListResponse {
  members?: Array<{ member?: DevRevUserRef }>;
  next_cursor?: string;
}

/** `dev-users.self` answer. */
export interface SelfResponse {
  dev_user?: DevRevUserRef & { email?: string };
}

/** `schemas.aggregated.get` answer. */
export interface AggregatedSchemaResponse {
  schema?: { custom_fields?: Array<{ name?: string; field_type?: string }> };
}

/** The `works.update` body that sets one tenant custom field of an issue. */
export function tenantFieldUpdate(id: string, field: string, value: string | null): Record<string, unknown> {
  return { id, type: 'issue', custom_fields: { [field]: value }, custom_schema_spec: { tenant_fragment: true } };
}

/** Whether a schema field name is `field` (aggregated schemas may or may not carry the `tnt__` prefix). */
export function isSchemaField(name: string | undefined, field: string): boolean {
  if (!name) return false;
  return name === field || `tnt__${name}` === field;
}

/** The key a reference (issue, user, group) is known by: DONs as they are, display ids in upper case. */
export function refKey(ref: string): string {
  const trimmed = ref.trim();
  return trimmed.startsWith('don:') ? trimmed : trimmed.toUpperCase();
}

/** The keys a user reference is known by (DON and display id), for matching CSV user ids. */
export function userKeys(user: DevRevUserRef | undefined): string[] {
  if (!user) return [];
  return [user.id, user.display_id].filter((key): key is string => typeof key === 'string' && key !== '').map(refKey);
}
