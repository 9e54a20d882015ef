/** The product registry and the OpenProject override files: loading, matching, and clear errors. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOpenProjectOverrides, typeNameFor } from '../../../src/config/op-overrides.js';
import { buildProductRegistry, loadProductRegistry } from '../../../src/config/product-registry.js';
import { MigrationError } from '../../../src/engine/errors.js';

let dir: string | undefined;
function folder(files: Record<string, string>): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-config-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function configError(promise: Promise<unknown>): Promise<MigrationError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(MigrationError);
  expect((error as MigrationError).kind).toBe('config');
  return error as MigrationError;
}

describe('product registry', () => {
  it('matches product names case- and whitespace-insensitively', () => {
    const registry = buildProductRegistry({ 'Flow One': 'flowone', NIAM: 'niam' }, 'r.json');
    expect(registry.projectOf('flowone')).toBe('flowone');
    expect(registry.projectOf('  FLOW  ONE ')).toBe('flowone');
    expect(registry.projectOf('FlowOne')).toBe('flowone');
    expect(registry.projectOf('Flow Two')).toBeUndefined();
    expect(registry.projects()).toEqual(['flowone', 'niam']);
  });

  it('loads the seed\'s spelling variations of one product that point at one project', async () => {
    const registry = await loadProductRegistry(path.join(folder({ 'r.json': '{"registry": {"FlowOne": "FlowOne", "Flowone": "FlowOne", "Flow One": "FlowOne"}}' }), 'r.json'));
    expect(registry.projects()).toEqual(['FlowOne']);
  });

  it('refuses two spellings of one product mapped to different projects, naming both lines', async () => {
    const file = path.join(folder({ 'r.json': '{\n  "registry": {\n    "FlowOne": "flowone",\n    "flow one": "other"\n  }\n}' }), 'r.json');
    const error = await configError(loadProductRegistry(file));
    expect(error.message).toContain('"FlowOne" (line 3) and "flow one" (line 4) are the same product');
  });

  it('names the file and line of a bad project identifier, and says how to create a missing file', async () => {
    const file = path.join(folder({ 'r.json': '{\n  "registry": {\n    "FlowOne": "Flow One"\n  }\n}' }), 'r.json');
    expect((await configError(loadProductRegistry(file))).message).toMatch(/r\.json line 3: 'registry\.FlowOne' is invalid: a project identifier has no spaces/);
    expect((await configError(loadProductRegistry(path.join(dir!, 'none.json')))).action).toMatch(/Create none\.json/);
  });

  it('loads the repository default', async () => {
    expect((await loadProductRegistry('config/product_project_registry.json')).projectOf('flow one')).toBe('flowone');
  });
});

describe('OpenProject overrides', () => {
  it('treats missing files as empty, with the default type names', async () => {
    const overrides = await loadOpenProjectOverrides(folder({}));
    expect(overrides).toMatchObject({ fieldIds: {}, options: {}, types: { epic: 'Epic', story: 'User story' }, files: [] });
  });

  it('normalises field ids and option ids written in any accepted form', async () => {
    const overrides = await loadOpenProjectOverrides(
      folder({
        'op_field_id_overrides.json': '{"$comment": "x", "WPR Product": "customField12", "WPR Status": 13, "WPR Customer": "14"}',
        'op_custom_option_overrides.json': '{"WPR Status": {"Open": 7, "Shipped": "/api/v3/custom_options/8", "Hold": "9"}}',
        'op_types.json': '{"epic": "Epic", "story": "Story", "projects": {"niam": {"story": "Task"}}}',
      }),
    );
    expect(overrides.fieldIds).toEqual({ 'WPR Product': 'customField12', 'WPR Status': 'customField13', 'WPR Customer': 'customField14' });
    expect(overrides.options).toEqual({ 'WPR Status': { Open: 7, Shipped: 8, Hold: 9 } });
    expect(typeNameFor(overrides.types, 'niam', 'story')).toBe('Task');
    expect(typeNameFor(overrides.types, 'flowone', 'story')).toBe('Story');
    expect(overrides.files).toHaveLength(3);
  });

  it('names the file, line and key of a bad override', async () => {
    const error = await configError(loadOpenProjectOverrides(folder({ 'op_field_id_overrides.json': '{\n  "WPR Product": "Product"\n}' })));
    expect(error.message).toMatch(/op_field_id_overrides\.json line 2: '"WPR Product"' is invalid: write customFieldN/);
    const options = await configError(loadOpenProjectOverrides(folder({ 'op_custom_option_overrides.json': '{"WPR Status": {"Open": "seven"}}' })));
    expect(options.message).toMatch(/'"WPR Status"\.Open' is invalid: write the custom option id/);
  });

  it('loads the repository defaults', async () => {
    const overrides = await loadOpenProjectOverrides('config');
    expect(overrides.fieldIds).toEqual({});
    expect(overrides.types.story).toBe('User story');
  });
});
