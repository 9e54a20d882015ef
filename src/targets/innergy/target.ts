/**
 * Apply targets over the INNERGY client: how a material or project is created, updated and
 * looked up by its external key (ExternalIdentifier, falling back to Sku / Number for records
 * made by hand in INNERGY). Lookups are one paged read of the whole list.
 */
import type { ApplyTarget } from '../../engine/apply.js';
import type { Ledger } from '../../engine/ledger/ledger.js';
import type { InnergyClient } from './client.js';
import type { InnergyMaterial, InnergyProject, MaterialPayload, ProjectPayload } from './fields.js';

/** Groups records by external key: ExternalIdentifier first, else the natural key. */
export function indexByExternalKey<T extends { ExternalIdentifier?: string | null }>(records: readonly T[], naturalKey: (record: T) => string | null | undefined): Map<string, T[]> {
  const index = new Map<string, T[]>();
  const add = (key: string | null | undefined, record: T) => {
    if (!key) return;
    const list = index.get(key);
    if (list) list.push(record);
    else index.set(key, [record]);
  };
  for (const record of records) add(record.ExternalIdentifier || naturalKey(record), record);
  return index;
}

export function materialTarget(client: InnergyClient): ApplyTarget<MaterialPayload> {
  return {
    system: 'innergy',
    kind: 'material',
    create: async (payload, signal) => (await client.createMaterial(payload, signal)).Id,
    update: async (id, payload, signal) => {
      await client.updateMaterial(id, payload, signal);
    },
    lookup: async (keys, signal) => firstIds(indexByExternalKey<InnergyMaterial>(await client.listMaterials(signal), (m) => m.Sku), keys),
  };
}

export function projectTarget(client: InnergyClient): ApplyTarget<ProjectPayload> {
  return {
    system: 'innergy',
    kind: 'project',
    create: async (payload, signal) => (await client.createProject(payload, signal)).Id,
    update: async (id, payload, signal) => {
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

/** INNERGY ids of the projects the ledger knows (job number → id), for the ETL to carry over. */
export function knownProjectIds(ledger: Ledger): Map<string, string> {
  return new Map([...ledger.identities.all('innergy', 'project')].map(([key, identity]) => [key, identity.target_id]));
}
