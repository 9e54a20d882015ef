/**
 * Process configuration from the environment (and a `.env` file in the working directory).
 *
 * Every variable of the public contract (DESIGN §4) is read here and only here, validated with
 * zod; a bad value is a ConfigError naming the variable and saying how to fix it.
 * Secrets are registered for redaction as soon as they are read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../engine/errors.js';
import { packageRoot } from '../package-root.js';
import { registerSecret, registerSecretsFromEnv } from '../logging/redact.js';
import { parseRateSpec, type RateSpec } from './rate-spec.js';
import { PathSandbox } from './sandbox.js';

export interface TargetConfig {
  baseUrl: string | undefined;
  secret: string | undefined;
  rateLimit: RateSpec;
}

/** The optional Snowflake source (SQL API v2, key-pair JWT). */
export interface SnowflakeConfig {
  account: string | undefined;
  user: string | undefined;
  privateKeyPath: string | undefined;
  /** Passphrase of an encrypted private key (PKCS#8), if any. */
  privateKeyPassphrase: string | undefined;
  warehouse: string | undefined;
  database: string | undefined;
  schema: string | undefined;
  role: string | undefined;
  /** API base URL; `https://<account>.snowflakecomputing.com` unless set. */
  baseUrl: string | undefined;
  rateLimit: RateSpec;
}

/** Alert channels and thresholds (the seed's ALERT_THRESHOLDS). */
export interface AlertConfig {
  slackWebhook: string | undefined;
  smtpHost: string | undefined;
  smtpPort: number | undefined;
  smtpUser: string | undefined;
  smtpPassword: string | undefined;
  /** Recipients, comma-separated in ALERT_EMAIL. */
  emailTo: string[];
  emailFrom: string | undefined;
  /** Alert when the share of failed records exceeds this (0–1). */
  errorRate: number;
  /** Alert when one batch takes longer than this many seconds. */
  batchSeconds: number;
  /** Alert once this many API errors were seen in a run. */
  apiErrors: number;
}

export interface AppConfig {
  cwd: string;
  stateDir: string;
  configDir: string;
  dataRoots: string[];
  sandbox: PathSandbox;
  ppakExportDir: string;
  outputDir: string;
  materialLibraryMaster: string;
  innergy: TargetConfig;
  openproject: TargetConfig;
  devrev: TargetConfig & { creatorGroupField: string };
  snowflake: SnowflakeConfig;
  alerts: AlertConfig;
  influx: { url?: string; token?: string; org?: string; bucket?: string };
  pmDbUrl: string | undefined;
  warehouseDbUrl: string | undefined;
  httpToken: string | undefined;
  allowedOrigins: string[];
  /** Extra host names accepted in the HTTP transport's Host header (with the server's port). */
  allowedHosts: string[];
  /** Toolset ids to expose, or 'all'. */
  toolsets: string[] | 'all';
  readOnly: boolean;
  maxRetries: number;
  logLevel: string;
  /** Days after which plan items and intents of finished runs are pruned from the ledger. */
  retentionDays: number;
  /** Concurrent MCP sessions of the HTTP transport. */
  httpMaxSessions: number;
  /** Largest CSV record read; a longer one is skipped and reported. */
  maxRecordBytes: number;
}

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

/**
 * A target's base URL: absolute http(s), and without credentials — a `user:password@` part would
 * travel in every message and result that shows the URL; keys come only from their own variables.
 */
const targetUrl = (keyVariable: string) =>
  optionalText.pipe(
    z
      .url({ protocol: /^https?$/, error: 'it is not an absolute http(s) URL' })
      .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url), {
        error: `it carries credentials (user:password@host); remove them from the URL and put the key in ${keyVariable}`,
      })
      .optional(),
  );

