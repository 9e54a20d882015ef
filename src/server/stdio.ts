/**
 * stdio transport: the server speaks MCP on stdin/stdout (stdout carries protocol messages only;
 * logs go to stderr). When stdin closes or a signal arrives, active runs are interrupted (they
 * stay resumable) and the ledger is closed.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeApp } from '../app.js';
import type { AppDeps } from '../app-deps.js';
import { buildServer } from './build-server.js';

export async function serveStdio(deps: AppDeps): Promise<void> {
  const server = buildServer(deps);
  const transport = new StdioServerTransport();
  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    deps.logger.info(`Shutting down (${why}).`);
    // Interrupt runs first: closing the transport aborts in-flight requests, which would
    // otherwise read as the caller cancelling the runs they wait for.
    await deps.runs.shutdown();
    await server.close().catch(() => {});
    await closeApp(deps);
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await server.connect(transport);
  deps.logger.info('migration-mcp serving MCP on stdio.');
}
