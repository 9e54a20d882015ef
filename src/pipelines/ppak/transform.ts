/**
 * Transform: one PPak CSV record → one canonical record (project, material or work order).
 *
 * Missing required values make a row rejectable (see the `*RejectReason` functions); anything else
 * is kept: unknown status/phase/SKU values are counted as unmapped (the default `*` mapping applies
 * when there is one), unreadable dates and amounts become null with a per-row warning (the seed
 * runbook's rule: log it, use null, keep the project).
 */
import type { CanonicalMaterial, CanonicalProject, CanonicalWorkOrder } from '../../sources/canonical/schema.js';
import type { MaterialField, ProjectField, WorkOrderField } from './columns.js';
import { normalizeMappingKey, type PpakMappings, type ValueMapping } from './mappings.js';
import { INVALID, parseBoolean, parseDate, parseMoney, parseNumber, type Parsed } from '../../transform/parse-values.js';
import { UnmappedCounter, type Warnings } from '../../transform/warnings.js';

/** SKUs present in the materials export (as exported and as mapped), matched exactly or case-insensitively. */
export class MaterialCatalog {
  private readonly exact = new Set<string>();
  private readonly normalized = new Set<string>();

  add(sku: string): void {
    this.exact.add(sku);
    this.normalized.add(normalizeMappingKey(sku));
  }

  has(sku: string): boolean {
    return this.exact.has(sku) || this.normalized.has(normalizeMappingKey(sku));
  }

  get size(): number {
    return this.exact.size;
  }
}

/** Counts of values that were present but unreadable (for run-level warnings). */
export interface ValueIssueCounts {
  invalidDates: number;
  invalidAmounts: number;
  invalidQuantities: number;
  invalidFlags: number;
  missingCustomer: number;
}

/** A project SKU resolved through the mapping and the catalog. */
interface ResolvedSku {
  sku: string;
  /** Neither in material_mapping.csv nor in the materials export. */
  unmapped: boolean;
}

/** What a transform needs besides the record. */
export interface TransformContext {
  mappings: PpakMappings;
  catalog: MaterialCatalog;
  unmapped: { status: UnmappedCounter; phase: UnmappedCounter; material: UnmappedCounter };
  warnings: Warnings;
  issues: ValueIssueCounts;
  /** Project SKUs already resolved (the catalog is complete before projects are read). */
  skuCache: Map<string, ResolvedSku>;
  /** INNERGY ids of projects imported earlier (job number → id), carried into the canonical file. */
  knownInnergyIds: ReadonlyMap<string, string>;
}

/** A context with empty counters and caches. */
export function createTransformContext(mappings: PpakMappings, warnings: Warnings, knownInnergyIds: ReadonlyMap<string, string> = new Map()): TransformContext {
  return {
    knownInnergyIds,
    mappings,
    catalog: new MaterialCatalog(),
    unmapped: { status: new UnmappedCounter(), phase: new UnmappedCounter(), material: new UnmappedCounter() },
    warnings,
    issues: emptyIssueCounts(),
    skuCache: new Map(),
  };
}

/** A fresh set of issue counters. */
export function emptyIssueCounts(): ValueIssueCounts {
  return { invalidDates: 0, invalidAmounts: 0, invalidQuantities: 0, invalidFlags: 0, missingCustomer: 0 };
}

/** Why a project row cannot be used, or undefined when it can. */
export function projectRejectReason(record: Record<ProjectField, string>): string | undefined {
  if (record.job_number === '') return 'missing Job Number';
  if (record.job_name === '') return `missing Job Name (job ${record.job_number})`;
  return undefined;
}

/** Why a material row cannot be used, or undefined when it can. */
export function materialRejectReason(record: Record<MaterialField, string>): string | undefined {
  return record.sku === '' ? 'missing SKU' : undefined;
}

/** Why a work order row cannot be used, or undefined when it can. */
export function workOrderRejectReason(record: Record<WorkOrderField, string>): string | undefined {
  if (record.work_order === '') return 'missing Work Order number';
  if (record.job_number === '') return `missing Job Number (work order ${record.work_order})`;
  return undefined;
}

/** Maps a status or phase through its table; unknown values are counted and get the default (or null). */
function mapValue(raw: string, mapping: ValueMapping, unmapped: UnmappedCounter): string | null {
  if (raw === '') return null;
  const mapped = mapping.get(raw);
  if (mapped !== undefined) return mapped;
  unmapped.add(raw);
  return mapping.fallback ?? null;
}

const SKU_CACHE_LIMIT = 50_000;

/** Maps one SKU: material_mapping.csv first, then the materials export (kept), else kept as is (or the `*` default) and unmapped. */
function resolveSku(sku: string, context: TransformContext): ResolvedSku {
  const cached = context.skuCache.get(sku);
  if (cached !== undefined) return cached;
  const mapping = context.mappings.material;
  const mapped = mapping.get(sku);
  let resolved: ResolvedSku;
  if (mapped !== undefined) resolved = { sku: mapped, unmapped: false };
  else if (context.catalog.has(sku)) resolved = { sku, unmapped: false };
  else resolved = { sku: mapping.fallback ?? sku, unmapped: true };
  if (context.skuCache.size < SKU_CACHE_LIMIT) context.skuCache.set(sku, resolved);
  return resolved;
}

