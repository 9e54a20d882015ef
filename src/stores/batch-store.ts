/**
 * The WPR batch store: where `wpr_ingest_orders` puts the lines of an order report, and where the
 * OpenProject apply reads them back (the seed's "Ingest → Compile → Apply", InfluxDB in the middle).
 * Two implementations: embedded SQLite (default, in the state dir) and InfluxDB 2.x.
 *
 * A batch is all lines of one ingest, written atomically: a failed ingest leaves no half batch;
 * re-ingesting the same `batch_id` replaces it. Lines are read back ordered by order id, then line
 * item. `orderHashes` gives each order's content hash, so a delta apply can tell which orders
 * changed since they were last applied without reading the target.
 */
import { canonicalJson, sha256 } from '../engine/canonical-hash.js';

/** A cell value as stored: text, number (quantity, price), ISO date text, or null (empty). */
export type WprValue = string | number | null;

/** One order line of a WPR order report, as stored in a batch. */
export interface WprLine {
  /** `<Order ID>-<Line Item>`, unique within a batch. */
  line_key: string;
  order_id: string;
  line_item: string;
  product: string;
  /** Every other canonical field of `wpr_columns.json` (dates as `YYYY-MM-DD`, numbers as numbers). */
  fields: Record<string, WprValue>;
  /** Where the line came from (not part of its content hash). */
  source: { file: string; sheet: string; row: number };
}

/** What is known about a stored batch. */
export interface BatchSummary {
  batch_id: string;
  store: 'sqlite' | 'influxdb';
  /** The workbook it was ingested from (base name), and the sheet. */
  file: string | null;
  sheet: string | null;
  /** Lines stored. */
  lines: number;
  /** Distinct orders. */
  orders: number;
  /** ISO time of the ingest. */
  created_at: string;
}

/** Where a stored line came from, and its content hash (what provenance records). */
export interface LineSource {
  line_key: string;
  source: WprLine['source'];
  content_hash: string;
}

/** Where WPR batches live. */
export interface BatchStore {
  readonly kind: 'sqlite' | 'influxdb';
  /** Writes (or replaces) a batch with these lines, all or nothing. */
  writeBatch(batch: { batch_id: string; file: string | null; sheet: string | null }, lines: AsyncIterable<WprLine> | Iterable<WprLine>, signal?: AbortSignal): Promise<BatchSummary>;
  /** Every batch, newest first. */
  listBatches(): Promise<BatchSummary[]>;
  /** One batch, or undefined when there is none with that id. */
  getBatch(batchId: string): Promise<BatchSummary | undefined>;
  /** The lines of a batch, ordered by order id then line item (streamed). */
  readBatch(batchId: string, signal?: AbortSignal): AsyncIterable<WprLine>;
  /**
   * The source and content hash of every line of a batch, in batch order, cheaper than `readBatch`
   * (optional: without it, read the batch and use {@link lineContentHash}).
   */
  lineSources?(batchId: string, signal?: AbortSignal): AsyncIterable<LineSource>;
  /** Order id → content hash of the order's lines ({@link orderContentHash}). */
  orderHashes(batchId: string, signal?: AbortSignal): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/**
 * The content hash of one order: SHA-256 of the canonical JSON of its lines sorted by line key,
 * sources excluded (moving a line to another row or file is not a change). Both stores use it.
 */
export function orderContentHash(lines: readonly WprLine[]): string {
  const content = [...lines]
    .sort((a, b) => (a.line_key < b.line_key ? -1 : a.line_key > b.line_key ? 1 : 0))
    .map(({ line_key, order_id, line_item, product, fields }) => ({ line_key, order_id, line_item, product, fields }));
  return sha256(canonicalJson(content));
}

/**
 * The canonical JSON of a line's fields (sorted keys, as `canonicalJson` writes them). Fields whose
 * keys are already in order (the ingest builds them so) take JSON.stringify's fast path.
 */
export function canonicalFieldsJson(fields: Record<string, WprValue>): string {
  const names = Object.keys(fields);
  let sorted = true;
  for (let i = 1; i < names.length && sorted; i++) sorted = names[i - 1]! < names[i]!;
  if (sorted) return JSON.stringify(fields);
  names.sort();
  let text = '';
  for (const name of names) {
    const value = fields[name];
    if (value === undefined) continue;
    text += `${text === '' ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(value)}`;
  }
  return `{${text}}`;
}

/**
 * The content hash of one line (for provenance): SHA-256 of the canonical JSON of the line without
 * its source — the text `canonicalJson` gives, written out directly (this runs for every line).
 * `fieldsJson` is the line's {@link canonicalFieldsJson} when the caller already has it.
 */
export function lineContentHash(line: Pick<WprLine, 'line_key' | 'order_id' | 'line_item' | 'product'> & { fields?: WprLine['fields'] }, fieldsJson = canonicalFieldsJson(line.fields ?? {})): string {
  return sha256(
    `{"fields":${fieldsJson},"line_item":${JSON.stringify(line.line_item)},"line_key":${JSON.stringify(line.line_key)},"order_id":${JSON.stringify(line.order_id)},"product":${JSON.stringify(line.product)}}`,
  );
}

/**
 * The sort key of a line item within its order: whole numbers by value (`2` before `10`), then
 * other text as written. Both stores order a batch's lines by (order id, this key).
 */
export function lineSortKey(lineItem: string): string {
  if (!/^\d{1,26}$/.test(lineItem)) return `1${lineItem}`;
  // A whole number: its digit count as one letter (a = 1 digit … z = 26), then the digits, so
  // numbers sort by value in a short key ('2' → '0a2', '10' → '0b10'; '002' sorts as '2').
  const digits = lineItem.replace(/^0+(?=\d)/, '');
  return `0${String.fromCharCode(96 + digits.length)}${digits}`;
}

/** Compares two lines the way {@link BatchStore.readBatch} orders them. */
export function compareLines(a: Pick<WprLine, 'order_id' | 'line_item'>, b: Pick<WprLine, 'order_id' | 'line_item'>): number {
  if (a.order_id !== b.order_id) return a.order_id < b.order_id ? -1 : 1;
  const ka = lineSortKey(a.line_item);
  const kb = lineSortKey(b.line_item);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Order id → {@link orderContentHash}, from lines read in batch order (grouped by order). */
export async function hashOrders(lines: AsyncIterable<WprLine>): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let current: WprLine[] = [];
  for await (const line of lines) {
    if (current.length > 0 && current[0]!.order_id !== line.order_id) {
      hashes.set(current[0]!.order_id, orderContentHash(current));
      current = [];
    }
    current.push(line);
  }
  if (current.length > 0) hashes.set(current[0]!.order_id, orderContentHash(current));
  return hashes;
}
