/**
 * The BatchStore contract against a real InfluxDB (2.x, or 1.8+ through its /api/v2 routes), run
 * only when INFLUX_URL is set (with INFLUX_TOKEN, INFLUX_BUCKET and, for 2.x, INFLUX_ORG); the
 * suite is reported as skipped otherwise. Batch ids are prefixed per run; use a test bucket.
 */
import { describe, it } from 'vitest';
import { InfluxBatchStore } from '../../../src/stores/influx/influx-batch-store.js';
import { describeBatchStoreContract } from './batch-store-contract.js';

const { INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET } = process.env;
const configured = Boolean(INFLUX_URL && INFLUX_TOKEN && INFLUX_BUCKET);

describe.skipIf(configured)('InfluxDB live', () => {
  it.skip('is skipped: set INFLUX_URL, INFLUX_TOKEN, INFLUX_BUCKET (and INFLUX_ORG for 2.x) to run the BatchStore contract against a real InfluxDB', () => undefined);
});

describeBatchStoreContract(
  `InfluxDB live at ${INFLUX_URL ?? '(INFLUX_URL not set)'}`,
  async () => new InfluxBatchStore({ url: INFLUX_URL!, token: INFLUX_TOKEN!, org: INFLUX_ORG ?? '-', bucket: INFLUX_BUCKET!, write: { minRetryDelay: 200, retryJitter: 50 } }),
  'influxdb',
  { skip: !configured, prefix: `live-${Date.now()}-` },
);
