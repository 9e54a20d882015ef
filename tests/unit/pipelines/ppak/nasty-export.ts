/**
 * A deterministic, generated PPak export full of what real exports get wrong, for the tests that
 * hold the ETL's outputs byte for byte (etl-golden.test.ts): a BOM, CRLF with a few LF-only lines,
 * quoted values spanning lines (CRLF and LF inside), escaped quotes, quoted values with stray
 * spaces, blank lines and rows of bare commas, ragged rows, trailing empty values, missing job
 * numbers and names, exact duplicates, conflicting duplicates, unreadable dates and amounts,
 * unmapped statuses, phases and SKUs, formula-looking values, non-ASCII text, bytes that are not
 * UTF-8, and optionally U+0001 and U+0000 control characters and an unbalanced quote at the end.
 */
import { mulberry32 } from '../../../fakes/prng.js';

const STATUSES = ['Open', 'Active', 'On Hold', 'Complete', 'Closed', 'Cancelled', 'In Progress', 'open ', 'Warp'];
const PHASES = ['Design', 'Engineering', 'Production', 'Install', 'Punch', 'Stage 9', ''];
const SKUS = ['PP-PLY-075', 'LAM-WHT-MATTE', 'pp-ply-075', 'PP-DOOR-001', 'UNKNOWN-1', ' PP-MAT-003 ', 'PP-MAT-004'];
const DATES = ['1/3/2024', '2024-01-15', '12/31/2024 10:00', '2024-02-30', '13/45/2024', '', '2024-06-01T08:00:00Z', 'TBD'];
const AMOUNTS = ['"$48,250.00"', '1234.5', '(12.00)', '-$5', 'TBD', '', '"1,23,4"', '0.1', '99999999999999999999.99'];
const NAMES = ['Harbor View', '"Smith, Jane"', '"Café ""Müller"" — 12″"', '漢字 🎉 Tower', '=SUM(A1:A2)', '+1 Plaza', '@home', '-dash'];

export interface NastyExportOptions {
  /** Project rows (before the special rows). */
  rows: number;
  /** Seed of the value choices. */
  seed: number;
  /** Add a U+0001 and (later) a U+0000 character (a NUL turns the worker's packed hand-off off from there). */
  controlCharacter?: boolean;
  /** End the projects file with an unbalanced quote. */
  openQuoteAtEnd?: boolean;
}

/** The three export files of the set, as bytes. */
export interface NastyExport {
  projects: Buffer;
  materials: Buffer;
  workOrders: Buffer;
}

/** Builds the export set. */
export function nastyExport(options: NastyExportOptions): NastyExport {
  const random = mulberry32(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const parts: Buffer[] = [Buffer.from('\uFEFFJob Number, Job Name ,Customer,Status,Phase,Start Date,Due Date,Contract Amount,Materials\r\n')];
  let previous = '';
  for (let i = 1; i <= options.rows; i++) {
    const eol = i % 97 === 0 ? '\n' : '\r\n';
    const roll = random();
    if (roll < 0.01) {
      parts.push(Buffer.from(i % 2 === 0 ? eol : `,,, ,${eol}`));
      continue;
    }
    if (roll < 0.02 && previous !== '') {
      parts.push(Buffer.from(previous)); // exact duplicate
      continue;
    }
    const job = roll < 0.03 ? '' : roll < 0.035 ? `J-${i - 1}` : `J-${i}`; // missing, conflicting with the previous job, or new
    let name = pick(NAMES);
    if (roll > 0.995) name = '';
    if (roll > 0.99 && roll <= 0.995) name = `"Multi\r\nline ${i}\nname"`;
    const skus = Array.from({ length: Math.floor(random() * 4) }, () => pick(SKUS)).join(';');
    const cells = [
      job,
      name,
      i % 13 === 0 ? '' : `Customer ${i % 50}`,
      pick(STATUSES),
      pick(PHASES),
      pick(DATES),
      pick(DATES),
      pick(AMOUNTS),
      i % 11 === 0 ? `"${skus}"  ` : skus,
    ];
    if (roll > 0.98 && roll <= 0.985) cells.pop(); // ragged: a value missing
    if (roll > 0.985 && roll <= 0.99) cells.push('extra'); // ragged: a value too many
    if (i % 89 === 0) cells.push('', ''); // trailing empty values
    if (i % 7 === 0) cells[1] = `  ${cells[1]}`; // spaces before a (possibly quoted) value
    const line = `${cells.join(',')}${eol}`;
    if (i % 211 === 0) parts.push(Buffer.concat([Buffer.from(`${line.slice(0, 6)}`), Buffer.from([0xe9]), Buffer.from(line.slice(6))]));
    else parts.push(Buffer.from(line));
    previous = line;
    if (options.controlCharacter && i === Math.floor(options.rows * 0.8)) parts.push(Buffer.from(`J-CTRL1,Control\u0001Char,C,Open,Design,,,,${eol}`));
    if (options.controlCharacter && i === Math.floor(options.rows * 0.9)) parts.push(Buffer.from(`J-CTRL0,Nul\u0000Char,C,Open,Design,,,,${eol}`));
  }
  if (options.openQuoteAtEnd) parts.push(Buffer.from('J-OPEN,"never closed,C,Open,Design,,,,\r\nJ-AFTER,After,C,Open,Design,,,,\r\n'));
  const materials = [
    'SKU,Description,Category,Unit,Unit Cost,Active',
    'PP-PLY-075,Maple plywood 3/4",Sheet Goods,sheet,$89.50,Y',
    'LAM-WHT-MATTE,Laminate,Laminates,sheet,(12.00),N',
    'LAM-WHT-MATTE,Laminate,Laminates,sheet,(12.00),N',
    ',No SKU,X,each,1,Y',
    'PP-MAT-003,"Hinge, 35mm",Hardware,each,TBD,maybe',
    'PP-MAT-004,=cmd,Hardware,each,1.5,',
  ].join('\r\n');
  const orders = ['Work Order,Job Number,Description,Quantity,Status'];
  for (let w = 1; w <= Math.min(500, options.rows); w++) {
    const job = w % 17 === 0 ? 'J-NONE' : `J-${(w * 37) % options.rows}`;
    orders.push(`WO-${w},${job},Work order ${w},${w % 9 === 0 ? 'lots' : w % 5},Released`);
    if (w % 50 === 0) orders.push(`WO-${w},${job},Work order ${w},${w % 9 === 0 ? 'lots' : w % 5},Released`);
  }
  orders.push('WO-X,,Missing job,1,Open');
  return { projects: Buffer.concat(parts), materials: Buffer.from(`${materials}\r\n`), workOrders: Buffer.from(`${orders.join('\n')}\n`) };
}
