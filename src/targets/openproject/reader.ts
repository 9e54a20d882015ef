/**
 * Bulk reads of the WPR work packages of a project: one paged read (pageSize 1000) per project and
 * role, filtered on the project, the role's type and — when only some orders are wanted — the
 * `WPR Order ID` custom field (in chunks, so URLs stay short). Filters are always an explicit
 * array, so closed work packages count. Never one GET per record.
 */
import { equals, idFromHref, linkOf, type OpFilter, type OpWorkPackage } from './api.js';
import type { OpenProjectClient } from './client.js';
import { comparableHeld } from './fields.js';
import type { ProjectSetup, WorkPackageRole } from './preflight.js';

/** Names of the custom fields that carry the WPR keys. */
export const WPR_KEY_FIELDS = {
  orderId: 'WPR Order ID',
  lineKey: 'WPR Line Key',
  product: 'WPR Product',
} as const;

/** Order ids per filtered request (keeps the URL well under common limits). */
export const ORDER_IDS_PER_REQUEST = 100;
/** Above this many wanted orders in one project, the whole type is read instead (fewer requests). */
export const WHOLE_TYPE_THRESHOLD = 1000;

/** A WPR work package as read from OpenProject. */
export interface HeldWorkPackage {
  id: string;
  role: WorkPackageRole;
  project: string;
  lockVersion: number;
  subject: string;
  parentId: string | null;
  /** Value of `WPR Order ID` (null when empty). */
  orderId: string | null;
  /** Value of `WPR Line Key` (stories; null when empty). */
  lineKey: string | null;
  raw: OpWorkPackage;
}

function textValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** Reads a held work package's WPR facts. */
export function heldWorkPackage(raw: OpWorkPackage, setup: ProjectSetup, role: WorkPackageRole): HeldWorkPackage {
  const fields = setup[role].fields;
  const valueOf = (name: string) => {
    const field = fields.get(name);
    return field ? textValue(comparableHeld(field, raw)) : null;
  };
  const parent = idFromHref(linkOf(raw, 'parent')?.href);
  return {
    id: String(raw.id),
    role,
    project: setup.identifier,
    lockVersion: raw.lockVersion,
    subject: raw.subject,
    parentId: parent === undefined ? null : String(parent),
    orderId: valueOf(WPR_KEY_FIELDS.orderId),
    lineKey: role === 'story' ? valueOf(WPR_KEY_FIELDS.lineKey) : null,
    raw,
  };
}

/**
 * Every work package of a role in a project, or only those of the given orders. Results are in id
 * order (oldest first).
 */
export async function readRole(
  client: OpenProjectClient,
  setup: ProjectSetup,
  role: WorkPackageRole,
  orderIds: ReadonlySet<string> | 'all',
  signal?: AbortSignal,
): Promise<HeldWorkPackage[]> {
  const base: OpFilter[] = [equals('project', [setup.id]), equals('type', [setup[role].type.id])];
  const orderField = setup[role].fields.get(WPR_KEY_FIELDS.orderId);
  const wanted = orderIds === 'all' ? undefined : [...orderIds].sort();
  if (wanted && wanted.length === 0) return [];
  const raws: OpWorkPackage[] = [];
  if (!wanted || !orderField || wanted.length > WHOLE_TYPE_THRESHOLD) {
    raws.push(...(await client.listWorkPackages(setup.id, base, signal)));
  } else {
    for (let start = 0; start < wanted.length; start += ORDER_IDS_PER_REQUEST) {
      const chunk = wanted.slice(start, start + ORDER_IDS_PER_REQUEST);
      raws.push(...(await client.listWorkPackages(setup.id, [...base, equals(orderField.property, chunk)], signal)));
    }
  }
  const held = raws.map((raw) => heldWorkPackage(raw, setup, role)).sort((a, b) => Number(a.id) - Number(b.id));
  if (!wanted) return held;
  const set = new Set(wanted);
  return held.filter((item) => item.orderId !== null && set.has(item.orderId));
}
