import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact, redactValue, registerSecret, registerSecretsFromEnv } from '../../../src/logging/redact.js';

afterEach(() => clearSecrets());

describe('registered secrets', () => {
  it('replaces every occurrence of a registered secret with ***', () => {
    registerSecret('sk-live-7f3a9c1e5b');
    expect(redact('key=sk-live-7f3a9c1e5b; again sk-live-7f3a9c1e5b.')).toBe('key=***; again ***.');
  });

  it('ignores values shorter than 4 characters, which would mangle ordinary text', () => {
    registerSecret('abc');
    registerSecret('');
    registerSecret(undefined);
    expect(redact('abc abcdef')).toBe('abc abcdef');
  });

  it('clearSecrets forgets them', () => {
    registerSecret('sk-live-7f3a9c1e5b');
    clearSecrets();
    expect(redact('sk-live-7f3a9c1e5b')).toBe('sk-live-7f3a9c1e5b');
  });

  it('masks a secret fully even when a shorter secret is part of it', () => {
    registerSecret('pass');
    registerSecret('password-of-the-db-9');
    const text = redact('db password-of-the-db-9 and pass');
    expect(text).not.toContain('of-the-db-9');
    expect(text).toBe('db *** and ***');
  });
});

describe('registerSecretsFromEnv', () => {
  it('registers *_KEY, *_TOKEN, *_PASSWORD, *_SECRET and *_PAT variables, and nothing else', () => {
    registerSecretsFromEnv({
      INNERGY_API_KEY: 'innergy-key-1',
      DEVREV_API_TOKEN: 'devrev-token-2',
      SMTP_PASSWORD: 'smtp-pass-3',
      CLIENT_SECRET: 'client-secret-4',
      GITHUB_PAT: 'ghp-pat-5',
      MIGRATION_STATE_DIR: '/srv/state-dir',
      LOG_LEVEL: 'info',
    });
    const text = redact('innergy-key-1 devrev-token-2 smtp-pass-3 client-secret-4 ghp-pat-5 /srv/state-dir info');
    expect(text).toBe('*** *** *** *** *** /srv/state-dir info');
  });

  it('registers the password inside a *_URL so it is masked wherever it appears', () => {
    registerSecretsFromEnv({ PM_DB_URL: 'mssql://sa:Tr1cky-Pw@db.local:1433/pm', WAREHOUSE_DB_URL: 'postgres://reader@db/wh' });
    expect(redact('login failed for password Tr1cky-Pw')).toBe('login failed for password ***');
    expect(redact('postgres://reader@db/wh')).toBe('postgres://reader@db/wh');
  });

  it('skips empty values', () => {
    registerSecretsFromEnv({ INNERGY_API_KEY: '' });
    expect(redact('nothing to hide')).toBe('nothing to hide');
  });
});

describe('credential-shaped text', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOi.payload.sig', 'Authorization: Bearer ***'],
    ['authorization: basic YXBpa2V5OnNlY3JldA==', 'authorization: basic ***'],
    ['Authorization=Token abc123def', 'Authorization=Token ***'],
    ['Api-Key: 0123456789abcdef', 'Api-Key: ***'],
    ['x-api-key: 0123456789abcdef', 'x-api-key: ***'],
    ['{"Authorization":"Bearer tok-1234","other":1}', '{"Authorization":"Bearer ***","other":1}'],
    ["{'api-key': 'k-5678'}", "{'api-key': '***'}"],
  ])('masks %j', (input, output) => {
    expect(redact(input)).toBe(output);
  });

  it('masks the password of a URL and keeps the user, host and path', () => {
    expect(redact('GET https://apikey:s3cr3t-value@op.example.com/api/v3/projects failed')).toBe('GET https://apikey:***@op.example.com/api/v3/projects failed');
    expect(redact('mssql://sa:pw1234@db:1433/pm and postgres://u:p@h/db')).toBe('mssql://sa:***@db:1433/pm and postgres://u:***@h/db');
  });

  it('masks an apikey: credential that does not parse as a URL password', () => {
    expect(redact('https://apikey:ab/cd-secret@op.example.com')).not.toContain('cd-secret');
  });

  it('leaves ordinary text alone', () => {
    const text = 'Created 3 projects; see https://op.example.com/projects/42 (user: alice).';
    expect(redact(text)).toBe(text);
  });
});

describe('redactValue', () => {
  it('redacts strings at every depth of objects and arrays', () => {
    registerSecret('sk-live-7f3a9c1e5b');
    const value = { message: 'key sk-live-7f3a9c1e5b', nested: { list: ['Authorization: Bearer abc', { deep: 'sk-live-7f3a9c1e5b' }] }, count: 3, ok: true, none: null };
    expect(redactValue(value)).toEqual({ message: 'key ***', nested: { list: ['Authorization: Bearer ***', { deep: '***' }] }, count: 3, ok: true, none: null });
  });

  it('does not change its input', () => {
    registerSecret('sk-live-7f3a9c1e5b');
    const value = { message: 'sk-live-7f3a9c1e5b' };
    redactValue(value);
    expect(value.message).toBe('sk-live-7f3a9c1e5b');
  });

  it('keeps numbers, booleans, null, undefined and dates as they are', () => {
    const date = new Date('2024-01-15T00:00:00Z');
    expect(redactValue(42)).toBe(42);
    expect(redactValue(false)).toBe(false);
    expect(redactValue(null)).toBeNull();
    expect(redactValue(undefined)).toBeUndefined();
    expect(redactValue({ at: date }).at).toBe(date);
  });
});
