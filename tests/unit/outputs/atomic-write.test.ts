import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../../../src/outputs/atomic-write.js';
import { makeTempDir } from '../engine/helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

const leftovers = (dir: string) => fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('writes the file, creating its directories, and leaves no temporary file', async () => {
    const file = path.join(tmp.dir, 'a', 'b', 'out.txt');
    await writeFileAtomic(file, 'hello');
    expect(fs.readFileSync(file, 'utf8')).toBe('hello');
    expect(leftovers(path.dirname(file))).toEqual([]);
  });

  it('replaces an existing file as a whole', async () => {
    const file = path.join(tmp.dir, 'out.txt');
    fs.writeFileSync(file, 'x'.repeat(10_000));
    await writeFileAtomic(file, 'short');
    expect(fs.readFileSync(file, 'utf8')).toBe('short');
  });

  it('writes bytes as given', async () => {
    const file = path.join(tmp.dir, 'bytes.bin');
    await writeFileAtomic(file, new Uint8Array([0, 1, 2, 255]));
    expect([...fs.readFileSync(file)]).toEqual([0, 1, 2, 255]);
  });

  it('removes its temporary file and keeps the old content when the rename fails', async () => {
    const target = path.join(tmp.dir, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside.txt'), 'keep');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(leftovers(tmp.dir)).toEqual([]);
    expect(fs.readFileSync(path.join(target, 'inside.txt'), 'utf8')).toBe('keep');
  });

  it('removes its temporary file and keeps the old content when writing fails (disk full)', async () => {
    const file = path.join(tmp.dir, 'doc.json');
    fs.writeFileSync(file, 'old');
    const realOpen = fs.promises.open;
    vi.spyOn(fs.promises, 'open').mockImplementation(async (...args: Parameters<typeof realOpen>) => {
      const handle = await realOpen(...args);
      handle.writeFile = async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      };
      return handle;
    });
    await expect(writeFileAtomic(file, 'new')).rejects.toThrow(/ENOSPC/);
    vi.restoreAllMocks();
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(leftovers(tmp.dir)).toEqual([]);
  });

  it('concurrent writers of the same file leave one complete version', async () => {
    const file = path.join(tmp.dir, 'race.json');
    const versions = Array.from({ length: 8 }, (_, i) => JSON.stringify({ writer: i, body: String(i).repeat(5000) }));
    await Promise.all(versions.map((text) => writeFileAtomic(file, text)));
    expect(versions).toContain(fs.readFileSync(file, 'utf8'));
    expect(leftovers(tmp.dir)).toEqual([]);
  });
});

describe('writeJsonAtomic', () => {
  it('writes pretty JSON with two-space indentation and a trailing newline', async () => {
    const file = path.join(tmp.dir, 'doc.json');
    await writeJsonAtomic(file, { a: 1, b: [true] });
    expect(fs.readFileSync(file, 'utf8')).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}\n');
  });
});
