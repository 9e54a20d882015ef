/**
 * The OpenProject Targets of the WPR runbook: one for epics (one per order and project, keyed
 * `<Order ID>@<project>`) and one for stories (one per order line, keyed by `WPR Line Key`,
 * always written with `_links.parent` = the epic's id that the engine hands over from the epic
 * phase). Lookups are bulk reads per project (see reader.ts); when a key is held by several work
 * packages (duplicates), the highest id wins — the one `wpr_cleanup_duplicates` keeps.
 *
 * Content comparison: `contentOf(payload, parentId)` and `heldContentOf(workPackage)` give the
 * same shape (subject, description, parent, custom field values as OpenProject stores them), so
 * an unchanged work package costs no write whatever the ledger says.
 */
import { canonicalJson, sha256 } from '../../engine/canonical-hash.js';
import { originScope, type Target, type TargetCheck, type WriteOptions } from '../../engine/target.js';
import type { OpenProjectOverrides } from '../../config/op-overrides.js';
import { idFromHref, linkOf, OP_PATHS, type OpWorkPackage } from './api.js';
import type { OpenProjectClient, WorkPackageBody } from './client.js';
import { checkConnection } from './check.js';
import { isGone, WorkPackageValueError, type WriteDescription } from './errors.js';
import { comparableEncoded, comparableHeld, encodeValue, normalizeText, type FieldValue } from './fields.js';
import type { ProjectSetup, WorkPackageRole } from './preflight.js';
import { readRole, WPR_KEY_FIELDS, type HeldWorkPackage } from './reader.js';

/** What the plan asks OpenProject to hold for one work package. */
export interface WorkPackagePayload {
  /** Project identifier (from the registry). */
  project: string;
  subject: string;
  /** Markdown. */
  description: string | null;
  /** Custom field name → value (every field of the role, null when empty). */
  fields: Readonly<Record<string, FieldValue>>;
  /** The lockVersion read with the plan; read again when absent or stale. */
  lockVersion?: number | undefined;
}

/** Payload fields that never mean a change (the lock version read with the plan). */
export const WORK_PACKAGE_VOLATILE_FIELDS: readonly string[] = ['lockVersion'];

/** Where a key lives: its project and order (for filtered lookups). */
export interface KeyRoute {
  project: string;
  orderId: string;
}

/** Options of {@link workPackageTarget}. */
export interface WorkPackageTargetOptions {
  client: OpenProjectClient;
  role: WorkPackageRole;
  /** Projects resolved by the preflight. */
  setups: ReadonlyMap<string, ProjectSetup>;
  overrides: Pick<OpenProjectOverrides, 'options'>;
  /** Project and order of a key; keys without a route are not looked up. */
  route: (key: string) => KeyRoute | undefined;
}

/** An OpenProject work package Target, with the reads a planner needs. */
export interface WorkPackageTarget extends Target<WorkPackagePayload> {
  readonly role: WorkPackageRole;
  /** Held work packages per key (highest id first) for these keys. */
  readState(keys: ReadonlySet<string>, signal: AbortSignal): Promise<Map<string, HeldWorkPackage[]>>;
  /** The key a held work package answers to (null when it carries no WPR key). */
  keyOf(held: HeldWorkPackage): string | null;
  /** Comparable content of what the plan wants. */
  contentOf(payload: WorkPackagePayload, parentId: string | null): unknown;
  /** Comparable content of what OpenProject holds. */
  heldContentOf(held: HeldWorkPackage): unknown;
  /** SHA-256 of comparable content. */
  hashOf(content: unknown): string;
  /** Why a payload cannot be sent (values that do not fit their fields); empty when it can. */
  problemsOf(payload: WorkPackagePayload): string[];
  /** What differs between the plan and what OpenProject holds: `subject`, `parent`, field names… ([] when equal). */
  differences(payload: WorkPackagePayload, parentId: string | null, held: HeldWorkPackage): string[];
}

type Content = { subject: unknown; description: unknown; parent?: unknown; fields: Record<string, unknown> };

/** The epic key of an order in a project. */
export function epicKey(orderId: string, project: string): string {
  return `${orderId}@${project}`;
}

