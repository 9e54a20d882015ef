/** Custom field values: encoded by schema type, decoded back to the same comparable form; error bodies read. */
import { describe, expect, it } from 'vitest';
import { comparableEncoded, comparableHeld, encodeValue, resolveOption, schemaCustomFields, violationsOf, type ResolvedField } from '../../../src/targets/openproject/index.js';

const field = (type: string, extra: Partial<ResolvedField> = {}): ResolvedField => ({
  property: 'customField7',
  name: 'WPR Status',
  wanted: 'WPR Status',
  type,
  required: false,
  writable: true,
  hasDefault: false,
  options: new Map([
    [3, 'Open'],
    [4, 'Shipped'],
  ]),
  source: 'schema',
  ...extra,
});

describe('custom field values', () => {
  it('encodes each schema type, and blank values as null', () => {
    expect(encodeValue(field('String'), 12, {})).toEqual({ property: '12' });
    expect(encodeValue(field('Float'), '12.5', {})).toEqual({ property: 12.5 });
    expect(encodeValue(field('Integer'), 3, {})).toEqual({ property: 3 });
    expect(encodeValue(field('Integer'), 3.5, {})).toEqual({ error: '"3.5" is not a whole number for "WPR Status"' });
    expect(encodeValue(field('Date'), '2024-01-31', {})).toEqual({ property: '2024-01-31' });
    expect(encodeValue(field('Formattable'), 'text', {})).toEqual({ property: { format: 'markdown', raw: 'text' } });
    expect(encodeValue(field('Boolean'), 'Yes', {})).toEqual({ property: true });
    expect(encodeValue(field('String'), '  ', {})).toEqual({ property: null });
    expect(encodeValue(field('CustomOption'), null, {})).toEqual({ link: { href: null } });
  });

  it('resolves list values by option name (exact, then case-insensitive), the override winning', () => {
    expect(encodeValue(field('CustomOption'), 'shipped', {})).toEqual({ link: { href: '/api/v3/custom_options/4' } });
    expect(encodeValue(field('[]CustomOption'), 'Open', {})).toEqual({ link: [{ href: '/api/v3/custom_options/3' }] });
    expect(resolveOption(field('CustomOption'), 'Open', { 'wpr status': { open: 4 } })).toBe(4);
    expect(encodeValue(field('CustomOption'), 'Hold', {})).toEqual({ error: 'value "Hold" is not an option of "WPR Status"' });
  });

  it('decodes what OpenProject holds to the same comparable value it was sent as', () => {
    const wp = { id: 1, lockVersion: 0, subject: 's', customField7: 12.5, _links: { customField8: { href: '/api/v3/custom_options/4', title: 'Shipped' } } };
    expect(comparableHeld(field('Float'), wp)).toEqual(comparableEncoded(encodeValue(field('Float'), '12.5', {})));
    const list = field('CustomOption', { property: 'customField8' });
    expect(comparableHeld(list, wp)).toEqual(comparableEncoded(encodeValue(list, 'Shipped', {})));
    expect(comparableHeld(field('Date'), { ...wp, customField7: '2024-01-31T00:00:00Z' })).toBe('2024-01-31');
  });

  it('reads custom fields and their options from a schema (embedded or linked)', () => {
    const fields = schemaCustomFields({
      subject: { type: 'String', name: 'Subject' },
      customField2: { type: 'CustomOption', name: 'WPR Status', required: true, _links: { allowedValues: [{ href: '/api/v3/custom_options/9', title: 'Open' }] } },
      customField3: { type: 'String', name: 'WPR Order ID', writable: true },
    });
    expect([...fields.keys()]).toEqual(['customField2', 'customField3']);
    expect(fields.get('customField2')).toMatchObject({ name: 'WPR Status', required: true, options: new Map([[9, 'Open']]) });
  });
});

describe('OpenProject error bodies', () => {
  it('flattens MultipleErrors and keeps each attribute', () => {
    const body = {
      _type: 'Error',
      errorIdentifier: 'urn:openproject-org:api:v3:errors:MultipleErrors',
      message: 'Multiple field constraints have been violated.',
      _embedded: { errors: [{ message: "Subject can't be blank.", _embedded: { details: { attribute: 'subject' } } }, { message: 'Parent does not exist.' }] },
    };
    expect(violationsOf(body)).toEqual([{ message: "Subject can't be blank.", attribute: 'subject' }, { message: 'Parent does not exist.' }]);
  });

  it('still finds the messages in a body cut short by the HTTP layer', () => {
    const cut = '{"_type":"Error","errorIdentifier":"urn:openproject-org:api:v3:errors:MultipleErrors","message":"Multiple field constraints have been violated.","_embedded":{"errors":[{"message":"WPR Product can\'t be blank."},{"message":"Parent does not';
    expect(violationsOf(cut)).toEqual([{ message: "WPR Product can't be blank." }]);
  });
});
