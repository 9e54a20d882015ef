import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutsideDataRootError, ValidationError } from '../../../../src/engine/errors.js';
import { discoverExport } from '../../../../src/pipelines/ppak/discover.js';
import { parseDateRange } from '../../../../src/transform/date-range.js';
import { workspace, type Workspace } from './helpers.js';

let ws: Workspace;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

describe('discoverExport', () => {
  it('picks the newest date stamp in the file names, not the newest file', async () => {
    ws.write('projects_2024-01-15.csv', 'x');
    ws.write('materials_2024-01-15.csv', 'x');
    const older = ws.write('projects_2024-01-08.csv', 'x');
    const future = new Date(Date.now() + 86_400_000);
    fs.utimesSync(older, future, future);
    const set = await discoverExport(ws.exportDir, undefined, ws.config.sandbox);
    expect(set.exportDate).toBe('2024-01-15');
    expect(path.basename(set.files.projects)).toBe('projects_2024-01-15.csv');
    expect(path.basename(set.files.materials!)).toBe('materials_2024-01-15.csv');
    expect(set.files.work_orders).toBeUndefined();
  });

  it('reads the set of an explicit export_date', async () => {
    ws.write('projects_2024-01-15.csv', 'x');
    ws.write('projects_2024-01-08.csv', 'x');
    ws.write('work_orders_2024-01-08.csv', 'x');
    const set = await discoverExport(ws.exportDir, '2024-01-08', ws.config.sandbox);
    expect(set.exportDate).toBe('2024-01-08');
    expect(path.basename(set.files.work_orders!)).toBe('work_orders_2024-01-08.csv');
  });

  it('says which files were found and which one is expected when the projects file is missing', async () => {
    ws.write('materials_2024-01-15.csv', 'x');
    ws.write('projects_2024-01-08.csv', 'x');
    const error = await discoverExport(ws.exportDir, undefined, ws.config.sandbox).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('expected projects_2024-01-15.csv');
    expect((error as Error).message).toContain('materials_2024-01-15.csv, projects_2024-01-08.csv');
  });

  it('is a clear error for a missing folder and for a folder without exports', async () => {
    await expect(discoverExport(path.join(ws.root, 'nope'), undefined, ws.config.sandbox)).rejects.toThrow(/does not exist/);
    await expect(discoverExport(ws.exportDir, undefined, ws.config.sandbox)).rejects.toThrow(/No PPak export files .*\(it is empty\)/);
    ws.write('projects.csv', 'x');
    await expect(discoverExport(ws.exportDir, undefined, ws.config.sandbox)).rejects.toThrow(/it holds projects\.csv/);
  });

  it('refuses a malformed export_date', async () => {
    ws.write('projects_2024-01-15.csv', 'x');
    await expect(discoverExport(ws.exportDir, '01/15/2024', ws.config.sandbox)).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('refuses an export file that is a symlink leading outside the data roots', async () => {
    const outside = fs.mkdtempSync(path.join(path.dirname(ws.root), 'ppak-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'secret.csv'), 'x');
      fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(ws.exportDir, 'projects_2024-01-15.csv'));
      await expect(discoverExport(ws.exportDir, undefined, ws.config.sandbox)).rejects.toThrow(OutsideDataRootError);
    } finally {
      fs.rmSync(outside, { recursive: true });
    }
  });
});

describe('parseDateRange', () => {
  it('reads two ISO dates, spaces allowed', () => {
    expect(parseDateRange('2024-01-01, 2024-01-31')).toEqual({ from: '2024-01-01', to: '2024-01-31' });
    expect(parseDateRange('2024-01-15,2024-01-15')).toEqual({ from: '2024-01-15', to: '2024-01-15' });
  });

  it('is a ValidationError saying the expected form', () => {
    for (const text of ['2024-01-01', '2024-01-01,2024-13-01', '01/01/2024,01/31/2024', 'a,b', '2024-01-01,2024-01-31,2024-02-01']) {
      expect(() => parseDateRange(text), text).toThrow(ValidationError);
      expect(() => parseDateRange(text), text).toThrow(/'YYYY-MM-DD,YYYY-MM-DD'/);
    }
    expect(() => parseDateRange('2024-02-01,2024-01-01')).toThrow(/starts after it ends/);
  });
});
