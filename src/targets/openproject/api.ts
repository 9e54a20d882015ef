/**
 * OpenProject API v3 as this product uses it — every path, filter and HAL shape in ONE place, so a
 * difference found on a live instance is a one-file change (see ../shared/api/README.md):
 * - basic auth user `apikey`, password the API key; base URL without `/api/v3`;
 * - collections `{_type: "Collection", total, count, pageSize, offset, _embedded: {elements}}`,
 *   `offset` a 1-based page number, `pageSize` up to the server's maximum (1000 by default);
 * - `filters` a JSON array ANDed; without a `filters` parameter only OPEN work packages are listed,
 *   so every list we send carries an explicit array (closed work packages count as existing);
 * - custom fields are `customFieldN`: scalar values are properties, list values are
 *   `_links.customFieldN: {href: "/api/v3/custom_options/ID"}`;
 * - errors `{_type: "Error", errorIdentifier: "urn:openproject-org:api:v3:errors:<Name>", message}`.
 */

/** Paths of every route the client calls. Project references may be the numeric id or the identifier. */
export const OP_PATHS = {
  root: '/api/v3',
  me: '/api/v3/users/me',
  project: (ref: string | number) => `/api/v3/projects/${encodeURIComponent(String(ref))}`,
  projectTypes: (projectId: number) => `/api/v3/projects/${projectId}/types`,
  projectWorkPackages: (projectId: number) => `/api/v3/projects/${projectId}/work_packages`,
  workPackages: '/api/v3/work_packages',
  workPackage: (id: string | number) => `/api/v3/work_packages/${encodeURIComponent(String(id))}`,
  schema: (projectId: number, typeId: number) => `/api/v3/work_packages/schemas/${projectId}-${typeId}`,
  customOption: (id: string | number) => `/api/v3/custom_options/${id}`,
  type: (id: string | number) => `/api/v3/types/${id}`,
} as const;

/** Largest page OpenProject serves by default (`apiv3_max_page_size`); we always ask for it. */
export const MAX_PAGE_SIZE = 1000;

/** Prefix of every error identifier. */
export const ERROR_URN_PREFIX = 'urn:openproject-org:api:v3:errors:';

/** A HAL link. */
export interface HalLink {
  href: string | null;
  title?: string;
  method?: string;
}

/** A collection answer. */
export interface OpCollection<T> {
  _type?: string;
  total?: number;
  count?: number;
  pageSize?: number;
  offset?: number;
  _embedded?: { elements?: T[] };
}

/** A project (`GET /api/v3/projects/{id}`); `createWorkPackageImmediately` is there only with "add work packages". */
export interface OpProject {
  _type?: string;
  id: number;
  identifier: string;
  name: string;
  active?: boolean;
  _links?: Record<string, HalLink | HalLink[] | undefined>;
}

/** A work package type. */
export interface OpType {
  id: number;
  name: string;
}

/** A custom option (a value of a list custom field). */
export interface OpCustomOption {
  id: number;
  value: string;
}

/** One property of a work package schema (`customFieldN`, `subject`, `parent`…). */
export interface OpSchemaProperty {
  /** `String`, `Formattable`, `Integer`, `Float`, `Date`, `Boolean`, `CustomOption`, `[]CustomOption`, `User`, `Version`… */
  type: string;
  name: string;
  required?: boolean;
  hasDefault?: boolean;
  writable?: boolean;
  location?: string;
  _links?: { allowedValues?: HalLink[] | HalLink };
  _embedded?: { allowedValues?: Array<Partial<OpCustomOption>> };
}

/** A work package schema (`GET /api/v3/work_packages/schemas/{project}-{type}`). */
export type OpSchema = { _type?: string } & Record<string, unknown>;

/** A work package as read back: scalar custom fields as properties, list ones as links. */
export interface OpWorkPackage {
  id: number;
  lockVersion: number;
  subject: string;
  description?: { format?: string; raw?: string | null; html?: string } | null;
  _links: Record<string, HalLink | HalLink[] | undefined>;
  [property: string]: unknown;
}

/** One filter of a `filters` parameter, e.g. `{type: {operator: "=", values: ["3"]}}`. */
export type OpFilter = Record<string, { operator: string; values: string[] | null }>;

/** The `filters` query parameter: always an explicit JSON array (an empty one lists closed work packages too). */
export function filtersParam(filters: readonly OpFilter[]): string {
  return JSON.stringify(filters);
}

/** An equality filter over one or more values (ORed). */
export function equals(property: string, values: readonly (string | number)[]): OpFilter {
  return { [property]: { operator: '=', values: values.map(String) } };
}

/** The trailing numeric id of an API href (`/api/v3/work_packages/12` → 12), or undefined. */
export function idFromHref(href: string | null | undefined): number | undefined {
  if (!href) return undefined;
  const match = /\/(\d+)\/?$/.exec(href);
  return match ? Number(match[1]) : undefined;
}

/** The link of a work package property (`parent`, `type`, `customField7`), first one for multi-links. */
export function linkOf(workPackage: Pick<OpWorkPackage, '_links'>, name: string): HalLink | undefined {
  const link = workPackage._links?.[name];
  return Array.isArray(link) ? link[0] : link;
}

/** The property name of a custom field id: 7 → `customField7`. */
export function customFieldProperty(id: number): string {
  return `customField${id}`;
}

/** Schema types whose values are links to custom options. */
export function isOptionType(type: string): boolean {
  return type === 'CustomOption' || type === '[]CustomOption';
}
