/**
 * Watches one run against the alert thresholds and raises each kind of alert at most once per
 * run: the error rate (failed ÷ processed records, judged once `minRecords` were processed), a
 * batch slower than the limit, and the count of API errors. Every alert goes to every channel
 * concurrently; a channel that fails is recorded in the alert's `deliveries` and never fails the run.
 * `settle()` waits for deliveries still in flight (call it before writing the run report).
 */
import { redact } from '../logging/redact.js';
import { DEFAULT_THRESHOLDS, type Alert, type AlertChannel, type AlertKind, type AlertThresholds } from './alert.js';

/** Options of an {@link AlertMonitor}. */
export interface AlertMonitorOptions {
  tool: string;
  runId: string;
  channels: readonly AlertChannel[];
  thresholds?: Partial<AlertThresholds>;
  /** Called when an alert is raised (metrics). */
  onAlert?: (alert: Alert) => void;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/** What a finished batch reports. */
export interface BatchOutcome {
  /** 1-based batch number. */
  batch: number;
  durationMs: number;
  /** Records attempted in the batch (written or failed). */
  processed: number;
  failed: number;
}

/** Sends `alert` to every channel; never rejects. */
export async function deliver(alert: Alert, channels: readonly AlertChannel[]): Promise<void> {
  const outcomes = await Promise.allSettled(channels.map((channel) => channel.send(alert)));
  alert.deliveries = outcomes.map((outcome, index) => {
    const channel = channels[index]!.name;
    if (outcome.status === 'fulfilled') return { channel, ok: true };
    const reason = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
    return { channel, ok: false, error: redact(reason) };
  });
}

/** The alert watcher of one run. */
export class AlertMonitor {
  /** Alerts raised so far (deliveries fill in as channels answer). */
  readonly alerts: Alert[] = [];
  readonly thresholds: AlertThresholds;
  #processed = 0;
  #failed = 0;
  #slowBatches = 0;
  #pending: Promise<void>[] = [];

  constructor(private readonly options: AlertMonitorOptions) {
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  }

  /** Batches slower than the threshold so far. */
  get slowBatches(): number {
    return this.#slowBatches;
  }

  /** Takes in a finished batch; raises error-rate and slow-batch alerts. */
  batchDone(outcome: BatchOutcome): void {
    this.#processed += outcome.processed;
    this.#failed += outcome.failed;
    const seconds = outcome.durationMs / 1000;
    if (seconds > this.thresholds.batchSeconds) {
      this.#slowBatches += 1;
      this.#raise('slow_batch', seconds, this.thresholds.batchSeconds, `batch ${outcome.batch} took ${seconds.toFixed(1)} s, over the ${this.thresholds.batchSeconds} s limit; check the target's latency and rate limit, or lower batch_size.`);
    }
    const rate = this.#processed > 0 ? this.#failed / this.#processed : 0;
    if (this.#processed >= (this.thresholds.minRecords ?? 10) && rate > this.thresholds.errorRate) {
      this.#raise(
        'error_rate',
        rate,
        this.thresholds.errorRate,
        `${this.#failed} of ${this.#processed} records failed (${(rate * 100).toFixed(1)} %, over ${(this.thresholds.errorRate * 100).toFixed(0)} %); see the run's failures.`,
      );
    }
  }

  /** Takes in the run's API error count so far; raises the api-errors alert at the threshold. */
  apiErrors(total: number): void {
    if (total >= this.thresholds.apiErrors) {
      this.#raise('api_errors', total, this.thresholds.apiErrors, `${total} API errors so far (alert at ${this.thresholds.apiErrors}); check the target's status and the run log.`);
    }
  }

  /** Waits until every alert raised so far was delivered (or failed to be). */
  async settle(): Promise<Alert[]> {
    while (this.#pending.length > 0) await Promise.all(this.#pending.splice(0));
    return this.alerts;
  }

  #raise(kind: AlertKind, value: number, threshold: number, message: string): void {
    if (this.alerts.some((alert) => alert.kind === kind)) return;
    const alert: Alert = {
      kind,
      tool: this.options.tool,
      run_id: this.options.runId,
      message,
      value: Math.round(value * 1000) / 1000,
      threshold,
      at: new Date((this.options.now ?? Date.now)()).toISOString(),
      deliveries: [],
    };
    this.alerts.push(alert);
    this.options.onAlert?.(alert);
    this.#pending.push(deliver(alert, this.options.channels));
  }
}
