/** The Snowflake source against the fake SQL API v2: key-pair JWT, polling, partitions, errors. */
import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AuthError, CancelledError, ConfigError, ValidationError } from '../../../src/engine/errors.js';
import { collectRows } from '../../../src/pipelines/devrev/collect.js';
import { readBackfillSnowflake } from '../../../src/pipelines/devrev/read-snowflake.js';
import type { InvalidRow } from '../../../src/pipelines/devrev/rows.js';
import { BACKFILL_COLUMNS } from '../../../src/pipelines/devrev/rows.js';
import { jwtAccount, loadPrivateKey, publicKeyFingerprint, readSnowflake, snowflakeJwt, SnowflakeClient, statementFor } from '../../../src/sources/snowflake/index.js';
import { startFakeSnowflake, type FakeSnowflake, type FakeSnowflakeOptions } from '../../fakes/snowflake.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snowflake-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const COLUMNS = ['ISSUE_ID', 'CREATOR_USER_ID', 'ASSIGNED_GROUP', 'CREATOR_GROUP'];
const rows = (n: number) => Array.from({ length: n }, (_, i) => [`ISS-${i + 1}`, `DEVU-${(i % 3) + 1}`, 'Ops', i % 2 ? 'Platform' : null]);

let fake: FakeSnowflake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: Partial<FakeSnowflakeOptions> = {}, privateKeyPem = pair.privateKey) {
  fake = await startFakeSnowflake({ account: 'myorg-acct', user: 'loader', publicKeyPem: pair.publicKey, tables: { 'BACKFILL.PUBLIC.ROWS': { columns: COLUMNS, rows: rows(250) } }, ...options });
  const client = new SnowflakeClient({
    baseUrl: fake.url,
    account: 'myorg-acct',
    user: 'loader',
    key: loadPrivateKey(privateKeyPem),
    warehouse: 'WH',
    database: 'BACKFILL',
    schema: 'PUBLIC',
    rateLimit: { count: 1000, windowMs: 1000 },
    maxRetries: 3,
    pollIntervalMs: 10,
  });
  return { fake, client };
}

async function readAll(client: SnowflakeClient, selection: Parameters<typeof readSnowflake>[1], signal?: AbortSignal) {
  const out = [];
  for await (const batch of readSnowflake(client, selection, BACKFILL_COLUMNS, signal)) out.push(...batch);
  return out;
}

describe('Snowflake key-pair JWT', () => {
  it('carries iss ACCOUNT.USER.SHA256:<fingerprint>, sub, and at most an hour of life', () => {
    const key = loadPrivateKey(pair.privateKey);
    const { token, expiresAt } = snowflakeJwt({ account: 'xy12345.us-east-2.aws', user: 'loader', key, now: 1_700_000_000_000 });
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({ iss: `XY12345.LOADER.${publicKeyFingerprint(key)}`, sub: 'XY12345.LOADER', iat: 1_700_000_000, exp: 1_700_003_540 });
    expect(expiresAt).toBe(1_700_003_540_000);
    expect(publicKeyFingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}=$/);
    expect(jwtAccount('myorg-myaccount')).toBe('MYORG-MYACCOUNT');
  });

  it('reads an encrypted private key with its passphrase, and says what is wrong otherwise', () => {
    const encrypted = createPrivateKey(pair.privateKey).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret-pass' }).toString();
    expect(loadPrivateKey(encrypted, 'secret-pass').asymmetricKeyType).toBe('rsa');
    expect(() => loadPrivateKey(encrypted)).toThrow(ConfigError);
    const error = (() => {
      try {
        return loadPrivateKey('not a key');
      } catch (caught) {
        return caught as ConfigError;
      }
    })() as ConfigError;
    expect(error.action).toContain('SNOWFLAKE_PRIVATE_KEY_PATH');
  });
});

