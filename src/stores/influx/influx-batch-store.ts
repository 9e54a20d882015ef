/**
 * The InfluxDB batch store (when `INFLUX_URL` is set): WPR batches as points in an InfluxDB 2.x
 * bucket — or an InfluxDB 1.8+ database through its `/api/v2` compatibility routes, Flux enabled
 * (token `user:password`, bucket `database/retention-policy`, org ignored) — through
 * `@influxdata/influxdb-client`. The layout (one point per line, manifest written last, one time
 * window per ingest) is in influx-schema.ts; writing, retries and 413 splitting in influx-writer.ts.
 *
 * A batch is written atomically as far as readers can tell: its lines first, then its manifest;
 * readers only see batches with a manifest, and only the window that manifest names. After a
 * successful re-ingest the replaced window is deleted (`/api/v2/delete`), and after a failed ingest
 * its partial window is; both are best effort (1.8 has no delete route), since readers ignore
 * windows no manifest names.
 */
import { InfluxDB, setLogger } from '@influxdata/influxdb-client';
import { ConfigError, throwIfCancelled } from '../../engine/errors.js';
import { getLogger } from '../../logging/logger.js';
import { redact } from '../../logging/redact.js';
import type { BatchStore, BatchSummary, WprLine } from '../batch-store.js';
import { hashOrders } from '../batch-store.js';
import { influxError } from './influx-errors.js';
import { LINE_MEASUREMENT, lineFromRow, linePoint, linesQuery, manifestFromRow, manifestPoint, manifestQuery, rfc3339Nano, type BatchManifest } from './influx-schema.js';
import { InfluxLineWriter, type InfluxWriteOptions } from './influx-writer.js';

/** The client logs retried and failed writes itself: into our logger (stderr), never the console. */
const clientLog = (level: 'warn' | 'debug') => (message: string, error?: unknown) =>
  getLogger()[level](redact(`InfluxDB client: ${message}${error instanceof Error ? ` ${error.message}` : ''}`));
setLogger({ error: clientLog('warn'), warn: clientLog('debug') });

/** Where the store writes, and how. */
export interface InfluxStoreConfig {
  /** Base URL, e.g. `http://localhost:8086` (no credentials in it). */
  url: string;
  /** API token (1.8: `user:password`). */
  token: string;
  /** Organization (ignored by 1.8; `-` there by convention). */
  org: string;
  /** Bucket (1.8: `database/retention-policy`). */
  bucket: string;
  /** Request timeout, ms. @default 30000 */
  timeoutMs?: number;
  write?: InfluxWriteOptions;
  /** Clock for batch windows (tests). @default Date.now */
  now?: () => number;
}

/** WPR batches in InfluxDB. */
export class InfluxBatchStore implements BatchStore {
  readonly kind = 'influxdb' as const;
  /** The server's origin, for messages. */
  readonly origin: string;
  private readonly influx: InfluxDB;