/** Splits the `;`-separated Materials cell and maps each SKU (see {@link resolveSku}); unmapped SKUs are counted. */
function mapSkus(cell: string, context: TransformContext): string[] {
  const skus: string[] = [];
  if (cell === '') return skus;
  let from = 0;
  while (from <= cell.length) {
    let to = cell.indexOf(';', from);
    if (to === -1) to = cell.length;
    const sku = cell.slice(from, to).trim();
    from = to + 1;
    if (sku === '') continue;
    const resolved = resolveSku(sku, context);
    if (resolved.unmapped) context.unmapped.material.add(sku);
    if (!skus.includes(resolved.sku)) skus.push(resolved.sku);
  }
  return skus;
}

function where(file: string, line: number, key: string): string {
  return `${file} line ${line} (${key})`;
}

/** Parsed dates by text: exports repeat a few thousand distinct dates across millions of rows. */
const dateCache = new Map<string, Parsed<string>>();

/** parseDate, memoised (bounded). */
export function parseDateCached(raw: string): Parsed<string> {
  let value = dateCache.get(raw);
  if (value === undefined) {
    value = parseDate(raw);
    if (dateCache.size < 20_000) dateCache.set(raw, value);
  }
  return value;
}

/** A project date, or null with a warning when unreadable (the `job …` key of the message is built only then). */
function date(raw: string, label: string, file: string, line: number, job: string, context: TransformContext): string | null {
  const value = parseDateCached(raw);
  if (value !== INVALID) return value;
  context.issues.invalidDates++;
  context.warnings.addRow(`${where(file, line, `job ${job}`)}: ${label} '${raw}' is not a date (expected YYYY-MM-DD or MM/DD/YYYY); written as null`);
  return null;
}

/**
 * Builds a canonical project from a valid row (check {@link projectRejectReason} first). The result
 * satisfies CanonicalProjectSchema by construction, so the ETL does not validate it again per row:
 * job number and name are non-empty (the reject reason), dates come from parseDate (YYYY-MM-DD with
 * a four-digit year, or null), amounts from parseMoney (finite or null), SKUs are non-empty (trimmed
 * cells, and mapping tables refuse an empty target), work orders come from transformWorkOrder and
 * the line is ≥ 1. A change here must keep that true (the property test in transform-validity.test.ts).
 */
export function transformProject(
  record: Record<ProjectField, string>,
  file: string,
  line: number,
  workOrders: CanonicalWorkOrder[],
  context: TransformContext,
): CanonicalProject {
  const job = record.job_number;
  let amount = parseMoney(record.contract_amount);
  if (amount === INVALID) {
    context.issues.invalidAmounts++;
    context.warnings.addRow(`${where(file, line, `job ${job}`)}: Contract Amount '${record.contract_amount}' is not an amount; written as null`);
    amount = null;
  }
  if (record.customer === '') context.issues.missingCustomer++;
  return {
    ppak_job_number: job,
    name: record.job_name,
    customer_name: record.customer === '' ? null : record.customer,
    status: mapValue(record.status, context.mappings.status, context.unmapped.status),
    phase: mapValue(record.phase, context.mappings.phase, context.unmapped.phase),
    ppak_status: record.status === '' ? null : record.status,
    ppak_phase: record.phase === '' ? null : record.phase,
    start_date: date(record.start_date, 'Start Date', file, line, job, context),
    due_date: date(record.due_date, 'Due Date', file, line, job, context),
    contract_amount: amount,
    material_skus: mapSkus(record.materials, context),
    work_orders: workOrders,
    innergy_id: context.knownInnergyIds.get(job) ?? null,
    source: { file, line },
  };
}

/** The canonical SKU of a materials-export SKU (through material_mapping.csv when listed there). */
export function canonicalSku(sku: string, context: Pick<TransformContext, 'mappings'>): string {
  return context.mappings.material.get(sku) ?? sku;
}

/** Builds a canonical material from a valid row (check {@link materialRejectReason} first). */
export function transformMaterial(record: Record<MaterialField, string>, file: string, line: number, context: TransformContext): CanonicalMaterial {
  const sku = canonicalSku(record.sku, context);
  let cost = parseMoney(record.unit_cost);
  if (cost === INVALID) {
    context.issues.invalidAmounts++;
    context.warnings.addRow(`${where(file, line, `SKU ${record.sku}`)}: Unit Cost '${record.unit_cost}' is not an amount; written as null`);
    cost = null;
  }
  let active = parseBoolean(record.active);
  if (active === INVALID) {
    context.issues.invalidFlags++;
    context.warnings.addRow(`${where(file, line, `SKU ${record.sku}`)}: Active '${record.active}' is not Y/N, yes/no, true/false, 1/0 or Active/Inactive; taken as active`);
    active = true;
  }
  return {
    sku,
    name: record.description === '' ? null : record.description,
    category: record.category === '' ? null : record.category,
    unit: record.unit === '' ? null : record.unit,
    unit_cost: cost,
    active: active ?? true,
    source: { file, line },
  };
}

/** Builds a canonical work order from a valid row (check {@link workOrderRejectReason} first). */
export function transformWorkOrder(record: Record<WorkOrderField, string>, file: string, line: number, context: TransformContext): CanonicalWorkOrder {
  let quantity = parseNumber(record.quantity);
  if (quantity === INVALID) {
    context.issues.invalidQuantities++;
    context.warnings.addRow(`${where(file, line, `work order ${record.work_order}`)}: Quantity '${record.quantity}' is not a number; written as null`);
    quantity = null;
  }
  return {
    work_order: record.work_order,
    description: record.description === '' ? null : record.description,
    quantity,
    status: record.status === '' ? null : record.status,
  };
}
