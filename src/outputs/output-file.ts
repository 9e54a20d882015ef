/**
 * Output files written incrementally and atomically: text and bytes accumulate in memory up to a
 * chunk (256 KiB by default), are written to a temporary sibling of the target (one write in
 * flight while the caller goes on), and the temporary file is fsynced and renamed over the target
 * only on commit. An aborted run removes its temporary files, so readers see the previous outputs
 * or the new ones, never half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeStaleTemps } from './temp-files.js';

/** Turns buffered parts into Buffers for one writev: runs of strings are joined and encoded once. */
function coalesce(parts: ReadonlyArray<string | Buffer>): Buffer[] {
  const out: Buffer[] = [];
  let texts: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') texts.push(part);
    else {
      if (texts.length > 0) out.push(Buffer.from(texts.join('')));
      texts = [];
      out.push(part);
    }
  }
  if (texts.length > 0) out.push(Buffer.from(texts.join('')));
  return out;
}

/** A file being written: append text, then commit (rename into place) or abort (remove). */
export class OutputFile {
  private pending: Array<string | Buffer> = [];
  private pendingLength = 0;
  private done = false;
  private inflight: Promise<void> | undefined;
  private failure: unknown;

  private constructor(
    /** The final path. */
    readonly file: string,
    /** The temporary path written until commit. */
    readonly tempFile: string,
    private readonly handle: fs.promises.FileHandle,
    private readonly chunkSize: number,
  ) {}

  /** Creates the temporary file (and the folder). @param chunkSize bytes buffered before a write */
  static async create(file: string, chunkSize = 1 << 18): Promise<OutputFile> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await removeStaleTemps(file);
    const tempFile = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await fs.promises.open(tempFile, 'wx');
    return new OutputFile(file, tempFile, handle, chunkSize);
  }

  /** Buffers text or bytes; returns true when enough is buffered that the caller should `await flushIfFull()`. */
  append(chunk: string | Buffer): boolean {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    return this.pendingLength >= this.chunkSize;
  }

  /** Writes the buffer out when it holds at least a chunk. */
  async flushIfFull(): Promise<void> {
    if (this.pendingLength >= this.chunkSize) await this.flush();
  }

  /**
   * Hands everything buffered so far to the file system. One write stays in flight while the
   * caller goes on computing (the next flush, or finish, waits for it), so disk and CPU overlap.
   */
  async flush(): Promise<void> {
    await this.settle();
    if (this.pending.length === 0) return;
    const chunks = coalesce(this.pending);
    this.pending = [];
    this.pendingLength = 0;
    this.inflight = this.handle.writev(chunks).then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= error;
      },
    );
  }

  /** Waits for the write in flight and rethrows its failure. */
  private async settle(): Promise<void> {
    if (this.inflight !== undefined) {
      await this.inflight;
      this.inflight = undefined;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Flushes, fsyncs and closes the temporary file; `rename()` then puts it in place. */
  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
    await this.handle.sync();
    await this.handle.close();
  }

  /** Renames the finished temporary file over the target. */
  async rename(): Promise<void> {
    await fs.promises.rename(this.tempFile, this.file);
    this.done = true;
  }

  /** Finishes and renames in one step. */
  async commit(): Promise<void> {
    await this.finish();
    await this.rename();
  }

  /** Closes and removes the temporary file (safe to call more than once, and after commit). */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    await this.inflight;
    await this.handle.close().catch(() => undefined);
    await fs.promises.rm(this.tempFile, { force: true });
  }
}
