/**
 * Custom fields of a work package schema: discovered by name (case- and whitespace-insensitive),
 * `op_field_id_overrides.json` winning; list values resolved to custom options by name,
 * `op_custom_option_overrides.json` winning. Values are encoded for the wire by the field's schema
 * type and decoded back from a work package into the same comparable form, so "unchanged" means
 * "OpenProject already holds exactly this".
 */
import { customFieldProperty, idFromHref, isOptionType, linkOf, OP_PATHS, type OpSchema, type OpSchemaProperty, type OpWorkPackage } from './api.js';

/** A scalar value as the WPR data holds it. */
export type FieldValue = string | number | null;

/** A custom field of one schema (project × type). */
export interface SchemaField {
  /** `customFieldN`. */
  property: string;
  name: string;
  type: string;
  required: boolean;
  writable: boolean;
  hasDefault: boolean;
  /** Allowed custom options (list fields): option id → value. */
  options: Map<number, string>;
}

/** A field we write, resolved against a schema. */
export interface ResolvedField extends SchemaField {
  /** The name we asked for (from wpr_columns.json or a WPR key field). */
  wanted: string;
  /** How it was found. */
  source: 'schema' | 'override';
}

/** Schema types whose values we can write. */
const SUPPORTED_TYPES = new Set(['String', 'Formattable', 'Integer', 'Float', 'Date', 'Boolean', 'CustomOption', '[]CustomOption']);

/** A name as compared: lower case, no whitespace. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** Every custom field of a schema, by property (`customFieldN`). */
export function schemaCustomFields(schema: OpSchema): Map<string, SchemaField> {
  const fields = new Map<string, SchemaField>();
  for (const [property, raw] of Object.entries(schema)) {
    if (!/^customField\d+$/.test(property) || !raw || typeof raw !== 'object') continue;
    const definition = raw as OpSchemaProperty;
    const options = new Map<number, string>();
    for (const option of definition._embedded?.allowedValues ?? []) {
      if (typeof option.id === 'number' && typeof option.value === 'string') options.set(option.id, option.value);
    }
    const links = definition._links?.allowedValues;
    for (const link of Array.isArray(links) ? links : links ? [links] : []) {
      const id = idFromHref(link.href);
      if (id !== undefined && !options.has(id) && typeof link.title === 'string') options.set(id, link.title);
    }
    fields.set(property, {
      property,
      name: String(definition.name ?? property),
      type: String(definition.type ?? 'String'),
      required: definition.required === true,
      writable: definition.writable !== false,
      hasDefault: definition.hasDefault === true,
      options,
    });
  }
  return fields;
}

/** The outcome of resolving wanted field names against one schema. */
export interface FieldResolution {
  fields: Map<string, ResolvedField>;
  /** One sentence per field that cannot be used. */
  problems: string[];
  /** Required custom fields of the schema that nothing we write fills (every create would fail). */
  unfilledRequired: SchemaField[];
}

/** Resolves wanted field names against a schema; `where` names the schema in messages (`Epic in project flowone`). */
export function resolveFields(schema: OpSchema, wanted: readonly string[], overrides: Readonly<Record<string, string>>, where: string): FieldResolution {
  const available = schemaCustomFields(schema);
  const byName = new Map<string, SchemaField[]>();
  for (const field of available.values()) byName.set(normalizeName(field.name), [...(byName.get(normalizeName(field.name)) ?? []), field]);
  const overrideFor = (name: string) => Object.entries(overrides).find(([key]) => normalizeName(key) === normalizeName(name))?.[1];
  const fields = new Map<string, ResolvedField>();
  const problems: string[] = [];
  const names = [...available.values()].map((field) => `"${field.name}"`).join(', ') || 'none';
  for (const name of wanted) {
    const override = overrideFor(name);
    if (override) {
      const field = available.get(override);
      if (field) fields.set(name, { ...field, wanted: name, source: 'override' });
      else problems.push(`custom field "${name}" is mapped to ${override} in op_field_id_overrides.json, but ${override} is not active for ${where} (activate it for the type and the project, or fix the override)`);
      continue;
    }
    const matches = byName.get(normalizeName(name)) ?? [];
    if (matches.length === 1) fields.set(name, { ...matches[0]!, wanted: name, source: 'schema' });
    else if (matches.length > 1) {
      problems.push(`custom field name "${name}" is ambiguous for ${where} (${matches.map((field) => field.property).join(', ')}): name the right one in op_field_id_overrides.json`);
    } else {
      problems.push(`custom field "${name}" is not active for ${where} (custom fields there: ${names}): create it or activate it for the type and the project, or map it in op_field_id_overrides.json`);
    }
  }
  for (const field of fields.values()) {
    if (!SUPPORTED_TYPES.has(field.type)) problems.push(`custom field "${field.name}" (${field.property}) has type ${field.type} for ${where}, which WPR values cannot fill: use a text, number, date or list field`);
    else if (!field.writable) problems.push(`custom field "${field.name}" (${field.property}) is read-only for ${where}`);
  }
  const filled = new Set([...fields.values()].map((field) => field.property));
  const unfilledRequired = [...available.values()].filter((field) => field.required && !field.hasDefault && !filled.has(field.property));
  return { fields, problems, unfilledRequired };
}

