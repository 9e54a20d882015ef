/**
 * Local alert receivers for tests: a Slack incoming-webhook stand-in (HTTP on 127.0.0.1 that
 * records JSON posts, optionally failing) and an SMTP server (the `smtp-server` package, no TLS,
 * no auth) that records every message.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A stand-in Slack webhook. */
export interface SlackReceiver {
  /** Webhook URL to put in SLACK_WEBHOOK. */
  url: string;
  /** JSON bodies received. */
  posts: Array<{ text?: string }>;
  close(): Promise<void>;
}

/** Starts a Slack webhook receiver; `status` other than 200 makes it answer like a broken hook. */
export async function startSlackReceiver(status = 200): Promise<SlackReceiver> {
  const posts: SlackReceiver['posts'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      try {
        posts.push(JSON.parse(body) as { text?: string });
      } catch {
        posts.push({});
      }
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret-hook-token`,
    posts,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A local SMTP server. */
export interface SmtpReceiver {
  host: string;
  port: number;
  /** Messages received: envelope recipients and raw text. */
  messages: Array<{ to: string[]; raw: string }>;
  close(): Promise<void>;
}

/** Starts an SMTP server on 127.0.0.1 that accepts every message. */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: SmtpReceiver['messages'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { host: '127.0.0.1', port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
