/** Helpers for the DevRev backfill tests: input CSVs and the environment pointing at a fake DevRev. */
import fs from 'node:fs';
import path from 'node:path';

/** Writes a backfill CSV of `n` rows ISS-1…ISS-n created by DEVU-1…DEVU-`users` in turn; `group(i)` fills creator_group. */
export function writeBackfillCsv(dir: string, n: number, options: { users?: number; group?: (i: number) => string; name?: string; extra?: string[] } = {}): string {
  const users = options.users ?? 5;
  const lines = ['issue_id,creator_user_id,assigned_group,creator_group'];
  for (let i = 1; i <= n; i += 1) lines.push(`ISS-${i},DEVU-${((i - 1) % users) + 1},Ops,${options.group?.(i) ?? ''}`);
  lines.push(...(options.extra ?? []));
  const file = path.join(dir, options.name ?? 'backfill.csv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The environment for DevRev at `url` with `token`, a generous client-side limit unless given. */
export function devrevEnv(url: string, token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DEVREV_BASE_URL: url, DEVREV_API_TOKEN: token, DEVREV_RATE_LIMIT: '500/s', MAX_RETRIES: '3', ...extra };
}
