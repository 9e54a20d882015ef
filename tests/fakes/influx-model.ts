/**
 * The storage of the fake InfluxDB: buckets of points, written from line protocol as InfluxDB's
 * documentation describes it (docs.influxdata.com, "Line protocol"):
 *
 *   measurement[,tag_key=tag_value…] field_key=field_value[,…] [timestamp]
 *
 * - measurement: commas and spaces escaped with `\`; tag keys, tag values and field keys: commas,
 *   equals signs and spaces escaped; empty tag values are not allowed;
 * - field values: floats (`1`, `1.5`, `-2e3`), integers `12i`, unsigned `12u`, booleans
 *   (`t`, `true`, `TRUE`, `f`, …) and double-quoted strings (`\"` and `\\` escaped; newlines allowed);
 * - timestamp: an integer in the request's precision (`ns` default, `us`, `ms`, `s`), else the
 *   server's time; lines starting with `#` are comments;
 * - a point with the same measurement, tag set and timestamp as a stored one replaces its fields
 *   (field by field, as InfluxDB does);
 * - a field keeps its type per bucket and measurement: another type is a field type conflict.
 */

/** A field value with its line-protocol type. */
export interface FieldValue {
  type: 'float' | 'integer' | 'unsigned' | 'string' | 'boolean';
  value: number | string | boolean;
}

/** One stored point. */
export interface StoredPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Epoch nanoseconds. */
  time: bigint;
}

/** A line the server could not parse (InfluxDB answers 400 "invalid"). */
export class LineProtocolError extends Error {}

/** A write with a field of another type than before (InfluxDB answers 422). */
export class FieldTypeConflict extends Error {}

