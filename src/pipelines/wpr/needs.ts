/**
 * What a set of planned orders needs from OpenProject, gathered for the preflight: per project,
 * the products mapped to it, the custom fields each role writes, and the distinct text values of
 * each field (so every list value is checked against the field's options before any write).
 * Also the routes of the keys (project and order of every epic and story key) for bulk lookups.
 */
import type { KeyRoute, ProjectNeeds } from '../../targets/openproject/index.js';
import type { FieldValue } from '../../targets/openproject/fields.js';
import type { PlannedOrder, RoleFields } from './plan-bundle.js';

/** Distinct values kept per field (more are not needed to find missing options in practice). */
export const MAX_DISTINCT_VALUES = 5000;

interface MutableNeeds {
  products: Set<string>;
  epic: Map<string, Set<FieldValue>>;
  story: Map<string, Set<FieldValue>>;
}

/** Collects needs and routes while planned orders go by. */
export class NeedsCollector {
  private readonly projects = new Map<string, MutableNeeds>();
  /** Key → project and order, for every epic and story added. */
  readonly routes = new Map<string, KeyRoute>();

  constructor(private readonly fields: RoleFields) {}

  /** Records what one planned order needs. */
  add(order: PlannedOrder): void {
    let needs = this.projects.get(order.project);
    if (!needs) {
      needs = { products: new Set(), epic: new Map(), story: new Map() };
      this.projects.set(order.project, needs);
    }
    needs.products.add(order.product);
    const route = { project: order.project, orderId: order.orderId };
    this.routes.set(order.epic.key, route);
    collect(needs.epic, order.epic.payload.fields);
    for (const story of order.stories) {
      this.routes.set(story.key, route);
      collect(needs.story, story.payload.fields);
    }
  }

  /** Adds a project that must be resolved even with no order (e.g. cleanup of a registered project). */
  addProject(project: string): void {
    if (!this.projects.has(project)) this.projects.set(project, { products: new Set(), epic: new Map(), story: new Map() });
  }

  /** The needs per project, for the preflight. */
  needs(): Map<string, ProjectNeeds> {
    const out = new Map<string, ProjectNeeds>();
    for (const [project, needs] of this.projects) {
      out.set(project, {
        products: [...needs.products].sort(),
        epic: { fields: this.fields.epic.map((field) => field.name), values: needs.epic },
        story: { fields: this.fields.story.map((field) => field.name), values: needs.story },
      });
    }
    return out;
  }
}

function collect(target: Map<string, Set<FieldValue>>, fields: Readonly<Record<string, FieldValue>>): void {
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string' || value.trim() === '') continue;
    let set = target.get(name);
    if (!set) target.set(name, (set = new Set()));
    if (set.size < MAX_DISTINCT_VALUES) set.add(value);
  }
}
