import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256 } from '../../../src/engine/canonical-hash.js';
import { compareLines, lineContentHash, lineSortKey, orderContentHash, type WprLine } from '../../../src/stores/batch-store.js';
import { makeLines } from '../../integration/stores/batch-store-contract.js';

describe('lineContentHash', () => {
  it('is the SHA-256 of the canonical JSON of the line without its source', () => {
    const lines: WprLine[] = [
      ...makeLines(30),
      { line_key: 'A "1"-x', order_id: 'A "1"', line_item: 'x', product: 'Ünïcode \u2028', fields: { z: 1e21, a: -0.5, m: null, e: '' }, source: { file: 'f', sheet: 's', row: 1 } },
    ];
    for (const line of lines) {
      const { line_key, order_id, line_item, product, fields } = line;
      expect(lineContentHash(line)).toBe(sha256(canonicalJson({ line_key, order_id, line_item, product, fields })));
    }
  });

  it('ignores where the line came from', () => {
    const [line] = makeLines(1);
    const moved: WprLine = { ...line!, source: { file: 'other.xlsx', sheet: 'x', row: 99 } };
    expect(lineContentHash(moved)).toBe(lineContentHash(line!));
  });
});

describe('line order', () => {
  it('sorts whole-number line items by value, then other items as text', () => {
    const byKey = (x: string, y: string) => (lineSortKey(x) < lineSortKey(y) ? -1 : lineSortKey(x) > lineSortKey(y) ? 1 : 0);
    expect(['10', '2', 'A', '1', '2a'].sort(byKey)).toEqual(['1', '2', '10', '2a', 'A']);
    const a = { order_id: 'O1', line_item: '2' };
    const b = { order_id: 'O1', line_item: '10' };
    expect(compareLines(a, b)).toBeLessThan(0);
    expect(compareLines({ order_id: 'O0', line_item: '99' }, a)).toBeLessThan(0);
  });
});

describe('orderContentHash', () => {
  it('does not depend on the order of the lines or their sources', () => {
    const lines = makeLines(3);
    const moved = [...lines].reverse().map((line, i) => ({ ...line, source: { ...line.source, row: 100 + i } }));
    expect(orderContentHash(moved)).toBe(orderContentHash(lines));
    expect(orderContentHash([{ ...lines[0]!, fields: { ...lines[0]!.fields, status: 'Shipped' } }, lines[1]!, lines[2]!])).not.toBe(orderContentHash(lines));
  });
});