/** Builds the epic or story Target over a client and the preflight's project setups. */
export function workPackageTarget(options: WorkPackageTargetOptions): WorkPackageTarget {
  const { client, role, setups, overrides, route } = options;
  const label = role === 'epic' ? 'Epic' : 'User story';

  const setupOf = (project: string): ProjectSetup => {
    const setup = setups.get(project);
    if (!setup) throw new Error(`OpenProject project ${project} was not resolved by the preflight`);
    return setup;
  };

  const encode = (payload: WorkPackagePayload) => {
    const setup = setupOf(payload.project);
    const properties: Record<string, unknown> = {};
    const links: Record<string, unknown> = {};
    const problems: string[] = [];
    const comparable: Record<string, unknown> = {};
    for (const [name, field] of setup[role].fields) {
      const encoded = encodeValue(field, payload.fields[name] ?? null, overrides.options);
      comparable[field.property] = comparableEncoded(encoded);
      if ('error' in encoded) problems.push(encoded.error);
      else if ('link' in encoded) links[field.property] = encoded.link;
      else properties[field.property] = encoded.property;
    }
    return { setup, properties, links, problems, comparable };
  };

  const describe = (operation: WriteDescription['operation'], payload: WorkPackagePayload): WriteDescription => ({
    operation,
    what: label,
    key: String(payload.fields[role === 'epic' ? WPR_KEY_FIELDS.orderId : WPR_KEY_FIELDS.lineKey] ?? ''),
    project: payload.project,
  });

  const bodyOf = (payload: WorkPackagePayload, parentId: string | undefined, write: WriteDescription): WorkPackageBody => {
    const { setup, properties, links, problems } = encode(payload);
    if (problems.length > 0) throw new WorkPackageValueError(write, problems);
    if (role === 'story' && !parentId) throw new Error(`Story ${write.key} has no parent epic id: the epic phase must run first`);
    const body: WorkPackageBody = {
      subject: payload.subject,
      description: { format: 'markdown', raw: payload.description ?? '' },
      ...properties,
      _links: { type: { href: OP_PATHS.type(setup[role].type.id) }, ...links, ...(role === 'story' ? { parent: { href: OP_PATHS.workPackage(parentId!) } } : {}) },
    };
    return body;
  };

  const keyOfPayload = (payload: WorkPackagePayload): string =>
    role === 'epic' ? epicKey(String(payload.fields[WPR_KEY_FIELDS.orderId] ?? ''), payload.project) : String(payload.fields[WPR_KEY_FIELDS.lineKey] ?? '');

  const keyOf = (held: HeldWorkPackage): string | null => {
    if (role === 'epic') return held.orderId ? epicKey(held.orderId, held.project) : null;
    return held.lineKey;
  };

  const readState = async (keys: ReadonlySet<string>, signal: AbortSignal): Promise<Map<string, HeldWorkPackage[]>> => {
    const ordersByProject = new Map<string, Set<string>>();
    for (const key of keys) {
      const where = route(key);
      if (!where || !setups.has(where.project)) continue;
      const orders = ordersByProject.get(where.project) ?? new Set<string>();
      orders.add(where.orderId);
      ordersByProject.set(where.project, orders);
    }
    const found = new Map<string, HeldWorkPackage[]>();
    for (const [project, orders] of ordersByProject) {
      for (const held of await readRole(client, setupOf(project), role, orders, signal)) {
        const key = keyOf(held);
        if (!key || !keys.has(key)) continue;
        found.set(key, [...(found.get(key) ?? []), held]);
      }
    }
    for (const list of found.values()) list.sort((a, b) => Number(b.id) - Number(a.id));
    return found;
  };

  const contentOf = (payload: WorkPackagePayload, parentId: string | null): unknown => ({
    subject: normalizeText(payload.subject),
    description: normalizeText(payload.description),
    ...(role === 'story' ? { parent: parentId } : {}),
    fields: encode(payload).comparable,
  });

  const heldContentOf = (held: HeldWorkPackage): unknown => {
    const setup = setupOf(held.project);
    const fields: Record<string, unknown> = {};
    for (const field of setup[role].fields.values()) fields[field.property] = comparableHeld(field, held.raw);
    return {
      subject: normalizeText(held.raw.subject),
      description: normalizeText((held.raw as OpWorkPackage).description?.raw),
      ...(role === 'story' ? { parent: held.parentId } : {}),
      fields,
    };
  };

  return {
    system: 'openproject',
    kind: role,
    scope: originScope(client.baseUrl),
    role,
    check: (signal: AbortSignal): Promise<TargetCheck> => checkConnection(client, [...setups.keys()], signal),
    lookup: async (keys, signal) => new Map([...(await readState(keys, signal))].map(([key, list]) => [key, list[0]!.id])),
    readState,
    keyOf,
    contentOf,
    heldContentOf,
    hashOf: (content) => sha256(canonicalJson(content)),
    problemsOf: (payload) => encode(payload).problems,
    differences: (payload, parentId, held) => {
      const desired = contentOf(payload, parentId) as Content;
      const current = heldContentOf(held) as Content;
      const names = new Map([...setupOf(payload.project)[role].fields.values()].map((field) => [field.property, field.name]));
      const out: string[] = (['subject', 'description', 'parent'] as const).filter((name) => name in desired && canonicalJson(desired[name]) !== canonicalJson(current[name]));
      for (const [property, value] of Object.entries(desired.fields)) {
        if (canonicalJson(value) !== canonicalJson(current.fields[property] ?? null)) out.push(names.get(property) ?? property);
      }
      return out;
    },
    async create(payload: WorkPackagePayload, { signal, parentId }: WriteOptions): Promise<string> {
      const write = describe('create', payload);
      const created = await client.createWorkPackage(setupOf(payload.project).id, bodyOf(payload, parentId, write), write, signal);
      return String(created.id);
    },
    async update(targetId: string, payload: WorkPackagePayload, { signal, parentId }: WriteOptions): Promise<void | string> {
      const write = describe('update', payload);
      const body = bodyOf(payload, parentId, write);
      try {
        await client.updateWorkPackage(targetId, body, payload.lockVersion, write, signal);
        return;
      } catch (error) {
        if (!isGone(error)) throw error;
      }
      // The id is stale (deleted by hand): look the work package up by its WPR key, else create it.
      const key = keyOfPayload(payload);
      const found = (await readState(new Set([key]), signal)).get(key)?.[0];
      if (found) {
        await client.updateWorkPackage(found.id, body, found.lockVersion, write, signal);
        return found.id;
      }
      return String((await client.createWorkPackage(setupOf(payload.project).id, body, { ...write, operation: 'create' }, signal)).id);
    },
    async delete(targetId: string, { signal }: WriteOptions): Promise<void> {
      await client.deleteWorkPackage(targetId, { operation: 'delete', what: label, id: targetId }, signal);
    },
  };
}

/** The parent id a work package links to (null when none). */
export function parentIdOf(workPackage: OpWorkPackage): string | null {
  const id = idFromHref(linkOf(workPackage, 'parent')?.href);
  return id === undefined ? null : String(id);
}
