import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/engine/errors.js';
import { buildAliasIndex, matchHeader, normalizeHeaderName } from '../../../../src/sources/csv/index.js';
import { SPEC } from './helpers.js';

describe('normalizeHeaderName', () => {
  it('ignores case, a BOM, surrounding spaces and runs of spaces or underscores', () => {
    expect(normalizeHeaderName('\uFEFF  Job__Number ')).toBe('job number');
    expect(normalizeHeaderName('JOB   NUMBER')).toBe('job number');
    expect(normalizeHeaderName('job_ _number_')).toBe('job number');
    expect(normalizeHeaderName('Job #')).toBe('job #');
  });
});

describe('matchHeader', () => {
  it('maps headers to canonical fields through aliases and the field name itself', () => {
    const header = matchHeader(['\uFEFFid #', ' FULL_NAME ', 'amount'], SPEC, { label: 'people.csv' });
    expect(header.columnOf).toEqual({ id: 0, name: 1, amount: 2 });
    expect(header.unknown).toEqual([]);
    expect(header.absent).toEqual([]);
  });

  it('lists unknown columns and absent optional fields without failing', () => {
    const header = matchHeader(['ID', 'Notes', ''], SPEC, { label: 'people.csv' });
    expect(header.columnOf).toEqual({ id: 0 });
    expect(header.unknown).toEqual(['Notes']);
    expect(header.absent).toEqual(['name', 'amount']);
  });

  it('names the file, the missing column and the headers found when a required column is missing', () => {
    let error: unknown;
    try {
      matchHeader(['Name', 'Amount'], SPEC, { label: 'people.csv', aliasSource: 'config/x.json' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as ValidationError).message;
    expect(message).toContain('people.csv');
    expect(message).toContain("'id'");
    expect(message).toContain("'Name', 'Amount'");
    expect((error as ValidationError).action).toContain('config/x.json');
  });

  it('refuses two columns that mean the same field', () => {
    expect(() => matchHeader(['ID', 'Id #'], SPEC, { label: 'people.csv' })).toThrow(/both mean 'id'/);
  });
});

describe('buildAliasIndex', () => {
  it('rejects an alias declared for two fields', () => {
    expect(() => buildAliasIndex({ aliases: { a: ['Code'], b: ['code'] }, required: [] })).toThrow(/both 'a' and 'b'/);
  });
});
