/**
 * Reading a work package write (POST or PATCH body) the way OpenProject does: properties and
 * `_links` of fields the schema knows are applied, unknown ones ignored; every violated
 * constraint is collected (422, one `PropertyConstraintViolation` or `MultipleErrors`):
 * blank subject, a type not enabled in the project, a parent that does not exist ("Parent does not
 * exist."), a required custom field left blank ("<Name> can't be blank."), a value of the wrong
 * type, a list value that is not an option ("<Name> is not set to one of the allowed values.").
 */
import {
  activeFields,
  descendantsOf,
  type FakeCustomField,
  type FakeOpenProjectState,
  type FakeProject,
  type FakeWorkPackage,
  type Violation,
} from './openproject-model.js';

/** The outcome of reading a write. */
export type WriteReading = { ok: true; changes: Partial<FakeWorkPackage> & { custom: Record<number, unknown> } } | { ok: false; violations: Violation[] };

type Body = Record<string, unknown> & { _links?: Record<string, unknown> };

function hrefId(value: unknown, namespace: string): number | null | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const href = (value as { href?: unknown }).href;
  if (href === null) return null;
  if (typeof href !== 'string') return undefined;
  const match = new RegExp(`^/api/v3/${namespace}/(\\d+)$`).exec(href);
  return match ? Number(match[1]) : Number.NaN;
}

function readCustomValue(field: FakeCustomField, body: Body, violations: Violation[]): { present: boolean; value: unknown } {
  const property = `customField${field.id}`;
  const attribute = property;
  if (field.format === 'list') {
    const raw = body._links?.[property];
    if (raw === undefined) return { present: false, value: undefined };
    const links = Array.isArray(raw) ? raw : [raw];
    const ids: number[] = [];
    for (const item of links) {
      const id = hrefId(item, 'custom_options');
      if (id === null) continue;
      if (id === undefined || Number.isNaN(id) || !field.options.some((option) => option.id === id)) {
        violations.push({ attribute, message: `${field.name} is not set to one of the allowed values.` });
        return { present: true, value: undefined };
      }
      ids.push(id);
    }
    return { present: true, value: field.multi ? ids : (ids[0] ?? null) };
  }
  if (!(property in body)) return { present: false, value: undefined };
  const raw = body[property];
  if (raw === null || raw === '') return { present: true, value: null };
  const wrong = () => {
    violations.push({ attribute, message: `${field.name} is invalid.` });
    return { present: true, value: undefined };
  };
  switch (field.format) {
    case 'int':
      return typeof raw === 'number' && Number.isInteger(raw) ? { present: true, value: raw } : wrong();
    case 'float':
      return typeof raw === 'number' && Number.isFinite(raw) ? { present: true, value: raw } : wrong();
    case 'date':
      return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? { present: true, value: raw } : wrong();
    case 'bool':
      return typeof raw === 'boolean' ? { present: true, value: raw } : wrong();
    case 'text': {
      const text = raw && typeof raw === 'object' ? (raw as { raw?: unknown }).raw : raw;
      return typeof text === 'string' ? { present: true, value: text } : wrong();
    }
    default:
      return typeof raw === 'string' ? { present: true, value: raw } : wrong();
  }
}

/**
 * Reads a create (`existing` undefined) or an update of `existing` in `project`. For a create
 * every required custom field must end up filled; for an update only the ones sent are checked
 * (OpenProject validates required custom fields on PATCH only when they are provided).
 */
export function readWrite(state: FakeOpenProjectState, project: FakeProject, body: Body, existing: FakeWorkPackage | undefined): WriteReading {
  const violations: Violation[] = [];
  const changes: Partial<FakeWorkPackage> & { custom: Record<number, unknown> } = { custom: {} };
  if ('subject' in body || !existing) {
    const subject = body.subject;
    if (typeof subject !== 'string' || subject.trim() === '') violations.push({ attribute: 'subject', message: "Subject can't be blank." });
    else if (subject.length > 255) violations.push({ attribute: 'subject', message: 'Subject is too long (maximum is 255 characters).' });
    else changes.subject = subject;
  }
  if ('description' in body) {
    const description = body.description;
    const raw = description && typeof description === 'object' ? (description as { raw?: unknown }).raw : description;
    changes.description = typeof raw === 'string' ? raw : '';
  }
  const typeId = hrefId(body._links?.type, 'types');
  let effectiveType = existing?.typeId ?? project.types[0]!;
  if (typeId !== undefined) {
    if (typeId === null || Number.isNaN(typeId) || !project.types.includes(typeId)) violations.push({ attribute: 'type', message: 'Type is not set to one of the allowed values.' });
    else effectiveType = changes.typeId = typeId;
  }
  const parentId = hrefId(body._links?.parent, 'work_packages');
  if (parentId !== undefined) {
    if (parentId === null) changes.parentId = null;
    else if (Number.isNaN(parentId) || !state.workPackages.has(parentId)) violations.push({ attribute: 'parent', message: 'Parent does not exist.' });
    else if (existing && (parentId === existing.id || descendantsOf(state, existing.id).includes(parentId))) {
      violations.push({ attribute: 'parent', message: 'Parent cannot be the work package itself or one of its descendants.' });
    } else changes.parentId = parentId;
  }
  for (const field of activeFields(state, project, effectiveType)) {
    const { present, value } = readCustomValue(field, body, violations);
    if (present && value !== undefined) changes.custom[field.id] = value;
    const final = present ? value : existing ? existing.custom[field.id] : field.defaultValue;
    const blank = final === undefined || final === null || final === '' || (Array.isArray(final) && final.length === 0);
    const checked = present ? value !== undefined : !existing;
    if (field.required && checked && blank) violations.push({ attribute: `customField${field.id}`, message: `${field.name} can't be blank.` });
    if (!existing && !present && field.defaultValue !== null && field.defaultValue !== undefined) changes.custom[field.id] = field.defaultValue;
  }
  return violations.length ? { ok: false, violations } : { ok: true, changes };
}
