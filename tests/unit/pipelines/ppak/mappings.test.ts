import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, OutsideDataRootError } from '../../../../src/engine/errors.js';
import { loadMapping, loadMappings, MAPPING_FILES, normalizeMappingKey } from '../../../../src/pipelines/ppak/mappings.js';
import { MAPPING_DIR, workspace, type Workspace } from './helpers.js';

let ws: Workspace;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

function mappingFile(name: string, text: string): string {
  const file = path.join(ws.root, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('normalizeMappingKey', () => {
  it('ignores case and surrounding or repeated whitespace', () => {
    expect(normalizeMappingKey('  In   Progress ')).toBe('in progress');
  });
});

describe('loadMappings', () => {
  it('loads the repository defaults from the (trusted) config folder', async () => {
    const mappings = await loadMappings(MAPPING_DIR, ws.config);
    expect(mappings.status.get('Open')).toBe('Active');
    expect(mappings.phase.get('Install')).toBe('Installation');
    expect(mappings.material.get('PP-PLY-075')).toBe('PLY-MAPLE-075');
  });

  it('refuses a mapping folder outside the data roots and the config folder', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ppak-outside-'));
    try {
      await expect(loadMappings(outside, ws.config)).rejects.toThrow(OutsideDataRootError);
    } finally {
      fs.rmSync(outside, { recursive: true });
    }
  });

  it('treats a missing material_mapping.csv as an empty table but a missing status table as a ConfigError', async () => {
    const dir = path.join(ws.root, 'maps');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(MAPPING_DIR, 'status_mapping.csv'), path.join(dir, 'status_mapping.csv'));
    fs.copyFileSync(path.join(MAPPING_DIR, 'phase_mapping.csv'), path.join(dir, 'phase_mapping.csv'));
    const mappings = await loadMappings(dir, ws.config);
    expect(mappings.material.missing).toBe(true);
    expect(mappings.material.size).toBe(0);
    fs.rmSync(path.join(dir, 'status_mapping.csv'));
    await expect(loadMappings(dir, ws.config)).rejects.toThrow(/status_mapping\.csv does not exist/);
  });
});

describe('loadMapping', () => {
  const spec = MAPPING_FILES.status;

  it('looks values up ignoring case and whitespace on the PPak side, and uses the * row as default', async () => {
    const mapping = await loadMapping(mappingFile('s.csv', '\uFEFFppak_status,innergy_status\r\n In  Progress ,Active\r\n*,On Hold\r\n'), spec);
    expect(mapping.get('in progress')).toBe('Active');
    expect(mapping.get('IN PROGRESS')).toBe('Active');
    expect(mapping.get('Unknown')).toBeUndefined();
    expect(mapping.fallback).toBe('On Hold');
    expect(mapping.size).toBe(1);
  });

  it('ignores extra columns such as notes', async () => {
    const mapping = await loadMapping(mappingFile('s.csv', 'ppak_status,innergy_status,notes\nOpen,Active,since 2019\n'), spec);
    expect(mapping.get('open')).toBe('Active');
  });

  it('is a ConfigError naming the file and line of an empty value', async () => {
    const file = mappingFile('s.csv', 'ppak_status,innergy_status\nOpen,Active\nClosed,\n');
    await expect(loadMapping(file, spec)).rejects.toThrow(ConfigError);
    await expect(loadMapping(file, spec)).rejects.toThrow(/s\.csv line 3: the mapped value/);
  });

  it('is a ConfigError when a value is mapped twice to different targets', async () => {
    const file = mappingFile('s.csv', 'ppak_status,innergy_status\nOpen,Active\nopen,Closed\n');
    await expect(loadMapping(file, spec)).rejects.toThrow(/line 3: 'open' is mapped to 'Closed' but line 2 already maps it to 'Active'/);
  });

  it('is a ConfigError naming the expected header when the header is wrong', async () => {
    const file = mappingFile('s.csv', 'status,target\nOpen,Active\n');
    await expect(loadMapping(file, spec)).rejects.toThrow(ConfigError);
    await expect(loadMapping(file, spec)).rejects.toThrow(/ppak_status/);
  });

  it('is a ConfigError for a ragged line', async () => {
    const file = mappingFile('s.csv', 'ppak_status,innergy_status\nOpen,Active,extra,more\n');
    await expect(loadMapping(file, spec)).rejects.toThrow(/line 2: this row has 4 values/);
  });
});
