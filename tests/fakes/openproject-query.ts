/**
 * Work package list queries of the fake OpenProject: `filters` (a JSON array ANDed; without the
 * parameter only OPEN work packages are listed, as OpenProject does), `sortBy`, and offset paging
 * (`offset` a 1-based page number, `pageSize` capped at the server maximum).
 */
import type { FakeOpenProjectState, FakeWorkPackage } from './openproject-model.js';

/** A failed query: a 400 with OpenProject's `InvalidQuery` message. */
export class InvalidQuery extends Error {}

type Filter = { name: string; operator: string; values: string[] | null };

function parseFilters(raw: string | null): Filter[] {
  if (raw === null) return [{ name: 'status', operator: 'o', values: null }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidQuery('Filters is not a valid JSON array.');
  }
  if (!Array.isArray(parsed)) throw new InvalidQuery('Filters is not a valid JSON array.');
  return parsed.map((entry: unknown) => {
    if (!entry || typeof entry !== 'object' || Object.keys(entry).length !== 1) throw new InvalidQuery('Each filter is an object with one property.');
    const [name, spec] = Object.entries(entry as Record<string, { operator?: unknown; values?: unknown }>)[0]!;
    if (!spec || typeof spec.operator !== 'string') throw new InvalidQuery(`Filter ${name} has no operator.`);
    const values = spec.values === null || spec.values === undefined ? null : Array.isArray(spec.values) ? spec.values.map(String) : null;
    return { name: name.replace(/_id$/, ''), operator: spec.operator, values };
  });
}

function matchList(operator: string, actual: Array<string | null>, values: string[] | null, filter: string): boolean {
  const present = actual.filter((value): value is string => value !== null && value !== '');
  switch (operator) {
    case '=':
      return present.some((value) => (values ?? []).includes(value));
    case '!':
      return !present.some((value) => (values ?? []).includes(value));
    case '~':
      return present.some((value) => (values ?? []).some((wanted) => value.toLowerCase().includes(wanted.toLowerCase())));
    case '!~':
      return !present.some((value) => (values ?? []).some((wanted) => value.toLowerCase().includes(wanted.toLowerCase())));
    case '*':
      return present.length > 0;
    case '!*':
      return present.length === 0;
    default:
      throw new InvalidQuery(`The operator ${operator} is not supported by the filter ${filter}.`);
  }
}

function predicate(state: FakeOpenProjectState, filter: Filter): (wp: FakeWorkPackage) => boolean {
  const { name, operator, values } = filter;
  const closed = (wp: FakeWorkPackage) => state.statuses.find((s) => s.id === wp.statusId)?.isClosed === true;
  if (name === 'status' && (operator === 'o' || operator === 'c')) return (wp) => closed(wp) === (operator === 'c');
  const simple: Record<string, (wp: FakeWorkPackage) => string | null> = {
    id: (wp) => String(wp.id),
    project: (wp) => String(wp.projectId),
    type: (wp) => String(wp.typeId),
    status: (wp) => String(wp.statusId),
    parent: (wp) => (wp.parentId === null ? null : String(wp.parentId)),
    subject: (wp) => wp.subject,
  };
  const getter = simple[name];
  if (getter) return (wp) => matchList(operator, [getter(wp)], values, name);
  const custom = /^customField(\d+)$/.exec(name);
  const field = custom ? state.customFields.find((f) => f.id === Number(custom[1])) : undefined;
  if (!field) throw new InvalidQuery(`Filter ${name} does not exist.`);
  return (wp) => {
    const value = wp.custom[field.id];
    const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    return matchList(operator, list.map((item) => (item === null ? null : String(item))), values, name);
  };
}

/** The answer of a list query, or throws InvalidQuery. */
export function queryWorkPackages(
  state: FakeOpenProjectState,
  query: URLSearchParams,
  options: { projectId?: number; maxPageSize: number; defaultPageSize: number },
): { total: number; count: number; pageSize: number; offset: number; elements: FakeWorkPackage[] } {
  const filters = parseFilters(query.get('filters'));
  const predicates = filters.map((filter) => predicate(state, filter));
  let rows = [...state.workPackages.values()].filter((wp) => (options.projectId === undefined || wp.projectId === options.projectId) && predicates.every((p) => p(wp)));
  const sort = query.get('sortBy');
  let descending = false;
  if (sort !== null) {
    try {
      const parsed = JSON.parse(sort) as unknown;
      descending = Array.isArray(parsed) && Array.isArray(parsed[0]) && parsed[0][0] === 'id' && parsed[0][1] === 'desc';
    } catch {
      throw new InvalidQuery('sortBy is not a valid JSON array.');
    }
  }
  rows = rows.sort((a, b) => (descending ? b.id - a.id : a.id - b.id));
  const offset = query.has('offset') ? Number(query.get('offset')) : 1;
  const requested = query.has('pageSize') ? Number(query.get('pageSize')) : options.defaultPageSize;
  if (!Number.isInteger(offset) || offset < 1) throw new InvalidQuery('offset must be an integer greater than 0.');
  if (!Number.isInteger(requested) || requested < 0) throw new InvalidQuery('pageSize must be a positive integer.');
  const pageSize = Math.min(requested, options.maxPageSize);
  const elements = rows.slice((offset - 1) * pageSize, offset * pageSize);
  return { total: rows.length, count: elements.length, pageSize, offset, elements };
}
