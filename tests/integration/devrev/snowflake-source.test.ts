/**
 * devrev_backfill with `source: "snowflake"`: rows from the fake Snowflake SQL API (key-pair JWT,
 * 202 polling, several partitions) written to the fake DevRev; a SQL error is an operator error.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedIssues, startFakeDevRev, type FakeDevRev } from '../../fakes/devrev.js';
import { startFakeSnowflake, type FakeSnowflake } from '../../fakes/snowflake.js';
import { devrevEnv } from '../../helpers/devrev.js';
import { callToCompletion, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const COLUMNS = ['ISSUE_ID', 'CREATOR_USER_ID', 'ASSIGNED_GROUP', 'CREATOR_GROUP'];

let devrev: FakeDevRev;
let snowflake: FakeSnowflake;
let ws: Workspace;
let session: InProcessSession | undefined;

beforeEach(async () => {
  ws = makeWorkspace();
  devrev = await startFakeDevRev({ issues: seedIssues(250, 5) });
  const rows: Array<Array<string | null>> = Array.from({ length: 250 }, (_, i) => [`ISS-${i + 1}`, `DEVU-${(i % 5) + 1}`, 'Ops', 'From Snowflake']);
  rows.push(['not-an-issue', 'DEVU-1', 'Ops', null]);
  snowflake = await startFakeSnowflake({ account: 'myorg-acct', user: 'loader', publicKeyPem: pair.publicKey, tables: { 'ANALYTICS.PUBLIC.CREATORS': { columns: COLUMNS, rows } }, partitionRows: 100, asyncPolls: 2 });
  const keyFile = path.join(ws.dir, 'rsa_key.p8');
  fs.writeFileSync(keyFile, pair.privateKey, { mode: 0o600 });
  session = await connectInProcess(
    {
      ...ws.env,
      ...devrevEnv(devrev.url, devrev.token),
      SNOWFLAKE_ACCOUNT: 'myorg-acct',
      SNOWFLAKE_USER: 'loader',
      SNOWFLAKE_PRIVATE_KEY_PATH: keyFile,
      SNOWFLAKE_WAREHOUSE: 'WH',
      SNOWFLAKE_DATABASE: 'ANALYTICS',
      SNOWFLAKE_SCHEMA: 'PUBLIC',
      SNOWFLAKE_BASE_URL: snowflake.url,
    },
    ws.dir,
  );
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await devrev.close();
  await snowflake.close();
  ws.cleanup();
});

describe('devrev_backfill from Snowflake', () => {
  it('reads every partition of a table and writes each issue once', async () => {
    const result = await callToCompletion(session!.client, 'devrev_backfill', { source: 'snowflake', table: 'CREATORS', dry_run: false, batch_size: 50 });
    expect(result.structured).toMatchObject({ status: 'succeeded', rows: 251, valid: 250, invalid: 1, updated: 250, failed: 0 });
    expect(result.structured.source).toMatchObject({ kind: 'snowflake', table: 'CREATORS', statement: expect.any(String) });
    expect(result.structured.invalid_samples[0]).toMatchObject({ line: 251, file: expect.stringMatching(/^snowflake:/) });
    expect(snowflake.statements).toHaveLength(1);
    expect(snowflake.statements[0]).toMatchObject({ statement: 'SELECT * FROM IDENTIFIER(?)', bindings: { '1': { value: 'CREATORS' } } });
    expect(Object.keys(devrev.state.updateCounts)).toHaveLength(250);
    expect(devrev.valueOf('ISS-250')).toBe('From Snowflake');
  });

  it('turns a SQL error into an operator error that writes nothing', async () => {
    const result = await callToCompletion(session!.client, 'devrev_backfill', { source: 'snowflake', table: 'MISSING_TABLE', dry_run: false });
    expect(result.structured).toMatchObject({ status: 'failed', error: { kind: 'validation' } });
    expect(result.structured.error.message).toMatch(/does not exist or not authorized/);
    expect(devrev.requests.count({ path: '/works.update' })).toBe(0);
  });
});
