/**
 * Atomic file writes: write a temporary sibling, fsync it, then rename over the target, so a
 * reader (or a crash) sees either the old file or the new one, never half of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeStaleTemps } from './temp-files.js';

/** Writes `data` to `file` atomically, creating its directory. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await removeStaleTemps(file);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, file);
  } catch (error) {
    // A failed write (disk full) or rename leaves no temporary file behind.
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

/** Writes a value as pretty JSON (2 spaces, trailing newline), atomically. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
