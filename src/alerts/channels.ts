/**
 * Alert channels: the log (always), a Slack incoming webhook (`SLACK_WEBHOOK`: a POST of
 * `{text}` JSON), and email through SMTP with nodemailer (`SMTP_HOST`, `SMTP_PORT`, optional
 * `SMTP_USER`/`SMTP_PASSWORD`, to `ALERT_EMAIL`, from `ALERT_EMAIL_FROM`). Each has a short timeout;
 * a failing channel throws to the dispatcher, which records it and never fails the run.
 */
import os from 'node:os';
import nodemailer from 'nodemailer';
import type { AlertConfig } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import type { Alert, AlertChannel } from './alert.js';

/** How long a channel may take. */
const CHANNEL_TIMEOUT_MS = 10_000;

/** The text every channel sends. */
export function alertText(alert: Alert): string {
  return `[migration-mcp] ${alert.tool} run ${alert.run_id}: ${alert.message}`;
}

/** Writes alerts to the log at `warn`. */
export function logChannel(logger: Logger): AlertChannel {
  return {
    name: 'log',
    send: async (alert) => {
      logger.warn(alertText(alert), { alert: alert.kind, tool: alert.tool, run_id: alert.run_id, value: alert.value, threshold: alert.threshold });
    },
  };
}

/** Posts alerts to a Slack incoming webhook. */
export function slackChannel(webhookUrl: string): AlertChannel {
  return {
    name: 'slack',
    send: async (alert) => {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: alertText(alert) }),
        redirect: 'error',
        signal: AbortSignal.timeout(CHANNEL_TIMEOUT_MS),
      });
      const body = await response.text().catch(() => '');
      if (!response.ok) throw new Error(`Slack answered ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    },
  };
}

/** Mails alerts through an SMTP server. */
export function emailChannel(options: { host: string; port?: number | undefined; user?: string | undefined; password?: string | undefined; to: string[]; from?: string | undefined }): AlertChannel {
  const port = options.port ?? 587;
  const transport = nodemailer.createTransport({
    host: options.host,
    port,
    secure: port === 465,
    auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
    connectionTimeout: CHANNEL_TIMEOUT_MS,
    greetingTimeout: CHANNEL_TIMEOUT_MS,
    socketTimeout: CHANNEL_TIMEOUT_MS,
  });
  const from = options.from ?? `migration-mcp@${os.hostname()}`;
  return {
    name: 'email',
    send: async (alert) => {
      await transport.sendMail({
        from,
        to: options.to.join(', '),
        subject: `[migration-mcp] ${alert.tool}: ${alert.kind.replace('_', ' ')} alert (run ${alert.run_id})`,
        text: `${alertText(alert)}\n\nValue: ${alert.value} (threshold ${alert.threshold})\nRaised at: ${alert.at}\n`,
      });
    },
  };
}

/** The channels configured in the environment: the log always, Slack and email when set. */
export function channelsFromConfig(config: AlertConfig, logger: Logger): AlertChannel[] {
  const channels: AlertChannel[] = [logChannel(logger)];
  if (config.slackWebhook) channels.push(slackChannel(config.slackWebhook));
  if (config.smtpHost && config.emailTo.length > 0) {
    channels.push(emailChannel({ host: config.smtpHost, port: config.smtpPort, user: config.smtpUser, password: config.smtpPassword, to: config.emailTo, from: config.emailFrom }));
  }
  return channels;
}
