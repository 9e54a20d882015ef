import { describe, expect, it } from 'vitest';
import { DuplicateIndex, hash64 } from '../../../src/transform/duplicate-index.js';

describe('DuplicateIndex', () => {
  it('tells new records, exact duplicates and conflicting ones apart', () => {
    const index = new DuplicateIndex();
    expect(index.check('J-1', 111, 2)).toBe('new');
    expect(index.check('J-2', 222, 3)).toBe('new');
    expect(index.check('J-1', 111, 4)).toBe('duplicate');
    expect(index.firstLine).toBe(2);
    expect(index.check('J-2', 999, 5)).toBe('conflict');
    expect(index.firstLine).toBe(3);
    expect(index.size).toBe(2);
  });

  it('keeps every key while it grows', () => {
    const index = new DuplicateIndex(16);
    for (let i = 0; i < 50_000; i++) expect(index.check(`J-${i}`, i, i + 2)).toBe('new');
    for (let i = 0; i < 50_000; i += 997) {
      expect(index.check(`J-${i}`, i, 0)).toBe('duplicate');
      expect(index.firstLine).toBe(i + 2);
    }
    expect(index.size).toBe(50_000);
  });
});

describe('hash64', () => {
  it('separates values, so shifting text between them changes the hash', () => {
    expect(hash64(['ab', 'c'])).not.toEqual(hash64(['a', 'bc']));
    expect(hash64(['ab', 'c'])).toEqual(hash64(['ab', 'c']));
  });
});
