import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWprColumns, type WprColumns } from '../../../../src/config/wpr-columns.js';
import { CancelledError, ValidationError } from '../../../../src/engine/errors.js';
import { WprOrderReport, type WprReject } from '../../../../src/pipelines/wpr/ingest/order-report.js';
import type { WprLine } from '../../../../src/stores/batch-store.js';
import { REPO_ROOT } from '../../../helpers/workspace.js';
import { WPR_FIXTURES, WPR_HEADER, writeWorkbook } from '../../../helpers/xlsx.js';
import { makeTempDir } from '../../engine/helpers/temp.js';

let columns: WprColumns;
let tmp: ReturnType<typeof makeTempDir>;
beforeEach(async () => {
  columns = await loadWprColumns(path.join(REPO_ROOT, 'config'));
  tmp = makeTempDir('mmcp-wpr-');
});
afterEach(() => tmp.cleanup());

async function read(file: string, options: { sheet?: string; signal?: AbortSignal } = {}) {
  const rejects: WprReject[] = [];
  const report = new WprOrderReport({ file, columns, onReject: (reject) => rejects.push(reject), ...options });
  const lines: WprLine[] = [];
  for await (const line of report.lines()) lines.push(line);
  return { report, lines, rejects };
}

async function readError(file: string, options: { sheet?: string } = {}): Promise<ValidationError> {
  const error = await read(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('WprOrderReport on the LibreOffice report (title rows, mixed cells, bad rows)', () => {
  it('finds the header under the title, keeps good rows and rejects bad ones with sheet, row and reason', async () => {
    const { report, lines, rejects } = await read(path.join(WPR_FIXTURES, 'orders_report.xlsx'));
    expect(report.sheet).toBe('WP_Overall_Order_Report');
    expect(report.rowsRead).toBe(12);
    expect(lines.map((line) => `${line.line_key}@${line.source.row}`)).toEqual([
      'WPO00182554-1@5',
      'WPO00182554-2@6',
      'WPO00182556-1@7',
      'WPO00182556-2@8',
      'WPO00182561-10@13',
      'WPO00182561-2@14',
      'WPO00182562-1@16',
    ]);
    expect(report.orders.size).toBe(4);
    expect(rejects.map(({ sheet, row, reason }) => ({ sheet, row, reason }))).toEqual([
      { sheet: 'WP_Overall_Order_Report', row: 9, reason: 'no Order ID' },
      { sheet: 'WP_Overall_Order_Report', row: 10, reason: "Quantity 'ten' is not a number" },
      { sheet: 'WP_Overall_Order_Report', row: 11, reason: "Order Date '13/45/2024' is not a date (a real date, M/D/YYYY or YYYY-MM-DD)" },
      { sheet: 'WP_Overall_Order_Report', row: 12, reason: "duplicate WPR Line Key 'WPO00182554-1' (first at row 5)" },
      { sheet: 'WP_Overall_Order_Report', row: 17, reason: 'no Line Item' },
    ]);
    expect(report.rejected).toBe(5);
    expect(rejects[1]!.file).toBe('orders_report.xlsx');
    expect(rejects[1]!.raw).toBe('WPO00182560,2024-01-17,Gamma GmbH,NIAM,1,Bad quantity,ten,10,Open');
  });

  it('reads real dates, text dates, serials, numbers as text, currency, formulas and rich text', async () => {
    const { lines } = await read(path.join(WPR_FIXTURES, 'orders_report.xlsx'));
    const byKey = new Map(lines.map((line) => [line.line_key, line]));
    expect(byKey.get('WPO00182554-1')).toEqual({
      line_key: 'WPO00182554-1',
      order_id: 'WPO00182554',
      line_item: '1',
      product: 'FlowOne',
      fields: {
        order_date: '2024-01-15',
        customer: 'Acme Corp',
        description: 'Controller licence',
        quantity: 2,
        unit_price: 1250,
        status: 'Open',
        requested_delivery: '2024-02-01',
      },
      source: { file: 'orders_report.xlsx', sheet: 'WP_Overall_Order_Report', row: 5 },
    });
    expect(byKey.get('WPO00182554-2')!.fields).toMatchObject({ description: 'Rush install', quantity: 3, unit_price: 2000, requested_delivery: '2024-02-15' });
    expect(byKey.get('WPO00182556-1')!.fields).toMatchObject({ order_date: '2024-01-16', customer: 'Beta LLC', unit_price: 333.33, status: 'SHIPPED', requested_delivery: '2024-03-01' });
    expect(byKey.get('WPO00182556-2')!.fields).toMatchObject({ order_date: '2024-01-16', quantity: 1200, unit_price: 15.5, requested_delivery: '2024-03-01' });
    expect(byKey.get('WPO00182561-10')!.fields).toMatchObject({ quantity: 100, unit_price: 12 });
    expect(byKey.get('WPO00182562-1')!.fields).toEqual({
      order_date: null,
      customer: null,
      description: null,
      quantity: null,
      unit_price: null,
      status: null,
      requested_delivery: null,
    });
  });

  it('reads the hidden sheet when it is named', async () => {
    const { report, lines } = await read(path.join(WPR_FIXTURES, 'orders_report.xlsx'), { sheet: 'Archive' });
    expect(report.sheet).toBe('Archive');
    expect(lines.map((line) => line.line_key)).toEqual(['WPO00170001-1', 'WPO00170001-2']);
  });
});

describe('WprOrderReport on the same report saved with real values and as text', () => {
  it('reads identical lines from real dates and numbers as from text dates and numbers stored as text', async () => {
    const plain = await read(path.join(WPR_FIXTURES, 'orders_plain.xlsx'));
    const text = await read(path.join(WPR_FIXTURES, 'orders_text.xlsx'));
    expect(plain.rejects).toEqual([]);
    expect(text.rejects).toEqual([]);
    expect(plain.lines).toHaveLength(10);
    const strip = (lines: WprLine[]) => lines.map(({ source: _source, ...line }) => line);
    expect(strip(text.lines)).toEqual(strip(plain.lines));
    expect(plain.lines[3]!.fields).toMatchObject({ order_date: '2024-01-16', quantity: 4, unit_price: 2999.99, requested_delivery: '2024-03-01' });
    expect(plain.lines[7]!.fields.requested_delivery).toBeNull();
  });
});

describe('WprOrderReport headers and cells made by exceljs', () => {
  it('matches header aliases regardless of case and spacing', async () => {
    const file = path.join(tmp.dir, 'aliases.xlsx');
    await writeWorkbook(file, [{ name: 'WP_Overall_Order_Report', rows: [['  order #', 'PRODUCT NAME', 'line  no', 'QTY'], ['A1', 'NIAM', 1, '2']] }]);
    const { lines } = await read(file);
    expect(lines[0]).toMatchObject({ line_key: 'A1-1', product: 'NIAM', fields: { quantity: 2, customer: null } });
  });

  it('names a missing required column and the headers it found', async () => {
    const file = path.join(tmp.dir, 'missing.xlsx');
    await writeWorkbook(file, [{ name: 'WP_Overall_Order_Report', rows: [['Report'], ['Order ID', 'Customer', 'Product', 'Quantity']] }]);
    const error = await readError(file);
    expect(error.message).toMatch(/^missing\.xlsx sheet 'WP_Overall_Order_Report' row 2 has no column for 'line_item' \(Line Item \/ Line \/ Line # \/ Line No\)\. Headers found: 'Order ID', 'Customer', 'Product', 'Quantity'\.$/);
    expect(error.action).toMatch(/config\/wpr_columns\.json/);
  });

  it('says when no header row appears in the first 30 rows', async () => {
    const file = path.join(tmp.dir, 'late.xlsx');
    const rows: unknown[][] = Array.from({ length: 31 }, (_, i) => [`note ${i + 1}`]);
    rows.push(WPR_HEADER, ['A', '2024-01-01', 'C', 'P', 1]);
    await writeWorkbook(file, [{ name: 'WP_Overall_Order_Report', rows }]);
    const error = await readError(file);
    expect(error.message).toBe("late.xlsx sheet 'WP_Overall_Order_Report': no header row found in the first 30 rows (looked for 'Order ID', 'Product', 'Line Item').");
  });

  it('rejects rows whose cells hold errors or formulas saved without a value, naming the column', async () => {
    const file = path.join(tmp.dir, 'formulas.xlsx');
    await writeWorkbook(file, [
      {
        name: 'WP_Overall_Order_Report',
        rows: [WPR_HEADER, ['A', null, 'C', 'P', 1, 'ok', { formula: '1+1', result: 2 }], ['A', null, 'C', 'P', 2, 'no value', { formula: 'B9*2' }], ['A', null, 'C', 'P', 3, { error: '#N/A' }]],
      },
    ]);
    const { lines, rejects } = await read(file);
    expect(lines.map((line) => [line.line_key, line.fields.quantity])).toEqual([['A-1', 2]]);
    expect(rejects.map((reject) => [reject.row, reject.reason])).toEqual([
      [3, 'Quantity: a formula saved without its calculated value (open the workbook in Excel, recalculate and save it)'],
      [4, 'Description: the cell holds the error #N/A'],
    ]);
  });

  it('reads serial dates of the 1904 system', async () => {
    const file = path.join(tmp.dir, 'mac.xlsx');
    await writeWorkbook(file, [{ name: 'WP_Overall_Order_Report', rows: [WPR_HEADER, ['A', 43844, 'C', 'P', 1]] }], { date1904: true });
    const { lines } = await read(file);
    expect(lines[0]!.fields.order_date).toBe('2024-01-15');
  });

  it('stops with CancelledError when its signal is aborted', async () => {
    const file = path.join(tmp.dir, 'many.xlsx');
    const rows: unknown[][] = [WPR_HEADER];
    for (let i = 1; i <= 3000; i++) rows.push(['A', null, `Customer ${i}`, 'P', i, `Description of line ${i}`]);
    await writeWorkbook(file, [{ name: 'WP_Overall_Order_Report', rows }]);
    const controller = new AbortController();
    const report = new WprOrderReport({ file, columns, onReject: () => undefined, signal: controller.signal });
    let seen = 0;
    const run = async () => {
      for await (const _line of report.lines()) if (++seen === 5) controller.abort();
    };
    await expect(run()).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toBeLessThan(3000);
  });
});
