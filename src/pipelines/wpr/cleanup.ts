/**
 * Duplicate cleanup (the seed's `cleanup_duplicates.py`): finds epics that share a `WPR Order ID`
 * and stories that share a `WPR Line Key` (or, without one, a subject under the same parent) in the
 * given projects, keeps the newest (highest id) of each group, moves every child of a doomed work
 * package under the kept one, then deletes the duplicates — stories first, then epics. A dry run
 * lists the groups; the apply needs the dry run's plan_id and refuses it if anything changed since.
 *
 * read (all epics and stories of each project, then the children of the doomed ones) → plan
 * (`planCleanup`) → apply: re-parent, delete stories, delete epics → result.
 */
import { TerminalError, ValidationError } from '../../engine/errors.js';
import { applyCall, composePlan, executePlan, planRecords, type RecordMapper } from '../../engine/plan-apply.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/run-definition.js';
import { apiStats, type ApiStats } from '../../http/index.js';
import { equals, idFromHref, linkOf, parentIdOf, readRole, reparentTarget, WPR_KEY_FIELDS, type ProjectNeeds, type ReparentPayload, type WorkPackagePayload } from '../../targets/openproject/index.js';
import type { Target } from '../../engine/target.js';
import type { OpenProjectConnection } from '../../targets/registry.js';
import { planCleanup, type CleanupCandidate, type Deletion, type DuplicateGroup, type Reparent } from './cleanup-plan.js';
import { loadWprConfig, openWprTargets, type WprTargets } from './setup.js';

export const CLEANUP_TOOL = 'wpr_cleanup_duplicates';

/** What a cleanup is asked to do. */
export interface CleanupInput {
  /** Project identifiers; default every project of the registry. */
  projects?: readonly string[] | undefined;
  dryRun: boolean;
  planId?: string | undefined;
}

/** What `wpr_cleanup_duplicates` returns (besides the run keys). */
export interface CleanupResult extends Record<string, unknown> {
  projects: string[];
  groups: number;
  duplicates: number;
  kept: Array<{ role: string; project: string; key: string; basis: string; kept_id: string; duplicate_ids: string[] }>;
  deleted: Array<{ id: string; role: string; project: string; key: string; kept_id: string }>;
  reparented: number;
  failures: number;
  failure_samples: Array<{ key: string; error: string }>;
  api: ApiStats;
}

type Ctx = Pick<RunContext, 'runId' | 'ledger' | 'signal' | 'progress' | 'logger' | 'resume'>;

const CHILDREN_PER_REQUEST = 100;

/** Reads the projects' epics and stories, plus every child of a work package that is a duplicate. */
async function readCandidates(connection: OpenProjectConnection, targets: WprTargets, signal: AbortSignal): Promise<CleanupCandidate[]> {
  const candidates: CleanupCandidate[] = [];
  for (const setup of targets.setups.values()) {
    for (const role of ['epic', 'story'] as const) candidates.push(...(await readRole(connection.client, setup, role, 'all', signal)).map((held) => ({ ...held, role })));
  }
  const doomed = planCleanup(candidates).deletions.map((deletion) => deletion.id);
  const known = new Set(candidates.map((item) => item.id));
  for (let start = 0; start < doomed.length; start += CHILDREN_PER_REQUEST) {
    const children = await connection.client.listWorkPackages(undefined, [equals('parent', doomed.slice(start, start + CHILDREN_PER_REQUEST))], signal);
    for (const raw of children) {
      if (known.has(String(raw.id))) continue;
      const projectId = idFromHref(linkOf(raw, 'project')?.href);
      const project = [...targets.setups.values()].find((setup) => setup.id === projectId)?.identifier ?? `#${projectId ?? '?'}`;
      candidates.push({ id: String(raw.id), role: 'other', project, lockVersion: raw.lockVersion, subject: raw.subject, parentId: parentIdOf(raw), orderId: null, lineKey: null });
      known.add(String(raw.id));
    }
  }
  return candidates;
}

function reparentMapper(): RecordMapper<Reparent, ReparentPayload, Reparent> {
  return {
    kind: 'reparent',
    key: (move) => `#${move.id}`,
    payload: (move) => ({ parentId: move.to, lockVersion: move.lockVersion }),
    current: (move) => move,
    idOf: (move) => move.id,
    changes: () => ['parent'],
    facts: (move) => ({ parent: move.from, lockVersion: move.lockVersion }),
  };
}

function deletionMapper(role: 'epic' | 'story'): RecordMapper<Deletion, ReparentPayload, Deletion> {
  return {
    kind: role,
    key: (deletion) => `${deletion.key}#${deletion.id}`,
    payload: (deletion) => ({ parentId: deletion.kept }),
    current: (deletion) => deletion,
    idOf: (deletion) => deletion.id,
    changes: () => ['duplicate'],
    changed: () => 'delete',
    facts: (deletion) => ({ kept: deletion.kept }),
  };
}

/**
 * A Target whose delete first makes sure the work package has no child left that is not itself a
 * duplicate (a move that failed): OpenProject would delete that child with it. Costs one read.
 */
