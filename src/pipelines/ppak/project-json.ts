/**
 * A byte-level JSON encoder for the hot path of the ETL: canonical projects are written straight
 * into large Buffers as UTF-8, with the same bytes `JSON.stringify` would produce (a unit test holds
 * it to that), about twice as fast as stringify + join + encode on a million-row export.
 *
 * Printable ASCII strings (nearly all values) are copied byte by byte; any other string (control
 * characters, quotes, backslashes, non-ASCII) goes through JSON.stringify, so escaping is never
 * re-implemented here. The fixed parts (keys and punctuation, about half the bytes of a project)
 * are precompiled {@link JsonLiteral}s copied four bytes per store through a DataView: a byte loop
 * or `Uint8Array.set` per literal cost about twice as much.
 */
import type { CanonicalProject } from '../../sources/canonical/schema.js';

const QUOTE = 34;
const BACKSLASH = 92;
const CHUNK = 1 << 18;

/** Fixed ASCII text prepared for {@link JsonBytes.literal}: little-endian 32-bit words, then the last bytes. */
export interface JsonLiteral {
  readonly words: Uint32Array;
  readonly tail: Uint8Array;
  readonly length: number;
}

/** Prepares a fixed ASCII text (a key, punctuation) for {@link JsonBytes.literal}. */
export function jsonLiteral(text: string): JsonLiteral {
  const bytes = Buffer.from(text, 'latin1');
  const words = new Uint32Array(bytes.length >> 2);
  for (let i = 0; i < words.length; i++) words[i] = bytes.readUInt32LE(i * 4);
  return { words, tail: Uint8Array.from(bytes.subarray(words.length * 4)), length: bytes.length };
}

/** Accumulates JSON bytes; full chunks go to `sink`. */
export class JsonBytes {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  private view: DataView = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  private pos = 0;

  constructor(private readonly sink: (chunk: Buffer) => void) {}

  /** Bytes waiting in the current chunk. */
  get pending(): number {
    return this.pos;
  }

  /** Makes room for `size` more bytes, handing the current chunk to the sink when needed. */
  reserve(size: number): void {
    if (this.pos + size <= this.buf.length) return;
    this.emit();
    if (size > this.buf.length) this.setBuffer(Buffer.allocUnsafe(size));
  }

  /** Hands the bytes written so far to the sink. */
  emit(): void {
    if (this.pos === 0) return;
    this.sink(this.buf.subarray(0, this.pos));
    this.setBuffer(Buffer.allocUnsafe(Math.max(CHUNK, this.buf.length)));
    this.pos = 0;
  }

