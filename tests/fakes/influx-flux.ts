/**
 * The part of Flux the fake InfluxDB understands, answered as annotated CSV (docs.influxdata.com,
 * "Annotated CSV"): `from(bucket:)`, `range(start:, stop:)`, `filter(fn: (r) => r.<column> ==
 * "<text>" and …)`, `pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`,
 * `group()` and `sort(columns: […])`. Anything else is a compilation error (400), as a query the
 * real server cannot run would be.
 *
 * Output: one table per series and field (before a pivot), per series (after it), or one table
 * (after `group()`); each table block starts with the `#datatype`, `#group` and `#default`
 * annotations and a header row whenever its columns differ from the previous block's.
 */
import { stringify } from 'csv-stringify/sync';
import type { StoredPoint } from './influx-model.js';

/** A query the fake cannot compile (InfluxDB answers 400 "invalid"). */
export class FluxError extends Error {}

type Value = string | number | boolean | bigint | null;
type Row = Record<string, Value>;

interface Table {
  key: string;
  rows: Row[];
}

const TIME_COLUMNS = new Set(['_start', '_stop', '_time']);

/** Epoch nanoseconds of an RFC 3339 time (fraction up to nanoseconds). */
export function parseRfc3339(text: string): bigint {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!match) throw new FluxError(`invalid time "${text}"`);
  const seconds = BigInt(Date.parse(`${match[1]}Z`) / 1000);
  return seconds * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** RFC 3339 as InfluxDB prints it (fraction without trailing zeros). */