const envSchema = z.object({
  MIGRATION_STATE_DIR: optionalText,
  MIGRATION_CONFIG_DIR: optionalText,
  MIGRATION_DATA_ROOTS: optionalText,
  PPAK_EXPORT_DIR: optionalText,
  MIGRATION_OUTPUT_DIR: optionalText,
  MATERIAL_LIBRARY_MASTER: optionalText,
  INNERGY_API_BASE_URL: targetUrl('INNERGY_API_KEY'),
  INNERGY_API_KEY: optionalText,
  INNERGY_RATE_LIMIT: optionalText,
  OPENPROJECT_URL: targetUrl('OPENPROJECT_API_KEY'),
  OPENPROJECT_API_KEY: optionalText,
  OPENPROJECT_RATE_LIMIT: optionalText,
  DEVREV_BASE_URL: targetUrl('DEVREV_API_TOKEN'),
  DEVREV_API_TOKEN: optionalText,
  DEVREV_RATE_LIMIT: optionalText,
  DEVREV_CREATOR_GROUP_FIELD: optionalText.pipe(z.string().regex(/^tnt__[a-z0-9_]+$/, 'must be a tenant field name such as tnt__creator_group').optional()),
  SNOWFLAKE_ACCOUNT: optionalText.pipe(z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be an account identifier such as myorg-myaccount').optional()),
  SNOWFLAKE_USER: optionalText,
  SNOWFLAKE_PRIVATE_KEY_PATH: optionalText,
  SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: optionalText,
  SNOWFLAKE_WAREHOUSE: optionalText,
  SNOWFLAKE_DATABASE: optionalText,
  SNOWFLAKE_SCHEMA: optionalText,
  SNOWFLAKE_ROLE: optionalText,
  SNOWFLAKE_BASE_URL: targetUrl('SNOWFLAKE_PRIVATE_KEY_PATH'),
  SNOWFLAKE_RATE_LIMIT: optionalText,
  SLACK_WEBHOOK: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'it is not an absolute http(s) URL' }).optional()),
  SMTP_HOST: optionalText,
  SMTP_PORT: optionalText.pipe(z.string().regex(/^\d+$/, 'must be a port number').transform(Number).pipe(z.number().int().min(1).max(65535)).optional()),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: optionalText,
  ALERT_EMAIL: optionalText,
  ALERT_EMAIL_FROM: optionalText,
  ALERT_ERROR_RATE: optionalText.pipe(z.string().transform(Number).pipe(z.number().min(0).max(1)).optional()),
  ALERT_BATCH_SECONDS: optionalText.pipe(z.string().transform(Number).pipe(z.number().positive()).optional()),
  ALERT_API_ERRORS: optionalText.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1)).optional()),
  INFLUX_URL: targetUrl('INFLUX_TOKEN'),
  INFLUX_TOKEN: optionalText,
  INFLUX_ORG: optionalText,
  INFLUX_BUCKET: optionalText,
  PM_DB_URL: optionalText,
  WAREHOUSE_DB_URL: optionalText,
  MIGRATION_HTTP_TOKEN: optionalText,
  MIGRATION_ALLOWED_ORIGINS: optionalText,
  MIGRATION_ALLOWED_HOSTS: optionalText,
  MIGRATION_TOOLSETS: optionalText,
  MIGRATION_READ_ONLY: optionalText.pipe(z.enum(['0', '1', 'true', 'false']).optional()),
  MAX_RETRIES: optionalText.pipe(
    z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().max(20)).optional(),
  ),
  LOG_LEVEL: optionalText.pipe(z.enum(['error', 'warn', 'info', 'debug'], { error: 'use one of error, warn, info, debug' }).optional()),
  LOG_FORMAT: optionalText.pipe(z.enum(['text', 'json'], { error: 'use text or json' }).optional()),
  MIGRATION_HTTP_MAX_SESSIONS: optionalText.pipe(
    z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(10_000)).optional(),
  ),
  MIGRATION_MAX_RECORD_BYTES: optionalText.pipe(
    z.string().regex(/^\d+$/, 'must be a whole number of bytes').transform(Number).pipe(z.number().int().min(1024).max(1 << 30)).optional(),
  ),
  MIGRATION_RETENTION_DAYS: optionalText.pipe(
    z.string().regex(/^\d+$/, 'must be a whole number of days').transform(Number).pipe(z.number().int().min(1).max(3650)).optional(),
  ),
});

/** Loads `.env` from `cwd` into process.env (existing variables win), once per process. */
export function loadDotEnv(cwd: string = process.cwd()): void {
  const file = path.join(cwd, '.env');
  if (!fs.existsSync(file)) return;
  try {
    const before = { ...process.env };
    process.loadEnvFile(file);
    for (const [key, value] of Object.entries(before)) process.env[key] = value;
  } catch (error) {
    throw new ConfigError(`Could not read ${file}: ${(error as Error).message}.`, {
      action: 'Fix the .env file (KEY=value lines) or remove it.',
    });
  }
}

