import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, ValidationError } from '../../../../src/engine/errors.js';
import { readCsv, type CsvRow } from '../../../../src/sources/csv/index.js';
import { readAll, SPEC, summarize, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

// Every behaviour holds both when csv-parse runs in this thread and in the worker thread.
describe.each([
  { mode: 'in-thread', worker: false },
  { mode: 'worker', worker: true },
])('CsvReader ($mode)', ({ worker }) => {
  const read = (file: string, extra: { chunkSize?: number; maxRecordSize?: number; signal?: AbortSignal } = {}) =>
    readAll(file, { columns: SPEC, worker, ...extra });

  it('yields records keyed by canonical field with the line where each starts', async () => {
    const file = tmp.write('a.csv', 'ID,Name,Amount\n1,Ann,10\n2,Bob,20\n');
    const { rows, reader } = await read(file);
    expect(summarize(rows)).toEqual([
      { line: 2, record: { id: '1', name: 'Ann', amount: '10' } },
      { line: 3, record: { id: '2', name: 'Bob', amount: '20' } },
    ]);
    expect(reader.header?.headers).toEqual(['ID', 'Name', 'Amount']);
  });

  it('strips a BOM and does not count it as a line', async () => {
    const file = tmp.write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ID,Name\r\n1,Ann\r\n')]));
    const { rows } = await read(file);
    expect(summarize(rows)).toEqual([{ line: 2, record: { id: '1', name: 'Ann', amount: '' } }]);
  });

  it('keeps line numbers right after quoted values spanning lines, with LF and CRLF', async () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['ID,Name', '1,"two', 'lines"', '2,"three', '', 'lines"', '3,after'].join(eol) + eol;
      const { rows } = await read(tmp.write(`q${eol.length}.csv`, text));
      expect(rows.map((row) => row.line)).toEqual([2, 4, 7]);
      expect(rows[0]!.ok && rows[0]!.record.name).toBe(`two${eol}lines`);
    }
  });

  it('skips blank lines anywhere (also rows of bare commas) and keeps counting them as lines', async () => {
    const file = tmp.write('blank.csv', '\nID,Name\n\n1,Ann\n,,\n   \n2,Bob\n\n\n');
    const { rows, reader } = await read(file);
    expect(rows.map((row) => row.line)).toEqual([4, 7]);
    expect(reader.header?.line).toBe(2);
    expect(reader.blankLines).toBe(6);
  });

  it('trims stray spaces around values and headers, also around quoted values', async () => {
    const file = tmp.write('spaces.csv', ' ID , Full_Name ,Amount\n 1 ,  "Smith, Jane"  , 10 \n2," Bob ",\n');
    const { rows } = await read(file);
    expect(summarize(rows)).toEqual([
      { line: 2, record: { id: '1', name: 'Smith, Jane', amount: '10' } },
      { line: 3, record: { id: '2', name: 'Bob', amount: '' } },
    ]);
  });

  it('keeps quotes inside unquoted values (inch marks) as they are', async () => {
    const file = tmp.write('inch.csv', 'ID,Name\n1,12" drawer base\n2,"18"" slide"\n');
    const { rows } = await read(file);
    expect(rows.map((row) => row.ok && row.record.name)).toEqual(['12" drawer base', '18" slide']);
  });

  it('yields a ragged row as an error row with a reason and goes on', async () => {
    const file = tmp.write('ragged.csv', 'ID,Name,Amount\n1,Ann\n2,Bob,20,extra\n3,Cy,30,,\n4,Di,40\n');
    const { rows } = await read(file);
    expect(summarize(rows)).toEqual([
      { line: 2, error: expect.stringContaining('has 2 values but the header has 3 columns') },
      { line: 3, error: expect.stringContaining('has 4 values but the header has 3 columns') },
      { line: 4, record: { id: '3', name: 'Cy', amount: '30' } },
      { line: 5, record: { id: '4', name: 'Di', amount: '40' } },
    ]);
    expect(rows[0]!.raw).toBe('1,Ann');
  });

  it('rejects only the row with bytes that are not UTF-8 and reads the rest', async () => {
    const file = tmp.write(
      'latin1.csv',
      Buffer.concat([Buffer.from('ID,Name\n1,Ann\n2,Jos'), Buffer.from([0xe9]), Buffer.from('\n3,Cy\n')]),
    );
    const { rows } = await read(file);
    expect(summarize(rows)).toEqual([
      { line: 2, record: { id: '1', name: 'Ann', amount: '' } },
      { line: 3, error: expect.stringMatching(/not valid UTF-8.*re-export the file as UTF-8/) },
      { line: 4, record: { id: '3', name: 'Cy', amount: '' } },
    ]);
  });

  it('reports an unbalanced quote at the end of the file once, at the line where it opens', async () => {
    const file = tmp.write('open.csv', 'ID,Name\n1,Ann\n2,"Bob\n3,Cy\n');
    const { rows, reader } = await read(file);
    expect(summarize(rows)).toEqual([
      { line: 2, record: { id: '1', name: 'Ann', amount: '' } },
      { line: 3, error: expect.stringContaining('never closed') },
    ]);
    expect(reader.stopped).toBe(true);
  });

  it('stops early at a runaway quote instead of buffering the rest of the file', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => `${i + 3},name ${i}`).join('\n');
    const file = tmp.write('runaway.csv', `ID,Name\n1,Ann\n2,"oops\n${body}\n`);
    const { rows, reader } = await read(file, { chunkSize: 1024, maxRecordSize: 4096 });
    expect(summarize(rows)).toEqual([
      { line: 2, record: { id: '1', name: 'Ann', amount: '' } },
      { line: 3, error: expect.stringContaining('never closed') },
    ]);
    expect(reader.stopped).toBe(true);
  });

  it('reads a zero-byte file as no header and no rows', async () => {
    const { rows, reader } = await read(tmp.write('empty.csv', ''));
    expect(rows).toEqual([]);
    expect(reader.header).toBeUndefined();
  });

  it.each([
    ['a CRLF header followed by LF rows', 'ID,Name,Amount\r\n1,Ann,10\n2,Bob,20\n3,Cy,30\n'],
    ['one LF row in a CRLF file', 'ID,Name,Amount\r\n1,Ann,10\r\n2,Bob,20\n3,Cy,30\r\n'],
    ['CR line ends', 'ID,Name,Amount\r1,Ann,10\r2,Bob,20\r3,Cy,30\r'],
    ['a mix of all three', 'ID,Name,Amount\n1,Ann,10\r2,Bob,20\r\n3,Cy,30'],
  ])('reads every record of %s, with exact lines', async (_case, text) => {
    const { rows } = await read(tmp.write('mixed.csv', text), { chunkSize: 7 });
    expect(summarize(rows)).toEqual([
      { line: 2, record: { id: '1', name: 'Ann', amount: '10' } },
      { line: 3, record: { id: '2', name: 'Bob', amount: '20' } },
      { line: 4, record: { id: '3', name: 'Cy', amount: '30' } },
    ]);
  });

  it('skips a record over the size limit with its own reason and reads on from the next line', async () => {
    const huge = 'x'.repeat(300_000);
    const file = tmp.write('huge.csv', `ID,Name,Amount\r\n1,Ann,10\r\n2,${huge},20\r\n3,Cy,30\n4,Di,40\r\n`);
    const { rows, reader } = await read(file, { maxRecordSize: 100_000 });
    expect(summarize(rows)).toEqual([
      { line: 2, record: { id: '1', name: 'Ann', amount: '10' } },
      { line: 3, error: expect.stringMatching(/over the limit of 0\.1 MiB per record.*MIGRATION_MAX_RECORD_BYTES/) },
      { line: 4, record: { id: '3', name: 'Cy', amount: '30' } },
      { line: 5, record: { id: '4', name: 'Di', amount: '40' } },
    ]);
    expect(reader.stopped).toBe(false);
  });

  it('reports an oversized last record without a line end', async () => {
    const file = tmp.write('tail.csv', `ID,Name,Amount\n1,Ann,10\n2,${'y'.repeat(300_000)}`);
    const { rows } = await read(file, { maxRecordSize: 100_000 });
    expect(summarize(rows)).toEqual([{ line: 2, record: { id: '1', name: 'Ann', amount: '10' } }, { line: 3, error: expect.stringContaining('over the limit') }]);
  });

  it('reads a header-only file as a header and no rows', async () => {
    const { rows, reader } = await read(tmp.write('header.csv', 'ID,Name\r\n'));
    expect(rows).toEqual([]);
    expect(reader.header?.columnOf).toEqual({ id: 0, name: 1 });
  });

  it('throws a ValidationError naming the file when a required column is missing', async () => {
    const file = tmp.write('nocol.csv', 'Name,Amount\nAnn,1\n');
    await expect(read(file)).rejects.toThrow(ValidationError);
    await expect(read(file)).rejects.toThrow(/nocol\.csv has no column for 'id'/);
  });

  it('gives equal rows equal fingerprints and different rows different ones', async () => {
    const file = tmp.write('dups.csv', 'ID,Name\n1,Ann\n1,Ann\n1,Anne\n');
    const { rows } = await read(file);
    const prints = rows.map((row) => (row.ok ? row.fingerprint : 0));
    expect(prints[0]).toBe(prints[1]);
    expect(prints[0]).not.toBe(prints[2]);
  });

  it('returns the same rows whatever the chunk size', async () => {
    const lines = ['ID,Name,Amount'];
    for (let i = 1; i <= 500; i++) lines.push(i % 7 === 0 ? `${i},"multi\r\nline ${i}",${i}` : `${i},name ${i},${i}`);
    const file = tmp.write('chunks.csv', `${lines.join('\r\n')}\r\n`);
    const small = await read(file, { chunkSize: 37 });
    const large = await read(file);
    expect(summarize(small.rows)).toEqual(summarize(large.rows));
    expect(large.rows.at(-1)?.line).toBe(501 + Math.floor(500 / 7));
  });

  it('reads control characters (U+0001, and a NUL that ends the packed hand-off) inside values like any other', async () => {
    const lines = ['ID,Name,Amount'];
    for (let i = 1; i <= 300; i++) lines.push(i === 100 ? `${i},soh\u0001 ${i},${i}` : i === 200 ? `${i},nul\u0000 ${i},` : `${i},,"${i}"`);
    const file = tmp.write('control.csv', `${lines.join('\n')}\n`);
    const { rows } = await read(file, { chunkSize: 256 });
    expect(rows).toHaveLength(300);
    expect(summarize(rows)[99]).toEqual({ line: 101, record: { id: '100', name: 'soh\u0001 100', amount: '100' } });
    expect(summarize(rows)[199]).toEqual({ line: 201, record: { id: '200', name: 'nul\u0000 200', amount: '' } });
    expect(summarize(rows)[299]).toEqual({ line: 301, record: { id: '300', name: '', amount: '300' } });
  });

  it('stops with a CancelledError when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const file = tmp.write('cancel.csv', 'ID\n1\n');
    await expect(read(file, { signal: controller.signal })).rejects.toThrow(CancelledError);
  });
});

describe('readCsv', () => {
  it('yields rows one at a time', async () => {
    const file = tmp.write('rows.csv', 'ID\n1\n2\n');
    const rows: CsvRow<'id' | 'name' | 'amount'>[] = [];
    for await (const row of readCsv(file, { columns: SPEC })) rows.push(row);
    expect(rows.map((row) => row.ok && row.record.id)).toEqual(['1', '2']);
  });

  it('re-serialises the raw text of a record from its values', async () => {
    const file = tmp.write('raw.csv', 'ID,Name\n1,"Smith, Jane"\n');
    const [row] = (await readAll(file, { columns: SPEC })).rows;
    expect(row?.raw).toBe('1,"Smith, Jane"');
  });
});