function guardedDelete(base: Target<WorkPackagePayload>, connection: OpenProjectConnection, doomed: ReadonlySet<string>): Target<unknown> {
  return {
    ...(base as Target<unknown>),
    async delete(targetId, options) {
      const children = await connection.client.listWorkPackages(undefined, [equals('parent', [targetId])], options.signal);
      const kept = children.filter((child) => !doomed.has(String(child.id)));
      if (kept.length > 0) {
        throw new TerminalError(`Duplicate #${targetId} was not deleted: it still has child work package(s) #${kept.map((child) => child.id).join(', #')} that OpenProject would delete with it (moving them failed).`, {
          action: 'Run wpr_cleanup_duplicates again (dry run, then apply its plan_id); the children are moved first.',
          outcome: 'not_sent',
        });
      }
      await base.delete!(targetId, options);
    },
  };
}

/** Runs a duplicate cleanup (see the module header). */
export async function runCleanup(input: CleanupInput, ctx: Ctx, deps: { openproject: OpenProjectConnection; configDir: string }): Promise<RunOutcome<CleanupResult>> {
  const config = await loadWprConfig(deps.configDir);
  const projects = [...new Set((input.projects?.length ? input.projects : config.registry.projects()).map((project) => project.trim()))].sort();
  if (projects.length === 0 || projects.some((project) => project === '')) {
    throw new ValidationError('No project to clean up.', { action: 'Pass projects: ["<identifier>", …], or add products and their projects to product_project_registry.json.' });
  }
  const needs = new Map<string, ProjectNeeds>(
    projects.map((project) => [project, { products: [], epic: { fields: [WPR_KEY_FIELDS.orderId], values: new Map() }, story: { fields: [WPR_KEY_FIELDS.orderId, WPR_KEY_FIELDS.lineKey], values: new Map() } }]),
  );
  ctx.progress.start('checking OpenProject projects and custom fields');
  const targets = await openWprTargets(deps.openproject, config, needs, () => undefined, ctx.signal, 'cleanup');
  ctx.progress.start(`reading the epics and stories of ${projects.length} project(s)`);
  const cleanup = planCleanup(await readCandidates(deps.openproject, targets, ctx.signal));
  const doomed = new Set(cleanup.deletions.map((deletion) => deletion.id));
  const system = { system: 'OpenProject' };
  const plan = composePlan<unknown>(CLEANUP_TOOL, [
    planRecords(cleanup.reparent, reparentMapper(), system),
    planRecords(cleanup.deletions.filter((d) => d.role === 'story'), deletionMapper('story'), system),
    planRecords(cleanup.deletions.filter((d) => d.role === 'epic'), deletionMapper('epic'), system),
  ]);
  const outcome = await executePlan({
    ctx,
    plan,
    dryRun: input.dryRun,
    planId: input.planId,
    workers: 4,
    phases: [
      { label: 're-parenting the children of duplicates', target: reparentTarget(deps.openproject.client, projects) as Target<unknown> },
      { label: 'deleting duplicate stories', target: guardedDelete(targets.stories, deps.openproject, doomed) },
      { label: 'deleting duplicate epics', target: guardedDelete(targets.epics, deps.openproject, doomed) },
    ],
  });
  const deletedIntents = { epic: ctx.ledger.intents.latestForRun(ctx.runId, 'openproject', 'epic'), story: ctx.ledger.intents.latestForRun(ctx.runId, 'openproject', 'story') };
  const result: CleanupResult = {
    projects,
    groups: cleanup.groups.length,
    duplicates: cleanup.deletions.length,
    kept: cleanup.groups.slice(0, 50).map((group: DuplicateGroup) => ({ role: group.role, project: group.project, key: group.key, basis: group.basis, kept_id: group.kept, duplicate_ids: group.duplicates })),
    deleted: (input.dryRun ? cleanup.deletions : cleanup.deletions.filter((d) => deletedIntents[d.role].get(`${d.key}#${d.id}`)?.state === 'acked'))
      .slice(0, 50)
      .map((d) => ({ id: d.id, role: d.role, project: d.project, key: d.key, kept_id: d.kept })),
    reparented: input.dryRun ? cleanup.reparent.length : (outcome.byKind.reparent?.update ?? 0),
    failures: outcome.counts.failed,
    failure_samples: outcome.failures,
    api: apiStats(deps.openproject.client.stats()),
  };
  return { result, planId: plan.planId, nextAction: nextAction(input, result, projects, plan.planId) };
}

function nextAction(input: CleanupInput, result: CleanupResult, projects: readonly string[], planId: string): string {
  if (result.groups === 0) return `No duplicates in ${projects.join(', ')}.`;
  if (input.dryRun) {
    const call = applyCall(CLEANUP_TOOL, input.projects?.length ? { projects } : {}, planId);
    return `Review the ${result.groups} group(s) in kept[] (${result.duplicates} duplicate(s) to delete, ${result.reparented} child work package(s) to move first), then apply: ${call}.`;
  }
  if (result.failures) return `${result.failures} step(s) failed (see failure_samples); run the dry run again and apply its new plan_id.`;
  return `Deleted ${result.duplicates} duplicate(s) after moving ${result.reparented} child work package(s); run wpr_delta_apply with ignore_cached_identity: true to verify every order.`;
}
