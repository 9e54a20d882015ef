/**
 * Opens an `.xlsx` file as a zip archive before the streaming reader sees it, so that the files
 * operators actually send by mistake get a sentence instead of a zip library's stack trace: an
 * empty file, a CSV or text file renamed `.xlsx`, a password-protected workbook or a legacy `.xls`
 * (both OLE2 compound files, not zip archives), a truncated download (no end-of-central-directory
 * record), a damaged central directory, or a folder.
 *
 * On success it returns the archive's entries from its central directory (names, sizes, offsets),
 * which workbook-parts.ts uses to hand exceljs the parts it needs in a safe order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../engine/errors.js';

/** What the first bytes of a file say it is. */
export type WorkbookSignature = 'zip' | 'ole2' | 'empty' | 'other';

/** One entry of the archive's central directory. */
export interface ZipEntry {
  name: string;
  /** General purpose flags of the entry. */
  flags: number;
  /** 0 stored, 8 deflated. */
  method: number;
  dosTime: number;
  dosDate: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local header in the file. */
  localHeaderOffset: number;
}

/** A workbook file that is a complete zip archive. */
export interface WorkbookArchive {
  file: string;
  size: number;
  entries: ZipEntry[];
}

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2_HEADER = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const EOCD_SIGNATURE = 0x06054b50;
const CD_SIGNATURE = 0x02014b50;
/** End of central directory record: 22 bytes, followed by a comment of up to 64 KiB. */
const EOCD_MIN = 22;
const EOCD_SEARCH = EOCD_MIN + 0xffff;

/** Classifies a file by its first bytes. */
export function signatureOf(head: Buffer): WorkbookSignature {
  if (head.length === 0) return 'empty';
  if (head.subarray(0, 4).equals(ZIP_LOCAL_HEADER)) return 'zip';
  if (head.subarray(0, 8).equals(OLE2_HEADER)) return 'ole2';
  return 'other';
}

/** Offset of the end-of-central-directory record within `tail`, or -1 (a truncated archive). */
export function findEndOfCentralDirectory(tail: Buffer): number {
  for (let at = tail.length - EOCD_MIN; at >= 0; at--) {
    if (tail[at] === 0x50 && tail.readUInt32LE(at) === EOCD_SIGNATURE) return at;
  }
  return -1;
}

function notAWorkbook(file: string, reason: string, action: string): ValidationError {
  const name = path.basename(file);
  return new ValidationError(`${name} is not an Excel workbook (.xlsx): ${reason}.`, { action, details: { file: name, reason } });
}

const DAMAGED_ACTION = 'The file is damaged: open it in Excel and save it as .xlsx again (or export it again), then run again.';

/**
 * Opens the workbook's archive, or throws a ValidationError saying what the file is.
 * @param file an absolute path (already checked against the data roots)
 */
export async function openWorkbookArchive(file: string): Promise<WorkbookArchive> {
  const name = path.basename(file);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : `it cannot be read (${code ?? 'error'})`;
    throw new ValidationError(`The workbook ${name} cannot be opened: ${reason}.`, {
      action: 'Check the file path (relative paths start at the working directory) and run again.',
      details: { file: name },
      cause: error,
    });
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw notAWorkbook(file, 'it is a folder', 'Pass the path of the .xlsx file inside the folder.');
    const head = Buffer.alloc(Math.min(8, stat.size));
    if (head.length > 0) await handle.read(head, 0, head.length, 0);
    switch (signatureOf(head)) {
      case 'empty':
        throw notAWorkbook(file, 'the file is empty (0 bytes)', 'Export the order report again from the source system and run again.');
      case 'ole2':
        throw notAWorkbook(
          file,
          'it is an OLE2 compound file: a password-protected (encrypted) workbook or a legacy .xls',
          'Open it in Excel, remove the password (File → Info → Protect Workbook) and save it as .xlsx, then run again.',
        );
      case 'other':
        throw notAWorkbook(file, 'it does not start like a zip archive (it may be a CSV or text file renamed .xlsx)', 'Open the file in Excel and save it as "Excel Workbook (.xlsx)", then run again.');
      case 'zip':
        break;
    }
    const tailLength = Math.min(stat.size, EOCD_SEARCH);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, stat.size - tailLength);
    const eocd = findEndOfCentralDirectory(tail);
    if (eocd < 0) {
      throw notAWorkbook(file, 'the zip archive is incomplete (truncated: its central directory is missing)', 'The file was cut short (an interrupted download or copy); copy or export it again and run again.');
    }
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw notAWorkbook(file, 'it is a ZIP64 archive (over 4 GB or 65,535 parts), which is not supported', 'Split the report into smaller workbooks, then run again.');
    }
    if (cdOffset + cdSize > stat.size) throw notAWorkbook(file, 'its central directory points past the end of the file', DAMAGED_ACTION);
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    return { file, size: stat.size, entries: readCentralDirectory(cd, count, stat.size, file) };
  } finally {
    await handle.close();
  }
}

/** Parses `count` central directory records. */
function readCentralDirectory(cd: Buffer, count: number, fileSize: number, file: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CD_SIGNATURE) throw notAWorkbook(file, 'its central directory is damaged', DAMAGED_ACTION);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: cd.toString('utf8', at + 46, at + 46 + nameLength),
      flags: cd.readUInt16LE(at + 8),
      method: cd.readUInt16LE(at + 10),
      dosTime: cd.readUInt16LE(at + 12),
      dosDate: cd.readUInt16LE(at + 14),
      crc32: cd.readUInt32LE(at + 16),
      compressedSize: cd.readUInt32LE(at + 20),
      uncompressedSize: cd.readUInt32LE(at + 24),
      localHeaderOffset: cd.readUInt32LE(at + 42),
    };
    if (entry.localHeaderOffset + 30 + entry.compressedSize > fileSize) throw notAWorkbook(file, `its part ${entry.name} points past the end of the file`, DAMAGED_ACTION);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
