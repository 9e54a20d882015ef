/**
 * INNERGY's API as we understand it — every path and field name in ONE place, so a correction
 * from a live tenant is a one-file change. No public specification exists; this follows what
 * third-party client code shows (see ../shared/api/README.md):
 * - header `Api-Key: <key>`; lists wrapped as `{Items: [...]}` (paging fields followed if present);
 * - PascalCase fields; money as `{Value, OriginalValue, CurrencyCode}`;
 * - `ExternalIdentifier` carries our external key (material SKU, PPak job number).
 */

export const INNERGY_PATHS = {
  materials: '/api/materials',
  material: (id: string) => `/api/materials/${encodeURIComponent(id)}`,
  projects: '/api/projects',
  project: (id: string) => `/api/projects/${encodeURIComponent(id)}`,
} as const;

/** Header carrying the API key. */
export const API_KEY_HEADER = 'Api-Key';

/** Page size asked for on list routes (servers that do not page ignore it). */
export const PAGE_SIZE = 100;

/** Currency of amounts we send (PPak amounts carry none). */
export const DEFAULT_CURRENCY = 'USD';

export interface InnergyMoney {
  Value: number;
  OriginalValue?: number;
  CurrencyCode?: string;
}

/** A list answer: `{Items}` plus optional paging fields. */
export interface InnergyList<T> {
  Items: T[];
  Page?: number;
  PageSize?: number;
  TotalCount?: number;
}

export interface InnergyMaterial {
  Id: string;
  Sku: string;
  Name: string;
  Category?: string | null;
  Unit?: string | null;
  UnitCost?: InnergyMoney | null;
  Active: boolean;
  ExternalIdentifier?: string | null;
}

export interface InnergyProject {
  Id: string;
  Number?: string | null;
  Name: string;
  CustomerName?: string | null;
  Status?: string | null;
  Phase?: string | null;
  StartDate?: string | null;
  DueDate?: string | null;
  ContractAmount?: InnergyMoney | null;
  ExternalIdentifier?: string | null;
}

export type MaterialPayload = Omit<InnergyMaterial, 'Id'>;
export type ProjectPayload = Omit<InnergyProject, 'Id'>;

/** Money in INNERGY's shape (null stays null). */
export function money(value: number | null | undefined): InnergyMoney | null {
  return value == null ? null : { Value: value, OriginalValue: value, CurrencyCode: DEFAULT_CURRENCY };
}

/** Fields compared to decide whether a material must be updated. */
export const MATERIAL_COMPARED_FIELDS = ['Sku', 'Name', 'Category', 'Unit', 'UnitCost', 'Active', 'ExternalIdentifier'] as const;

/** Fields compared to decide whether a project must be updated. */
export const PROJECT_COMPARED_FIELDS = ['Number', 'Name', 'CustomerName', 'Status', 'Phase', 'StartDate', 'DueDate', 'ContractAmount', 'ExternalIdentifier'] as const;

/** A field's value normalised for comparison: dates to YYYY-MM-DD, money to cents, blanks to null. */
export function comparable(field: string, value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null;
  if (field.endsWith('Date') && typeof value === 'string') return value.slice(0, 10);
  if (typeof value === 'object' && value !== null && 'Value' in value) return Math.round(Number((value as InnergyMoney).Value) * 100);
  if (typeof value === 'string') return value.trim();
  return value;
}

/** The compared fields whose values differ between what we want and what INNERGY has. */
export function changedFields(fields: readonly string[], desired: Record<string, unknown>, existing: Record<string, unknown>): string[] {
  return fields.filter((field) => comparable(field, desired[field]) !== comparable(field, existing[field]));
}
