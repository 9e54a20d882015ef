/**
 * Writes line-protocol lines to InfluxDB in chunks through the client's WriteApi, using the
 * client's own retry (its retry buffer, exponential backoff with jitter, for 429, 5xx and network
 * errors), and knows when every line has been acknowledged — which the WriteApi does not say by
 * itself: a failed flush rejects at once while its lines wait in the retry buffer.
 *
 * - Chunks go one at a time: after a retryable failure the next chunk waits until the retry
 *   buffer has delivered (no hammering a server that said 429 or 503).
 * - `Retry-After` is honoured in seconds (the client reads the header as milliseconds, so a
 *   server asking for 30 s would otherwise be retried after 30 ms).
 * - 413 (request too large): the chunk is split in halves and each half sent again.
 * - Anything else that the client does not retry (400, 401, 403, 404, 422) or that still fails
 *   after its retries ends the write with the mapped error (see influx-errors.ts).
 */
import { HttpError, type InfluxDB, type WriteApi } from '@influxdata/influxdb-client';
import { throwIfCancelled } from '../../engine/errors.js';
import { influxError } from './influx-errors.js';

/** Retry and batching settings of the writer. */
export interface InfluxWriteOptions {
  /** Lines per write request. @default 5000 */
  batchSize?: number;
  /** Retries of one request (429, 5xx, network). @default 5 */
  maxRetries?: number;
  /** First retry delay without Retry-After, ms. @default 1000 */
  minRetryDelay?: number;
  /** Longest retry delay (Retry-After included), ms. @default 30000 */
  maxRetryDelay?: number;
  /** Random extra delay per retry, ms. @default 200 */
  retryJitter?: number;
  /** Bodies larger than this many bytes are gzipped. @default 1000 */
  gzipThreshold?: number;
}

/** A chunked writer for one batch; `finish()` resolves once every line is acknowledged. */
export class InfluxLineWriter {
  private readonly api: WriteApi;
  private readonly batchSize: number;
  private readonly maxRetries: number;
  private pending: string[] = [];
  private sent = 0;
  private acked = 0;
  private failure: unknown;
  private wake: (() => void) | undefined;

  constructor(influx: InfluxDB, org: string, bucket: string, private readonly origin: string, options: InfluxWriteOptions = {}) {
    this.batchSize = options.batchSize ?? 5000;
    this.maxRetries = options.maxRetries ?? 5;
    const maxRetryDelay = options.maxRetryDelay ?? 30_000;
    this.api = influx.getWriteApi(org, bucket, 'ns', {
      // Larger than a chunk, so that only flush() sends (the buffer sends by itself when full).
      batchSize: this.batchSize + 1,
      maxBatchBytes: 1 << 30,
      flushInterval: 0,
      maxRetries: this.maxRetries,
      maxRetryTime: 10 * 60_000,
      maxBufferLines: Math.max(this.batchSize * 4, 100_000),
      minRetryDelay: options.minRetryDelay ?? 1000,
      maxRetryDelay,
      retryJitter: options.retryJitter ?? 200,
      exponentialBase: 2,
      randomRetry: true,
      gzipThreshold: options.gzipThreshold ?? 1000,
      writeSuccess: (lines) => this.settle(lines.length),
      writeFailed: (error, _lines, attempt) => this.onFailure(error, attempt, maxRetryDelay),
      writeRetrySkipped: (entry) => this.fail(new Error(`InfluxDB write retry buffer overflowed; ${entry.lines.length} lines were dropped`)),
    });
  }

  /** Queues a line; sends a chunk when `batchSize` lines are queued. */
  async add(line: string, signal?: AbortSignal): Promise<void> {
    this.pending.push(line);
    if (this.pending.length >= this.batchSize) await this.flush(signal);
  }

  /** Sends the queued lines and waits until they (and all before them) are acknowledged. */
  async flush(signal?: AbortSignal): Promise<void> {
    const chunk = this.pending;
    this.pending = [];
    if (chunk.length > 0) await this.send(chunk);
    await this.idle(signal);
  }

  /** Flushes, then closes the WriteApi. */
  async finish(signal?: AbortSignal): Promise<void> {
    await this.flush(signal);
    await this.api.close();
  }

  /** Drops everything queued or waiting for a retry (after a failure or a cancellation). */
  dispose(): void {
    this.pending = [];
    this.api.dispose();
  }

  private async send(chunk: string[]): Promise<void> {
    this.sent += chunk.length;
    this.api.writeRecords(chunk);
    try {
      await this.api.flush();
    } catch (error) {
      if (error instanceof HttpError && error.statusCode === 413 && chunk.length > 1) {
        this.sent -= chunk.length;
        const half = Math.ceil(chunk.length / 2);
        await this.send(chunk.slice(0, half));
        await this.idle();
        await this.send(chunk.slice(half));
        return;
      }
      if (!isRetryable(error)) this.fail(error);
      // Retryable: the client has put the chunk in its retry buffer; idle() waits for it.
    }
  }

  private onFailure(error: Error, attempt: number, maxRetryDelay: number): undefined {
    if (error instanceof HttpError) honourRetryAfterSeconds(error, maxRetryDelay);
    // attempt 1 is the first send (send() decides); later attempts come from the retry buffer.
    const exhausted = attempt > this.maxRetries || error.message === 'Max retry time exceeded.';
    if (attempt > 1 && (!isRetryable(error) || exhausted)) this.fail(error);
    else if (attempt === 1 && exhausted) this.fail(error);
    return undefined;
  }

  private settle(lines: number): void {
    this.acked += lines;
    this.wake?.();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.wake?.();
  }

  private async idle(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.failure !== undefined) throw influxError(this.failure, this.origin);
      if (this.acked >= this.sent) return;
      throwIfCancelled(signal);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

/** Whether the client retries this error (429 and 5xx responses, network errors). */
function isRetryable(error: unknown): boolean {
  return !(error instanceof HttpError) || error.statusCode >= 429;
}

/** Makes the client wait `Retry-After` seconds (it would read them as milliseconds). */
function honourRetryAfterSeconds(error: HttpError, maxRetryDelay: number): void {
  const header = error.headers?.['retry-after'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value)) return;
  const ms = Math.min(Number(value) * 1000, maxRetryDelay);
  Object.defineProperty(error, 'retryAfter', { value: () => ms, configurable: true });
}