/** The option id of a value of a list field: the override first, then the option of that name (case-insensitive). */
export function resolveOption(field: Pick<ResolvedField, 'options' | 'name' | 'wanted'>, value: string, overrides: Readonly<Record<string, Record<string, number>>>): number | undefined {
  const table = Object.entries(overrides).find(([name]) => [field.name, field.wanted].some((candidate) => normalizeName(candidate) === normalizeName(name)))?.[1];
  if (table) {
    const hit = Object.entries(table).find(([key]) => key.trim().toLowerCase() === value.trim().toLowerCase());
    if (hit) return hit[1];
  }
  for (const [id, option] of field.options) if (option === value) return id;
  for (const [id, option] of field.options) if (option.trim().toLowerCase() === value.trim().toLowerCase()) return id;
  return undefined;
}

/** A value ready for the wire: a property, a link (or links), or why it cannot be sent. */
export type EncodedValue = { property: unknown } | { link: { href: string | null } | Array<{ href: string }> } | { error: string };

/** Encodes one value for a field by its schema type. */
export function encodeValue(field: ResolvedField, value: FieldValue, optionOverrides: Readonly<Record<string, Record<string, number>>>): EncodedValue {
  const blank = value === null || (typeof value === 'string' && value.trim() === '');
  if (isOptionType(field.type)) {
    if (blank) return { link: field.type === '[]CustomOption' ? [] : { href: null } };
    const id = resolveOption(field, String(value), optionOverrides);
    if (id === undefined) return { error: `value "${value}" is not an option of "${field.name}"` };
    const href = OP_PATHS.customOption(id);
    return { link: field.type === '[]CustomOption' ? [{ href }] : { href } };
  }
  if (blank) return { property: null };
  switch (field.type) {
    case 'Formattable':
      return { property: { format: 'markdown', raw: String(value) } };
    case 'Integer': {
      const number = Number(value);
      return Number.isInteger(number) ? { property: number } : { error: `"${value}" is not a whole number for "${field.name}"` };
    }
    case 'Float': {
      const number = Number(value);
      return Number.isFinite(number) ? { property: number } : { error: `"${value}" is not a number for "${field.name}"` };
    }
    case 'Date':
      return /^\d{4}-\d{2}-\d{2}$/.test(String(value)) ? { property: String(value) } : { error: `"${value}" is not a date (YYYY-MM-DD) for "${field.name}"` };
    case 'Boolean': {
      const text = String(value).trim().toLowerCase();
      if (['true', 'yes', 'y', '1'].includes(text)) return { property: true };
      if (['false', 'no', 'n', '0'].includes(text)) return { property: false };
      return { error: `"${value}" is not yes/no for "${field.name}"` };
    }
    default:
      return { property: String(value) };
  }
}

/**
 * A field's value as comparable JSON: what `encodeValue` sends and what a work package holds
 * decode to the same thing (option ids for lists, numbers for numbers, raw text for text).
 */
export function comparableEncoded(encoded: EncodedValue): unknown {
  if ('error' in encoded) return { error: encoded.error };
  if ('link' in encoded) {
    const links = Array.isArray(encoded.link) ? encoded.link : encoded.link.href ? [encoded.link] : [];
    const ids = links.map((link) => idFromHref(link.href)).filter((id): id is number => id !== undefined);
    return ids.length ? ids.sort((a, b) => a - b) : null;
  }
  const value = encoded.property;
  if (value && typeof value === 'object' && 'raw' in value) return normalizeText((value as { raw?: unknown }).raw);
  return typeof value === 'string' ? normalizeText(value) : (value ?? null);
}

/** The comparable value a work package holds for a field. */
export function comparableHeld(field: Pick<ResolvedField, 'property' | 'type'>, workPackage: OpWorkPackage): unknown {
  if (isOptionType(field.type)) {
    const raw = workPackage._links?.[field.property];
    return comparableEncoded({ link: Array.isArray(raw) ? raw.map((link) => ({ href: link.href ?? '' })) : { href: linkOf(workPackage, field.property)?.href ?? null } });
  }
  const value = workPackage[field.property];
  if (value === undefined || value === null) return null;
  if (field.type === 'Date' && typeof value === 'string') return value.slice(0, 10);
  return comparableEncoded({ property: value });
}

/** Text compared without surrounding whitespace or line-ending differences; blank is null. */
export function normalizeText(text: unknown): string | null {
  if (text === undefined || text === null) return null;
  const normalized = String(text).replace(/\r\n?/g, '\n').trim();
  return normalized === '' ? null : normalized;
}

/** The property name of a custom field id, re-exported for callers that build bodies. */
export { customFieldProperty };
