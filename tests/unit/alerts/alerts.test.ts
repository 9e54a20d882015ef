/** Alerts: thresholds from the seed, at most one alert of a kind per run, delivery to the log, Slack and SMTP. */
import { afterEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { AlertMonitor, channelsFromConfig, emailChannel, slackChannel, type AlertChannel } from '../../../src/alerts/index.js';
import type { AlertConfig } from '../../../src/config/env.js';
import { registerSecret } from '../../../src/logging/redact.js';
import { startSlackReceiver, startSmtpReceiver, type SlackReceiver, type SmtpReceiver } from '../../helpers/alert-receivers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function slack(status?: number): Promise<SlackReceiver> {
  const receiver = await startSlackReceiver(status);
  closers.push(() => receiver.close());
  return receiver;
}

async function smtp(): Promise<SmtpReceiver> {
  const receiver = await startSmtpReceiver();
  closers.push(() => receiver.close());
  return receiver;
}

function memoryLogger(): { logger: winston.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
  logger.on('data', (info: { message: string }) => lines.push(info.message));
  return { logger, lines };
}

const recorder = (): AlertChannel & { seen: string[] } => {
  const seen: string[] = [];
  return { name: 'test', seen, send: async (alert) => void seen.push(alert.kind) };
};

describe('AlertMonitor', () => {
  it('alerts when more than 10 % of the records failed, once enough were processed', async () => {
    const channel = recorder();
    const monitor = new AlertMonitor({ tool: 'devrev_backfill', runId: 'r1', channels: [channel] });
    monitor.batchDone({ batch: 1, durationMs: 10, processed: 2, failed: 1 });
    expect(monitor.alerts).toHaveLength(0);
    monitor.batchDone({ batch: 2, durationMs: 10, processed: 10, failed: 1 });
    expect(monitor.alerts.map((a) => [a.kind, a.value, a.threshold])).toEqual([['error_rate', 0.167, 0.1]]);
    await monitor.settle();
    expect(channel.seen).toEqual(['error_rate']);
  });

  it('alerts on a batch slower than the limit and after the fifth API error, each kind once', async () => {
    const monitor = new AlertMonitor({ tool: 't', runId: 'r', channels: [], thresholds: { batchSeconds: 60, apiErrors: 5 } });
    monitor.batchDone({ batch: 1, durationMs: 59_000, processed: 1, failed: 0 });
    monitor.batchDone({ batch: 2, durationMs: 61_000, processed: 1, failed: 0 });
    monitor.batchDone({ batch: 3, durationMs: 90_000, processed: 1, failed: 0 });
    monitor.apiErrors(4);
    monitor.apiErrors(5);
    monitor.apiErrors(9);
    expect(monitor.alerts.map((a) => a.kind)).toEqual(['slow_batch', 'api_errors']);
    expect(monitor.alerts[0]!.message).toContain('batch 2 took 61.0 s');
    expect(monitor.slowBatches).toBe(2);
  });

  it('takes configured thresholds', () => {
    const monitor = new AlertMonitor({ tool: 't', runId: 'r', channels: [], thresholds: { errorRate: 0.5, minRecords: 1 } });
    monitor.batchDone({ batch: 1, durationMs: 1, processed: 10, failed: 4 });
    expect(monitor.alerts).toHaveLength(0);
    monitor.batchDone({ batch: 2, durationMs: 1, processed: 2, failed: 4 });
    expect(monitor.alerts.map((a) => a.kind)).toEqual(['error_rate']);
  });

  it('records a failing channel and still delivers to the others', async () => {
    const broken: AlertChannel = { name: 'broken', send: () => Promise.reject(new Error('down')) };
    const working = recorder();
    const monitor = new AlertMonitor({ tool: 't', runId: 'r', channels: [broken, working] });
    monitor.apiErrors(5);
    const [alert] = await monitor.settle();
    expect(alert!.deliveries).toEqual([{ channel: 'broken', ok: false, error: 'down' }, { channel: 'test', ok: true }]);
    expect(working.seen).toEqual(['api_errors']);
  });
});

describe('alert channels', () => {
  it('posts the alert to a Slack incoming webhook', async () => {
    const receiver = await slack();
    const monitor = new AlertMonitor({ tool: 'devrev_backfill', runId: 'run-7', channels: [slackChannel(receiver.url)] });
    monitor.apiErrors(5);
    const [alert] = await monitor.settle();
    expect(alert!.deliveries).toEqual([{ channel: 'slack', ok: true }]);
    expect(receiver.posts).toEqual([{ text: expect.stringContaining('devrev_backfill run run-7: 5 API errors') }]);
  });

  it('records a Slack webhook that answers an error, without the webhook secret', async () => {
    const receiver = await slack(404);
    registerSecret(receiver.url);
    const monitor = new AlertMonitor({ tool: 't', runId: 'r', channels: [slackChannel(receiver.url)] });
    monitor.apiErrors(5);
    const [alert] = await monitor.settle();
    expect(alert!.deliveries[0]).toEqual({ channel: 'slack', ok: false, error: 'Slack answered 404: no_service' });
  });

  it('mails the alert through an SMTP server', async () => {
    const server = await smtp();
    const monitor = new AlertMonitor({ tool: 'devrev_backfill', runId: 'run-8', channels: [emailChannel({ host: server.host, port: server.port, to: ['ops@example.com'], from: 'mmcp@example.com' })] });
    monitor.batchDone({ batch: 3, durationMs: 75_000, processed: 1, failed: 0 });
    const [alert] = await monitor.settle();
    expect(alert!.deliveries).toEqual([{ channel: 'email', ok: true }]);
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]!.to).toEqual(['ops@example.com']);
    expect(server.messages[0]!.raw).toMatch(/Subject: \[migration-mcp\] devrev_backfill: slow batch alert \(run run-8\)/);
    expect(server.messages[0]!.raw).toContain('batch 3 took 75.0 s');
  });

  it('records an SMTP server that cannot be reached', async () => {
    const monitor = new AlertMonitor({ tool: 't', runId: 'r', channels: [emailChannel({ host: '127.0.0.1', port: 1, to: ['ops@example.com'] })] });
    monitor.apiErrors(5);
    const [alert] = await monitor.settle();
    expect(alert!.deliveries[0]).toMatchObject({ channel: 'email', ok: false, error: expect.stringMatching(/ECONNREFUSED|connect/) });
  });

  it('builds log, Slack and email channels from the configuration', async () => {
    const { logger, lines } = memoryLogger();
    const base: AlertConfig = { slackWebhook: undefined, smtpHost: undefined, smtpPort: undefined, smtpUser: undefined, smtpPassword: undefined, emailTo: [], emailFrom: undefined, errorRate: 0.1, batchSeconds: 60, apiErrors: 5 };
    expect(channelsFromConfig(base, logger).map((c) => c.name)).toEqual(['log']);
    expect(channelsFromConfig({ ...base, slackWebhook: 'http://127.0.0.1:1/x', smtpHost: 'localhost', emailTo: ['a@b.c'] }, logger).map((c) => c.name)).toEqual(['log', 'slack', 'email']);
    expect(channelsFromConfig({ ...base, smtpHost: 'localhost' }, logger).map((c) => c.name)).toEqual(['log']);
    const monitor = new AlertMonitor({ tool: 't', runId: 'r', channels: channelsFromConfig(base, logger) });
    monitor.apiErrors(5);
    await monitor.settle();
    expect(lines).toEqual([expect.stringContaining('t run r: 5 API errors')]);
  });
});
