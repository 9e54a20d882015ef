import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, sha256 } from '../../../src/engine/canonical-hash.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }], c: { z: null, y: 'x' } })).toBe('{"a":[{"c":2,"d":1}],"b":1,"c":{"y":"x","z":null}}');
  });

  it('keeps array order', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ skus: ['A', 'B'] })).not.toBe(canonicalJson({ skus: ['B', 'A'] }));
  });

  it('drops undefined members, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('serialises dates as ISO strings', () => {
    expect(canonicalJson({ at: new Date('2024-01-15T00:00:00Z') })).toBe('{"at":"2024-01-15T00:00:00.000Z"}');
  });

  it('leaves out the named volatile fields at the top level only', () => {
    expect(canonicalJson({ a: 1, generated_at: 'now', nested: { generated_at: 'kept' } }, ['generated_at'])).toBe('{"a":1,"nested":{"generated_at":"kept"}}');
  });

  it('serialises scalars like JSON.stringify', () => {
    expect(canonicalJson('text')).toBe('"text"');
    expect(canonicalJson(42)).toBe('42');
    expect(canonicalJson(null)).toBe('null');
  });
});

describe('sha256', () => {
  it('is the standard SHA-256 in hex', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('contentHash', () => {
  const project = { ppak_job_number: 'J-100', name: 'Lobby', material_skus: ['A', 'B'], contract_amount: 1200.5 };

  it('is the same whatever the key order', () => {
    const reordered = { contract_amount: 1200.5, material_skus: ['A', 'B'], name: 'Lobby', ppak_job_number: 'J-100' };
    expect(contentHash(reordered)).toBe(contentHash(project));
  });

  it('ignores the volatile fields it is given (timestamps, back-references, lock versions)', () => {
    const withVolatile = { ...project, generated_at: '2024-01-01T00:00:00Z', source: { file: 'p.csv', line: 7 }, innergy_id: 'X-1', _links: { self: '/x' }, lockVersion: 3 };
    const volatile = ['generated_at', 'source', 'innergy_id', '_links', 'lockVersion'];
    expect(contentHash(withVolatile, volatile)).toBe(contentHash(project, volatile));
  });

  it('changes when a meaningful field changes', () => {
    expect(contentHash({ ...project, name: 'Lobby 2' })).not.toBe(contentHash(project));
    expect(contentHash({ ...project, contract_amount: 1200.51 })).not.toBe(contentHash(project));
  });

  it('excludes no field by default', () => {
    expect(contentHash({ ...project, name: 'other' }, ['name'])).toBe(contentHash(project, ['name']));
    expect(contentHash({ ...project, source: 'x' }, [])).not.toBe(contentHash(project, []));
  });

  it('is 64 hex characters', () => {
    expect(contentHash(project)).toMatch(/^[0-9a-f]{64}$/);
  });
});
