/**
 * Which creator group a row gets, in order of precedence:
 * 1. the row's own `creator_group`;
 * 2. the `group_mapping` file (user → group);
 * 3. DevRev: the groups the creator is a member of (default groups left out). When the creator is
 *    in several, the rule is: the row's `assigned_group` if the creator is a member of it (matched
 *    by name in any case, id or display id), else the first of the creator's groups by name — and
 *    the run warns with the number of such users, so the operator can pin them in a mapping file.
 * A row none of these resolves is skipped with a reason. Pure: the directory is read elsewhere.
 */
import type { DirectoryGroup, GroupDirectory } from '../../targets/devrev/groups.js';
import { refKey } from '../../targets/devrev/fields.js';
import type { GroupMapping } from './group-mapping.js';
import type { BackfillRow } from './rows.js';

/** Where a resolved value came from. */
export type ResolvedVia = 'row' | 'mapping' | 'devrev';

/** The outcome of resolving one row. */
export type Resolution =
  | { kind: 'resolved'; value: string; via: ResolvedVia; /** Groups the creator is in, when via DevRev. */ candidates?: number }
  | { kind: 'pending' } // needs the DevRev directory, which was not read (validate_only)
  | { kind: 'unresolved'; reason: string };

/** What resolution may consult. */
export interface ResolveContext {
  mapping?: GroupMapping | undefined;
  /** The DevRev group directory; absent when no API call may be made. */
  directory?: GroupDirectory | undefined;
}

function sameGroup(group: DirectoryGroup, name: string): boolean {
  const wanted = name.trim();
  return group.name.toLowerCase() === wanted.toLowerCase() || group.id === wanted || (group.displayId ?? '').toUpperCase() === wanted.toUpperCase();
}

/** Picks one group among several: the assigned group when the user is in it, else the first by name. */
export function pickGroup(groups: readonly DirectoryGroup[], assignedGroup: string): DirectoryGroup {
  const assigned = groups.find((group) => sameGroup(group, assignedGroup));
  if (assigned) return assigned;
  return [...groups].sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id))[0]!;
}

/** Resolves the creator group of one row. */
export function resolveCreatorGroup(row: BackfillRow, context: ResolveContext): Resolution {
  if (row.creatorGroup) return { kind: 'resolved', value: row.creatorGroup, via: 'row' };
  const mapped = context.mapping?.get(refKey(row.creatorUserId));
  if (mapped) return { kind: 'resolved', value: mapped, via: 'mapping' };
  if (!context.directory) return { kind: 'pending' };
  const groups = context.directory.groupsOf(row.creatorUserId);
  if (groups.length === 0) {
    return {
      kind: 'unresolved',
      reason: `no creator_group in the row, ${row.creatorUserId} is not in the group mapping, and is a member of no DevRev group; add the user to group_mapping or fill creator_group`,
    };
  }
  return { kind: 'resolved', value: pickGroup(groups, row.assignedGroup).name, via: 'devrev', candidates: groups.length };
}
