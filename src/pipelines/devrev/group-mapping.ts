/**
 * The `group_mapping` file: which creator group a user belongs to, for rows without a
 * creator_group, ahead of DevRev's own groups. Two formats:
 * - CSV `creator_user_id,creator_group` (headers `user`, `user_id`, `group` accepted too);
 * - JSON `{"DEVU-1": "Platform", …}` or `{"mappings": {"DEVU-1": "Platform"}}`.
 * Users are matched like issue ids (DONs as written, display ids in any case). A bad row or a user
 * mapped twice to different groups is an error naming the file and line: the mapping is small and
 * hand-kept, so it is fixed rather than half-used.
 */
import path from 'node:path';
import { z } from 'zod';
import { loadJsonConfig } from '../../config/json-file.js';
import { ValidationError } from '../../engine/errors.js';
import { CsvReader, type CsvColumnSpec } from '../../sources/csv/index.js';
import { refKey } from '../../targets/devrev/fields.js';

/** User (normalised key) → creator group. */
export type GroupMapping = Map<string, string>;

const COLUMNS: CsvColumnSpec<'creator_user_id' | 'creator_group'> = {
  aliases: { creator_user_id: ['user', 'user id', 'creator', 'dev user'], creator_group: ['group', 'group name'] },
  required: ['creator_user_id', 'creator_group'],
};

const MAPPING = z.record(z.string().min(1), z.string().trim().min(1, 'a group name must not be empty'));
const JSON_SCHEMA = z.union([z.object({ mappings: MAPPING }).strict(), MAPPING]);

/** Loads a mapping file (`.json`, else CSV). */
export async function loadGroupMapping(file: string, signal?: AbortSignal): Promise<GroupMapping> {
  const label = path.basename(file);
  if (/\.json$/i.test(file)) {
    const parsed = await loadJsonConfig(file, JSON_SCHEMA, {
      what: 'the group mapping',
      hint: 'map each user id (DEVU-123 or a DON) to a group name: {"DEVU-1": "Platform"}',
      missingAction: `Check the group_mapping path (${label}).`,
    });
    const entries: Record<string, string> = 'mappings' in parsed && typeof parsed.mappings === 'object' ? (parsed.mappings as Record<string, string>) : (parsed as Record<string, string>);
    const mapping: GroupMapping = new Map();
    for (const [user, group] of Object.entries(entries)) {
      const key = refKey(user);
      const earlier = mapping.get(key);
      if (earlier !== undefined && earlier !== group) {
        throw new ValidationError(`${label} maps ${user} to both '${earlier}' and '${group}'.`, { action: `Keep one group per user in ${label}.` });
      }
      mapping.set(key, group.trim());
    }
    return mapping;
  }
  const mapping: GroupMapping = new Map();
  const lines = new Map<string, number>();
  const reader = new CsvReader(file, { columns: COLUMNS, label, signal });
  for await (const row of reader.rows()) {
    if (!row.ok) throw new ValidationError(`${label} line ${row.line}: ${row.reason}.`, { action: `Fix line ${row.line} of ${label} and run again.` });
    const { creator_user_id: user, creator_group: group } = row.record;
    if (!user || !group) {
      throw new ValidationError(`${label} line ${row.line}: ${!user ? 'creator_user_id' : 'creator_group'} is empty.`, { action: `Fill in line ${row.line} of ${label} or remove it.` });
    }
    const key = refKey(user);
    const earlier = mapping.get(key);
    if (earlier !== undefined && earlier !== group) {
      throw new ValidationError(`${label} line ${row.line}: ${user} is already mapped to '${earlier}' on line ${lines.get(key)}.`, {
        action: `Keep one group per user in ${label}.`,
      });
    }
    mapping.set(key, group);
    lines.set(key, row.line);
  }
  return mapping;
}
