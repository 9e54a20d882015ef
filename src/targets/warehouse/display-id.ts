/**
 * Display ids of warehouse issues, as `dbo.vw_Issues_Reconciled` shows them to the application
 * (the ACC runbook): `ACC-<number>` for an ACC issue with a number mapping (`ACC-924`),
 * `ACC-<first 8 hex digits of its UUID, upper case>` for one without (`ACC-66C8A7AA`), and
 * `REV-<id>` for a Revizto issue (`REV-12345`). This is the only place that builds them.
 */

/** What identifies an issue for its display id. */
export type DisplayIdInput =
  | { system: 'ACC'; number?: string | number | null | undefined; uuid: string }
  | { system: 'Revizto'; id: string | number };

const HEX = /[0-9a-f]/i;

/** The display id of an ACC or Revizto issue. Throws on an ACC UUID with fewer than 8 hex digits (a bug upstream). */
export function displayId(issue: DisplayIdInput): string {
  if (issue.system === 'Revizto') return `REV-${String(issue.id).trim()}`;
  const number = issue.number === null || issue.number === undefined ? '' : String(issue.number).trim();
  if (number) return `ACC-${number}`;
  const hex = [...issue.uuid].filter((ch) => HEX.test(ch)).slice(0, 8).join('');
  if (hex.length < 8) throw new Error(`Not a UUID: ${JSON.stringify(issue.uuid)}`);
  return `ACC-${hex.toUpperCase()}`;
}

/** `ACC-<number>` for a mapped ACC issue. */
export function accDisplayId(number: string | number, uuid: string): string {
  return displayId({ system: 'ACC', number, uuid });
}
