import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatJsonPath, parseJsonConfig } from '../../../src/config/json-file.js';
import { loadWprColumns } from '../../../src/config/wpr-columns.js';
import { MigrationError } from '../../../src/engine/errors.js';

const schema = z.object({ registry: z.record(z.string(), z.string().min(1, 'the project identifier is empty')) }).strict();
const options = { what: 'the product registry', hint: 'each product maps to a project identifier' };

function configError(fn: () => unknown): MigrationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MigrationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseJsonConfig', () => {
  it('returns the validated value of a good file (a BOM is ignored)', () => {
    expect(parseJsonConfig('\uFEFF{"registry": {"FlowOne": "flowone"}}', 'r.json', schema, options)).toEqual({ registry: { FlowOne: 'flowone' } });
  });

  it('names the line and column of a syntax error and says to fix it there', () => {
    const error = configError(() => parseJsonConfig('{\n  "registry": {\n    "A": "a",\n  }\n}', 'r.json', schema, options));
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/r\.json is not valid JSON \(line 4, column 3/);
    expect(error.action).toContain('line 4');
  });

  it('names the line and JSON path of an invalid value, with the hint', () => {
    const error = configError(() => parseJsonConfig('{\n  "registry": {\n    "Flow One": "x",\n    "NIAM": ""\n  }\n}', 'r.json', schema, options));
    expect(error.message).toBe("r.json line 4: 'registry.NIAM' is invalid: the project identifier is empty.");
    expect(error.action).toContain('each product maps to a project identifier');
  });

  it('names unknown keys at the top level', () => {
    expect(configError(() => parseJsonConfig('{"registry": {}, "extra": 1}', 'r.json', schema, options)).message).toMatch(/'\(top level\)'/);
  });

  it('writes JSON paths readably', () => {
    expect(formatJsonPath(['registry', 'Flow One'])).toBe('registry."Flow One"');
    expect(formatJsonPath(['columns', 'order_id', 'headers', 2])).toBe('columns.order_id.headers[2]');
  });
});

describe('loadWprColumns', () => {
  it('loads the repository default with the core fields and their OpenProject custom fields', async () => {
    const columns = await loadWprColumns('config');
    expect(columns.order_id).toMatchObject({ required: true, level: 'order', op_field: 'WPR Order ID' });
    expect(columns.line_item?.level).toBe('line');
    expect(columns.quantity?.type).toBe('number');
  });
});
