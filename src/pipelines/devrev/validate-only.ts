/**
 * `validate_only` (the seed's `validate_csv.py` and `validate_groups.py`): the input read and
 * checked, the group of each row resolved as far as it can be without DevRev (the row's own
 * creator_group, then the group_mapping file), and no API call at all — no DevRev, no write.
 */
import type { GroupMapping } from './group-mapping.js';
import type { BackfillInput } from './input.js';
import { resolveCreatorGroup } from './resolve-group.js';
import type { BackfillResult } from './result.js';

/** The result of a validate-only run. */
export function validateOnlyResult(input: BackfillInput, mapping: GroupMapping | undefined, options: { field: string; readMs: number }): BackfillResult {
  const groups = { from_row: 0, from_mapping: 0, from_devrev: 0, needs_devrev: 0, unresolved: 0, multi_group_users: 0, devrev_groups: null };
  for (const row of input.rows) {
    const resolution = resolveCreatorGroup(row, { mapping });
    if (resolution.kind === 'resolved') groups[resolution.via === 'row' ? 'from_row' : 'from_mapping'] += 1;
    else if (resolution.kind === 'pending') groups.needs_devrev += 1;
    else groups.unresolved += 1;
  }
  const warnings: string[] = [];
  if (groups.needs_devrev) warnings.push(`${groups.needs_devrev} row(s) have no creator_group and no group_mapping entry: their group will be read from DevRev's groups (groups.list, groups.members.list) by the dry run.`);
  if (input.duplicates.length) warnings.push(`${input.duplicates.length} row(s) repeat an earlier row for the same issue and will be skipped.`);
  return {
    source: input.describe,
    field: options.field,
    validate_only: true,
    rows: input.read,
    valid: input.read - input.invalid,
    invalid: input.invalid,
    duplicates: input.duplicates.length,
    processed: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    checkpoint: null,
    invalid_samples: input.invalidSamples,
    batches: [],
    batch_timing: null,
    groups,
    creator_mismatch: 0,
    items: [],
    failures: [],
    alerts: [],
    warnings,
    outputs: { rejects: input.rejectsFile },
    timings: { read_ms: options.readMs, plan_ms: 0, apply_ms: 0 },
    rate_limit: null,
    api: null,
  };
}
