/**
 * The MCP server factory: tools (filtered by toolsets and read-only mode), resources and prompts
 * over the shared application dependencies. No transport code: stdio.ts and http.ts connect it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AppDeps } from '../app-deps.js';
import { ALL_TOOLS } from '../tools/index.js';
import { packageVersion } from '../package-root.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerTool } from './register-tool.js';
import { selectTools } from './toolsets.js';

const INSTRUCTIONS = [
  'migration-mcp runs data-migration runbooks as tools.',
  'Writing tools are dry runs by default: call with dry_run true, review the counts and samples, then call again with dry_run false and the plan_id.',
  'Long runs return {run_id, status: "running"}: poll get_run; interrupted runs continue with resume_run.',
  'Each skill prompt explains a runbook step and its failure modes.',
].join(' ');

export function buildServer(deps: AppDeps): McpServer {
  const server = new McpServer(
    { name: 'migration-mcp', version: packageVersion() },
    { instructions: INSTRUCTIONS, capabilities: { logging: {} } },
  );
  for (const tool of selectTools(ALL_TOOLS, deps.config)) registerTool(server, tool, deps);
  registerResources(server, deps);
  registerPrompts(server, deps.logger);
  return server;
}
