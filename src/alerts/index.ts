/** Alerts for every runbook: thresholds, the per-run monitor, and the log/Slack/email channels. */
export { DEFAULT_THRESHOLDS, type Alert, type AlertChannel, type AlertDelivery, type AlertKind, type AlertThresholds } from './alert.js';
export { AlertMonitor, deliver, type AlertMonitorOptions, type BatchOutcome } from './monitor.js';
export { alertText, channelsFromConfig, emailChannel, logChannel, slackChannel } from './channels.js';
