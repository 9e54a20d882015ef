/**
 * PostgreSQL's COPY text format (the default of `COPY … FROM STDIN` / `TO STDOUT`): one line per
 * row, fields separated by tabs, `\N` for NULL, and backslash escapes for backslash, tab, newline,
 * carriage return (and, when reading, the other escapes PostgreSQL documents). Hand-written because
 * the format is tiny and a CSV library would blur NULL and the empty string.
 */
const NULL_FIELD = '\\N';
const ENCODE = /[\\\t\n\r]/g;
const ENCODED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Encodes one field (null → `\N`). */
export function encodeCopyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return NULL_FIELD;
  return String(value).replace(ENCODE, (ch) => ENCODED[ch]!);
}

/** Encodes one row as a COPY text line (with its newline). */
export function encodeCopyRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(encodeCopyField).join('\t')}\n`;
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const DECODE = /\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g;

/** Decodes one field (`\N` → null). */
export function decodeCopyField(field: string): string | null {
  if (field === NULL_FIELD) return null;
  if (!field.includes('\\')) return field;
  return field.replace(DECODE, (_match, escape: string) => {
    if (escape.length > 1 || /[0-7]/.test(escape)) {
      const code = escape.startsWith('x') ? parseInt(escape.slice(1), 16) : parseInt(escape, 8);
      return String.fromCharCode(code);
    }
    return SIMPLE_ESCAPES[escape] ?? escape;
  });
}

const NEWLINE = 0x0a;
const TAB = 0x09;
const BACKSLASH = 0x5c;
const N = 0x4e;

/** Decodes bytes [start, end) of a line as one field (fresh strings: no chunk is kept alive by a field). */
function fieldOf(buffer: Buffer, start: number, end: number): string | null {
  if (end - start === 2 && buffer[start] === BACKSLASH && buffer[start + 1] === N) return null;
  const text = buffer.toString('utf8', start, end);
  const escape = buffer.indexOf(BACKSLASH, start);
  return escape !== -1 && escape < end ? decodeCopyField(text) : text;
}

/**
 * Turns a stream of COPY text chunks into rows of decoded fields. Lines and fields are cut on the
 * bytes (a UTF-8 continuation byte is never a tab, newline or backslash), so chunks may split lines
 * and characters, and each field is its own string.
 */
export async function* decodeCopyRows(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<(string | null)[]> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const buffer = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    let start = 0;
    for (let end = buffer.indexOf(NEWLINE, start); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      yield fieldsOf(buffer, start, end);
      start = end + 1;
    }
    pending = start < buffer.length ? Buffer.from(buffer.subarray(start)) : Buffer.alloc(0);
  }
  if (pending.length) yield fieldsOf(pending, 0, pending.length);
}

function fieldsOf(buffer: Buffer, start: number, end: number): (string | null)[] {
  const fields: (string | null)[] = [];
  let from = start;
  for (let tab = buffer.indexOf(TAB, from); tab !== -1 && tab < end; tab = buffer.indexOf(TAB, from)) {
    fields.push(fieldOf(buffer, from, tab));
    from = tab + 1;
  }
  fields.push(fieldOf(buffer, from, end));
  return fields;
}
