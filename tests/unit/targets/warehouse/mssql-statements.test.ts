/**
 * Golden tests of the T-SQL the SQL Server dialect sends (no SQL Server runs here): any change to a
 * statement shows up as a diff of `tests/golden/warehouse/mssql/*.sql`. Regenerate deliberately
 * with `UPDATE_GOLDEN=1 npx vitest run tests/unit/targets/warehouse/mssql-statements.test.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createMssqlStagingSql,
  DROP_MSSQL_STAGING_SQL,
  mergeSql,
  MSSQL_COLUMNS_SQL,
  MSSQL_COUNT_ACC_SQL,
  MSSQL_LATEST_IMPORT_RUN_SQL,
  MSSQL_READ_VIEW_SQL,
  MSSQL_UNIQUE_KEY_INDEX_SQL,
  mssqlReadAccRowsSql,
} from '../../../../src/targets/warehouse/mssql/statements.js';
import { REPO_ROOT } from '../../../helpers/workspace.js';

const GOLDEN = path.join(REPO_ROOT, 'tests', 'golden', 'warehouse', 'mssql');
const text = new Set(['source_system', 'source_issue_id', 'source_project_id', 'issue_bk', 'title', 'display_id']);

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, `${name}.sql`);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, `${actual}\n`);
  expect(fs.existsSync(file), `missing golden file ${file} (UPDATE_GOLDEN=1 creates it)`).toBe(true);
  expect(`${actual}\n`).toBe(fs.readFileSync(file, 'utf8'));
}

describe('the T-SQL of the SQL Server dialect', () => {
  it('merges a staged batch under HOLDLOCK, updating only rows whose values differ, with OUTPUT $action', () => {
    golden('merge', mergeSql({ hasDisplayId: true, uniqueKeyIndex: true, textColumns: text }));
  });

  it('adds a table lock to the MERGE when the key has no unique index', () => {
    golden('merge-without-unique-index', mergeSql({ hasDisplayId: true, uniqueKeyIndex: false, textColumns: text }));
  });

  it('leaves display_id out where dim.issue has no such column, and compares a numeric issue_bk without a collation', () => {
    golden('merge-without-display-id', mergeSql({ hasDisplayId: false, uniqueKeyIndex: true, textColumns: new Set(['title']) }));
  });

  it('stages a batch in #acc_staging in the database collation, keyed like dim.issue', () => {
    golden('staging', `${createMssqlStagingSql(true)}\n${DROP_MSSQL_STAGING_SQL}`);
  });

  it('reads the catalog, the import run, the view and the ACC rows with parameters only', () => {
    golden('preflight', `${MSSQL_COLUMNS_SQL}\n\n${MSSQL_UNIQUE_KEY_INDEX_SQL}\n\n${MSSQL_LATEST_IMPORT_RUN_SQL}`);
    golden('reads', `${MSSQL_READ_VIEW_SQL}\n\n${mssqlReadAccRowsSql(true)}\n\n${MSSQL_COUNT_ACC_SQL}`);
  });

  it('never puts a value into the text of a statement', () => {
    const all = [mergeSql({ hasDisplayId: true, uniqueKeyIndex: true, textColumns: text }), MSSQL_LATEST_IMPORT_RUN_SQL, mssqlReadAccRowsSql(true), MSSQL_COUNT_ACC_SQL, MSSQL_COLUMNS_SQL];
    for (const statement of all) {
      expect(statement).not.toMatch(/'ACC'|N'ACC'|'Success'/);
    }
  });
});
