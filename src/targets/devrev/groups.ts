/**
 * The DevRev group directory: every group (`groups.list`) and the members of each
 * (`groups.members.list`), read in pages once per run, so the creator group of a row without one
 * can be found from the creator's membership. Default groups (`is_default`, which every user is
 * in) are left out: they say nothing about who created an issue.
 */
import type { DevRevClient } from './client.js';
import { refKey, userKeys } from './fields.js';

/** A group as the resolution sees it. */
export interface DirectoryGroup {
  id: string;
  displayId: string | undefined;
  name: string;
}

/** Groups and who is in them. */
export interface GroupDirectory {
  /** Every non-default group, in the order DevRev listed them. */
  groups: DirectoryGroup[];
  /** The groups a user (DON or display id) belongs to; empty when none. */
  groupsOf(user: string): DirectoryGroup[];
  /** Default groups left out. */
  skippedDefault: number;
}

/** Reads every group and its members (one paged read per group). */
export async function readGroupDirectory(client: DevRevClient, signal: AbortSignal): Promise<GroupDirectory> {
  const all = await client.listGroups(signal);
  const groups: DirectoryGroup[] = [];
  const byUser = new Map<string, DirectoryGroup[]>();
  let skippedDefault = 0;
  for (const group of all) {
    if (group.is_default) {
      skippedDefault += 1;
      continue;
    }
    const entry: DirectoryGroup = { id: group.id, displayId: group.display_id, name: group.name ?? group.display_id ?? group.id };
    groups.push(entry);
    for (const member of await client.listGroupMembers(group.id, signal)) {
      for (const key of userKeys(member)) {
        const list = byUser.get(key) ?? [];
        if (!list.includes(entry)) list.push(entry);
        byUser.set(key, list);
      }
    }
  }
  return { groups, skippedDefault, groupsOf: (user) => byUser.get(refKey(user)) ?? [] };
}
