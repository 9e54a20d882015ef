/** Run ids: sortable by start time, unique enough for one ledger. */
import { randomBytes } from 'node:crypto';

/** Run ids sort by start time: `r-20261123-101112-3f9a1c`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `r-${stamp}-${randomBytes(3).toString('hex')}`;
}
