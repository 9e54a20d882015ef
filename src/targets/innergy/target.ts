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

/** What differs between INNERGY record kinds: their routes and their natural key. */
interface KindOps<P, R extends { Id: string; ExternalIdentifier?: string | null }> {
  create(payload: P, signal: AbortSignal): Promise<R>;
  update(id: string, payload: P, signal: AbortSignal): Promise<unknown>;
  list(signal: AbortSignal): Promise<R[]>;
  /** The key of a record made by hand in INNERGY (no ExternalIdentifier). */
  naturalKey(record: R): string | null | undefined;
}

function innergyTarget<P, R extends { Id: string; ExternalIdentifier?: string | null }>(kind: string, client: InnergyClient, baseUrl: string, ops: KindOps<P, R>): Target<P> {
  return {
    system: INNERGY_SYSTEM,
    kind,
    scope: originScope(baseUrl),
    check: (signal) => client.check(signal),
    create: async (payload, { signal }) => (await ops.create(payload, signal)).Id,
    update: async (id, payload, { signal }) => {
      await ops.update(id, payload, signal);
    },
    lookup: async (keys, signal) => firstIds(indexByExternalKey(await ops.list(signal), ops.naturalKey), keys),
  };
}

/** The materials of one INNERGY tenant. */
export function materialTarget(client: InnergyClient, baseUrl: string): Target<MaterialPayload> {
  return innergyTarget<MaterialPayload, InnergyMaterial>('material', client, baseUrl, {
    create: (payload, signal) => client.createMaterial(payload, signal),
    update: (id, payload, signal) => client.updateMaterial(id, payload, signal),
    list: (signal) => client.listMaterials(signal),
    naturalKey: (material) => material.Sku,
  });
}

/** The projects of one INNERGY tenant. */
export function projectTarget(client: InnergyClient, baseUrl: string): Target<ProjectPayload> {
  return innergyTarget<ProjectPayload, InnergyProject>('project', client, baseUrl, {
    create: (payload, signal) => client.createProject(payload, signal),
    update: (id, payload, signal) => client.updateProject(id, payload, signal),
    list: (signal) => client.listProjects(signal),
    naturalKey: (project) => project.Number,
  });
}

function firstIds<T extends { Id: string }>(index: Map<string, T[]>, keys: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  for (const key of keys) {
    const first = index.get(key)?.[0];
    if (first) found.set(key, first.Id);
  }
  return found;
}
