/**
 * Seeding the fake OpenProject: default types and statuses, and builders that turn readable seeds
 * (names instead of ids) into records. Also the readable snapshot `GET /__fake/state` answers.
 */
import type {
  CustomFieldFormat,
  FakeCustomField,
  FakeOpenProjectState,
  FakeProject,
  FakeStatus,
  FakeType,
  FakeWorkPackage,
} from './openproject-model.js';

/** A custom field to seed; types and projects by name (absent = active everywhere). */
export interface FakeCustomFieldSeed {
  id?: number;
  name: string;
  /** @default 'string' */
  format?: CustomFieldFormat;
  required?: boolean;
  multi?: boolean;
  defaultValue?: unknown;
  /** Option values (ids assigned) or options with ids. */
  options?: Array<string | { id: number; value: string }>;
  /** Type names the field is active for; absent or null = every type. */
  types?: string[] | null;
  /** Project identifiers the field is active in; absent or null = every project. */
  projects?: string[] | null;
}

/** A project to seed. */
export interface FakeProjectSeed {
  id?: number;
  identifier: string;
  name?: string;
  /** Type names enabled; absent = every type. */
  types?: string[];
  /** The key's user may add work packages. @default true */
  canAdd?: boolean;
  /** The key's user may see the project. @default true */
  visible?: boolean;
}

/** A work package to seed (or to add "by hand" through the control routes). */
export interface FakeWorkPackageSeed {
  id?: number;
  project: string;
  type: string;
  subject: string;
  description?: string;
  parentId?: number | null;
  /** Status name. @default the first status */
  status?: string;
  lockVersion?: number;
  /** Custom field name → value (list fields: option value or values). */
  fields?: Record<string, unknown>;
}

export const DEFAULT_TYPES: FakeType[] = [
  { id: 1, name: 'Task' },
  { id: 2, name: 'Milestone' },
  { id: 3, name: 'Phase' },
  { id: 4, name: 'Feature' },
  { id: 5, name: 'Epic' },
  { id: 6, name: 'User story' },
  { id: 7, name: 'Bug' },
];

export const DEFAULT_STATUSES: FakeStatus[] = [
  { id: 1, name: 'New', isClosed: false },
  { id: 7, name: 'In progress', isClosed: false },
  { id: 12, name: 'Closed', isClosed: true },
];

function typeIdsOf(state: FakeOpenProjectState, names: string[] | null | undefined): number[] | null {
  if (names === null || names === undefined) return null;
  return names.map((name) => {
    const type = state.types.find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (!type) throw new Error(`fake OpenProject: unknown type "${name}"`);
    return type.id;
  });
}

/** Adds a custom field from a seed. */
export function addCustomField(state: FakeOpenProjectState, seed: FakeCustomFieldSeed): FakeCustomField {
  const id = seed.id ?? ++state.nextIds.customField;
  state.nextIds.customField = Math.max(state.nextIds.customField, id);
  const options = (seed.options ?? []).map((option) => {
    if (typeof option !== 'string') {
      state.nextIds.option = Math.max(state.nextIds.option, option.id);
      return option;
    }
    return { id: ++state.nextIds.option, value: option };
  });
  const field: FakeCustomField = {
    id,
    name: seed.name,
    format: seed.format ?? 'string',
    required: seed.required ?? false,
    multi: seed.multi ?? false,
    defaultValue: seed.defaultValue ?? null,
    options,
    types: typeIdsOf(state, seed.types),
    projects: seed.projects ?? null,
  };
  state.customFields.push(field);
  return field;
}

/** Adds a project from a seed. */
export function addProject(state: FakeOpenProjectState, seed: FakeProjectSeed): FakeProject {
  const id = seed.id ?? ++state.nextIds.project;
  state.nextIds.project = Math.max(state.nextIds.project, id);
  const project: FakeProject = {
    id,
    identifier: seed.identifier,
    name: seed.name ?? seed.identifier,
    types: typeIdsOf(state, seed.types) ?? state.types.map((t) => t.id),
    canAdd: seed.canAdd ?? true,
    visible: seed.visible ?? true,
  };
  state.projects.push(project);
  return project;
}