  private setBuffer(buf: Buffer): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }

  /** Copies a prepared literal (such as `,"name":`); room must have been reserved. */
  literal(text: JsonLiteral): void {
    const { words, tail } = text;
    const view = this.view;
    let p = this.pos;
    for (let i = 0; i < words.length; i++, p += 4) view.setUint32(p, words[i]!, true);
    const buf = this.buf;
    for (let i = 0; i < tail.length; i++) buf[p++] = tail[i]!;
    this.pos = p;
  }

  /** Writes JSON text (already valid JSON) as UTF-8, reserving room for it. */
  json(text: string): void {
    this.reserve(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** Writes a string literal, exactly as JSON.stringify(text); room (6 bytes per character + 2) must have been reserved. */
  string(text: string): void {
    const n = text.length;
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      // One unsigned compare for "not printable ASCII" (code < 32 or code > 126), then the two escapes.
      if ((code - 32) >>> 0 > 94 || code === QUOTE || code === BACKSLASH) {
        this.pos += buf.write(JSON.stringify(text), this.pos, 'utf8');
        return;
      }
      buf[p++] = code;
    }
    buf[p++] = QUOTE;
    this.pos = p;
  }

  /** A string or null (room reserved). */
  nullableString(text: string | null): void {
    if (text === null) this.literal(NULL);
    else this.string(text);
  }

  /** A number as JSON.stringify writes it (non-finite numbers are null), or null (room reserved: 24 bytes). */
  number(value: number | null): void {
    if (value === null || !Number.isFinite(value)) {
      this.literal(NULL);
      return;
    }
    const buf = this.buf;
    // Amounts with at most two decimals (nearly all) are printed from their cents: for |value| < 1e13
    // the shortest round-trip text of cents/100 is its plain decimal, which is what String() gives.
    const cents = Math.round(value * 100);
    if (cents / 100 === value && value < 1e13 && value > -1e13) {
      let p = this.pos;
      let rest = cents;
      if (rest < 0) {
        buf[p++] = 45;
        rest = -rest;
      }
      const fraction = rest % 100;
      p = writeDigits(buf, p, (rest - fraction) / 100);
      if (fraction !== 0) {
        buf[p++] = 46;
        buf[p++] = 48 + Math.floor(fraction / 10);
        if (fraction % 10 !== 0) buf[p++] = 48 + (fraction % 10);
      }
      this.pos = p;
      return;
    }
    const text = String(value);
    let p = this.pos;
    for (let i = 0; i < text.length; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
  }
}

/** Writes a non-negative safe integer in decimal at `p`; returns the position after it. */
function writeDigits(buf: Buffer, p: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let i = digits - 1; i >= 0; i--) {
    buf[p + i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return p + digits;
}

const NULL = jsonLiteral('null');
const K = {
  job: jsonLiteral('{"ppak_job_number":'),
  name: jsonLiteral(',"name":'),
  customer: jsonLiteral(',"customer_name":'),
  status: jsonLiteral(',"status":'),
  phase: jsonLiteral(',"phase":'),
  ppakStatus: jsonLiteral(',"ppak_status":'),
  ppakPhase: jsonLiteral(',"ppak_phase":'),
  start: jsonLiteral(',"start_date":'),
  due: jsonLiteral(',"due_date":'),
  amount: jsonLiteral(',"contract_amount":'),
  skus: jsonLiteral(',"material_skus":['),
  orders: jsonLiteral('],"work_orders":'),
  innergy: jsonLiteral(',"innergy_id":'),
  file: jsonLiteral(',"source":{"file":'),
  line: jsonLiteral(',"line":'),
  end: jsonLiteral('}}'),
  comma: jsonLiteral(','),
  emptyArray: jsonLiteral('[]'),
};

/** Fixed bytes of a project: keys, punctuation and two numbers (at most 24 bytes each). */
const FIXED_BYTES = 512;

/** Writes one project as JSON.stringify(project) would. */
export function encodeProject(out: JsonBytes, p: CanonicalProject): void {
  const skus = p.material_skus;
  let chars =
    p.ppak_job_number.length + p.name.length + (p.customer_name?.length ?? 0) + (p.status?.length ?? 0) + (p.phase?.length ?? 0) +
    (p.ppak_status?.length ?? 0) + (p.ppak_phase?.length ?? 0) + (p.innergy_id?.length ?? 0) + p.source.file.length + 20;
  for (let i = 0; i < skus.length; i++) chars += skus[i]!.length + 3;
  const orders = p.work_orders.length === 0 ? undefined : JSON.stringify(p.work_orders);
  out.reserve(FIXED_BYTES + chars * 6 + (orders === undefined ? 0 : orders.length * 3));
  out.literal(K.job);
  out.string(p.ppak_job_number);
  out.literal(K.name);
  out.string(p.name);
  out.literal(K.customer);
  out.nullableString(p.customer_name);
  out.literal(K.status);
  out.nullableString(p.status);
  out.literal(K.phase);
  out.nullableString(p.phase);
  out.literal(K.ppakStatus);
  out.nullableString(p.ppak_status);
  out.literal(K.ppakPhase);
  out.nullableString(p.ppak_phase);
  out.literal(K.start);
  out.nullableString(p.start_date);
  out.literal(K.due);
  out.nullableString(p.due_date);
  out.literal(K.amount);
  out.number(p.contract_amount);
  out.literal(K.skus);
  for (let i = 0; i < skus.length; i++) {
    if (i > 0) out.literal(K.comma);
    out.string(skus[i]!);
  }
  out.literal(K.orders);
  if (orders === undefined) out.literal(K.emptyArray);
  else out.json(orders);
  out.literal(K.innergy);
  out.nullableString(p.innergy_id);
  out.literal(K.file);
  out.string(p.source.file);
  out.literal(K.line);
  out.number(p.source.line);
  out.literal(K.end);
}
