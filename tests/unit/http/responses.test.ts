import { describe, expect, it } from 'vitest';
import { AuthError, TerminalError } from '../../../src/engine/errors.js';
import { DEFAULT_USER_AGENT, HttpAuthError, HttpStatusError, NonJsonResponseError } from '../../../src/http/index.js';
import { fastClient } from './helpers/client.js';
import { useLocalServer } from './helpers/local-server.js';

const serve = useLocalServer();

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>INNERGY - Sign in</title></head><body><form>…</form></body></html>';

describe('responses and errors', () => {
  it('turns an HTML 200 into a NonJsonResponseError', async () => {
    const s = await serve([{ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: LOGIN_PAGE }]);
    const failure = fastClient(s.url).get('/api/materials');
    await expect(failure).rejects.toBeInstanceOf(NonJsonResponseError);
    await expect(failure).rejects.toBeInstanceOf(TerminalError);
    await expect(failure).rejects.toMatchObject({ kind: 'terminal', status: 200, contentType: 'text/html; charset=utf-8' });
    const error = (await failure.catch((e: unknown) => e)) as NonJsonResponseError;
    expect(error.message).toContain('INNERGY answered 200 OK to GET');
    expect(error.message).toContain('text/html');
    expect(error.message).toContain('"<!DOCTYPE html><html><head><title>INNERGY - Sign in</title></head><body><form>…');
    expect(error.excerpt.length).toBeLessThanOrEqual(80);
    expect(s.requests).toHaveLength(1);
  });

  it('turns a 200 whose body is not JSON into a NonJsonResponseError whatever its content type', async () => {
    const s = await serve([{ headers: { 'content-type': 'application/json' }, body: 'Welcome!' }]);
    await expect(fastClient(s.url).get('/api/materials')).rejects.toBeInstanceOf(NonJsonResponseError);
  });

  it('stops at once on 401 with an AuthError naming the key variable', async () => {
    const s = await serve([{ status: 401, body: { message: 'Invalid API key' } }, { body: {} }]);
    const client = fastClient(s.url, { authHint: 'Check INNERGY_API_KEY in the environment (header Api-Key), then resume the run.' });
    const failure = client.get('/api/materials');
    await expect(failure).rejects.toBeInstanceOf(AuthError);
    await expect(failure).rejects.toBeInstanceOf(HttpAuthError);
    await expect(failure).rejects.toMatchObject({ kind: 'auth', status: 401, action: expect.stringContaining('INNERGY_API_KEY') });
    await expect(failure).rejects.toThrow(/INNERGY answered 401 Unauthorized to GET .*\/api\/materials: Invalid API key\./);
    expect(s.requests).toHaveLength(1);
  });

  it('stops at once on 403 with an AuthError', async () => {
    const s = await serve([{ status: 403 }]);
    await expect(fastClient(s.url).put('/api/projects/1', { json: {} })).rejects.toMatchObject({ kind: 'auth', status: 403 });
    expect(s.requests).toHaveLength(1);
  });

  it('fails a record on 422 and keeps the API error body', async () => {
    const body = {
      _type: 'Error',
      errorIdentifier: 'urn:openproject-org:api:v3:errors:PropertyConstraintViolation',
      message: "Subject can't be blank.",
      _embedded: { details: { attribute: 'subject' } },
    };
    const s = await serve([{ status: 422, body }]);
    const client = fastClient(s.url, { target: 'OpenProject' });
    const failure = client.post('/api/v3/projects/3/work_packages', { json: { subject: '' } });
    await expect(failure).rejects.toBeInstanceOf(HttpStatusError);
    await expect(failure).rejects.toMatchObject({ kind: 'terminal', status: 422, outcome: 'rejected', body });
    await expect(failure).rejects.toThrow(/^OpenProject answered 422 Unprocessable Entity to POST .*\/api\/v3\/projects\/3\/work_packages: Subject can't be blank\.$/);
    expect(s.requests).toHaveLength(1);
  });

  it('fails a record on 409 and 404 without retrying, keeping DevRev error bodies', async () => {
    const s = await serve([
      { status: 409, body: { _type: 'Error', errorIdentifier: 'urn:openproject-org:api:v3:errors:UpdateConflict', message: 'stale' } },
      { status: 404, body: { type: 'not_found', message: 'work not found', detail: 'ISS-9' } },
    ]);
    const client = fastClient(s.url);
    await expect(client.patch('/api/v3/work_packages/1', { json: {}, retryable: true })).rejects.toMatchObject({ status: 409, kind: 'terminal' });
    await expect(client.post('/works.get', { json: { id: 'ISS-9' }, retryable: true })).rejects.toMatchObject({
      status: 404,
      body: { type: 'not_found', message: 'work not found' },
    });
    expect(s.requests).toHaveLength(2);
  });

  it('keeps at most 2 KB of a large error body', async () => {
    const s = await serve([{ status: 400, body: { message: 'bad', items: Array.from({ length: 500 }, (_, i) => `item-${i}`) } }]);
    const error = (await fastClient(s.url).get('/x').catch((e: unknown) => e)) as HttpStatusError;
    expect(typeof error.body).toBe('string');
    expect((error.body as string).length).toBeLessThanOrEqual(2048);
  });

  it('resolves an empty 204 with an undefined body', async () => {
    const s = await serve([{ status: 204 }]);
    const response = await fastClient(s.url, { target: 'OpenProject' }).delete('/api/v3/work_packages/5');
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
  });

  it('reads text and skips the body when asked', async () => {
    const s = await serve([{ headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' }]);
    const client = fastClient(s.url);
    await expect(client.get<string>('/export.csv', { responseType: 'text' })).resolves.toMatchObject({ body: 'a,b\n1,2\n' });
    await expect(client.get('/export.csv', { responseType: 'none' })).resolves.toMatchObject({ status: 200, body: undefined });
  });

  it('sends the auth headers, user agent, JSON body and query parameters', async () => {
    const s = await serve([{ status: 201, body: { Id: 1 } }]);
    const client = fastClient(`${s.url}/base/`, { headers: { 'Api-Key': 'k-123456' } });
    const response = await client.post<{ Id: number }>('/api/projects', {
      json: { Name: 'A' },
      searchParams: { notify: false, skip: undefined },
      headers: { 'X-Trace': 't1' },
    });
    expect(response.body.Id).toBe(1);
    const received = s.requests[0]!;
    expect(received.url).toBe('/base/api/projects?notify=false');
    expect(received.headers['api-key']).toBe('k-123456');
    expect(received.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/^migration-mcp\/\d+\.\d+\.\d+/);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['accept']).toBe('application/json');
    expect(received.headers['x-trace']).toBe('t1');
    expect(received.body).toBe('{"Name":"A"}');
  });

  it('refuses a base URL that carries credentials, without showing the password', () => {
    let caught: unknown;
    try {
      fastClient('http://apikey:op-secret-1234@127.0.0.1:9', { target: 'OpenProject' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ kind: 'config', message: expect.stringContaining('carries credentials') });
    expect(JSON.stringify({ message: (caught as Error).message, action: (caught as { action: string }).action })).not.toContain('op-secret-1234');
  });

  it('follows a redirect on the same origin with the credentials', async () => {
    const s = await serve([{ status: 307, headers: { location: '/api/v2/materials' } }, { body: { moved: true } }]);
    const client = fastClient(s.url, { headers: { 'Api-Key': 'same-origin-key-1' } });
    await expect(client.get('/api/materials')).resolves.toMatchObject({ body: { moved: true } });
    expect(s.requests.map((r) => [r.url, r.headers['api-key']])).toEqual([
      ['/api/materials', 'same-origin-key-1'],
      ['/api/v2/materials', 'same-origin-key-1'],
    ]);
  });

  it('refuses to follow a redirect to another origin and never sends the credentials there', async () => {
    const elsewhere = await serve([{ body: { stolen: true } }]);
    const s = await serve([{ status: 307, headers: { location: `${elsewhere.url}/collect` } }]);
    const client = fastClient(s.url, { headers: { 'Api-Key': 'cross-origin-key-1' } });
    const failure = client.post('/api/projects', { json: { Name: 'x' } });
    await expect(failure).rejects.toMatchObject({ kind: 'config', stopsRun: true, message: expect.stringContaining('redirected') });
    await expect(failure).rejects.toThrow(new RegExp(`${s.url}/api/projects to another origin, ${elsewhere.url}/collect`));
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('follows an absolute URL on the same origin and refuses another origin', async () => {
    const s = await serve([{ body: { page: 2 } }]);
    const client = fastClient(s.url);
    await expect(client.get(`${s.url}/api/v3/work_packages?offset=2`)).resolves.toMatchObject({ body: { page: 2 } });
    await expect(client.get('http://example.invalid/steal')).rejects.toThrow(/another origin/);
  });
});
