/**
 * Live Snowflake: runs only when SNOWFLAKE_ACCOUNT is set (with SNOWFLAKE_USER,
 * SNOWFLAKE_PRIVATE_KEY_PATH and a warehouse), and reports "skipped" otherwise. It reads
 * SNOWFLAKE_TEST_TABLE when set, else a one-row query built from literals, through the same
 * reader the backfill uses.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { collectRows } from '../../src/pipelines/devrev/collect.js';
import { readBackfillSnowflake } from '../../src/pipelines/devrev/read-snowflake.js';
import { SnowflakeClient } from '../../src/sources/snowflake/index.js';

const live = Boolean(process.env.SNOWFLAKE_ACCOUNT);

describe.skipIf(!live)('live Snowflake (SNOWFLAKE_ACCOUNT is set)', () => {
  it('reads backfill rows through the SQL API v2 with key-pair auth', async () => {
    const client = SnowflakeClient.fromConfig(loadConfig());
    const table = process.env.SNOWFLAKE_TEST_TABLE;
    const selection = table
      ? { table }
      : { query: "SELECT 'ISS-1' AS issue_id, 'DEVU-1' AS creator_user_id, 'Ops' AS assigned_group, NULL AS creator_group" };
    const invalid: unknown[] = [];
    const collected = await collectRows(readBackfillSnowflake(client, selection), (row) => invalid.push(row));
    expect(collected.read).toBeGreaterThan(0);
    if (!table) expect(collected.rows.map((row) => row.key)).toEqual(['ISS-1']);
  }, 120_000);
});
