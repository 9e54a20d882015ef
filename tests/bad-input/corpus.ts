/**
 * Hostile inputs, built from a valid CSV (header + good rows) so every variant says how many good
 * rows must survive: broken encodings, huge fields and rows, broken headers, formula cells, mixed
 * line endings, truncation — and paths that are not files: folders, symlinks out of the data roots,
 * NUL bytes, absurd lengths, missing files.
 */

/** What a tool must do with a hostile input. */
export type Expectation =
  /** A clear operator error (isError with kind, message and action), nothing written. */
  | { kind: 'error' }
  /** The run goes on: bad rows are reported, exactly `kept` good rows survive. */
  | { kind: 'kept'; kept: number }
  /** Either of the above, as long as it is clear (no stack trace, bounded text). */
  | { kind: 'clear' };

export interface HostileInput {
  name: string;
  /** File content, or a special path. */
  content?: Buffer;
  special?: 'directory' | 'symlink-outside' | 'nul-byte' | 'long-path' | 'missing';
  expect: Expectation;
  /** Cells that must come out neutralised in any CSV the tool writes. */
  formulas?: string[];
}

export interface CsvShape {
  header: string[];
  /** Good rows (already CSV-escaped cells). */
  rows: string[][];
  /** A row the tool rejects (e.g. missing its key), with `value` somewhere in it. */
  badRow(value: string): string[];
  /** A good row carrying `value` in a text column. */
  goodRow(value: string): string[];
}

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
const line = (cells: readonly string[]) => cells.map(quote).join(',');

/** The hostile variants of a CSV input. */
export function csvCorpus(shape: CsvShape): HostileInput[] {
  const good = shape.rows.length;
  const text = (rows: string[][], eol = '\r\n') => [shape.header, ...rows].map(line).join(eol) + eol;
  const valid = text(shape.rows);
  const half = Math.floor(good / 2);
  return [
    { name: 'an empty file', content: Buffer.alloc(0), expect: { kind: 'clear' } },
    { name: 'a lone byte order mark', content: Buffer.from([0xef, 0xbb, 0xbf]), expect: { kind: 'clear' } },
    { name: 'binary garbage', content: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), expect: { kind: 'error' } },
    // csv-parse reads a UTF-16 LE file with its byte order mark as such.
    { name: 'UTF-16 text with a byte order mark', content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]), expect: { kind: 'kept', kept: good } },
    { name: 'UTF-16 text without a byte order mark', content: Buffer.from(valid, 'utf16le'), expect: { kind: 'error' } },
    {
      name: 'a Latin-1 row among UTF-8 rows',
      content: Buffer.concat([Buffer.from(text(shape.rows.slice(0, half))), Buffer.from(`${line(shape.goodRow('Caf\u00e9 cr\u00e8me'))}\r\n`, 'latin1'), Buffer.from(`${shape.rows.slice(half).map(line).join('\r\n')}\r\n`)]),
      expect: { kind: 'kept', kept: good },
    },
    { name: 'a 2 MB unquoted field', content: Buffer.from(text([...shape.rows.slice(0, half), shape.goodRow('x'.repeat(2 << 20)), ...shape.rows.slice(half)])), expect: { kind: 'kept', kept: good } },
    { name: 'a row of 100,000 values', content: Buffer.from(text([...shape.rows.slice(0, half), Array.from({ length: 100_000 }, () => 'v'), ...shape.rows.slice(half)])), expect: { kind: 'kept', kept: good } },
    { name: 'a duplicated header', content: Buffer.from([[...shape.header, shape.header[0]!], ...shape.rows.map((r) => [...r, r[0]!])].map(line).join('\n') + '\n'), expect: { kind: 'error' } },
    { name: 'a header without the key column', content: Buffer.from([shape.header.slice(1), ...shape.rows.map((r) => r.slice(1))].map(line).join('\n') + '\n'), expect: { kind: 'error' } },
    {
      name: 'formula cells',
      content: Buffer.from(text([...shape.rows, shape.badRow('=2+5+cmd|calc!A0'), shape.goodRow('@SUM(A1)'), shape.goodRow('=HYPERLINK("http://evil.test","x")')])),
      expect: { kind: 'kept', kept: good + 2 },
      formulas: ['=2+5+cmd', '@SUM(A1)', '=HYPERLINK'],
    },
    { name: 'a CRLF header with LF rows', content: Buffer.from(`${line(shape.header)}\r\n${shape.rows.map(line).join('\n')}\n`), expect: { kind: 'kept', kept: good } },
    { name: 'CR line ends', content: Buffer.from(text(shape.rows, '\r')), expect: { kind: 'kept', kept: good } },
    { name: 'a file cut inside a quoted value', content: Buffer.from(`${valid}${line(shape.goodRow('cut')).replace('cut', '"never closed')}`), expect: { kind: 'kept', kept: good } },
    { name: 'a folder instead of a file', special: 'directory', expect: { kind: 'error' } },
    { name: 'a symlink to a file outside the data roots', special: 'symlink-outside', expect: { kind: 'error' } },
    { name: 'a path with a NUL byte', special: 'nul-byte', expect: { kind: 'error' } },
    { name: 'a path of 5,000 characters', special: 'long-path', expect: { kind: 'error' } },
    { name: 'a missing file', special: 'missing', expect: { kind: 'error' } },
  ];
}

/** The hostile variants of a JSON input (a canonical file). */
export function jsonCorpus(valid: string): HostileInput[] {
  return [
    { name: 'an empty file', content: Buffer.alloc(0), expect: { kind: 'error' } },
    { name: 'truncated JSON', content: Buffer.from(valid.slice(0, Math.floor(valid.length / 2))), expect: { kind: 'error' } },
    { name: 'binary garbage', content: Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131) % 256)), expect: { kind: 'error' } },
    { name: 'UTF-16 JSON', content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]), expect: { kind: 'error' } },
    { name: 'JSON of the wrong shape', content: Buffer.from(JSON.stringify({ projects: 'none' })), expect: { kind: 'error' } },
    { name: 'a 5 MB string value', content: Buffer.from(JSON.stringify({ export_date: 'x'.repeat(5 << 20), projects: [] })), expect: { kind: 'error' } },
    { name: 'a folder instead of a file', special: 'directory', expect: { kind: 'error' } },
    { name: 'a symlink to a file outside the data roots', special: 'symlink-outside', expect: { kind: 'error' } },
    { name: 'a path with a NUL byte', special: 'nul-byte', expect: { kind: 'error' } },
    { name: 'a path of 5,000 characters', special: 'long-path', expect: { kind: 'error' } },
    { name: 'a missing file', special: 'missing', expect: { kind: 'error' } },
  ];
}
