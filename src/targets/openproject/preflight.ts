/**
 * Preflight: before anything is written (and in every dry run), each project the data maps to is
 * resolved on the instance — the project itself, the key's permission to add work packages, the
 * Epic and story types, every custom field we write (by name from the schema, overrides winning),
 * every required custom field we would leave empty, and every list value's custom option. All
 * problems are gathered and reported as ONE operator error that names each, so the seed's
 * "Custom field can't be blank" on every record cannot happen: the run stops before the first write.
 */
import { ConfigError } from '../../engine/errors.js';
import { throwIfCancelled } from '../../engine/errors.js';
import { typeNameFor, type OpenProjectOverrides } from '../../config/op-overrides.js';
import type { OpType } from './api.js';
import type { OpenProjectClient } from './client.js';
import { encodeValue, normalizeName, resolveFields, type FieldValue, type ResolvedField } from './fields.js';

/** The two kinds of work package the WPR runbook writes. */
export type WorkPackageRole = 'epic' | 'story';

/** What one role needs in one project: the fields it writes and the list values it will send. */
export interface RoleNeeds {
  fields: readonly string[];
  /** Field name → distinct values the data holds for it (checked against list options). */
  values: ReadonlyMap<string, ReadonlySet<FieldValue>>;
}

/** What the data needs from one project. */
export interface ProjectNeeds {
  /** Products mapped to the project (for messages). */
  products: readonly string[];
  epic: RoleNeeds;
  story: RoleNeeds;
}

/** A role resolved in a project: its type and its fields. */
export interface RoleSetup {
  type: OpType;
  fields: Map<string, ResolvedField>;
}

/** A project resolved on the instance. */
export interface ProjectSetup {
  identifier: string;
  id: number;
  name: string;
  epic: RoleSetup;
  story: RoleSetup;
}

/** One thing that stops the apply. */
export interface PreflightProblem {
  kind: 'project' | 'permission' | 'type' | 'field' | 'required' | 'option';
  project: string;
  message: string;
}

/** ONE error naming every problem found by the preflight; nothing was written. */
export class PreflightError extends ConfigError {
  readonly problems: PreflightProblem[];

  constructor(problems: PreflightProblem[]) {
    const lines = problems.map((problem) => `- ${problem.message}`);
    super(`OpenProject is not ready for this apply; nothing was written. ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`, {
      action: 'Fix each problem listed (in OpenProject, in product_project_registry.json, op_types.json, op_field_id_overrides.json or op_custom_option_overrides.json), then run the dry run again.',
      details: { problems },
    });
    this.name = 'PreflightError';
    this.problems = problems;
  }
}

/** Options of {@link preflight}. */
export interface PreflightOptions {
  client: OpenProjectClient;
  overrides: Pick<OpenProjectOverrides, 'fieldIds' | 'options' | 'types'>;
  needs: ReadonlyMap<string, ProjectNeeds>;
  signal?: AbortSignal;
  /**
   * `write` (default): the run creates work packages — the key must be allowed to add them and no
   * required custom field may be left unfilled. `cleanup`: it only re-parents and deletes.
   */
  purpose?: 'write' | 'cleanup';
}

const ROLE_LABEL: Record<WorkPackageRole, string> = { epic: 'orders (epics)', story: 'order lines (stories)' };

/** Resolves every project; throws a PreflightError listing all problems, else returns the setups. */
export async function preflight(options: PreflightOptions): Promise<Map<string, ProjectSetup>> {
  const { setups, problems } = await inspectProjects(options);
  if (problems.length > 0) throw new PreflightError(problems);
  return setups;
}

/** Resolves every project and gathers the problems (for the connection check, which reports them as findings). */
export async function inspectProjects(options: PreflightOptions): Promise<{ setups: Map<string, ProjectSetup>; problems: PreflightProblem[] }> {
  const setups = new Map<string, ProjectSetup>();
  const problems: PreflightProblem[] = [];
  for (const [identifier, needs] of [...options.needs].sort(([a], [b]) => a.localeCompare(b))) {
    throwIfCancelled(options.signal);
    const setup = await inspectProject(options, identifier, needs, problems);
    if (setup) setups.set(identifier, setup);
  }
  return { setups, problems: dedupe(problems) };
}

