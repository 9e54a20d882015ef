/**
 * Which orders an apply processes. Every order of the batch is hashed from its lines (cheap, no
 * request; only selected orders are compiled into payloads); an order is processed when its content hash differs from the one last applied to OpenProject (kept
 * in the ledger per order and project), when it was never applied, when it is forced
 * (`force_orders`, the seed's "edit line 196"), or — for a backfill or with
 * `ignore_cached_identity` — always, so it is verified on OpenProject itself. Unchanged orders cost
 * no request at all.
 */
import { normalizeProductName } from '../../config/product-registry.js';
import type { WprLine } from '../../stores/batch-store.js';
import { compileOrders, newTally, type CompileOptions, type CompileTally, type PlannedOrder } from './plan-bundle.js';

/** The ledger kind under which the hash last applied of each (order, project) is kept. */
export const ORDER_KIND = 'wpr-order';

/** Per-product counts of a batch. */
export interface ProductTally {
  product: string;
  project: string | null;
  orders: number;
  orders_changed: number;
}

/** The outcome of the selection. */
export interface Selection {
  /** Orders to process (per project). */
  candidates: PlannedOrder[];
  tally: CompileTally;
  /** Distinct order ids with at least one order to process. */
  changedOrderIds: Set<string>;
  perProduct: Map<string, ProductTally>;
  /** `force_orders` entries that are not in the batch. */
  forcedMissing: string[];
}

/** How orders are chosen. */
export interface SelectOptions {
  /** Process every order (backfill, `ignore_cached_identity`). */
  all: boolean;
  /** Order ids to process whatever their hash. */
  force: ReadonlySet<string>;
  /** The hash last applied for an epic key, if any. */
  appliedHash: (epicKey: string) => string | undefined;
}

/** Compiles the batch and keeps the orders to process. */
export async function selectOrders(lines: AsyncIterable<WprLine> | Iterable<WprLine>, compile: CompileOptions, options: SelectOptions): Promise<Selection> {
  const tally = newTally();
  const candidates: PlannedOrder[] = [];
  const perProduct = new Map<string, ProductTally>();
  const changedOrderIds = new Set<string>();
  const seenForced = new Set<string>();
  const countedOrders = new Set<string>();
  const count = (orderId: string, product: string, project: string, changed: boolean) => {
    const productKey = normalizeProductName(product);
    const entry = perProduct.get(productKey) ?? { product, project, orders: 0, orders_changed: 0 };
    perProduct.set(productKey, entry);
    const orderProduct = `${orderId}\u0000${productKey}`;
    if (countedOrders.has(orderProduct)) return;
    countedOrders.add(orderProduct);
    entry.orders += 1;
    if (changed) entry.orders_changed += 1;
  };
  const keep = (key: string, hash: string, orderId: string) => {
    const forced = options.force.has(orderId);
    if (forced) seenForced.add(orderId);
    return options.all || forced || options.appliedHash(key) !== hash;
  };
  const onSkipped = (skipped: { orderId: string; project: string; product: string }) => count(skipped.orderId, skipped.product, skipped.project, false);
  for await (const order of compileOrders(lines, { ...compile, keep, onSkipped }, tally)) {
    count(order.orderId, order.product, order.project, true);
    candidates.push(order);
    changedOrderIds.add(order.orderId);
  }
  for (const unmapped of tally.unmapped.values()) {
    const key = normalizeProductName(unmapped.product);
    if (!perProduct.has(key)) perProduct.set(key, { product: unmapped.product, project: null, orders: unmapped.orders, orders_changed: 0 });
  }
  const forcedMissing = [...options.force].filter((id) => !seenForced.has(id)).sort();
  return { candidates, tally, changedOrderIds, perProduct, forcedMissing };
}
