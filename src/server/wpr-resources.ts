/** The WPR batch list as an MCP resource: `migration://wpr/batches` (read-only; JSON). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AppDeps } from '../app-deps.js';
import { listWprBatches } from '../pipelines/wpr/ingest/batches.js';

export const WPR_BATCHES_URI = 'migration://wpr/batches';

/** Registers the batch list when the wpr toolset is exposed. */
export function registerWprResources(server: McpServer, deps: AppDeps): void {
  const { toolsets } = deps.config;
  if (toolsets !== 'all' && !toolsets.includes('wpr') && !toolsets.includes('all')) return;
  server.registerResource(
    'wpr-batches',
    WPR_BATCHES_URI,
    {
      title: 'WPR batches',
      description: 'The WPR order batches stored by wpr_ingest_orders, newest first: batch_id, store, file, sheet, lines, orders, created_at.',
      mimeType: 'application/json',
    },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await listWprBatches(deps.config), null, 2) }] }),
  );
}
