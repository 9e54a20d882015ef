/**
 * PostgreSQL's COPY text format (the default of `COPY … FROM STDIN` / `TO STDOUT`): one line per
 * row, fields separated by tabs, `\N` for NULL, and backslash escapes for backslash, tab, newline,
 * carriage return (and, when reading, the other escapes PostgreSQL documents). Hand-written because
 * the format is tiny and a CSV library would blur NULL and the empty string.
 */
import { StringDecoder } from 'node:string_decoder';

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

/** Turns a stream of COPY text chunks into rows of decoded fields (chunks may split lines and characters). */
export async function* decodeCopyRows(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<(string | null)[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      yield pending.slice(start, end).split('\t').map(decodeCopyField);
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending.length) yield pending.split('\t').map(decodeCopyField);
}