describe('Snowflake SQL API reads', () => {
  it('reads a table through a bind variable, every partition in order', async () => {
    const { fake, client } = await setup();
    const records = await readAll(client, { table: 'backfill.public.rows' });
    expect(records).toHaveLength(250);
    expect(records[0]).toMatchObject({ row: 1, record: { issue_id: 'ISS-1', creator_user_id: 'DEVU-1', assigned_group: 'Ops', creator_group: '' } });
    expect(records[249]).toMatchObject({ row: 250, record: { issue_id: 'ISS-250', creator_group: 'Platform' } });
    expect(fake.statements).toEqual([{ statement: 'SELECT * FROM IDENTIFIER(?)', bindings: { '1': { type: 'TEXT', value: 'backfill.public.rows' } }, requestId: expect.any(String) }]);
    expect(fake.server.requests.count({ method: 'GET', path: '/api/v2/statements/:handle' })).toBe(2);
  });

  it('polls a statement that answers 202 until it is done', async () => {
    const { fake, client } = await setup({ asyncPolls: 3 });
    expect(await readAll(client, { query: 'SELECT issue_id, creator_user_id, assigned_group FROM ROWS' })).toHaveLength(250);
    expect(fake.server.stats().byStatus['202']).toBe(3);
  });

  it('cancels a running statement when the read is cancelled', async () => {
    const { fake, client } = await setup({ asyncPolls: 1000 });
    const controller = new AbortController();
    // Cancel once the statement is known to be running (its status has been polled).
    const polled = setInterval(() => {
      if (fake.server.requests.count({ method: 'GET' }) > 0) controller.abort();
    }, 5);
    await expect(readAll(client, { table: 'ROWS' }, controller.signal)).rejects.toBeInstanceOf(CancelledError);
    clearInterval(polled);
    expect(fake.cancelled).toHaveLength(1);
  });

  it('refuses a key that is not the user\'s with an AuthError naming the variables', async () => {
    const { client } = await setup({}, other.privateKey);
    const error = await readAll(client, { table: 'ROWS' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).action).toContain('SNOWFLAKE_PRIVATE_KEY_PATH');
  });

  it('waits out a 429 and goes on', async () => {
    const { fake, client } = await setup({ rateLimit: { count: 1, windowMs: 1000, retryAfterSeconds: 1 }, tables: { ROWS: { columns: COLUMNS, rows: rows(5) } } });
    expect(await readAll(client, { table: 'ROWS' })).toHaveLength(5);
    expect(await readAll(client, { table: 'ROWS' })).toHaveLength(5);
    expect(fake.server.stats().rateLimited).toBeGreaterThanOrEqual(1);
  });

  it('turns a SQL error (422) into a ValidationError quoting Snowflake', async () => {
    const { client } = await setup();
    await expect(readAll(client, { table: 'MISSING' })).rejects.toThrow(/does not exist or not authorized.*SQL state 42S02, code 002003/);
    const error = await readAll(client, { query: 'SELECT nonsense garbage' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect(String((error as Error).message)).toContain('syntax error');
  });

  it('refuses a result without a required column', async () => {
    const { client } = await setup();
    await expect(readAll(client, { query: 'SELECT issue_id, creator_user_id FROM ROWS' })).rejects.toThrow(/no column for 'assigned_group'/);
  });

  it('checks table names and queries before sending anything', () => {
    expect(() => statementFor({ table: 'rows; drop table x' })).toThrow(ValidationError);
    expect(() => statementFor({ query: 'DELETE FROM rows' })).toThrow(/single SELECT/);
    expect(() => statementFor({ query: 'SELECT 1; SELECT 2' })).toThrow(/single SELECT/);
    expect(statementFor({ query: 'with x as (select 1) select * from x;' }).statement).toBe('with x as (select 1) select * from x');
    expect(statementFor({ table: '"My Db".PUBLIC.ROWS' }).bindings['1']?.value).toBe('"My Db".PUBLIC.ROWS');
  });

  it('feeds the backfill with validated rows numbered in the result', async () => {
    const { client } = await setup({ tables: { ROWS: { columns: COLUMNS, rows: [['ISS-1', 'DEVU-1', 'Ops', null], ['bad id', 'DEVU-1', 'Ops', null], ['ISS-3', null, 'Ops', 'X']] } } });
    const invalid: InvalidRow[] = [];
    const collected = await collectRows(readBackfillSnowflake(client, { table: 'ROWS' }), (row) => invalid.push(row));
    expect(collected.rows.map((r) => [r.key, r.source.line, r.source.file.startsWith('snowflake:')])).toEqual([['ISS-1', 1, true]]);
    expect(invalid.map((r) => [r.source.line, r.reason])).toEqual([
      [2, expect.stringContaining('not a DevRev issue id')],
      [3, 'creator_user_id is empty'],
    ]);
  });

  it('builds a client from configuration, naming what is missing', () => {
    const keyFile = path.join(dir, 'rsa_key.p8');
    fs.writeFileSync(keyFile, pair.privateKey);
    const base = { account: 'myorg-acct', user: 'loader', privateKeyPath: keyFile, privateKeyPassphrase: undefined, warehouse: 'WH', database: 'DB', schema: 'S', role: undefined, baseUrl: undefined, rateLimit: { count: 10, windowMs: 1000 } };
    expect(SnowflakeClient.fromConfig({ snowflake: base }).http.target).toBe('Snowflake');
    expect(() => SnowflakeClient.fromConfig({ snowflake: { ...base, account: undefined, user: undefined } })).toThrow(/SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER/);
    expect(() => SnowflakeClient.fromConfig({ snowflake: { ...base, privateKeyPath: path.join(dir, 'nope.p8') } })).toThrow(/Cannot read SNOWFLAKE_PRIVATE_KEY_PATH/);
  });
});
