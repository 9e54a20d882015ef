import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/engine/errors.js';
import { clearSecrets, redact } from '../../../src/logging/redact.js';
import { packageRoot } from '../../../src/package-root.js';
import { makeTempDir } from '../engine/helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('mmcp-env-');
});
afterEach(() => {
  clearSecrets();
  tmp.cleanup();
});

/** The ConfigError loadConfig throws for this environment. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, tmp.dir);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig defaults', () => {
  it('resolves every default path against the working directory', () => {
    const config = loadConfig({}, tmp.dir);
    expect(config).toMatchObject({
      cwd: tmp.dir,
      stateDir: path.join(tmp.dir, 'var'),
      dataRoots: [tmp.dir],
      ppakExportDir: path.join(tmp.dir, 'data', 'ppak_exports'),
      outputDir: path.join(tmp.dir, 'data', 'migration_output'),
      materialLibraryMaster: path.join(tmp.dir, 'data', 'material_library_master.csv'),
    });
    expect(config.sandbox.roots).toEqual([tmp.dir]);
  });

  it('has the documented defaults for toolsets, read-only, retries, log level and targets', () => {
    const config = loadConfig({}, tmp.dir);
    expect(config).toMatchObject({
      toolsets: 'all',
      readOnly: false,
      maxRetries: 5,
      logLevel: 'info',
      httpToken: undefined,
      allowedOrigins: [],
      pmDbUrl: undefined,
      warehouseDbUrl: undefined,
    });
    expect(config.innergy).toEqual({ baseUrl: undefined, secret: undefined, rateLimit: { count: 10, windowMs: 1000 } });
    expect(config.openproject).toEqual({ baseUrl: undefined, secret: undefined, rateLimit: { count: 10, windowMs: 1000 } });
    expect(config.devrev).toEqual({ baseUrl: 'https://api.devrev.ai', secret: undefined, rateLimit: { count: 50, windowMs: 10_000 }, creatorGroupField: 'tnt__creator_group' });
    expect(config.alerts).toMatchObject({ slackWebhook: undefined, smtpHost: undefined, emailTo: [], errorRate: 0.1, batchSeconds: 60, apiErrors: 5 });
    expect(config.snowflake).toMatchObject({ account: undefined, privateKeyPath: undefined, rateLimit: { count: 10, windowMs: 1000 } });
  });

  it('uses ./config when the working directory has one, else the config shipped with the package', () => {
    expect(loadConfig({}, tmp.dir).configDir).toBe(path.join(packageRoot(), 'config'));
    fs.mkdirSync(path.join(tmp.dir, 'config'));
    expect(loadConfig({}, tmp.dir).configDir).toBe(path.join(tmp.dir, 'config'));
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({ MIGRATION_STATE_DIR: '   ', LOG_LEVEL: '', MAX_RETRIES: ' ', MIGRATION_TOOLSETS: '' }, tmp.dir);
    expect(config).toMatchObject({ stateDir: path.join(tmp.dir, 'var'), logLevel: 'info', maxRetries: 5, toolsets: 'all' });
  });
});

describe('loadConfig values', () => {
  it('resolves relative paths against the working directory and keeps absolute ones', () => {
    const config = loadConfig({ MIGRATION_STATE_DIR: 'state', MIGRATION_OUTPUT_DIR: '/srv/out', MIGRATION_CONFIG_DIR: 'cfg', PPAK_EXPORT_DIR: './drop', MATERIAL_LIBRARY_MASTER: 'lib.csv' }, tmp.dir);
    expect(config).toMatchObject({
      stateDir: path.join(tmp.dir, 'state'),
      outputDir: '/srv/out',
      configDir: path.join(tmp.dir, 'cfg'),
      ppakExportDir: path.join(tmp.dir, 'drop'),
      materialLibraryMaster: path.join(tmp.dir, 'lib.csv'),
    });
  });

  it('splits MIGRATION_DATA_ROOTS on ":" and builds the sandbox from them', () => {
    fs.mkdirSync(path.join(tmp.dir, 'a'));
    fs.mkdirSync(path.join(tmp.dir, 'b'));
    const config = loadConfig({ MIGRATION_DATA_ROOTS: `a::${path.join(tmp.dir, 'b')}:` }, tmp.dir);
    expect(config.dataRoots).toEqual([path.join(tmp.dir, 'a'), path.join(tmp.dir, 'b')]);
    expect(config.sandbox.resolve(path.join(tmp.dir, 'b', 'file.csv'))).toBe(path.join(tmp.dir, 'b', 'file.csv'));
    expect(() => config.sandbox.resolve(path.join(tmp.dir, 'c'))).toThrow(/outside the data roots/);
  });

  it('parses MIGRATION_TOOLSETS as a comma-separated list', () => {
    expect(loadConfig({ MIGRATION_TOOLSETS: 'ppak, innergy ,,runs' }, tmp.dir).toolsets).toEqual(['ppak', 'innergy', 'runs']);
  });

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
  ])('reads MIGRATION_READ_ONLY=%s as %s', (value, readOnly) => {
    expect(loadConfig({ MIGRATION_READ_ONLY: value }, tmp.dir).readOnly).toBe(readOnly);
  });

  it('reads the targets, their secrets and rate limits', () => {
    const config = loadConfig(
      {
        INNERGY_API_BASE_URL: 'https://app.innergy.com',
        INNERGY_API_KEY: 'innergy-key-123',
        INNERGY_RATE_LIMIT: '5/s',
        OPENPROJECT_URL: 'https://op.example.com',
        OPENPROJECT_API_KEY: 'op-key-456',
        OPENPROJECT_RATE_LIMIT: '600/min',
        DEVREV_BASE_URL: 'https://devrev.test',
        DEVREV_API_TOKEN: 'devrev-token-789',
        DEVREV_RATE_LIMIT: '50/10s',
      },
      tmp.dir,
    );
    expect(config.innergy).toEqual({ baseUrl: 'https://app.innergy.com', secret: 'innergy-key-123', rateLimit: { count: 5, windowMs: 1000 } });
    expect(config.openproject).toEqual({ baseUrl: 'https://op.example.com', secret: 'op-key-456', rateLimit: { count: 600, windowMs: 60_000 } });
    expect(config.devrev).toEqual({ baseUrl: 'https://devrev.test', secret: 'devrev-token-789', rateLimit: { count: 50, windowMs: 10_000 }, creatorGroupField: 'tnt__creator_group' });
  });

  it('reads the DevRev field, the Snowflake source and the alert channels and thresholds', () => {
    const config = loadConfig(
      {
        DEVREV_CREATOR_GROUP_FIELD: 'tnt__owner_team',
        SNOWFLAKE_ACCOUNT: 'myorg-acct',
        SNOWFLAKE_USER: 'loader',
        SNOWFLAKE_PRIVATE_KEY_PATH: 'keys/rsa_key.p8',
        SNOWFLAKE_WAREHOUSE: 'WH',
        SNOWFLAKE_DATABASE: 'DB',
        SNOWFLAKE_SCHEMA: 'PUBLIC',
        SLACK_WEBHOOK: 'https://hooks.slack.test/services/T/B/xyz',
        SMTP_HOST: 'smtp.test',
        SMTP_PORT: '2525',
        ALERT_EMAIL: 'a@example.com, b@example.com',
        ALERT_ERROR_RATE: '0.25',
        ALERT_BATCH_SECONDS: '120',
        ALERT_API_ERRORS: '10',
      },
      tmp.dir,
    );
    expect(config.devrev.creatorGroupField).toBe('tnt__owner_team');
    expect(config.snowflake).toMatchObject({ account: 'myorg-acct', user: 'loader', privateKeyPath: path.join(tmp.dir, 'keys/rsa_key.p8'), warehouse: 'WH', database: 'DB', schema: 'PUBLIC' });
    expect(config.alerts).toMatchObject({ slackWebhook: 'https://hooks.slack.test/services/T/B/xyz', smtpHost: 'smtp.test', smtpPort: 2525, emailTo: ['a@example.com', 'b@example.com'], errorRate: 0.25, batchSeconds: 120, apiErrors: 10 });
    expect(redact('posting to https://hooks.slack.test/services/T/B/xyz')).not.toContain('/T/B/xyz');
  });

  it('refuses a creator-group field that is not a tenant field, and thresholds out of range', () => {
    expect(() => loadConfig({ DEVREV_CREATOR_GROUP_FIELD: 'creator_group' }, tmp.dir)).toThrow(/DEVREV_CREATOR_GROUP_FIELD/);
    expect(() => loadConfig({ ALERT_ERROR_RATE: '1.5' }, tmp.dir)).toThrow(/ALERT_ERROR_RATE/);
    expect(() => loadConfig({ SMTP_PORT: 'twenty-five' }, tmp.dir)).toThrow(/SMTP_PORT/);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' }, tmp.dir)).toThrow(/LOG_FORMAT/);
  });

  it('reads the HTTP transport settings, databases, InfluxDB, retries and log level', () => {
    const config = loadConfig(
      {
        MIGRATION_HTTP_TOKEN: 'http-token-abc',
        MIGRATION_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
        PM_DB_URL: 'mssql://sa:pw@db/pm',
        WAREHOUSE_DB_URL: 'postgres://wh@localhost/wh',
        INFLUX_URL: 'http://influx:8086',
        INFLUX_TOKEN: 'influx-token',
        INFLUX_ORG: 'org',
        INFLUX_BUCKET: 'wpr',
        MAX_RETRIES: '0',
        LOG_LEVEL: 'debug',
      },
      tmp.dir,
    );
    expect(config).toMatchObject({
      httpToken: 'http-token-abc',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      pmDbUrl: 'mssql://sa:pw@db/pm',
      warehouseDbUrl: 'postgres://wh@localhost/wh',
      influx: { url: 'http://influx:8086', token: 'influx-token', org: 'org', bucket: 'wpr' },
      maxRetries: 0,
      logLevel: 'debug',
    });
  });

  it('registers the secrets it reads for redaction, including passwords inside URLs', () => {
    loadConfig({ INNERGY_API_KEY: 'innergy-key-123', MIGRATION_HTTP_TOKEN: 'http-token-abc', PM_DB_URL: 'mssql://sa:Pa55word!@db/pm' }, tmp.dir);
    const text = redact('innergy-key-123 http-token-abc Pa55word!');
    expect(text).not.toContain('innergy-key-123');
    expect(text).not.toContain('http-token-abc');
    expect(text).not.toContain('Pa55word!');
  });
});

describe('loadConfig errors name the variable', () => {
  it.each([
    ['INNERGY_API_BASE_URL', 'not a url'],
    ['OPENPROJECT_URL', 'op.example.com/no-scheme'],
    ['DEVREV_BASE_URL', '::'],
    ['MIGRATION_READ_ONLY', 'yes'],
    ['MAX_RETRIES', 'many'],
    ['MAX_RETRIES', '-1'],
    ['MAX_RETRIES', '1.5'],
    ['MAX_RETRIES', '21'],
    ['LOG_LEVEL', 'loud'],
  ])('%s=%j is a ConfigError naming it', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.message).toContain(`Environment variable ${variable} is invalid`);
    expect(error.action).toContain(variable);
    expect(error.details).toEqual({ variable });
  });

  it.each(['INNERGY_RATE_LIMIT', 'OPENPROJECT_RATE_LIMIT', 'DEVREV_RATE_LIMIT'])('a bad %s is a ConfigError naming it', (variable) => {
    const error = configError({ [variable]: 'fast' });
    expect(error.message).toContain(variable);
  });

  it('accepts MAX_RETRIES up to 20', () => {
    expect(loadConfig({ MAX_RETRIES: '20' }, tmp.dir).maxRetries).toBe(20);
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ SOMETHING_ELSE: 'x', PATH: '/usr/bin' }, tmp.dir)).not.toThrow();
  });
});
