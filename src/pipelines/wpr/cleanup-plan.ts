/**
 * The duplicate cleanup plan (pure): epics grouped by `WPR Order ID`, stories by `WPR Line Key`
 * (stories without one: by subject under the same parent, after re-parenting), per project. In
 * each group the highest id is kept — the newest, as the seed's tool did, and the one apply lookups
 * adopt. Because OpenProject deletes a work package WITH its descendants, every child of a doomed
 * work package that is not itself doomed is first re-parented to the kept one; only then are the
 * duplicates deleted, stories before epics. So no story (and no task under a story) is lost.
 */
import type { HeldWorkPackage } from '../../targets/openproject/index.js';

/** A work package the cleanup considers: an epic, a story, or another child (task, bug…) under one. */
export interface CleanupCandidate extends Pick<HeldWorkPackage, 'id' | 'project' | 'lockVersion' | 'subject' | 'parentId' | 'orderId' | 'lineKey'> {
  role: 'epic' | 'story' | 'other';
}

/** One group of duplicates. */
export interface DuplicateGroup {
  role: 'epic' | 'story';
  project: string;
  /** What the group shares: the order id, the line key, or `"<subject>" under #<parent>`. */
  key: string;
  basis: 'WPR Order ID' | 'WPR Line Key' | 'subject under the same parent';
  kept: string;
  duplicates: string[];
}

/** A child moved from a doomed work package to the kept one before the delete. */
export interface Reparent {
  id: string;
  role: CleanupCandidate['role'];
  project: string;
  lockVersion: number;
  from: string;
  to: string;
  /** The group key of the doomed parent (for messages). */
  reason: string;
}

/** A duplicate to delete (after its children were moved). */
export interface Deletion {
  id: string;
  role: 'epic' | 'story';
  project: string;
  key: string;
  kept: string;
}

/** The whole cleanup. */
export interface CleanupPlan {
  groups: DuplicateGroup[];
  reparent: Reparent[];
  deletions: Deletion[];
}

function byHighestId(a: { id: string }, b: { id: string }): number {
  return Number(b.id) - Number(a.id);
}

function group<T extends CleanupCandidate>(items: readonly T[], keyOf: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

/** Plans the cleanup of the given work packages (every epic and story of the projects, plus children of duplicates). */
export function planCleanup(candidates: readonly CleanupCandidate[]): CleanupPlan {
  const groups: DuplicateGroup[] = [];
  const keeper = new Map<string, { kept: string; key: string }>();
  const addGroups = (role: 'epic' | 'story', found: Map<string, CleanupCandidate[]>, basis: DuplicateGroup['basis'], label: (key: string) => string) => {
    for (const [key, members] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
      if (members.length < 2) continue;
      const [kept, ...duplicates] = [...members].sort(byHighestId);
      const shown = label(key);
      groups.push({ role, project: kept!.project, key: shown, basis, kept: kept!.id, duplicates: duplicates.map((item) => item.id) });
      for (const duplicate of duplicates) keeper.set(duplicate.id, { kept: kept!.id, key: shown });
    }
  };

  const epics = candidates.filter((item) => item.role === 'epic');
  addGroups('epic', group(epics, (item) => (item.orderId ? `${item.project}\u0000${item.orderId}` : null)), 'WPR Order ID', (key) => key.split('\u0000')[1]!);

  const stories = candidates.filter((item) => item.role === 'story');
  addGroups('story', group(stories, (item) => (item.lineKey ? `${item.project}\u0000${item.lineKey}` : null)), 'WPR Line Key', (key) => key.split('\u0000')[1]!);
  const parentAfter = (parentId: string | null) => (parentId !== null && keeper.has(parentId) ? keeper.get(parentId)!.kept : parentId);
  const unkeyed = stories.filter((item) => !item.lineKey);
  addGroups(
    'story',
    group(unkeyed, (item) => `${item.project}\u0000${parentAfter(item.parentId) ?? '-'}\u0000${item.subject.trim().toLowerCase()}`),
    'subject under the same parent',
    (key) => {
      const [, parent, subject] = key.split('\u0000');
      return `"${subject}" under ${parent === '-' ? 'no parent' : `#${parent}`}`;
    },
  );

  const reparent: Reparent[] = [];
  for (const item of candidates) {
    if (item.parentId === null || keeper.has(item.id)) continue;
    const doomedParent = keeper.get(item.parentId);
    if (!doomedParent) continue;
    reparent.push({ id: item.id, role: item.role, project: item.project, lockVersion: item.lockVersion, from: item.parentId, to: doomedParent.kept, reason: doomedParent.key });
  }

  const roleOf = new Map(candidates.map((item) => [item.id, item]));
  const deletions: Deletion[] = [...keeper]
    .map(([id, { kept, key }]) => ({ id, role: roleOf.get(id)!.role as 'epic' | 'story', project: roleOf.get(id)!.project, key, kept }))
    .sort((a, b) => (a.role === b.role ? Number(a.id) - Number(b.id) : a.role === 'story' ? -1 : 1));
  return { groups, reparent: reparent.sort((a, b) => Number(a.id) - Number(b.id)), deletions };
}
