/**
 * The process logger: winston, JSON-ish lines on **stderr only** (stdout is the MCP protocol in
 * stdio mode) — or one JSON object per line with LOG_FORMAT=json — with every message and field
 * passed through secret redaction.
 */
import winston from 'winston';
import { redact, redactValue } from './redact.js';

export type Logger = winston.Logger;

const redactFormat = winston.format((info) => {
  const out = redactValue({ ...info }) as typeof info;
  if (typeof info.message === 'string') out.message = redact(info.message);
  // winston keeps level/message under symbols as well; copy them across untouched.
  for (const symbol of Object.getOwnPropertySymbols(info)) {
    (out as Record<symbol, unknown>)[symbol] = (info as Record<symbol, unknown>)[symbol];
  }
  return out;
});

let root: Logger | undefined;

/** Creates (once) and returns the process logger writing to stderr. */
export function getLogger(): Logger {
  if (!root) {
    root = winston.createLogger({
      level: process.env.LOG_LEVEL ?? 'info',
      format: winston.format.combine(
        redactFormat(),
        winston.format.timestamp(),
        // LOG_FORMAT=json: one JSON object per line (the seed's structured logging), for log shippers.
        process.env.LOG_FORMAT === 'json'
          ? winston.format.json()
          : winston.format.printf(({ timestamp, level, message, ...meta }) => {
              const rest = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
              return `${String(timestamp)} ${level} ${String(message)}${rest}`;
            }),
      ),
      transports: [new winston.transports.Stream({ stream: process.stderr })],
    });
  }
  return root;
}

/** Sets the level of the process logger (e.g. from LOG_LEVEL after .env is loaded). */
export function setLogLevel(level: string): void {
  getLogger().level = level;
}
