/**
 * An MCP client linked in-process to a fresh server over an in-memory transport, so the CLI runs
 * tools through exactly the same code path (schemas, read-only checks, error mapping) as agents.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { AppDeps } from '../app-deps.js';
import { buildServer } from '../server/build-server.js';
import { packageVersion } from '../package-root.js';

export async function withLocalClient<T>(deps: AppDeps, fn: (client: Client) => Promise<T>): Promise<T> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const server = buildServer(deps);
  await server.connect(serverTransport);
  const client = new Client({ name: 'migration-mcp-cli', version: packageVersion() });
  await client.connect(clientTransport);
  try {
    return await fn(client);
  } finally {
    await client.close().catch(() => {});
    await server.close().catch(() => {});
  }
}
