/**
 * WPR apply (the seed's "Compile" and "Apply", delta and backfill): batch lines → OpenProject epics
 * and stories, exactly once.
 *
 * batch (store) → compile every order and hash it → select the orders to process (hash changed,
 * never applied, forced; all of them for a backfill) → preflight the projects they map to (ONE
 * error naming every problem, before any write) → read their work packages in bulk → plan (epics,
 * then stories under them) → apply with N workers sharing the OpenProject token bucket → record
 * the hash of every order now fully applied → result and report, with a line per order.
 * An order whose content did not change costs nothing, not even a read.
 */
import { NotFoundError } from '../../engine/errors.js';
import { applyCall, composePlan, executePlan, type PlanOutcome } from '../../engine/plan-apply.js';
import { itemsToApply, recordPlan } from '../../engine/plan.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/run-definition.js';
import { apiStats } from '../../http/index.js';
import type { BatchStore } from '../../stores/batch-store.js';
import type { WorkPackagePayload } from '../../targets/openproject/index.js';
import type { OpenProjectConnection } from '../../targets/registry.js';
import { boundedList } from '../../transform/warnings.js';
import { applyMarkdown, failureSamples, finalActions, kindCounts, perProductCounts, type WprApplyResult } from './apply-result.js';
import { planApply } from './delta-plan.js';
import { NeedsCollector } from './needs.js';
import { OrderProgress, type OrderWrites } from './order-progress.js';
import { roleFields, unmappedWarnings, type PlannedOrder } from './plan-bundle.js';
import { ORDER_KIND, selectOrders } from './select.js';
import { loadWprConfig, openWprTargets } from './setup.js';

export const DELTA_TOOL = 'wpr_delta_apply';
export const BACKFILL_TOOL = 'wpr_backfill';

/** What an apply is asked to do. */
export interface WprApplyInput {
  /** The tool the plan belongs to (plans of one tool never apply under the other). */
  tool: string;
  batchId: string;
  /** Registry file; default `<config>/product_project_registry.json`. */
  registryFile?: string | undefined;
  dryRun: boolean;
  planId?: string | undefined;
  workers: number;
  forceOrders: readonly string[];
  ignoreCachedIdentity: boolean;
  /** Verify every order on OpenProject (backfill), not only changed ones. */
  allOrders: boolean;
}

/** What an apply needs from the application. */
export interface WprApplyDeps {
  store: BatchStore;
  openproject: OpenProjectConnection;
  configDir: string;
}

type Ctx = Pick<RunContext, 'runId' | 'ledger' | 'signal' | 'progress' | 'logger' | 'resume'>;

/** Runs a delta apply or a backfill's apply (see the module header). */
export async function runWprApply(input: WprApplyInput, ctx: Ctx, deps: WprApplyDeps): Promise<RunOutcome<WprApplyResult>> {
  ctx.progress.start(`compiling batch ${input.batchId}`);
  const config = await loadWprConfig(deps.configDir, input.registryFile);
  const batch = await deps.store.getBatch(input.batchId);
  if (!batch) {
    throw new NotFoundError(`Batch "${input.batchId}" is not in the WPR batch store (${deps.store.kind}).`, {
      action: 'Ingest the workbook first with wpr_ingest_orders {"file": …, "batch_id": …} (or wpr_backfill without skip_ingest), or pass the batch_id it returned.',
    });
  }
  const orderRef = { system: 'openproject', scope: deps.openproject.scope, kind: ORDER_KIND };
  const applied = ctx.ledger.identities.all(orderRef);
  const selection = await selectOrders(deps.store.readBatch(input.batchId, ctx.signal), { registry: config.registry, columns: config.columns }, {
    all: input.allOrders || input.ignoreCachedIdentity,
    force: new Set(input.forceOrders),
    appliedHash: (key) => applied.get(key)?.content_hash ?? undefined,
  });
  const warnings = [
    ...unmappedWarnings(selection.tally, config.registry.file),
    ...selection.forcedMissing.map((id) => `force_orders: order ${id} is not in batch ${input.batchId} (or its product is not in the registry); nothing to force.`),
  ];
  const candidates = selection.candidates;
  ctx.logger.info(`Found ${selection.changedOrderIds.size} changed orders out of ${selection.tally.orders} total.`);

  const collector = new NeedsCollector(roleFields(config.columns));
  for (const order of candidates) collector.add(order);
  let outcome: PlanOutcome<WorkPackagePayload>;
  let progress: OrderProgress;
  if (candidates.length === 0) {
    ({ outcome, progress } = nothingToDo(input, ctx));
  } else {
    ctx.progress.start('checking OpenProject projects, types and custom fields');
    const targets = await openWprTargets(deps.openproject, config, collector.needs(), (key) => collector.routes.get(key), ctx.signal);
    ctx.progress.start(`reading the work packages of ${candidates.length} order(s) from OpenProject`);
    const heldEpics = await targets.epics.readState(new Set(candidates.map((order) => order.epic.key)), ctx.signal);
    const heldStories = await targets.stories.readState(new Set(candidates.flatMap((order) => order.stories.map((story) => story.key))), ctx.signal);
    const plan = planApply(input.tool, candidates, { epics: targets.epics, stories: targets.stories, heldEpics, heldStories, warnings });
    progress = new OrderProgress(orderWrites(candidates, plan.items), (line) => {
      ctx.progress.relabel(line);
      ctx.logger.info(line);
    });
    if (!input.dryRun) progress.start();
    outcome = await executePlan({
      ctx,
      plan,
      dryRun: input.dryRun,
      planId: input.planId,
      workers: input.workers,
      phases: [
        { label: 'writing epics', target: targets.epics },
        { label: 'writing stories', target: targets.stories },
      ],
      onSettled: (event) => progress.settle(event.kind, event.item.key, event.state, event.item.op),
    });
  }

  const intents = input.dryRun ? undefined : new Map(['epic', 'story'].map((kind) => [kind, ctx.ledger.intents.latestForRun(ctx.runId, 'openproject', kind)] as const));
  const actions = finalActions(outcome, intents);
  if (!input.dryRun) recordAppliedOrders(ctx, orderRef, candidates, actions, outcome);
  const lines = progress.finalLines((kind, key) => {
    const action = actions.get(`${kind}:${key}`);
    if (action === 'create' || action === 'update') return { state: 'acked', op: action };
    return action === 'failed' ? { state: 'failed', op: '' } : undefined;
  });
  const productOfItem = new Map(candidates.flatMap((order) => [[`epic:${order.epic.key}`, order.product] as const, ...order.stories.map((story) => [`story:${story.key}`, order.product] as const)]));
  const epics = kindCounts(actions, 'epic');
  const stories = kindCounts(actions, 'story');
  const unmapped = [...selection.tally.unmapped.values()].sort((a, b) => b.orders - a.orders || a.product.localeCompare(b.product));
  const samples = failureSamples(outcome, actions);
  const result: WprApplyResult = {
    batch_id: input.batchId,
    registry: config.registry.file,
    orders: selection.tally.orders,
    orders_changed: selection.changedOrderIds.size,
    created: epics.created + stories.created,
    updated: epics.updated + stories.updated,
    unchanged: epics.unchanged + stories.unchanged,
    failures: epics.failed + stories.failed,
    warnings: warnings.length,
    reconciled: outcome.reconciled,
    epics,
    stories,
    per_product: perProductCounts(selection, actions, productOfItem),
    unmapped_products: unmapped.slice(0, 100),
    order_lines: boundedList(lines, 50),
    failure_samples: samples,
    warning_messages: boundedList(warnings, 20),
    api: apiStats(deps.openproject.client.stats()),
  };
  return { result, planId: outcome.planId, nextAction: nextAction(input, result, outcome.planId), markdown: applyMarkdown(result, lines, unmapped, warnings) };
}

