/**
 * Temporary files of atomic writes carry the pid of the process that writes them
 * (`.<name>.<pid>.<random>.tmp` for streamed outputs, `<name>.<pid>.<random>.tmp` for whole-file
 * writes). A process killed mid-write leaves its temporary file behind (a 50 MB canonical file, say);
 * the next write of the same file — a re-run or a resume — removes such leftovers of dead processes.
 */
import fs from 'node:fs';
import path from 'node:path';

/** True when a process with this pid exists on this host. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes the temporary files of `file` left by processes that no longer run; returns how many. */
export async function removeStaleTemps(file: string): Promise<number> {
  const dir = path.dirname(file);
  const name = escapeRegExp(path.basename(file));
  const pattern = new RegExp(`^\\.?${name}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  let entries: string[];
  try {
    entries = await fs.promises.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const pid = Number(pattern.exec(entry)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue;
    await fs.promises.rm(path.join(dir, entry), { force: true });
    removed += 1;
  }
  return removed;
}
