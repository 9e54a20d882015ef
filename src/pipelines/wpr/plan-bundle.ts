/**
 * Compile (the seed's "InfluxDB → Plan Bundle"): the lines of a batch, in store order (by order id,
 * then line item), become one Epic per (Order ID, project) and one User story per line, keyed by
 * `WPR Line Key`. Products are mapped to projects through the registry (case- and
 * whitespace-insensitive); an unmapped product's orders are skipped and reported once.
 *
 * Each (order, project) has a content hash over what the payloads are made of — its project, the
 * column-mapped values of its lines (sources excluded) and the compiler's version and column map —
 * computed from the lines without building any payload: a delta apply compares it with the hash
 * last applied and compiles only the orders that differ, so an unchanged order costs nothing.
 *
 * Pure and streaming: `compileOrders` yields planned orders one by one, so a 100,000-line batch
 * is hashed without holding every payload in memory.
 */
import { sha256 } from '../../engine/canonical-hash.js';
import { normalizeProductName, type ProductRegistry } from '../../config/product-registry.js';
import type { WprColumns } from '../../config/wpr-columns.js';
import type { WprLine, WprValue } from '../../stores/batch-store.js';
import { epicKey, WPR_KEY_FIELDS, type WorkPackagePayload } from '../../targets/openproject/index.js';
import { epicText, storyText } from './subjects.js';

/** Version of the compiled shape: bump it when payloads change meaning (every order re-applies). */
export const BUNDLE_VERSION = 1;

/** One work package of the plan. */
export interface PlannedWorkPackage {
  key: string;
  payload: WorkPackagePayload;
  source: { file: string; sheet: string; line: number };
}

/** One order in one project: its epic, its stories, and the content hash they are made from. */
export interface PlannedOrder {
  orderId: string;
  project: string;
  product: string;
  hash: string;
  epic: PlannedWorkPackage;
  stories: PlannedWorkPackage[];
}

/** The custom fields each role writes, from the column map. */
export interface RoleFields {
  epic: Array<{ name: string; column: string }>;
  story: Array<{ name: string; column: string }>;
}

/** The fields each role writes: the WPR key fields, then every `op_field` of the column map at its level. */
export function roleFields(columns: WprColumns): RoleFields {
  const epic: RoleFields['epic'] = [{ name: WPR_KEY_FIELDS.orderId, column: 'order_id' }];
  const story: RoleFields['story'] = [
    { name: WPR_KEY_FIELDS.orderId, column: 'order_id' },
    { name: WPR_KEY_FIELDS.lineKey, column: 'line_key' },
  ];
  for (const [column, spec] of Object.entries(columns)) {
    if (!spec.op_field) continue;
    const list = spec.level === 'order' ? epic : story;
    if (!list.some((field) => field.name === spec.op_field)) list.push({ name: spec.op_field, column });
  }
  return { epic, story };
}

/** A column's value on a line (core fields live outside `fields`). */
export function columnValue(line: WprLine, column: string): WprValue {
  if (column === 'order_id') return line.order_id;
  if (column === 'line_item') return line.line_item;
  if (column === 'product') return line.product;
  if (column === 'line_key') return line.line_key;
  const value = line.fields[column];
  return value === undefined || value === '' ? null : value;
}

/** What the compiler needs besides the lines. */
export interface CompileOptions {
  registry: ProductRegistry;
  columns: WprColumns;
  /**
   * Whether to plan an (order, project) given its epic key and content hash; when false only the
   * tally and `onSkipped` see it (no payload is built). @default every order
   */
  keep?: (epicKey: string, hash: string, orderId: string) => boolean;
  /** Called for every (order, project) not kept. */
  onSkipped?: (skipped: { orderId: string; project: string; product: string }) => void;
}

/** The fingerprint of the compiler and its column map: part of every order's content hash. */
export function compilerFingerprint(columns: WprColumns): string {
  return sha256(JSON.stringify([BUNDLE_VERSION, Object.entries(columns)]));
}

/**
 * The content hash of an order's lines in one project: the project, and per line (by line key) its
 * key, item, product and every column-mapped value, with the compiler's fingerprint. Sources and
 * values of columns outside the map do not count.
 */
export function orderHash(project: string, lines: readonly WprLine[], columns: readonly string[], compiler: string): string {
  const sorted = [...lines].sort((a, b) => (a.line_key < b.line_key ? -1 : a.line_key > b.line_key ? 1 : 0));
  let text = `${compiler}\u0002${project}`;
  for (const line of sorted) {
    text += `\u0002${line.line_key}\u0001${line.line_item}\u0001${line.product}`;
    for (const column of columns) text += `\u0001${JSON.stringify(line.fields[column] ?? null)}`;
  }
  return sha256(text);
}

/** An unmapped product: skipped orders and lines. */
export interface UnmappedProduct {
  product: string;
  orders: number;
  lines: number;
}