/** Custom values by field id from values by field name (list values by option value). */
export function customValuesByName(state: FakeOpenProjectState, fields: Record<string, unknown>): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const field = state.customFields.find((f) => f.name === name);
    if (!field) throw new Error(`fake OpenProject: unknown custom field "${name}"`);
    if (field.format !== 'list' || value === null) {
      out[field.id] = value;
      continue;
    }
    const ids = (Array.isArray(value) ? value : [value]).map((item) => {
      const option = field.options.find((o) => o.value === item || o.id === item);
      if (!option) throw new Error(`fake OpenProject: "${String(item)}" is not an option of "${name}"`);
      return option.id;
    });
    out[field.id] = field.multi ? ids : ids[0];
  }
  return out;
}

/** Adds a work package from a seed, without validation (as if made by hand or by another tool). */
export function addWorkPackage(state: FakeOpenProjectState, seed: FakeWorkPackageSeed): FakeWorkPackage {
  const project = state.projects.find((p) => p.identifier === seed.project);
  if (!project) throw new Error(`fake OpenProject: unknown project "${seed.project}"`);
  const [typeId] = typeIdsOf(state, [seed.type])!;
  const status = seed.status ? state.statuses.find((s) => s.name === seed.status) : state.statuses[0];
  if (!status) throw new Error(`fake OpenProject: unknown status "${seed.status}"`);
  const id = seed.id ?? ++state.nextIds.workPackage;
  state.nextIds.workPackage = Math.max(state.nextIds.workPackage, id);
  const now = new Date().toISOString();
  const wp: FakeWorkPackage = {
    id,
    projectId: project.id,
    typeId: typeId!,
    statusId: status.id,
    subject: seed.subject,
    description: seed.description ?? '',
    parentId: seed.parentId ?? null,
    lockVersion: seed.lockVersion ?? 0,
    custom: customValuesByName(state, seed.fields ?? {}),
    createdAt: now,
    updatedAt: now,
  };
  state.workPackages.set(id, wp);
  return wp;
}

/** A work package in readable form (names instead of ids), as `GET /__fake/state` lists it. */
export interface ReadableWorkPackage {
  id: number;
  project: string;
  type: string;
  status: string;
  subject: string;
  description: string;
  parentId: number | null;
  lockVersion: number;
  fields: Record<string, unknown>;
}

/** The readable snapshot of the state. */
export function readableState(state: FakeOpenProjectState): { workPackages: ReadableWorkPackage[]; projects: FakeProject[]; customFields: FakeCustomField[]; notificationsSent: number } {
  const workPackages = [...state.workPackages.values()]
    .sort((a, b) => a.id - b.id)
    .map((wp) => {
      const fields: Record<string, unknown> = {};
      for (const [id, value] of Object.entries(wp.custom)) {
        const field = state.customFields.find((f) => f.id === Number(id));
        if (!field) continue;
        const toValue = (option: unknown) => field.options.find((o) => o.id === option)?.value ?? option;
        fields[field.name] = field.format === 'list' ? (Array.isArray(value) ? value.map(toValue) : value === null ? null : toValue(value)) : value;
      }
      return {
        id: wp.id,
        project: state.projects.find((p) => p.id === wp.projectId)?.identifier ?? String(wp.projectId),
        type: state.types.find((t) => t.id === wp.typeId)?.name ?? String(wp.typeId),
        status: state.statuses.find((s) => s.id === wp.statusId)?.name ?? String(wp.statusId),
        subject: wp.subject,
        description: wp.description,
        parentId: wp.parentId,
        lockVersion: wp.lockVersion,
        fields,
      };
    });
  return { workPackages, projects: state.projects, customFields: state.customFields, notificationsSent: state.notificationsSent };
}
