/**
 * INNERGY as Targets of the engine: how a material or project is created, updated and looked up
 * by its external key (ExternalIdentifier, falling back to Sku / Number for records made by hand in
 * INNERGY). Lookups are one paged read of the whole list; the identity scope is the API's origin.
 */
import { originScope, type Target } from '../../engine/target.js';
import type { InnergyClient } from './client.js';
import type { InnergyMaterial, InnergyProject, MaterialPayload, ProjectPayload } from './fields.js';

export const INNERGY_SYSTEM = 'innergy';

/** Groups records by external key: ExternalIdentifier first, else the natural key. */
export function indexByExternalKey<T extends { ExternalIdentifier?: string | null }>(records: readonly T[], naturalKey: (record: T) => string | null | undefined): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const record of records) {
    const key = record.ExternalIdentifier || naturalKey(record);
    if (!key) continue;
    const list = index.get(key);
    if (list) list.push(record);
    else index.set(key, [record]);
  }
  return index;
}

/** The materials of one INNERGY tenant. */
export function materialTarget(client: InnergyClient, baseUrl: string): Target<MaterialPayload> {
  return {
    system: INNERGY_SYSTEM,
    kind: 'material',
    scope: originScope(baseUrl),
    check: (signal) => client.check(signal),
    create: async (payload, { signal }) => (await client.createMaterial(payload, signal)).Id,
    update: async (id, payload, { signal }) => {
      await client.updateMaterial(id, payload, signal);
    },
    lookup: async (keys, signal) => firstIds(indexByExternalKey<InnergyMaterial>(await client.listMaterials(signal), (m) => m.Sku), keys),
  };
}

/** The projects of one INNERGY tenant. */
export function projectTarget(client: InnergyClient, baseUrl: string): Target<ProjectPayload> {
  return {
    system: INNERGY_SYSTEM,
    kind: 'project',
    scope: originScope(baseUrl),
    check: (signal) => client.check(signal),
    create: async (payload, { signal }) => (await client.createProject(payload, signal)).Id,
    update: async (id, payload, { signal }) => {
      await client.updateProject(id, payload, signal);
    },
    lookup: async (keys, signal) => firstIds(indexByExternalKey<InnergyProject>(await client.listProjects(signal), (p) => p.Number), keys),
  };
}

function firstIds<T extends { Id: string }>(index: Map<string, T[]>, keys: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  for (const key of keys) {
    const first = index.get(key)?.[0];
    if (first) found.set(key, first.Id);
  }
  return found;
}
