/**
 * MCP resources: run records (`migration://runs/{run_id}`), run reports
 * (`migration://runs/{run_id}/report`, Markdown), the JSON Schemas of our file formats
 * (`migration://schemas/{name}`), the Prometheus metrics (`migration://metrics`) and the WPR
 * batch list (`migration://wpr/batches`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AppDeps } from '../app-deps.js';
import { metrics } from '../metrics/index.js';
import { packageRoot } from '../package-root.js';
import { composeResult } from '../tools/run-result.js';
import { registerWprResources } from './wpr-resources.js';

export function registerResources(server: McpServer, deps: AppDeps): void {
  server.registerResource(
    'run',
    new ResourceTemplate('migration://runs/{run_id}', {
      list: () => ({
        resources: deps.ledger.runs.list({ limit: 50 }).map((run) => ({
          uri: `migration://runs/${run.run_id}`,
          name: `${run.tool} ${run.run_id} (${run.status})`,
          mimeType: 'application/json',
        })),
      }),
    }),
    { title: 'Run record', description: 'A run: tool, arguments, status, progress, result and error.', mimeType: 'application/json' },
    (uri, variables) => {
      const run = deps.runs.get(String(variables.run_id));
      const record = { ...run, result: composeResult(deps.runs, run) };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(record, null, 2) }] };
    },
  );

  server.registerResource(
    'run-report',
    new ResourceTemplate('migration://runs/{run_id}/report', { list: undefined }),
    { title: 'Run report', description: 'The Markdown report of a finished run.', mimeType: 'text/markdown' },
    (uri, variables) => {
      const run = deps.runs.get(String(variables.run_id));
      const text = run.report_md && fs.existsSync(run.report_md)
        ? fs.readFileSync(run.report_md, 'utf8')
        : `# ${run.tool} — ${run.run_id}\n\nStatus: ${run.status}. The report is written when the run finishes.\n`;
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] };
    },
  );

  server.registerResource(
    'metrics',
    'migration://metrics',
    { title: 'Prometheus metrics', description: 'Records by tool and outcome, runs, batches, alerts, API requests by target and status, 429s, retries, breaker state, rate-limit window, process (text exposition format).', mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: await metrics().text() }] }),
  );

  registerWprResources(server, deps);

  const schemaDir = path.join(packageRoot(), 'schemas');
  server.registerResource(
    'schema',
    new ResourceTemplate('migration://schemas/{name}', {
      list: () => ({
        resources: listSchemas(schemaDir).map((name) => ({ uri: `migration://schemas/${name}`, name, mimeType: 'application/schema+json' })),
      }),
    }),
    { title: 'JSON Schema', description: 'JSON Schemas of the canonical file formats.', mimeType: 'application/schema+json' },
    (uri, variables) => {
      const name = String(variables.name);
      if (!listSchemas(schemaDir).includes(name)) throw new Error(`Unknown schema ${name}; list resources to see the schemas.`);
      return { contents: [{ uri: uri.href, mimeType: 'application/schema+json', text: fs.readFileSync(path.join(schemaDir, name), 'utf8') }] };
    },
  );
}

function listSchemas(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith('.json')).sort() : [];
}
