/**
 * The OpenProject set-up the WPR runbook expects, for tests and benchmarks: the WPR custom fields
 * (named as in config/wpr_columns.json), active for Epic and User story as the runbook writes them.
 */
import type { FakeCustomFieldSeed, FakeProjectSeed } from './openproject-seed.js';

/** Options of the list field `WPR Status`. */
export const WPR_STATUS_OPTIONS = ['Open', 'In Progress', 'Shipped', 'Cancelled'];

/** The WPR custom fields: keys on both types, order fields on epics, line fields on stories. */
export function wprCustomFields(overrides: Partial<Record<string, Partial<FakeCustomFieldSeed>>> = {}): FakeCustomFieldSeed[] {
  const fields: FakeCustomFieldSeed[] = [
    { name: 'WPR Order ID', format: 'string', types: ['Epic', 'User story'] },
    { name: 'WPR Line Key', format: 'string', types: ['User story'] },
    { name: 'WPR Product', format: 'string', required: true, types: ['Epic'] },
    { name: 'WPR Order Date', format: 'date', types: ['Epic'] },
    { name: 'WPR Customer', format: 'string', types: ['Epic'] },
    { name: 'WPR Quantity', format: 'float', types: ['User story'] },
    { name: 'WPR Unit Price', format: 'float', types: ['User story'] },
    { name: 'WPR Status', format: 'list', options: WPR_STATUS_OPTIONS, types: ['User story'] },
    { name: 'WPR Requested Delivery', format: 'date', types: ['User story'] },
  ];
  return fields.map((field) => ({ ...field, ...overrides[field.name] }));
}

/** Projects with every default type enabled. */
export function wprProjects(...identifiers: string[]): FakeProjectSeed[] {
  return identifiers.map((identifier) => ({ identifier, name: identifier.replace(/(^|-)\w/g, (m) => m.toUpperCase()) }));
}