/** The outcome of an apply with no order to process: an empty plan, recorded and checked like any other. */
function nothingToDo(input: WprApplyInput, ctx: Ctx): { outcome: PlanOutcome<WorkPackagePayload>; progress: OrderProgress } {
  const plan = composePlan<WorkPackagePayload>(input.tool, []);
  recordPlan(ctx.ledger, plan, ctx.runId);
  if (!input.dryRun) itemsToApply(ctx.ledger, plan, input.planId, ctx.resume);
  const counts = { create: 0, update: 0, deactivate: 0, delete: 0, unchanged: 0, skip: 0, failed: 0 };
  return { outcome: { planId: plan.planId, items: [], counts, byKind: {}, failures: [], reconciled: 0, ids: new Map() }, progress: new OrderProgress([]) };
}

/** The writes of each order, for progress lines. */
function orderWrites(orders: readonly PlannedOrder[], items: PlanOutcome<WorkPackagePayload>['items']): OrderWrites[] {
  const action = new Map(items.map((item) => [`${item.data.kind}:${item.key}`, item.action]));
  return orders.map((order) => ({
    orderId: order.orderId,
    project: order.project,
    items: [
      { kind: 'epic' as const, key: order.epic.key },
      ...order.stories.map((story) => ({ kind: 'story' as const, key: story.key })),
    ]
      .map((item) => ({ ...item, op: action.get(`${item.kind}:${item.key}`) ?? 'unchanged' }))
      .filter((item) => item.op === 'create' || item.op === 'update'),
  }));
}

/** Records the hash of every order whose work packages are all in place now (its later deltas cost nothing). */
function recordAppliedOrders(
  ctx: Ctx,
  ref: { system: string; scope: string; kind: string },
  orders: readonly PlannedOrder[],
  actions: ReadonlyMap<string, string>,
  outcome: PlanOutcome<WorkPackagePayload>,
): void {
  const epicIds = outcome.ids.get('epic') ?? new Map<string, string>();
  ctx.ledger.transaction(() => {
    for (const order of orders) {
      const keys = [`epic:${order.epic.key}`, ...order.stories.map((story) => `story:${story.key}`)];
      const done = keys.every((key) => ['create', 'update', 'unchanged'].includes(actions.get(key) ?? ''));
      const epicId = epicIds.get(order.epic.key);
      if (done && epicId) ctx.ledger.identities.upsert(ref, order.epic.key, epicId, order.hash, ctx.runId);
    }
  });
}

function nextAction(input: WprApplyInput, result: WprApplyResult, planId: string): string {
  const args: Record<string, unknown> = { batch_id: input.batchId, workers: input.workers };
  if (input.forceOrders.length) args.force_orders = input.forceOrders;
  if (input.ignoreCachedIdentity) args.ignore_cached_identity = true;
  const unmapped = result.unmapped_products.length ? ` ${result.unmapped_products.length} product(s) are not in the registry (see unmapped_products); add them to process their orders.` : '';
  if (input.dryRun) {
    if (result.created + result.updated === 0) return `Nothing to write: ${result.orders_changed} changed order(s), OpenProject already matches.${unmapped}`;
    return `Review the plan (${result.created} to create, ${result.updated} to update, ${result.failures} failing), then apply it: ${applyCall(input.tool, args, planId)}.${unmapped}`;
  }
  if (result.failures) return `${result.failures} work package(s) failed (see failure_samples); fix the cause and call ${input.tool} again — done orders cost nothing.${unmapped}`;
  return `Done: ${result.created} created, ${result.updated} updated.${unmapped} Run ${DELTA_TOOL} after the next ingest; only changed orders will be written.`;
}
