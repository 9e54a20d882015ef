/**
 * How WPR batches are laid out in InfluxDB, and the Flux that reads them back.
 *
 * - One point per line item in measurement `wpr_order_line`, tags `batch_id`, `order_id`,
 *   `product` (an empty product has no tag), fields `line_key`, `line_item`, `line_sort`, the
 *   canonical fields of `wpr_columns.json` (numbers as floats, text and ISO dates as strings, empty
 *   values left out) and `source_file`, `source_sheet`, `source_row`.
 * - Timestamps: an ingest takes a window of nanoseconds starting at its start time (ms) and gives
 *   its n-th line the time `start + n` ns. Lines of one order share their tags, so distinct times
 *   are what keeps one point from overwriting another; a re-ingest of the same batch id gets a new
 *   window, so it never overwrites the points of the batch it replaces either.
 * - A batch becomes visible only when its manifest is written, last: one point in measurement
 *   `wpr_batch` (tag `batch_id`; fields `file`, `sheet`, `lines`, `orders`, `created_at`,
 *   `window_start`, `window_stop`, `field_names`). Readers use the newest manifest of a batch id and
 *   read only its window, so a failed ingest (no manifest) leaves no half batch behind.
 *
 * The Flux uses only functions InfluxDB 1.8's Flux has (`range`, `filter`, `pivot`, `group`, `sort`).
 */
import { Point, flux, fluxDateTime, type ParameterizedQuery } from '@influxdata/influxdb-client';
import { lineSortKey, type BatchSummary, type WprLine, type WprValue } from '../batch-store.js';

export const LINE_MEASUREMENT = 'wpr_order_line';
export const MANIFEST_MEASUREMENT = 'wpr_batch';

/** A batch's manifest as stored. */
export interface BatchManifest extends Omit<BatchSummary, 'store'> {
  /** First nanosecond of the batch's window (decimal string). */
  window_start: string;
  /** First nanosecond after the window. */
  window_stop: string;
  /** The canonical field names of the lines (absent values read back as null). */
  field_names: string[];
}

/** The point of one line; `time` is its nanosecond timestamp. */
export function linePoint(batchId: string, line: WprLine, time: bigint): Point {
  const point = new Point(LINE_MEASUREMENT)
    .tag('batch_id', batchId)
    .tag('order_id', line.order_id)
    .tag('product', line.product)
    .stringField('line_key', line.line_key)
    .stringField('line_item', line.line_item)
    .stringField('line_sort', lineSortKey(line.line_item))
    .stringField('source_file', line.source.file)
    .stringField('source_sheet', line.source.sheet)
    .intField('source_row', line.source.row);
  for (const [name, value] of Object.entries(line.fields)) {
    if (typeof value === 'number') point.floatField(name, value);
    else if (typeof value === 'string') point.stringField(name, value);
  }
  return point.timestamp(time.toString());
}

/** The manifest point, timestamped at the start of its window. */
export function manifestPoint(manifest: BatchManifest): Point {
  return new Point(MANIFEST_MEASUREMENT)
    .tag('batch_id', manifest.batch_id)
    .stringField('file', manifest.file ?? '')
    .stringField('sheet', manifest.sheet ?? '')
    .intField('lines', manifest.lines)
    .intField('orders', manifest.orders)
    .stringField('created_at', manifest.created_at)
    .stringField('window_start', manifest.window_start)
    .stringField('window_stop', manifest.window_stop)
    .stringField('field_names', JSON.stringify(manifest.field_names))
    .timestamp(manifest.window_start);
}

/** RFC 3339 with nanoseconds for a nanosecond epoch time. */
export function rfc3339Nano(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // …T12:34:56.789Z
  const subMs = (ns % 1_000_000n).toString().padStart(6, '0');
  return `${iso.slice(0, -1)}${subMs}Z`;
}

/** Flux: every manifest (optionally of one batch id), one row per ingest. */
export function manifestQuery(bucket: string, batchId?: string): ParameterizedQuery {
  const onlyBatch = batchId === undefined ? flux`` : flux` and r.batch_id == ${batchId}`;
  return flux`from(bucket: ${bucket})
  |> range(start: ${fluxDateTime('1970-01-01T00:00:00Z')})
  |> filter(fn: (r) => r._measurement == ${MANIFEST_MEASUREMENT}${onlyBatch})
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`;
}

/** Flux: the lines of a batch's window, one row per line, in batch order. */
export function linesQuery(bucket: string, manifest: BatchManifest): ParameterizedQuery {
  return flux`from(bucket: ${bucket})
  |> range(start: ${fluxDateTime(rfc3339Nano(BigInt(manifest.window_start)))}, stop: ${fluxDateTime(rfc3339Nano(BigInt(manifest.window_stop)))})
  |> filter(fn: (r) => r._measurement == ${LINE_MEASUREMENT} and r.batch_id == ${manifest.batch_id})
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> group()
  |> sort(columns: ["order_id", "line_sort", "line_key"])`;
}

type Row = Record<string, unknown>;

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** A manifest from a pivoted row, or undefined when the row is not a complete manifest. */
export function manifestFromRow(row: Row): BatchManifest | undefined {
  if (typeof row.batch_id !== 'string' || row.window_start === undefined || row.window_stop === undefined) return undefined;
  let fieldNames: string[] = [];
  try {
    fieldNames = JSON.parse(text(row.field_names) || '[]') as string[];
  } catch {
    fieldNames = [];
  }
  return {
    batch_id: row.batch_id,
    file: text(row.file) || null,
    sheet: text(row.sheet) || null,
    lines: Number(row.lines ?? 0),
    orders: Number(row.orders ?? 0),
    created_at: text(row.created_at),
    window_start: text(row.window_start),
    window_stop: text(row.window_stop),
    field_names: fieldNames,
  };
}

/** A line from a pivoted row of {@link linesQuery}. */
export function lineFromRow(row: Row, fieldNames: readonly string[]): WprLine {
  const fields: Record<string, WprValue> = {};
  for (const name of fieldNames) {
    const value = row[name];
    fields[name] = value === undefined || value === null || value === '' ? null : (value as WprValue);
  }
  return {
    line_key: text(row.line_key),
    order_id: text(row.order_id),
    line_item: text(row.line_item),
    product: text(row.product),
    fields,
    source: { file: text(row.source_file), sheet: text(row.source_sheet), row: Number(row.source_row ?? 0) },
  };
}