export function formatRfc3339(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

function timeArgument(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  const match = /^(?:time\(v:\s*"([^"]+)"\)|(\d{4}-[^\s,)]+))$/.exec(text.trim());
  if (!match) throw new FluxError(`unsupported time expression ${text}`);
  return parseRfc3339((match[1] ?? match[2])!);
}

function stringLiteral(text: string): string {
  return JSON.parse(text) as string;
}

/** Splits a query into its `|>` stages (no `|>` inside string literals is expected). */
function stages(query: string): Array<{ name: string; args: string }> {
  return query.split('|>').map((stage) => {
    const match = /^\s*(\w+)\(([\s\S]*)\)\s*$/.exec(stage);
    if (!match) throw new FluxError(`compilation failed: cannot parse "${stage.trim()}"`);
    return { name: match[1]!, args: match[2]! };
  });
}

/** Column types and tag names seen while reading points. */
interface Schema {
  tags: Set<string>;
  /** Field name → annotated CSV datatype. */
  fields: Map<string, string>;
}

const DATATYPES: Record<string, string> = { float: 'double', integer: 'long', unsigned: 'unsignedLong', string: 'string', boolean: 'boolean' };

/** Runs a query over the points of its bucket; `bucketPoints` throws for an unknown bucket. */
export function runFlux(query: string, bucketPoints: (bucket: string) => StoredPoint[], now: bigint): string {
  const [first, second, ...rest] = stages(query);
  const bucket = /^\s*bucket:\s*("(?:[^"\\]|\\.)*")\s*$/.exec(first?.name === 'from' ? first.args : '');
  if (!bucket) throw new FluxError('compilation failed: a query starts with from(bucket: "…")');
  if (second?.name !== 'range') throw new FluxError('error calling function "from": cannot submit unbounded read; try bounding "from" with a call to "range"');
  const start = timeArgument(/start:\s*((?:time\(v:\s*"[^"]*"\))|[^,)\s]+)/.exec(second.args)?.[1]);
  const stop = timeArgument(/stop:\s*((?:time\(v:\s*"[^"]*"\))|[^,)\s]+)/.exec(second.args)?.[1]) ?? now;
  if (start === undefined) throw new FluxError('missing required argument start');

  const schema: Schema = { tags: new Set(), fields: new Map() };
  let rows: Row[] = [];
  for (const point of bucketPoints(stringLiteral(bucket[1]!))) {
    if (point.time < start || point.time >= stop) continue;
    for (const tag of Object.keys(point.tags)) schema.tags.add(tag);
    for (const [field, value] of Object.entries(point.fields)) {
      schema.fields.set(field, DATATYPES[value.type]!);
      rows.push({ _start: start, _stop: stop, _time: point.time, _value: value.value, _field: field, _measurement: point.measurement, ...point.tags });
    }
  }
  let grouped = true;
  let pivoted = false;
  let sortColumns: string[] | undefined;
  for (const stage of rest) {
    if (stage.name === 'filter') {
      const conditions = [...stage.args.matchAll(/r\.(\w+)\s*==\s*("(?:[^"\\]|\\.)*")/g)].map((m) => [m[1]!, stringLiteral(m[2]!)] as const);
      if (conditions.length === 0 || /\bor\b/.test(stage.args)) throw new FluxError(`unsupported filter ${stage.args}`);
      rows = rows.filter((row) => conditions.every(([column, value]) => row[column] === value));
    } else if (stage.name === 'pivot') {
      if (!/rowKey:\s*\["_time"\],\s*columnKey:\s*\["_field"\],\s*valueColumn:\s*"_value"/.test(stage.args)) throw new FluxError(`unsupported pivot ${stage.args}`);
      rows = pivot(rows, schema);
      pivoted = true;
    } else if (stage.name === 'group') {
      if (stage.args.trim() !== '') throw new FluxError('only group() is supported');
      grouped = false;
    } else if (stage.name === 'sort') {
      sortColumns = [...(/columns:\s*\[([^\]]*)\]/.exec(stage.args)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    } else throw new FluxError(`compilation failed: unsupported function ${stage.name}`);
  }
  const groupKey = (column: string): boolean =>
    grouped && (column === '_start' || column === '_stop' || column === '_measurement' || schema.tags.has(column) || (!pivoted && column === '_field'));
  const tables = grouped ? bySeries(rows, groupKey) : [{ key: '', rows }];
  if (sortColumns) for (const table of tables) table.rows.sort((a, b) => compareBy(a, b, sortColumns));
  return annotatedCsv(tables, schema, groupKey);
}

function pivot(rows: Row[], schema: Schema): Row[] {
  const tags = [...schema.tags].sort();
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    const key = `${String(row._measurement)}\u0000${tags.map((tag) => row[tag] ?? '\u0001').join('\u0000')}\u0000${String(row._time)}`;
    let target = byKey.get(key);
    if (target === undefined) {
      const { _field: _f, _value: _v, ...rest } = row;
      target = rest;
      byKey.set(key, target);
    }
    target[String(row._field)] = row._value ?? null;
  }
  return [...byKey.values()];
}

function bySeries(rows: Row[], groupKey: (column: string) => boolean): Table[] {
  const tables = new Map<string, Table>();
  for (const row of rows) {
    const key = Object.keys(row).filter(groupKey).sort().map((column) => `${column}=${String(row[column])}`).join('\u0000');
    const table = tables.get(key) ?? { key, rows: [] };
    table.rows.push(row);
    tables.set(key, table);
  }
  for (const table of tables.values()) table.rows.sort((a, b) => (a._time! < b._time! ? -1 : a._time! > b._time! ? 1 : 0));
  return [...tables.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

function compareBy(a: Row, b: Row, columns: string[]): number {
  for (const column of columns) {
    const x = a[column] ?? '';
    const y = b[column] ?? '';
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

function datatype(column: string, table: Table, schema: Schema): string {
  if (TIME_COLUMNS.has(column)) return 'dateTime:RFC3339';
  if (column === '_value') return schema.fields.get(String(table.rows[0]?._field)) ?? 'string';
  return schema.fields.get(column) ?? 'string';
}

function annotatedCsv(tables: Table[], schema: Schema, groupKey: (column: string) => boolean): string {
  let out = '';
  let previousHeader = '';
  tables.forEach((table, index) => {
    const columns = orderColumns(table.rows);
    const header = columns.map((column) => `${column}:${datatype(column, table, schema)}`).join(',');
    if (header !== previousHeader) {
      if (out !== '') out += '\r\n';
      out += line(['#datatype', 'string', 'long', ...columns.map((column) => datatype(column, table, schema))]);
      out += line(['#group', 'false', 'false', ...columns.map((column) => String(groupKey(column)))]);
      out += line(['#default', '_result', '', ...columns.map(() => '')]);
      out += line(['', 'result', 'table', ...columns]);
      previousHeader = header;
    }
    for (const row of table.rows) out += line(['', '', String(index), ...columns.map((column) => cell(row[column], column))]);
  });
  return out === '' ? '\r\n' : `${out}\r\n`;
}

function orderColumns(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) seen.add(column);
  const fixed = ['_start', '_stop', '_time', '_value', '_field', '_measurement'].filter((column) => seen.has(column));
  return [...fixed, ...[...seen].filter((column) => !fixed.includes(column)).sort()];
}

function cell(value: Value | undefined, column: string): string {
  if (value === undefined || value === null) return '';
  if (TIME_COLUMNS.has(column) && typeof value === 'bigint') return formatRfc3339(value);
  return String(value);
}

function line(values: string[]): string {
  return stringify([values], { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
}