/** Builds the validated configuration from an environment (default: process.env). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    throw new ConfigError(`Environment variable ${variable} is invalid: ${issue.message}.`, {
      action: `Fix ${variable} in the environment or .env file (see the README configuration table).`,
      details: { variable },
    });
  }
  registerSecretsFromEnv(env);
  const e = parsed.data;
  registerSecret(e.SLACK_WEBHOOK); // the webhook URL is its own credential
  registerSecret(e.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE);
  const abs = (p: string) => path.resolve(cwd, p);
  const dataRoots = (e.MIGRATION_DATA_ROOTS ?? cwd).split(':').filter(Boolean).map(abs);
  const rate = (value: string | undefined, variable: string, fallback: string) => parseRateSpec(value ?? fallback, variable);

  return {
    cwd,
    stateDir: abs(e.MIGRATION_STATE_DIR ?? './var'),
    configDir: e.MIGRATION_CONFIG_DIR ? abs(e.MIGRATION_CONFIG_DIR) : defaultConfigDir(cwd),
    dataRoots,
    sandbox: new PathSandbox(dataRoots, cwd),
    ppakExportDir: abs(e.PPAK_EXPORT_DIR ?? './data/ppak_exports'),
    outputDir: abs(e.MIGRATION_OUTPUT_DIR ?? './data/migration_output'),
    materialLibraryMaster: abs(e.MATERIAL_LIBRARY_MASTER ?? './data/material_library_master.csv'),
    innergy: {
      baseUrl: e.INNERGY_API_BASE_URL,
      secret: e.INNERGY_API_KEY,
      rateLimit: rate(e.INNERGY_RATE_LIMIT, 'INNERGY_RATE_LIMIT', '10/s'),
    },
    openproject: {
      baseUrl: e.OPENPROJECT_URL,
      secret: e.OPENPROJECT_API_KEY,
      rateLimit: rate(e.OPENPROJECT_RATE_LIMIT, 'OPENPROJECT_RATE_LIMIT', '10/s'),
    },
    devrev: {
      baseUrl: e.DEVREV_BASE_URL ?? 'https://api.devrev.ai',
      secret: e.DEVREV_API_TOKEN,
      rateLimit: rate(e.DEVREV_RATE_LIMIT, 'DEVREV_RATE_LIMIT', '50/10s'),
      creatorGroupField: e.DEVREV_CREATOR_GROUP_FIELD ?? 'tnt__creator_group',
    },
    snowflake: {
      account: e.SNOWFLAKE_ACCOUNT,
      user: e.SNOWFLAKE_USER,
      privateKeyPath: e.SNOWFLAKE_PRIVATE_KEY_PATH ? abs(e.SNOWFLAKE_PRIVATE_KEY_PATH) : undefined,
      privateKeyPassphrase: e.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE,
      warehouse: e.SNOWFLAKE_WAREHOUSE,
      database: e.SNOWFLAKE_DATABASE,
      schema: e.SNOWFLAKE_SCHEMA,
      role: e.SNOWFLAKE_ROLE,
      baseUrl: e.SNOWFLAKE_BASE_URL,
      rateLimit: rate(e.SNOWFLAKE_RATE_LIMIT, 'SNOWFLAKE_RATE_LIMIT', '10/s'),
    },
    alerts: {
      slackWebhook: e.SLACK_WEBHOOK,
      smtpHost: e.SMTP_HOST,
      smtpPort: e.SMTP_PORT,
      smtpUser: e.SMTP_USER,
      smtpPassword: e.SMTP_PASSWORD,
      emailTo: (e.ALERT_EMAIL ?? '').split(',').map((a) => a.trim()).filter(Boolean),
      emailFrom: e.ALERT_EMAIL_FROM,
      errorRate: e.ALERT_ERROR_RATE ?? 0.1,
      batchSeconds: e.ALERT_BATCH_SECONDS ?? 60,
      apiErrors: e.ALERT_API_ERRORS ?? 5,
    },
    influx: { url: e.INFLUX_URL, token: e.INFLUX_TOKEN, org: e.INFLUX_ORG, bucket: e.INFLUX_BUCKET },
    pmDbUrl: e.PM_DB_URL,
    warehouseDbUrl: e.WAREHOUSE_DB_URL,
    httpToken: e.MIGRATION_HTTP_TOKEN,
    allowedOrigins: (e.MIGRATION_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    allowedHosts: (e.MIGRATION_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    toolsets: e.MIGRATION_TOOLSETS ? e.MIGRATION_TOOLSETS.split(',').map((t) => t.trim()).filter(Boolean) : 'all',
    readOnly: e.MIGRATION_READ_ONLY === '1' || e.MIGRATION_READ_ONLY === 'true',
    maxRetries: e.MAX_RETRIES ?? 5,
    logLevel: e.LOG_LEVEL ?? 'info',
    retentionDays: e.MIGRATION_RETENTION_DAYS ?? 30,
    httpMaxSessions: e.MIGRATION_HTTP_MAX_SESSIONS ?? 100,
    maxRecordBytes: e.MIGRATION_MAX_RECORD_BYTES ?? 1 << 20,
  };
}

/** `./config` when the working directory has one, else the defaults shipped with the package. */
function defaultConfigDir(cwd: string): string {
  const local = path.resolve(cwd, 'config');
  return fs.existsSync(local) ? local : path.join(packageRoot(), 'config');
}