const PRECISION: Record<string, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** Parses a line-protocol body into points (throws LineProtocolError naming the line). */
export function parseLineProtocol(body: string, precision = 'ns', now: () => bigint = () => BigInt(Date.now()) * 1_000_000n): StoredPoint[] {
  const factor = PRECISION[precision];
  if (factor === undefined) throw new LineProtocolError(`invalid precision "${precision}"`);
  const points: StoredPoint[] = [];
  let i = 0;
  const n = body.length;
  while (i < n) {
    const lineStart = i;
    if (body[i] === '\n' || body[i] === '\r' || body[i] === ' ' || body[i] === '\t') {
      i++;
      continue;
    }
    if (body[i] === '#') {
      while (i < n && body[i] !== '\n') i++;
      continue;
    }
    const fail = (reason: string): never => {
      const end = body.indexOf('\n', lineStart);
      throw new LineProtocolError(`unable to parse '${body.slice(lineStart, end === -1 ? n : end)}': ${reason}`);
    };
    const readName = (stops: string): string => {
      let out = '';
      while (i < n && !stops.includes(body[i]!) && body[i] !== '\n') {
        if (body[i] === '\\' && i + 1 < n && ', ='.includes(body[i + 1]!)) {
          out += body[i + 1];
          i += 2;
        } else out += body[i++];
      }
      return out;
    };
    const measurement = readName(', ');
    if (measurement === '') fail('missing measurement');
    const tags: Record<string, string> = {};
    while (body[i] === ',') {
      i++;
      const key = readName('=, ');
      if (body[i] !== '=') fail(`missing tag value for "${key}"`);
      i++;
      const value = readName(', ');
      if (key === '' || value === '') fail('empty tag key or value');
      tags[key] = value;
    }
    if (body[i] !== ' ') fail('missing fields');
    i++;
    const fields: Record<string, FieldValue> = {};
    for (;;) {
      const key = readName('= ,');
      if (body[i] !== '=' || key === '') fail('invalid field format');
      i++;
      if (body[i] === '"') {
        let value = '';
        i++;
        while (i < n && body[i] !== '"') {
          if (body[i] === '\\' && (body[i + 1] === '"' || body[i + 1] === '\\')) {
            value += body[i + 1];
            i += 2;
          } else value += body[i++];
        }
        if (i >= n) fail('unterminated string field value');
        i++;
        fields[key] = { type: 'string', value };
      } else {
        let raw = '';
        while (i < n && body[i] !== ',' && body[i] !== ' ' && body[i] !== '\n') raw += body[i++];
        fields[key] = scalar(raw.replace(/\r$/, '')) ?? fail(`invalid field value "${raw}" for "${key}"`);
      }
      if (body[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    let time: bigint;
    if (body[i] === ' ') {
      i++;
      let raw = '';
      while (i < n && body[i] !== '\n') raw += body[i++];
      raw = raw.trim();
      if (!/^-?\d+$/.test(raw)) fail(`invalid timestamp "${raw}"`);
      time = BigInt(raw) * factor;
    } else time = now();
    if (i < n && body[i] !== '\n' && body[i] !== '\r') fail('unexpected text after the point');
    points.push({ measurement, tags, fields, time });
  }
  return points;
}

function scalar(raw: string): FieldValue | undefined {
  if (/^[-+]?\d+i$/.test(raw)) return { type: 'integer', value: Number(raw.slice(0, -1)) };
  if (/^\d+u$/.test(raw)) return { type: 'unsigned', value: Number(raw.slice(0, -1)) };
  if (/^(t|T|true|True|TRUE)$/.test(raw)) return { type: 'boolean', value: true };
  if (/^(f|F|false|False|FALSE)$/.test(raw)) return { type: 'boolean', value: false };
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return { type: 'float', value: Number(raw) };
  return undefined;
}

/** The series key of a point (measurement and sorted tags). */
export function seriesKey(point: Pick<StoredPoint, 'measurement' | 'tags'>): string {
  const tags = Object.keys(point.tags).sort().map((key) => `${key}=${point.tags[key]}`);
  return [point.measurement, ...tags].join(',');
}

/** The points of every bucket. */
export class InfluxModel {
  readonly buckets = new Map<string, Map<string, StoredPoint>>();
  private readonly fieldTypes = new Map<string, FieldValue['type']>();

  constructor(bucketNames: readonly string[]) {
    for (const name of bucketNames) this.buckets.set(name, new Map());
  }

  /** Stores points (all or none): a field type conflict throws before anything is stored. */
  write(bucket: string, points: StoredPoint[]): void {
    const store = this.buckets.get(bucket)!;
    const pending = new Map<string, FieldValue['type']>();
    for (const point of points) {
      for (const [name, field] of Object.entries(point.fields)) {
        const key = `${bucket}\u0000${point.measurement}\u0000${name}`;
        const known = pending.get(key) ?? this.fieldTypes.get(key);
        if (known !== undefined && known !== field.type) {
          throw new FieldTypeConflict(
            `failure writing points to database: partial write: field type conflict: input field "${name}" on measurement "${point.measurement}" is type ${field.type}, already exists as type ${known} dropped=${points.length}`,
          );
        }
        pending.set(key, field.type);
      }
    }
    for (const [key, type] of pending) this.fieldTypes.set(key, type);
    for (const point of points) {
      const key = `${seriesKey(point)}\u0000${point.time}`;
      const existing = store.get(key);
      if (existing) Object.assign(existing.fields, point.fields);
      else store.set(key, { ...point, fields: { ...point.fields } });
    }
  }

  /** Deletes the points of a measurement/tag predicate within [start, stop] (both inclusive). */
  delete(bucket: string, start: bigint, stop: bigint, where: Record<string, string>): number {
    const store = this.buckets.get(bucket)!;
    let deleted = 0;
    for (const [key, point] of store) {
      if (point.time < start || point.time > stop) continue;
      const matches = Object.entries(where).every(([column, value]) => (column === '_measurement' ? point.measurement : point.tags[column]) === value);
      if (matches) {
        store.delete(key);
        deleted++;
      }
    }
    return deleted;
  }

  /** Points of a bucket (for assertions). */
  points(bucket: string, measurement?: string): StoredPoint[] {
    return [...(this.buckets.get(bucket)?.values() ?? [])].filter((point) => measurement === undefined || point.measurement === measurement);
  }

  clear(): void {
    for (const store of this.buckets.values()) store.clear();
    this.fieldTypes.clear();
  }
}
