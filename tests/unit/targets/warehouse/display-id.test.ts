import { describe, expect, it } from 'vitest';
import { accDisplayId, displayId } from '../../../../src/targets/warehouse/display-id.js';

describe('display ids', () => {
  it('shows a mapped ACC issue by its number', () => {
    expect(displayId({ system: 'ACC', number: 924, uuid: '66c8a7aa-0b1c-4d2e-8f90-123456789abc' })).toBe('ACC-924');
    expect(accDisplayId('924', '66c8a7aa-0b1c-4d2e-8f90-123456789abc')).toBe('ACC-924');
  });

  it('shows an unmapped ACC issue by the first 8 hex digits of its UUID in upper case', () => {
    expect(displayId({ system: 'ACC', number: null, uuid: '66c8a7aa-0b1c-4d2e-8f90-123456789abc' })).toBe('ACC-66C8A7AA');
    expect(displayId({ system: 'ACC', uuid: '{66C8A7AA-0B1C-4D2E-8F90-123456789ABC}' })).toBe('ACC-66C8A7AA');
    expect(displayId({ system: 'ACC', number: '  ', uuid: '66c8a7aa0b1c4d2e8f90123456789abc' })).toBe('ACC-66C8A7AA');
  });

  it('shows a Revizto issue as REV-<id>', () => {
    expect(displayId({ system: 'Revizto', id: 12345 })).toBe('REV-12345');
    expect(displayId({ system: 'Revizto', id: ' 12345 ' })).toBe('REV-12345');
  });

  it('refuses an ACC id that is not a UUID (a bug upstream, not a display id)', () => {
    expect(() => displayId({ system: 'ACC', uuid: 'abc' })).toThrow(/Not a UUID/);
  });
});
