/**
 * The bad-input corpus against every tool that reads a file (file-tools.ts): each hostile input
 * gets a clear operator error or reported rejects — never a stack trace, never an unbounded echo —
 * good records are not lost, nothing is written outside the data roots, and every CSV the tool
 * writes has its formulas neutralised.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLogLevel } from '../../src/logging/logger.js';
import { callToCompletion, connectInProcess, type InProcessSession } from '../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';
import { FILE_READING_TOOLS } from './file-tools.js';

let ws: Workspace;
let outside: string;
let session: InProcessSession | undefined;

beforeEach(() => {
  setLogLevel('error');
  ws = makeWorkspace();
  outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'outside-roots-')));
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  ws.cleanup();
  fs.rmSync(outside, { recursive: true, force: true });
});

/** Every CSV file written under the workspace's data folder, parsed. */
function writtenCsvCells(): string[] {
  const files = fs.readdirSync(path.join(ws.dir, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.csv') && !path.join(e.parentPath, e.name).includes('hostile'));
  return files.flatMap((e) => (parse(fs.readFileSync(path.join(e.parentPath, e.name)), { relax_column_count: true }) as string[][]).flat());
}

describe.each(FILE_READING_TOOLS)('$tool with hostile input', (entry) => {
  it.each(entry.corpus)('handles $name clearly and loses nothing', async (input) => {
    session = await connectInProcess({ ...ws.env, ...entry.env }, ws.dir);
    const args = entry.place(ws, input, outside);
    const before = fs.readdirSync(outside).length;
    const result = await callToCompletion(session.client, entry.tool, { ...args, wait_seconds: 50 });
    const everything = JSON.stringify(result.structured ?? {}) + result.text + JSON.stringify(result.meta ?? {});

    expect(everything, 'no stack trace reaches the caller').not.toMatch(/\n\s+at [\w.<>]+ \(|node:internal/);
    expect(result.text.length, 'the text is bounded').toBeLessThan(3000);
    if (result.isError) {
      const error = (result.meta?.['migration-mcp/error'] ?? result.structured?.error) as { kind: string; message: string; action: string } | undefined;
      expect(error, 'an operator error carries kind, message and action').toMatchObject({ kind: expect.any(String), message: expect.any(String), action: expect.stringMatching(/\w/) });
      expect(error!.kind).not.toBe('internal');
    }
    if (input.expect.kind === 'error') expect(result.isError, result.text).toBe(true);
    if (input.expect.kind === 'kept') {
      expect(result.isError, result.text).toBe(false);
      expect(entry.kept!(result.structured)).toBe(input.expect.kept);
    }
    expect(fs.readdirSync(outside).length, 'nothing is written outside the data roots').toBe(before);
    if (input.formulas) {
      const cells = writtenCsvCells().filter((c) => input.formulas!.some((marker) => c.includes(marker)));
      expect(cells.length, 'the tool wrote the formula cells somewhere (the check below is not vacuous)').toBeGreaterThan(0);
      for (const cell of cells) expect(cell, 'formulas are neutralised in every CSV written').not.toMatch(/^[=+\-@\t\r]/);
    }
  });
});
