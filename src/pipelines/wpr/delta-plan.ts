/**
 * The plan of a WPR apply: two mappers over the engine's plan-and-apply, epics then stories.
 * Each planned work package is compared with what OpenProject holds for its key (read in bulk just
 * before): absent → create; different subject, description, parent or custom field → update (with
 * the lockVersion just read); equal → unchanged, no write. A story's parent is its order's epic:
 * the id the epic holds now, or the one the epic phase creates — never an id from a cache, so
 * "Parent does not exist" cannot happen. Values that do not fit their fields are skipped with the
 * reason (counted as failures), before any request.
 */
import { composePlan, planRecords, type RecordMapper, type RecordPlanData } from '../../engine/plan-apply.js';
import type { ComputedPlan } from '../../engine/plan.js';
import { WORK_PACKAGE_VOLATILE_FIELDS, WPR_KEY_FIELDS, type HeldWorkPackage, type WorkPackagePayload, type WorkPackageTarget } from '../../targets/openproject/index.js';
import type { PlannedOrder, PlannedWorkPackage } from './plan-bundle.js';

/** A story with its order, as the story mapper sees it. */
export interface StoryRecord {
  order: PlannedOrder;
  story: PlannedWorkPackage;
}

/** Stands for the id of an epic the apply will create (a story held elsewhere must be moved under it). */
const NEW_EPIC = '(epic to create)';

/** Targets and what OpenProject holds, for the mappers. */
export interface DeltaState {
  epics: WorkPackageTarget;
  stories: WorkPackageTarget;
  heldEpics: ReadonlyMap<string, HeldWorkPackage[]>;
  heldStories: ReadonlyMap<string, HeldWorkPackage[]>;
  /** Surprises found on the target (duplicates); appended to. */
  warnings: string[];
}

function firstHeld(held: ReadonlyMap<string, HeldWorkPackage[]>, key: string, what: string, warnings: string[]): HeldWorkPackage | undefined {
  const list = held.get(key) ?? [];
  if (list.length > 1) {
    warnings.push(`OpenProject holds ${list.length} ${what}s for ${key} (#${list.map((item) => item.id).join(', #')}); the newest (#${list[0]!.id}) is used. Remove the others with wpr_cleanup_duplicates.`);
  }
  return list[0];
}

function problems(target: WorkPackageTarget, payload: WorkPackagePayload): string | undefined {
  const found = target.problemsOf(payload);
  return found.length ? `value does not fit its OpenProject field: ${found.join('; ')} (fix it in the workbook and ingest again)` : undefined;
}

/** How planned epics are compared with the epics OpenProject holds. */
export function epicMapper(state: DeltaState): RecordMapper<PlannedOrder, WorkPackagePayload, HeldWorkPackage> {
  const current = (key: string) => firstHeld(state.heldEpics, key, 'epic', state.warnings);
  return {
    kind: 'epic',
    key: (order) => order.epic.key,
    payload: (order) => ({ ...order.epic.payload, lockVersion: state.heldEpics.get(order.epic.key)?.[0]?.lockVersion }),
    source: (order) => order.epic.source,
    skipReason: (order) => problems(state.epics, order.epic.payload),
    current: (_order, key) => current(key),
    idOf: (held) => held.id,
    changes: (desired, held) => state.epics.differences(desired, null, held),
    facts: (held) => ({ lockVersion: held.lockVersion, content: state.epics.hashOf(state.epics.heldContentOf(held)) }),
  };
}

/** How planned stories are compared with the stories OpenProject holds (parent included). */
export function storyMapper(state: DeltaState, records: readonly StoryRecord[]): RecordMapper<StoryRecord, WorkPackagePayload, HeldWorkPackage> {
  const desiredParent = new Map(records.map((record) => [record.story.key, state.heldEpics.get(record.order.epic.key)?.[0]?.id ?? NEW_EPIC]));
  return {
    kind: 'story',
    key: (record) => record.story.key,
    payload: (record) => ({ ...record.story.payload, lockVersion: state.heldStories.get(record.story.key)?.[0]?.lockVersion }),
    source: (record) => record.story.source,
    parent: (record) => ({ kind: 'epic', key: record.order.epic.key }),
    skipReason: (record) => problems(state.stories, record.story.payload),
    current: (_record, key) => firstHeld(state.heldStories, key, 'story', state.warnings),
    idOf: (held) => held.id,
    changes: (desired, held) => state.stories.differences(desired, desiredParent.get(keyOfStory(desired)) ?? NEW_EPIC, held),
    facts: (held) => ({ lockVersion: held.lockVersion, parent: held.parentId, content: state.stories.hashOf(state.stories.heldContentOf(held)) }),
  };
}

function keyOfStory(payload: WorkPackagePayload): string {
  return String(payload.fields[WPR_KEY_FIELDS.lineKey] ?? '');
}

/** The plan of an apply over the orders selected: epics, then their stories. */
export function planApply(tool: string, orders: readonly PlannedOrder[], state: DeltaState): ComputedPlan<RecordPlanData<WorkPackagePayload>> {
  const stories = orders.flatMap((order) => order.stories.map((story) => ({ order, story })));
  const options = { system: 'OpenProject', volatileFields: WORK_PACKAGE_VOLATILE_FIELDS };
  return composePlan(tool, [planRecords(orders, epicMapper(state), options), planRecords(stories, storyMapper(state, stories), options)]);
}
