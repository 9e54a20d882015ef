/** The INNERGY client against list answers shaped in every way a tenant might shape them. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/engine/errors.js';
import { InnergyClient } from '../../../src/targets/innergy/client.js';

type Answer = (page: number, pageSize: number) => { status?: number; type?: string; body: unknown };
let server: http.Server | undefined;
let requests = 0;

async function serve(answer: Answer): Promise<InnergyClient> {
  requests = 0;
  server = http.createServer((req, res) => {
    requests += 1;
    const url = new URL(req.url ?? '/', 'http://x');
    const { status = 200, type = 'application/json', body } = answer(Number(url.searchParams.get('page') ?? 1), Number(url.searchParams.get('pageSize') ?? 0));
    res.writeHead(status, { 'Content-Type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new InnergyClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k-123456', rateLimit: { count: 1000, windowMs: 1000 }, maxRetries: 0 });
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const records = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ Id: `id-${from + i}`, Name: `P${from + i}` }));

describe('InnergyClient list paging', () => {
  it('follows Page/PageSize/TotalCount to the last page', async () => {
    const client = await serve((page, size) => ({ body: { Items: records(Math.max(0, Math.min(size, 250 - (page - 1) * size)), (page - 1) * size), Page: page, PageSize: size, TotalCount: 250 } }));
    expect(await client.listProjects()).toHaveLength(250);
    expect(requests).toBe(3);
  });

  it('keeps paging when only TotalCount is given', async () => {
    const client = await serve((page, size) => ({ body: { Items: records(Math.max(0, Math.min(size, 150 - (page - 1) * size)), (page - 1) * size), TotalCount: 150 } }));
    expect(await client.listProjects()).toHaveLength(150);
  });

  it('reads an answer without paging fields as the whole list, even a long one', async () => {
    const client = await serve(() => ({ body: { Items: records(180) } }));
    expect(await client.listProjects()).toHaveLength(180);
    expect(requests).toBe(2);
  });

  it('stops when a server ignoring page answers the same records again', async () => {
    const client = await serve(() => ({ body: { Items: records(120), TotalCount: 500 } }));
    expect(await client.listMaterials()).toHaveLength(120);
    expect(requests).toBe(2);
  });

  it('turns the web app HTML page into an AuthError that names the key variable', async () => {
    const client = await serve(() => ({ type: 'text/html', body: '<!DOCTYPE html><html><body>Sign in to INNERGY</body></html>' }));
    const error = await client.listProjects().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/web page instead of JSON/);
    expect((error as AuthError).action).toMatch(/INNERGY_API_KEY/);
  });
});
