/**
 * OpenProject test set-up: a client against a fake, and the WPR plan of some lines compiled,
 * preflighted and turned into the epic and story Targets.
 */
import { DEFAULT_TYPE_NAMES, type OpenProjectOverrides } from '../../src/config/op-overrides.js';
import { buildProductRegistry } from '../../src/config/product-registry.js';
import { loadWprColumns } from '../../src/config/wpr-columns.js';
import { NeedsCollector } from '../../src/pipelines/wpr/needs.js';
import { compileOrders, newTally, roleFields, type PlannedOrder } from '../../src/pipelines/wpr/plan-bundle.js';
import type { WprLine } from '../../src/stores/batch-store.js';
import { OpenProjectClient, preflight, workPackageTarget, type ProjectSetup, type WorkPackageTarget } from '../../src/targets/openproject/index.js';
import { storeOrder } from './wpr-lines.js';

/** A client of a fake (fast rate limit, few retries unless asked). */
export function opClient(fake: { url: string; apiKey: string }, options: { maxRetries?: number; pageSize?: number; rate?: number } = {}): OpenProjectClient {
  return new OpenProjectClient({ baseUrl: fake.url, apiKey: fake.apiKey, rateLimit: { count: options.rate ?? 10_000, windowMs: 1000 }, maxRetries: options.maxRetries ?? 2, ...(options.pageSize ? { pageSize: options.pageSize } : {}) });
}

/** Empty overrides with the default type names. */
export function noOverrides(extra: Partial<OpenProjectOverrides> = {}): OpenProjectOverrides {
  return { fieldIds: {}, options: {}, types: DEFAULT_TYPE_NAMES, files: [], ...extra };
}

/** Everything a test needs to drive the WPR Targets. */
export interface WprTargets {
  client: OpenProjectClient;
  orders: PlannedOrder[];
  setups: Map<string, ProjectSetup>;
  epics: WorkPackageTarget;
  stories: WorkPackageTarget;
  collector: NeedsCollector;
}

/** Compiles `lines`, runs the preflight against the fake and builds the Targets. */
export async function wprTargets(
  fake: { url: string; apiKey: string },
  lines: readonly WprLine[],
  options: { registry?: Record<string, string>; overrides?: OpenProjectOverrides; client?: OpenProjectClient } = {},
): Promise<WprTargets> {
  const columns = await loadWprColumns('config');
  const registry = buildProductRegistry(options.registry ?? { FlowOne: 'flowone' }, 'product_project_registry.json');
  const collector = new NeedsCollector(roleFields(columns));
  const orders: PlannedOrder[] = [];
  for await (const order of compileOrders(storeOrder(lines), { registry, columns }, newTally())) {
    orders.push(order);
    collector.add(order);
  }
  const client = options.client ?? opClient(fake);
  const overrides = options.overrides ?? noOverrides();
  const setups = await preflight({ client, overrides, needs: collector.needs() });
  const route = (key: string) => collector.routes.get(key);
  return {
    client,
    orders,
    setups,
    collector,
    epics: workPackageTarget({ client, role: 'epic', setups, overrides, route }),
    stories: workPackageTarget({ client, role: 'story', setups, overrides, route }),
  };
}
