/**
 * The stream exceljs's streaming WorkbookReader reads: the workbook's own zip archive, re-laid
 * as a new zip stream holding only the parts a sheet read needs, in the order that reader needs
 * them — `xl/_rels/workbook.xml.rels`, `xl/workbook.xml`, `xl/sharedStrings.xml`, then the
 * worksheets by number — each part's compressed bytes copied as they are (nothing is inflated or
 * recompressed here), with its sizes from the central directory in its local header.
 *
 * Why (hand-written, ~100 lines, rather than handing exceljs the file):
 * - exceljs 4.4's streaming reader intermittently loses the last parts of an archive (unzipper
 *   reports the end of the zip stream before the last entries are read: exceljs issues #683 and
 *   #3064, open fixes #2915 and #3065). Excel and LibreOffice store the shared strings and the
 *   relationships last, so about one read in five came back with every text cell as
 *   `{sharedString: n}` and no sheet names. With the parts it needs first and the sheets last,
 *   nothing it needs comes after a sheet.
 * - With the shared strings known before the sheets, exceljs reads the sheets straight from the
 *   stream instead of parking each in a temporary file outside the data roots.
 * - Sizes in the local headers (instead of data descriptors found by scanning for a signature)
 *   make a damaged part fail with an inflate error instead of a misread.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { ValidationError } from '../../engine/errors.js';
import type { WorkbookArchive, ZipEntry } from './workbook-file.js';

const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIGNATURE = 0x06054b50;
const METADATA = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml'];
const WORKSHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/** The parts to send, in order: metadata first, then worksheets by number. */
export function partsInReadOrder(entries: readonly ZipEntry[]): ZipEntry[] {
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const metadata = METADATA.map((name) => byName.get(name)).filter((entry): entry is ZipEntry => entry !== undefined);
  const sheets = entries
    .map((entry) => ({ entry, number: Number(WORKSHEET.exec(entry.name)?.[1] ?? Number.NaN) }))
    .filter(({ number }) => Number.isFinite(number))
    .sort((a, b) => a.number - b.number)
    .map(({ entry }) => entry);
  return [...metadata, ...sheets];
}

function damaged(archive: WorkbookArchive, part: string, reason: string): ValidationError {
  const name = archive.file.split(/[\\/]/).pop()!;
  return new ValidationError(`${name} is not an Excel workbook (.xlsx): its part ${part} ${reason}.`, {
    action: 'The file is damaged or protected: open it in Excel and save it as .xlsx again (or export it again), then run again.',
    details: { file: name, part },
  });
}

/** A new local file header for `entry`: sizes and CRC filled in, no data descriptor, no extra field. */
function localHeader(entry: ZipEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  const header = Buffer.alloc(30 + name.length);
  header.writeUInt32LE(LOCAL_SIGNATURE, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(entry.flags & ~0x08 & 0xffff, 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(entry.dosTime, 10);
  header.writeUInt16LE(entry.dosDate, 12);
  header.writeUInt32LE(entry.crc32, 14);
  header.writeUInt32LE(entry.compressedSize, 18);
  header.writeUInt32LE(entry.uncompressedSize, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28);
  name.copy(header, 30);
  return header;
}

async function* parts(archive: WorkbookArchive): AsyncGenerator<Buffer> {
  const handle = await fs.promises.open(archive.file, 'r');
  try {
    for (const entry of partsInReadOrder(archive.entries)) {
      if (entry.flags & 0x01) throw damaged(archive, entry.name, 'is encrypted');
      if (entry.method !== 0 && entry.method !== 8) throw damaged(archive, entry.name, `uses compression method ${entry.method}, which is not supported`);
      const local = Buffer.alloc(30);
      await handle.read(local, 0, 30, entry.localHeaderOffset);
      if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw damaged(archive, entry.name, 'is damaged (no local header where the central directory says)');
      const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (dataStart + entry.compressedSize > archive.size) throw damaged(archive, entry.name, 'runs past the end of the file');
      yield localHeader(entry);
      let position = dataStart;
      const end = dataStart + entry.compressedSize;
      while (position < end) {
        const chunk = Buffer.alloc(Math.min(1 << 16, end - position));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) throw damaged(archive, entry.name, 'runs past the end of the file');
        position += bytesRead;
        yield bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
      }
    }
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(EOCD_SIGNATURE, 0);
    yield eocd;
  } finally {
    await handle.close();
  }
}

/** The re-laid zip stream of the workbook's parts (see the module header). */
export function workbookPartsStream(archive: WorkbookArchive): Readable {
  return Readable.from(parts(archive), { objectMode: false });
}
