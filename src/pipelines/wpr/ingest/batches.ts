/** The stored WPR batches, newest first, for the `migration://wpr/batches` resource. */
import type { AppConfig } from '../../../config/env.js';
import type { BatchSummary } from '../../../stores/batch-store.js';
import { openBatchStore } from '../../../stores/open-batch-store.js';

/** Which store is configured, and the batches in it. */
export interface WprBatchList {
  store: 'sqlite' | 'influxdb';
  batches: BatchSummary[];
}

/** Lists the batches of the configured store (read-only). */
export async function listWprBatches(config: Pick<AppConfig, 'stateDir' | 'influx'>): Promise<WprBatchList> {
  const store = openBatchStore(config);
  try {
    return { store: store.kind, batches: await store.listBatches() };
  } finally {
    await store.close();
  }
}
