/**
 * Records and HAL rendering of the fake OpenProject API v3 (see `openproject.ts`), following the
 * OpenAPI excerpt in ../shared/api/ and OpenProject's representers:
 * - projects by numeric id or identifier; `_links.createWorkPackageImmediately` only with the
 *   "add work packages" permission;
 * - types per project; statuses (open and closed);
 * - custom fields are global (`customFieldN`), active per type and project; formats string, text,
 *   int, float, date, bool, list (options are custom options, `[]CustomOption` when multi);
 * - work packages render scalar custom fields as properties, list ones as `_links.customFieldN`;
 * - errors `{_type: "Error", errorIdentifier: "urn:openproject-org:api:v3:errors:<Name>", message}`,
 *   several at once as `MultipleErrors` with `_embedded.errors`.
 */

export const URN = 'urn:openproject-org:api:v3:errors:';

export type CustomFieldFormat = 'string' | 'text' | 'int' | 'float' | 'date' | 'bool' | 'list';

export interface FakeType {
  id: number;
  name: string;
}

export interface FakeStatus {
  id: number;
  name: string;
  isClosed: boolean;
}

export interface FakeCustomField {
  id: number;
  name: string;
  format: CustomFieldFormat;
  required: boolean;
  multi: boolean;
  defaultValue: unknown;
  options: Array<{ id: number; value: string }>;
  /** Type ids the field is active for; null = every type. */
  types: number[] | null;
  /** Project identifiers the field is active in; null = every project. */
  projects: string[] | null;
}

export interface FakeProject {
  id: number;
  identifier: string;
  name: string;
  /** Type ids enabled in the project. */
  types: number[];
  /** The key's user may add work packages. */
  canAdd: boolean;
  /** The key's user may see the project (else it answers 404, as OpenProject does). */
  visible: boolean;
}

