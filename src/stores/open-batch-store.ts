/**
 * Chooses the WPR batch store from the configuration: InfluxDB when `INFLUX_URL` is set (then
 * `INFLUX_TOKEN` and `INFLUX_BUCKET` are required; `INFLUX_ORG` defaults to `-`, which InfluxDB 1.8
 * ignores), else the embedded SQLite store in the state dir.
 */
import type { AppConfig } from '../config/env.js';
import { ConfigError } from '../engine/errors.js';
import type { BatchStore } from './batch-store.js';
import { InfluxBatchStore, type InfluxStoreConfig } from './influx/influx-batch-store.js';
import { SqliteBatchStore } from './sqlite-batch-store.js';

/** Which store the configuration selects, without opening it. */
export function batchStoreKind(config: Pick<AppConfig, 'influx'>): 'sqlite' | 'influxdb' {
  return config.influx.url ? 'influxdb' : 'sqlite';
}

/** Opens the configured batch store. `influx` overrides client settings (tests). */
export function openBatchStore(config: Pick<AppConfig, 'stateDir' | 'influx'>, influx: Partial<InfluxStoreConfig> = {}): BatchStore {
  const { url, token, org, bucket } = config.influx;
  if (!url) {
    const stray = (['token', 'org', 'bucket'] as const).filter((key) => config.influx[key]);
    if (stray.length > 0) {
      throw new ConfigError(`${stray.map((key) => `INFLUX_${key.toUpperCase()}`).join(', ')} set without INFLUX_URL.`, {
        action: 'Set INFLUX_URL to use InfluxDB as the WPR batch store, or unset the other INFLUX_* variables to use the embedded store.',
      });
    }
    return SqliteBatchStore.open(config.stateDir);
  }
  const missing = [!token && 'INFLUX_TOKEN', !bucket && 'INFLUX_BUCKET'].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(`INFLUX_URL is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not.`, {
      action: 'Set INFLUX_TOKEN and INFLUX_BUCKET (and INFLUX_ORG for InfluxDB 2.x), or unset INFLUX_URL to use the embedded store.',
    });
  }
  return new InfluxBatchStore({ url, token: token!, org: org ?? '-', bucket: bucket!, ...influx });
}
