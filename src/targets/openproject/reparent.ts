/**
 * The re-parenting Target of the duplicate cleanup: moves a work package under another parent
 * (PATCH `_links.parent` with its lockVersion; a 409 is resolved by one refetch and retry). It never
 * creates anything. Used before a duplicate is deleted, because OpenProject deletes a work package
 * together with all its descendants.
 */
import { originScope, type Target } from '../../engine/target.js';
import { OP_PATHS } from './api.js';
import { checkConnection } from './check.js';
import type { OpenProjectClient } from './client.js';

/** Where to move a work package. */
export interface ReparentPayload {
  /** The new parent's id. */
  parentId: string;
  /** The lockVersion read with the plan. */
  lockVersion?: number | undefined;
}

/** The Target that moves work packages under a new parent (kind `reparent`). */
export function reparentTarget(client: OpenProjectClient, projects: readonly string[]): Target<ReparentPayload> {
  return {
    system: 'openproject',
    kind: 'reparent',
    scope: originScope(client.baseUrl),
    check: (signal) => checkConnection(client, projects, signal),
    lookup: async () => new Map(),
    create: async () => {
      throw new Error('The re-parenting target moves work packages; it never creates one');
    },
    async update(targetId, payload, { signal }) {
      const body = { _links: { parent: { href: OP_PATHS.workPackage(payload.parentId) } } };
      await client.updateWorkPackage(targetId, body, payload.lockVersion, { operation: 'update', what: 'work package', id: targetId }, signal);
    },
  };
}