  constructor(private readonly config: InfluxStoreConfig) {
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw new ConfigError(`INFLUX_URL is not a URL: ${config.url}.`, { action: 'Set INFLUX_URL to the InfluxDB base URL, e.g. http://localhost:8086.' });
    }
    if (url.username || url.password) {
      throw new ConfigError('INFLUX_URL must not carry credentials.', { action: 'Remove user:password@ from INFLUX_URL and put the credentials in INFLUX_TOKEN.' });
    }
    this.origin = url.origin;
    this.influx = new InfluxDB({ url: config.url.replace(/\/+$/, ''), token: config.token, timeout: config.timeoutMs ?? 30_000 });
  }

  async writeBatch(
    batch: { batch_id: string; file: string | null; sheet: string | null },
    lines: AsyncIterable<WprLine> | Iterable<WprLine>,
    signal?: AbortSignal,
  ): Promise<BatchSummary> {
    const previous = await this.getManifest(batch.batch_id);
    const start = BigInt((this.config.now ?? Date.now)()) * 1_000_000n;
    const writer = new InfluxLineWriter(this.influx, this.config.org, this.config.bucket, this.origin, this.config.write);
    let count = 0;
    const orders = new Set<string>();
    const fieldNames = new Set<string>();
    try {
      for await (const line of lines) {
        await writer.add(linePoint(batch.batch_id, line, start + BigInt(count)).toLineProtocol()!, signal);
        count++;
        orders.add(line.order_id);
        for (const name of Object.keys(line.fields)) fieldNames.add(name);
      }
      throwIfCancelled(signal);
      await writer.flush(signal);
      const manifest: BatchManifest = {
        batch_id: batch.batch_id,
        file: batch.file,
        sheet: batch.sheet,
        lines: count,
        orders: orders.size,
        created_at: new Date().toISOString(),
        window_start: start.toString(),
        window_stop: (start + BigInt(Math.max(count, 1))).toString(),
        field_names: [...fieldNames],
      };
      await writer.add(manifestPoint(manifest).toLineProtocol()!);
      await writer.finish(signal);
      if (previous !== undefined && previous.window_start !== manifest.window_start) await this.deleteWindow(previous);
      return summaryOf(manifest);
    } catch (error) {
      writer.dispose();
      await this.deleteWindow({ batch_id: batch.batch_id, window_start: start.toString(), window_stop: (start + BigInt(count + 1)).toString() });
      throw influxError(error, this.origin);
    }
  }

  async listBatches(): Promise<BatchSummary[]> {
    const manifests = await this.manifests();
    return [...manifests.values()].sort((a, b) => (BigInt(b.window_start) > BigInt(a.window_start) ? 1 : -1)).map(summaryOf);
  }

  async getBatch(batchId: string): Promise<BatchSummary | undefined> {
    const manifest = await this.getManifest(batchId);
    return manifest === undefined ? undefined : summaryOf(manifest);
  }

  async *readBatch(batchId: string, signal?: AbortSignal): AsyncIterable<WprLine> {
    const manifest = await this.getManifest(batchId);
    if (manifest === undefined) return;
    const query = this.influx.getQueryApi(this.config.org);
    let count = 0;
    try {
      for await (const { values, tableMeta } of query.iterateRows(linesQuery(this.config.bucket, manifest))) {
        yield lineFromRow(tableMeta.toObject(values), manifest.field_names);
        if (++count % 1000 === 0) throwIfCancelled(signal);
      }
    } catch (error) {
      throw influxError(error, this.origin);
    }
  }

  async orderHashes(batchId: string, signal?: AbortSignal): Promise<Map<string, string>> {
    return hashOrders(this.readBatch(batchId, signal));
  }

  async close(): Promise<void> {
    // The client keeps no connection open between requests.
  }

  /** The newest manifest of each batch id (optionally only `batchId`). */
  private async manifests(batchId?: string): Promise<Map<string, BatchManifest>> {
    const newest = new Map<string, BatchManifest>();
    try {
      const query = this.influx.getQueryApi(this.config.org);
      for await (const { values, tableMeta } of query.iterateRows(manifestQuery(this.config.bucket, batchId))) {
        const manifest = manifestFromRow(tableMeta.toObject(values));
        if (manifest === undefined) continue;
        const known = newest.get(manifest.batch_id);
        if (known === undefined || BigInt(manifest.window_start) > BigInt(known.window_start)) newest.set(manifest.batch_id, manifest);
      }
    } catch (error) {
      throw influxError(error, this.origin);
    }
    return newest;
  }

  private async getManifest(batchId: string): Promise<BatchManifest | undefined> {
    return (await this.manifests(batchId)).get(batchId);
  }

  /** Deletes the line points of a window (best effort: 1.8 has no delete route; readers ignore stray windows). */
  private async deleteWindow(window: Pick<BatchManifest, 'batch_id' | 'window_start' | 'window_stop'>): Promise<void> {
    const path = `/api/v2/delete?org=${encodeURIComponent(this.config.org)}&bucket=${encodeURIComponent(this.config.bucket)}`;
    const body = {
      start: rfc3339Nano(BigInt(window.window_start)),
      stop: rfc3339Nano(BigInt(window.window_stop) - 1n),
      predicate: `_measurement="${LINE_MEASUREMENT}" AND batch_id="${window.batch_id.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
    };
    await this.influx.transport.request(path, body, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' } }).catch(() => undefined);
  }
}

function summaryOf(manifest: BatchManifest): BatchSummary {
  const { batch_id, file, sheet, lines, orders, created_at } = manifest;
  return { batch_id, store: 'influxdb', file, sheet, lines, orders, created_at };
}
