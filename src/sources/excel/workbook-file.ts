/**
 * Checks that a file is an `.xlsx` workbook before the streaming reader sees it, so that the files
 * operators actually send by mistake get a sentence instead of a zip library's stack trace:
 * an empty file, a CSV or text file renamed `.xlsx`, a password-protected workbook or a legacy
 * `.xls` (both are OLE2 compound files, not zip archives), a truncated download (a zip archive
 * without its closing central directory), or a folder.
 *
 * Only the first bytes and the last 64 KiB are read; the archive's content is checked by the reader.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../engine/errors.js';

/** What the first bytes of a file say it is. */
export type WorkbookSignature = 'zip' | 'ole2' | 'empty' | 'other';

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2_HEADER = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** End of central directory record: signature + 18 bytes, followed by a comment of up to 64 KiB. */
const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const EOCD_MIN = 22;
const EOCD_SEARCH = EOCD_MIN + 0xffff;

/** Classifies a file by its first bytes. */
export function signatureOf(head: Buffer): WorkbookSignature {
  if (head.length === 0) return 'empty';
  if (head.subarray(0, 4).equals(ZIP_LOCAL_HEADER)) return 'zip';
  if (head.subarray(0, 8).equals(OLE2_HEADER)) return 'ole2';
  return 'other';
}

/** True when the tail of a zip archive holds its end-of-central-directory record (a complete archive). */
export function hasEndOfCentralDirectory(tail: Buffer): boolean {
  for (let at = tail.length - EOCD_MIN; at >= 0; at--) {
    if (tail[at] === 0x50 && tail.subarray(at, at + 4).equals(EOCD_SIGNATURE)) return true;
  }
  return false;
}

function notAWorkbook(file: string, reason: string, action: string): ValidationError {
  const name = path.basename(file);
  return new ValidationError(`${name} is not an Excel workbook (.xlsx): ${reason}.`, { action, details: { file: name, reason } });
}

/**
 * Throws a ValidationError saying what the file is when it cannot be an `.xlsx` workbook.
 * @param file an absolute path (already checked against the data roots)
 */
export async function assertWorkbookFile(file: string): Promise<void> {
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
    if (stat.isDirectory()) {
      throw notAWorkbook(file, 'it is a folder', 'Pass the path of the .xlsx file inside the folder.');
    }
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
        throw notAWorkbook(
          file,
          'it does not start like a zip archive (it may be a CSV or text file renamed .xlsx)',
          'Open the file in Excel and save it as "Excel Workbook (.xlsx)", then run again.',
        );
      case 'zip':
        break;
    }
    const tailLength = Math.min(stat.size, EOCD_SEARCH);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, stat.size - tailLength);
    if (!hasEndOfCentralDirectory(tail)) {
      throw notAWorkbook(
        file,
        'the zip archive is incomplete (truncated: its central directory is missing)',
        'The file was cut short (an interrupted download or copy); copy or export it again and run again.',
      );
    }
  } finally {
    await handle.close();
  }
}