export interface FakeWorkPackage {
  id: number;
  projectId: number;
  typeId: number;
  statusId: number;
  subject: string;
  description: string;
  parentId: number | null;
  lockVersion: number;
  /** Custom field id → value (list fields: option ids). */
  custom: Record<number, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** The whole state of a fake instance (live objects). */
export interface FakeOpenProjectState {
  types: FakeType[];
  statuses: FakeStatus[];
  customFields: FakeCustomField[];
  projects: FakeProject[];
  workPackages: Map<number, FakeWorkPackage>;
  /** Writes that asked for notifications (no `notify=false`). */
  notificationsSent: number;
  nextIds: { workPackage: number; customField: number; option: number; project: number };
}

/** One violated constraint. */
export interface Violation {
  attribute: string;
  message: string;
}

/** An OpenProject error body. */
export function opError(name: string, message: string, attribute?: string): Record<string, unknown> {
  return { _type: 'Error', errorIdentifier: `${URN}${name}`, message, ...(attribute ? { _embedded: { details: { attribute } } } : {}) };
}

/** The 422 body for one or several violations. */
export function violationBody(violations: Violation[]): Record<string, unknown> {
  if (violations.length === 1) return opError('PropertyConstraintViolation', violations[0]!.message, violations[0]!.attribute);
  return {
    _type: 'Error',
    errorIdentifier: `${URN}MultipleErrors`,
    message: 'Multiple field constraints have been violated.',
    _embedded: { errors: violations.map((v) => opError('PropertyConstraintViolation', v.message, v.attribute)) },
  };
}

export const SCHEMA_TYPE: Record<CustomFieldFormat, string> = {
  string: 'String',
  text: 'Formattable',
  int: 'Integer',
  float: 'Float',
  date: 'Date',
  bool: 'Boolean',
  list: 'CustomOption',
};

/** Whether a custom field is active for a project and type. */
export function isActive(field: FakeCustomField, project: FakeProject, typeId: number): boolean {
  return (field.types === null || field.types.includes(typeId)) && (field.projects === null || field.projects.includes(project.identifier));
}

/** The custom fields active for a project and type. */
export function activeFields(state: FakeOpenProjectState, project: FakeProject, typeId: number): FakeCustomField[] {
  return state.customFields.filter((field) => isActive(field, project, typeId));
}

/** A project by numeric id or identifier (visible ones only). */
export function findProject(state: FakeOpenProjectState, ref: string): FakeProject | undefined {
  const project = /^\d+$/.test(ref) ? state.projects.find((p) => p.id === Number(ref)) : state.projects.find((p) => p.identifier === ref);
  return project?.visible ? project : undefined;
}

const link = (href: string | null, title?: string) => (title === undefined ? { href } : { href, title });

/** A project as `GET /api/v3/projects/{id}` renders it. */
export function renderProject(project: FakeProject): Record<string, unknown> {
  const base = `/api/v3/projects/${project.id}`;
  return {
    _type: 'Project',
    id: project.id,
    identifier: project.identifier,
    name: project.name,
    active: true,
    public: false,
    _links: {
      self: link(base, project.name),
      ...(project.canAdd
        ? { createWorkPackage: { href: `${base}/work_packages/form`, method: 'post' }, createWorkPackageImmediately: { href: `${base}/work_packages`, method: 'post' } }
        : {}),
      workPackages: link(`${base}/work_packages`),
      types: link(`${base}/types`),
    },
  };
}

/** A type as rendered in collections. */
export function renderType(type: FakeType): Record<string, unknown> {
  return { _type: 'Type', id: type.id, name: type.name, isMilestone: false, _links: { self: link(`/api/v3/types/${type.id}`, type.name) } };
}

/** The work package schema of a project and type. */
export function renderSchema(state: FakeOpenProjectState, project: FakeProject, typeId: number): Record<string, unknown> {
  const schema: Record<string, unknown> = {
    _type: 'Schema',
    lockVersion: { type: 'Integer', name: 'Resource Version', required: true, hasDefault: false, writable: false },
    subject: { type: 'String', name: 'Subject', required: true, hasDefault: false, writable: true, minLength: 1, maxLength: 255 },
    description: { type: 'Formattable', name: 'Description', required: false, hasDefault: false, writable: true },
    parent: { type: 'WorkPackage', name: 'Parent', required: false, hasDefault: false, writable: true, location: '_links' },
    type: { type: 'Type', name: 'Type', required: true, hasDefault: false, writable: true, location: '_links' },
    status: { type: 'Status', name: 'Status', required: true, hasDefault: true, writable: true, location: '_links' },
    _links: { self: link(`/api/v3/work_packages/schemas/${project.id}-${typeId}`) },
  };
  for (const field of activeFields(state, project, typeId)) {
    const type = field.format === 'list' && field.multi ? '[]CustomOption' : SCHEMA_TYPE[field.format];
    const base = { type, name: field.name, required: field.required, hasDefault: field.defaultValue !== null && field.defaultValue !== undefined, writable: true };
    schema[`customField${field.id}`] =
      field.format === 'list'
        ? {
            ...base,
            location: '_links',
            _links: { allowedValues: field.options.map((option) => link(`/api/v3/custom_options/${option.id}`, option.value)) },
            _embedded: { allowedValues: field.options.map((option) => ({ _type: 'CustomOption', id: option.id, value: option.value })) },
          }
        : base;
  }
  return schema;
}

/** A work package as the API renders it. */
export function renderWorkPackage(state: FakeOpenProjectState, wp: FakeWorkPackage): Record<string, unknown> {
  const project = state.projects.find((p) => p.id === wp.projectId)!;
  const type = state.types.find((t) => t.id === wp.typeId);
  const status = state.statuses.find((s) => s.id === wp.statusId);
  const parent = wp.parentId === null ? undefined : state.workPackages.get(wp.parentId);
  const properties: Record<string, unknown> = {};
  const links: Record<string, unknown> = {};
  for (const field of activeFields(state, project, wp.typeId)) {
    const value = wp.custom[field.id] ?? null;
    const property = `customField${field.id}`;
    if (field.format === 'list') {
      const ids = (Array.isArray(value) ? value : value === null ? [] : [value]) as number[];
      const rendered = ids.map((id) => link(`/api/v3/custom_options/${id}`, field.options.find((o) => o.id === id)?.value ?? ''));
      links[property] = field.multi ? rendered : (rendered[0] ?? link(null));
    } else if (field.format === 'text') {
      properties[property] = { format: 'markdown', raw: value ?? '', html: `<p>${String(value ?? '')}</p>` };
    } else {
      properties[property] = value;
    }
  }
  return {
    _type: 'WorkPackage',
    id: wp.id,
    lockVersion: wp.lockVersion,
    subject: wp.subject,
    description: { format: 'markdown', raw: wp.description, html: wp.description ? `<p>${wp.description}</p>` : '' },
    createdAt: wp.createdAt,
    updatedAt: wp.updatedAt,
    ...properties,
    _links: {
      self: link(`/api/v3/work_packages/${wp.id}`, wp.subject),
      project: link(`/api/v3/projects/${project.id}`, project.name),
      type: link(`/api/v3/types/${wp.typeId}`, type?.name ?? ''),
      status: link(`/api/v3/statuses/${wp.statusId}`, status?.name ?? ''),
      parent: parent ? link(`/api/v3/work_packages/${parent.id}`, parent.subject) : link(null),
      ...links,
    },
  };
}

/** Ids of a work package's descendants (children, grandchildren…). */
export function descendantsOf(state: FakeOpenProjectState, id: number): number[] {
  const out: number[] = [];
  const queue = [id];
  while (queue.length) {
    const current = queue.shift()!;
    for (const wp of state.workPackages.values()) {
      if (wp.parentId === current) {
        out.push(wp.id);
        queue.push(wp.id);
      }
    }
  }
  return out;
}

/** Deletes a work package and all its descendants (as OpenProject does); returns the ids deleted. */
export function deleteCascade(state: FakeOpenProjectState, id: number): number[] {
  const ids = [id, ...descendantsOf(state, id)];
  for (const each of ids) state.workPackages.delete(each);
  return ids;
}
