import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets } from '../../../src/logging/redact.js';
import type { Logger } from '../../../src/logging/logger.js';
import { fastClient } from './helpers/client.js';
import { refusedUrl, useLocalServer } from './helpers/local-server.js';

const API_KEY = 'sk-live-7f3a9c1e5b';
const OP_KEY = 'op-key-0d9e8f7a6b5c';

const serve = useLocalServer();
afterEach(() => clearSecrets());

/** Every way an error can be shown: message, stack, cause chain, JSON and util.inspect. */
function everyForm(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message, current.stack ?? '');
    current = current.cause;
  }
  parts.push(JSON.stringify(error), inspect(error, { depth: 10 }));
  return parts.join('\n');
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('redaction', () => {
  it('redacts the API key from error messages, stacks and JSON', async () => {
    const s = await serve([
      {
        status: 422,
        body: { message: `Key ${API_KEY} may not create projects`, echo: { headers: { 'Api-Key': API_KEY } }, access_token: 'tok-not-registered-42' },
      },
    ]);
    const client = fastClient(s.url, { headers: { 'Api-Key': API_KEY } });
    const error = await failureOf(client.post(`/api/projects?api_key=${API_KEY}&token=other-secret-99&page=1`, { json: {} }));
    const shown = everyForm(error);
    expect(shown).toContain('may not create projects');
    expect(shown).toContain('page=1');
    expect(shown).not.toContain(API_KEY);
    expect(shown).not.toContain('other-secret-99');
    expect(shown).not.toContain('tok-not-registered-42');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'HttpStatusError', kind: 'terminal', status: 422 });
  });

  it('redacts the OpenProject key sent as basic auth, even when echoed in a 401 body', async () => {
    const s = await serve([{ status: 401, body: { _type: 'Error', message: `apikey:${OP_KEY} is not valid` } }]);
    const basic = Buffer.from(`apikey:${OP_KEY}`).toString('base64');
    const client = fastClient(s.url, { target: 'OpenProject', headers: { Authorization: `Basic ${basic}` } });
    const error = await failureOf(client.get('/api/v3/projects'));
    const shown = everyForm(error);
    expect(shown).toContain('OpenProject answered 401');
    expect(shown).not.toContain(OP_KEY);
    expect(shown).not.toContain(basic);
  });

  it('redacts secret parameters of URLs in network errors and their causes', async () => {
    const base = await refusedUrl();
    const client = fastClient(base, { maxRetries: 0, headers: { Authorization: `Basic ${Buffer.from(`user:${API_KEY}`).toString('base64')}` } });
    const error = await failureOf(client.get(`/api/materials?key=${API_KEY}`));
    const shown = everyForm(error);
    expect(shown).toContain('ECONNREFUSED');
    expect(shown).not.toContain(API_KEY);
  });

  it('redacts a non-JSON body excerpt', async () => {
    const s = await serve([{ headers: { 'content-type': 'text/html' }, body: `<html>Bearer ${API_KEY}</html>` }]);
    const client = fastClient(s.url, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const error = await failureOf(client.get('/api/materials'));
    expect(everyForm(error)).not.toContain(API_KEY);
  });

  it('redacts URLs in retry logs', async () => {
    const s = await serve([{ status: 503 }, { body: {} }]);
    const lines: string[] = [];
    const logger = { warn: (message: string, meta: unknown) => lines.push(message, JSON.stringify(meta)) } as unknown as Logger;
    const client = fastClient(s.url, { headers: { 'Api-Key': API_KEY }, logger });
    await client.get(`/api/materials?apikey=${API_KEY}`);
    expect(lines.join('\n')).toContain('503');
    expect(lines.join('\n')).not.toContain(API_KEY);
  });
});
