/**
 * Control routes of the fake OpenProject under `/__fake/openproject/` (no auth, no latency, no
 * faults, not logged): what an operator does "by hand" in OpenProject, for tests in another process.
 *
 * | route | what |
 * |---|---|
 * | `POST work-packages` | adds a work package (`FakeWorkPackageSeed`), no validation |
 * | `PATCH work-packages/:id` | edits by hand: `{subject?, description?, parentId?, status?, fields?}` (lockVersion + 1) |
 * | `DELETE work-packages/:id` | deletes by hand, with its descendants → `{deleted: [ids]}` |
 * | `POST custom-fields` | adds a custom field (`FakeCustomFieldSeed`) |
 * | `DELETE custom-fields/:id` | removes a custom field |
 * | `PATCH projects/:identifier` | `{canAdd?, visible?, types?: [names]}` |
 */
import { deleteCascade, renderWorkPackage, type FakeOpenProjectState } from './openproject-model.js';
import { addCustomField, addWorkPackage, customValuesByName, type FakeCustomFieldSeed, type FakeWorkPackageSeed } from './openproject-seed.js';
import { json, type FakeResponse } from './types.js';

const PREFIX = '/__fake/openproject/';

/** Answers a control route, or undefined when it is not one of ours. */
export function openProjectControl(state: FakeOpenProjectState, method: string, path: string, body: unknown): FakeResponse | undefined {
  if (!path.startsWith(PREFIX)) return undefined;
  const [resource, id] = path.slice(PREFIX.length).split('/');
  const input = (body ?? {}) as Record<string, unknown>;
  try {
    switch (`${method} ${resource}${id === undefined ? '' : '/:id'}`) {
      case 'POST work-packages':
        return json(201, renderWorkPackage(state, addWorkPackage(state, input as unknown as FakeWorkPackageSeed)));
      case 'PATCH work-packages/:id': {
        const wp = state.workPackages.get(Number(id));
        if (!wp) return json(404, { error: `no work package ${id}` });
        if (typeof input.subject === 'string') wp.subject = input.subject;
        if (typeof input.description === 'string') wp.description = input.description;
        if (input.parentId === null || typeof input.parentId === 'number') wp.parentId = input.parentId;
        if (typeof input.status === 'string') {
          const status = state.statuses.find((s) => s.name === input.status);
          if (!status) return json(400, { error: `unknown status ${input.status}` });
          wp.statusId = status.id;
        }
        if (input.fields && typeof input.fields === 'object') Object.assign(wp.custom, customValuesByName(state, input.fields as Record<string, unknown>));
        wp.lockVersion += 1;
        wp.updatedAt = new Date().toISOString();
        return json(200, renderWorkPackage(state, wp));
      }
      case 'DELETE work-packages/:id':
        if (!state.workPackages.has(Number(id))) return json(404, { error: `no work package ${id}` });
        return json(200, { deleted: deleteCascade(state, Number(id)) });
      case 'POST custom-fields':
        return json(201, addCustomField(state, input as unknown as FakeCustomFieldSeed));
      case 'DELETE custom-fields/:id': {
        const index = state.customFields.findIndex((field) => field.id === Number(id));
        if (index < 0) return json(404, { error: `no custom field ${id}` });
        state.customFields.splice(index, 1);
        return json(200, { deleted: Number(id) });
      }
      case 'PATCH projects/:id': {
        const project = state.projects.find((p) => p.identifier === id);
        if (!project) return json(404, { error: `no project ${id}` });
        if (typeof input.canAdd === 'boolean') project.canAdd = input.canAdd;
        if (typeof input.visible === 'boolean') project.visible = input.visible;
        if (Array.isArray(input.types)) {
          project.types = input.types.map((name) => {
            const type = state.types.find((t) => t.name === name);
            if (!type) throw new Error(`unknown type ${String(name)}`);
            return type.id;
          });
        }
        return json(200, project);
      }
      default:
        return undefined;
    }
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : String(error) });
  }
}