async function inspectProject(options: PreflightOptions, identifier: string, needs: ProjectNeeds, problems: PreflightProblem[]): Promise<ProjectSetup | undefined> {
  const { client, overrides, signal } = options;
  const products = needs.products.length ? ` (products: ${needs.products.slice(0, 5).join(', ')}${needs.products.length > 5 ? ', …' : ''})` : '';
  const project = await client.project(identifier, signal);
  if (!project) {
    problems.push({ kind: 'project', project: identifier, message: `project "${identifier}"${products} does not exist in OpenProject, or the API key's user is not a member of it: create it, add the user, or fix its identifier in product_project_registry.json` });
    return undefined;
  }
  const writing = (options.purpose ?? 'write') === 'write';
  if (writing && !project._links?.createWorkPackageImmediately) {
    problems.push({ kind: 'permission', project: identifier, message: `the API key's user may not add work packages in project "${identifier}": give its role the "Add work packages" permission there` });
  }
  const types = await client.projectTypes(project.id, signal);
  const roles: Partial<Record<WorkPackageRole, RoleSetup>> = {};
  for (const role of ['epic', 'story'] as const) {
    const name = typeNameFor(overrides.types, identifier, role);
    const type = types.find((candidate) => normalizeName(candidate.name) === normalizeName(name));
    if (!type) {
      const enabled = types.map((candidate) => `"${candidate.name}"`).join(', ') || 'none';
      problems.push({ kind: 'type', project: identifier, message: `type "${name}" for ${ROLE_LABEL[role]} is not enabled in project "${identifier}" (enabled: ${enabled}): enable it in the project's settings, or name the type in op_types.json` });
      continue;
    }
    const where = `${type.name} in project "${identifier}"`;
    const schema = await client.schema(project.id, type.id, signal);
    if (!schema) {
      problems.push({ kind: 'type', project: identifier, message: `OpenProject has no work package schema for ${where}: check that the API key's user may view work packages there` });
      continue;
    }
    const resolution = resolveFields(schema, needs[role].fields, overrides.fieldIds, where);
    for (const message of resolution.problems) problems.push({ kind: 'field', project: identifier, message });
    for (const field of writing ? resolution.unfilledRequired : []) {
      problems.push({ kind: 'required', project: identifier, message: `custom field "${field.name}" (${field.property}) is required for ${where}, but no WPR column fills it, so every create would fail with "${field.name} can't be blank": make it optional or give it a default in OpenProject, or map a column to it (op_field in wpr_columns.json)` });
    }
    checkOptions(resolution.fields, needs[role].values, overrides.options, where, identifier, problems);
    roles[role] = { type, fields: resolution.fields };
  }
  if (!roles.epic || !roles.story) return undefined;
  return { identifier, id: project.id, name: project.name, epic: roles.epic, story: roles.story };
}

function checkOptions(fields: Map<string, ResolvedField>, values: RoleNeeds['values'], overrides: Record<string, Record<string, number>>, where: string, project: string, problems: PreflightProblem[]): void {
  for (const [name, field] of fields) {
    if (field.type !== 'CustomOption' && field.type !== '[]CustomOption') continue;
    const missing = [...(values.get(name) ?? [])].filter((value) => {
      const encoded = encodeValue(field, value, overrides);
      return 'error' in encoded;
    });
    if (missing.length === 0) continue;
    const options = [...field.options.values()].map((option) => `"${option}"`).join(', ') || 'none';
    const list = missing.map((value) => `"${value}"`).join(', ');
    problems.push({
      kind: 'option',
      project,
      message: `list field "${field.name}" (${field.property}) for ${where} has no option for ${list} (options: ${options}): add the option in OpenProject, or map the value in op_custom_option_overrides.json`,
    });
  }
}

function dedupe(problems: PreflightProblem[]): PreflightProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => !seen.has(problem.message) && Boolean(seen.add(problem.message)));
}
