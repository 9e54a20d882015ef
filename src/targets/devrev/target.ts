/**
 * The DevRev Target for the creator-group backfill: one kind of record (`issue`) whose one field
 * the backfill sets (the tenant custom field, `tnt__creator_group` by default). Issues are never
 * created or deleted here. Current values are read in pages (`works.list`), once per plan and once
 * per reconciliation; an update is `works.update` with `custom_schema_spec: {tenant_fragment: true}`,
 * idempotent, so a write whose answer was lost is simply sent again after a fresh read.
 */
import { TerminalError } from '../../engine/errors.js';
import { originScope, type Target, type TargetCheck } from '../../engine/target.js';
import { checkDevRevConnection } from './check.js';
import type { DevRevClient } from './client.js';
import { refKey, userKeys, type DevRevWork } from './fields.js';

/** What the backfill writes to an issue: the creator group value. */
export interface CreatorGroupPayload {
  value: string;
}

/** An issue as the backfill sees it. */
export interface IssueState {
  /** DevRev id (DON). */
  id: string;
  displayId: string | undefined;
  /** The creator's reference keys (DON and display id). */
  creatorKeys: string[];
  /** The current value of the creator-group field (undefined when unset or not text). */
  value: string | undefined;
}

/** Issues by every key they are known by (DON and display id, see `refKey`). */
export type IssueIndex = Map<string, IssueState>;

/** Builds the index of issues read from `works.list`. */
export function indexIssues(works: readonly DevRevWork[], field: string): IssueIndex {
  const index: IssueIndex = new Map();
  for (const work of works) {
    const raw = work.custom_fields?.[field];
    const state: IssueState = {
      id: work.id,
      displayId: work.display_id,
      creatorKeys: userKeys(work.created_by),
      value: typeof raw === 'string' && raw !== '' ? raw : undefined,
    };
    index.set(refKey(work.id), state);
    if (work.display_id) index.set(refKey(work.display_id), state);
  }
  return index;
}

/** Options of {@link creatorGroupTarget}. */
export interface CreatorGroupTargetOptions {
  /** The tenant field that receives the creator group. */
  field: string;
  /** Let `check` prove update permission with a no-change `works.update`. @default false */
  probeUpdate?: boolean;
}

/** The Target of the backfill, plus the paged read of current values its planner compares against. */
export interface CreatorGroupTarget extends Target<CreatorGroupPayload> {
  readonly field: string;
  /** Every issue with its current value, by key (one paged read). */
  readIssues(signal: AbortSignal): Promise<IssueIndex>;
}

/** The DevRev issue target of the creator-group backfill. */
export function creatorGroupTarget(client: DevRevClient, options: CreatorGroupTargetOptions): CreatorGroupTarget {
  const { field } = options;
  const readIssues = async (signal: AbortSignal) => indexIssues(await client.listIssues(signal), field);
  return {
    system: 'devrev',
    kind: 'issue',
    scope: originScope(client.baseUrl),
    field,
    readIssues,
    check: (signal): Promise<TargetCheck> => checkDevRevConnection(client, { field, probeUpdate: options.probeUpdate }, signal),
    async lookup(keys, signal) {
      const index = await readIssues(signal);
      const found = new Map<string, string>();
      for (const key of keys) {
        const issue = index.get(refKey(key));
        if (issue) found.set(key, issue.id);
      }
      return found;
    },
    create() {
      return Promise.reject(new TerminalError('The creator-group backfill never creates DevRev issues.', { action: 'Report this as a bug: the plan asked for a create.' }));
    },
    async update(targetId, payload, { signal }) {
      await client.setTenantField(targetId, field, payload.value, signal);
    },
  };
}
