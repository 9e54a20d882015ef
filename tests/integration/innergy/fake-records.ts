/**
 * Assertions on the fake INNERGY's own records (never on the tool's report): every expected key
 * exists exactly once, nothing else exists. A record without an ExternalIdentifier is not skipped:
 * it shows up as an unexpected entry and fails the assertion.
 */
import { expect } from 'vitest';
import type { InnergyProjectSeed } from '../../fakes/innergy.js';
import { canonicalProject } from '../../helpers/canonical.js';

interface FakeRecord {
  Id: string;
  ExternalIdentifier: string | null;
}

/** Records per ExternalIdentifier (`(none) <Id>` for a record without one), keys sorted. */
export function countByExternalId(records: readonly FakeRecord[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const key = record.ExternalIdentifier || `(none) ${record.Id}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** Asserts that `records` hold each of `keys` exactly once and no other record. */
export function expectExactlyOnce(records: readonly FakeRecord[], keys: Iterable<string>): void {
  const expected = Object.fromEntries([...new Set(keys)].sort().map((key) => [key, 1]));
  expect(countByExternalId(records)).toEqual(expected);
  expect(records).toHaveLength(Object.keys(expected).length);
}

/** Job numbers J-000001 … J-<count>, as `writeCanonicalProjects` numbers them. */
export function jobNumbers(count: number, from = 1): string[] {
  return Array.from({ length: count }, (_, i) => `J-${String(from + i).padStart(6, '0')}`);
}

/** Canonical project `i` (see `canonicalProject`) as INNERGY holds it once imported, with `overrides`. */
export function importedProject(i: number, overrides: InnergyProjectSeed = {}): InnergyProjectSeed {
  const p = canonicalProject(i);
  return {
    Number: p.ppak_job_number,
    Name: p.name,
    CustomerName: p.customer_name ?? undefined,
    Status: p.status,
    Phase: p.phase,
    StartDate: p.start_date,
    DueDate: p.due_date,
    ContractAmount: p.contract_amount === null ? null : { Value: p.contract_amount },
    ExternalIdentifier: p.ppak_job_number,
    ...overrides,
  };
}
