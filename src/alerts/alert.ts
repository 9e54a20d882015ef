/**
 * Alerts: what a run raises when it crosses an operator threshold (the seed's ALERT_THRESHOLDS:
 * error rate above 10 %, a batch slower than 60 s, 5 API errors), and where each one was delivered.
 */

/** The thresholds a run is watched against (ALERT_ERROR_RATE, ALERT_BATCH_SECONDS, ALERT_API_ERRORS). */
export interface AlertThresholds {
  /** Share of failed records (0–1) above which the run alerts. @default 0.1 */
  errorRate: number;
  /** Seconds one batch may take. @default 60 */
  batchSeconds: number;
  /** API errors (failed or retried requests, 429s excluded) that raise an alert. @default 5 */
  apiErrors: number;
  /** Records processed before the error rate is judged (a first failure is not 100 %). @default 10 */
  minRecords?: number;
}

/** The seed's thresholds. */
export const DEFAULT_THRESHOLDS: AlertThresholds = { errorRate: 0.1, batchSeconds: 60, apiErrors: 5, minRecords: 10 };

/** What crossed a threshold. */
export type AlertKind = 'error_rate' | 'slow_batch' | 'api_errors';

/** The outcome of sending an alert to one channel. */
export interface AlertDelivery {
  channel: string;
  ok: boolean;
  /** Why the channel failed (redacted). */
  error?: string;
}

/** An alert raised by a run. */
export interface Alert {
  kind: AlertKind;
  tool: string;
  run_id: string;
  /** One sentence: what happened and what to look at. */
  message: string;
  /** The measured value (rate, seconds, count) and the threshold it crossed. */
  value: number;
  threshold: number;
  /** ISO time it was raised. */
  at: string;
  deliveries: AlertDelivery[];
}

/** Somewhere alerts go (log, Slack, email). `send` may throw; the dispatcher records it and goes on. */
export interface AlertChannel {
  readonly name: string;
  send(alert: Alert): Promise<void>;
}
