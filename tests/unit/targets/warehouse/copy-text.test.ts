import { describe, expect, it } from 'vitest';
import { decodeCopyField, decodeCopyRows, encodeCopyField, encodeCopyRow } from '../../../../src/targets/warehouse/postgres/copy-text.js';

async function* chunks(...parts: (string | Buffer)[]) {
  for (const part of parts) yield part;
}

async function collect(iterable: AsyncIterable<(string | null)[]>) {
  const rows: (string | null)[][] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

describe('COPY text format', () => {
  const awkward = ['tab\there', 'line\nbreak', 'cr\rlf', 'back\\slash', '\\N', '', 'Façade – “q” ✓', '=1+2'];

  it('round-trips awkward text, the empty string and NULL', () => {
    for (const value of [...awkward, null]) expect(decodeCopyField(encodeCopyField(value))).toBe(value);
  });

  it('writes NULL as \\N and keeps the literal text "\\N" distinct', () => {
    expect(encodeCopyRow(['a', null, '\\N', 7])).toBe('a\t\\N\t\\\\N\t7\n');
  });

  it('decodes the other escapes PostgreSQL documents', () => {
    expect(decodeCopyField('a\\bb\\fc\\vd\\101\\x42\\q')).toBe('a\bb\fc\vdABq');
  });

  it('reassembles rows split across chunks, including a split multi-byte character', async () => {
    const line = Buffer.from(encodeCopyRow(['x', 'Façade ✓', null]) + encodeCopyRow(['y', 'z', 'w']));
    const cut = line.indexOf(0xc3) + 1; // inside "ç"
    const rows = await collect(decodeCopyRows(chunks(line.subarray(0, cut), line.subarray(cut, cut + 3), line.subarray(cut + 3))));
    expect(rows).toEqual([
      ['x', 'Façade ✓', null],
      ['y', 'z', 'w'],
    ]);
  });

  it('returns a last row without a trailing newline', async () => {
    expect(await collect(decodeCopyRows(chunks('a\tb\n', 'c\td')))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});