/** Counts kept while compiling (read them after the iteration ends). */
export interface CompileTally {
  /** Distinct order ids seen. */
  orders: number;
  lines: number;
  /** Unmapped products by normalized name (first spelling kept). */
  unmapped: Map<string, UnmappedProduct>;
}

/** The product label of a line ("(no product)" when empty). */
function productOf(line: WprLine): string {
  return line.product.trim() === '' ? '(no product)' : line.product.trim();
}

/** Builds the planned order of one order's lines in one project. */
export function planOrder(orderId: string, project: string, lines: readonly WprLine[], fields: RoleFields, columns: WprColumns, hash: string): PlannedOrder {
  const sorted = [...lines].sort((a, b) => (a.line_key < b.line_key ? -1 : a.line_key > b.line_key ? 1 : 0));
  const first = sorted[0]!;
  const orderValue = (column: string) => sorted.map((line) => columnValue(line, column)).find((value) => value !== null) ?? null;
  const epicFields: Record<string, WprValue> = {};
  for (const field of fields.epic) epicFields[field.name] = orderValue(field.column);
  const epicPayload: WorkPackagePayload = { project, ...epicText(orderId, sorted, columns), fields: epicFields };
  const stories = sorted.map((line): PlannedWorkPackage => {
    const storyFields: Record<string, WprValue> = {};
    for (const field of fields.story) storyFields[field.name] = columnValue(line, field.column);
    return {
      key: line.line_key,
      payload: { project, ...storyText(line, columns), fields: storyFields },
      source: { file: line.source.file, sheet: line.source.sheet, line: line.source.row },
    };
  });
  // The payloads are built here in a fixed key order (the column map's), so plain JSON is canonical.
  return {
    orderId,
    project,
    product: productOf(first),
    hash,
    epic: { key: epicKey(orderId, project), payload: epicPayload, source: { file: first.source.file, sheet: first.source.sheet, line: first.source.row } },
    stories,
  };
}

/**
 * Compiles a batch's lines (grouped by order id, as the store yields them) into planned orders,
 * one per (order, project). `tally` is filled as the lines go by.
 */
export async function* compileOrders(lines: AsyncIterable<WprLine> | Iterable<WprLine>, options: CompileOptions, tally: CompileTally): AsyncGenerator<PlannedOrder> {
  const fields = roleFields(options.columns);
  const compiler = compilerFingerprint(options.columns);
  const valueColumns = Object.keys(options.columns).filter((column) => !['order_id', 'line_item', 'product'].includes(column));
  let current: string | undefined;
  let group: WprLine[] = [];
  const seen = new Set<string>();
  const flush = function* (): Generator<PlannedOrder> {
    if (current === undefined || group.length === 0) return;
    const byProject = new Map<string, WprLine[]>();
    const unmappedHere = new Map<string, number>();
    for (const line of group) {
      const project = options.registry.projectOf(line.product);
      if (project !== undefined) {
        const list = byProject.get(project);
        if (list) list.push(line);
        else byProject.set(project, [line]);
        continue;
      }
      const product = productOf(line);
      const spelled = [...unmappedHere.keys()].find((name) => normalizeProductName(name) === normalizeProductName(product)) ?? product;
      unmappedHere.set(spelled, (unmappedHere.get(spelled) ?? 0) + 1);
    }
    for (const [product, count] of unmappedHere) {
      const key = normalizeProductName(product);
      const entry = tally.unmapped.get(key) ?? { product, orders: 0, lines: 0 };
      entry.orders += 1;
      entry.lines += count;
      tally.unmapped.set(key, entry);
    }
    for (const [project, projectLines] of [...byProject].sort(([a], [b]) => a.localeCompare(b))) {
      const hash = orderHash(project, projectLines, valueColumns, compiler);
      if (options.keep && !options.keep(epicKey(current, project), hash, current)) {
        options.onSkipped?.({ orderId: current, project, product: productOf(projectLines[0]!) });
        continue;
      }
      yield planOrder(current, project, projectLines, fields, options.columns, hash);
    }
  };
  for await (const line of lines) {
    tally.lines += 1;
    if (line.order_id !== current) {
      yield* flush();
      if (seen.has(line.order_id)) throw new Error(`Batch lines of order ${line.order_id} are not contiguous: the store must yield lines ordered by order id`);
      seen.add(line.order_id);
      tally.orders += 1;
      current = line.order_id;
      group = [];
    }
    group.push(line);
  }
  yield* flush();
}

/** A fresh tally. */
export function newTally(): CompileTally {
  return { orders: 0, lines: 0, unmapped: new Map() };
}

/** One warning per unmapped product, as the seed's summary counted them. */
export function unmappedWarnings(tally: CompileTally, registryFile: string): string[] {
  return [...tally.unmapped.values()]
    .sort((a, b) => a.product.localeCompare(b.product))
    .map(
      (entry) =>
        `Product "${entry.product}" is not in ${registryFile}: its ${entry.orders} order${entry.orders === 1 ? '' : 's'} (${entry.lines} line${entry.lines === 1 ? '' : 's'}) were skipped. Add the product and its project identifier to the registry to process them.`,
    );
}
