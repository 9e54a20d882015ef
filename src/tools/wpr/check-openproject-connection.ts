/** check_openproject_connection: URL, API key, and per registered project the permission, types and custom fields. */
import { z } from 'zod';
import { MigrationError } from '../../engine/errors.js';
import { roleFields } from '../../pipelines/wpr/plan-bundle.js';
import { loadWprConfig } from '../../pipelines/wpr/setup.js';
import { checkConnection, type ProjectNeeds } from '../../targets/openproject/index.js';
import { resolvePathArgument } from '../run-tool-definition.js';
import { defineTool } from '../tool-definition.js';

export const checkOpenProjectConnectionTool = defineTool({
  name: 'check_openproject_connection',
  toolset: 'wpr',
  title: 'Check OpenProject connection',
  description:
    'Checks OPENPROJECT_URL and OPENPROJECT_API_KEY, and in every project of the product registry the permission to add work packages, the Epic and story types and the WPR custom fields; reads only. Run it before a first WPR apply or after a 401.',
  inputSchema: {
    registry: z.string().optional().describe('Product → project registry file; default product_project_registry.json in the config folder.'),
  },
  outputSchema: {
    ok: z.boolean().describe('True when every check passed.'),
    base_url: z.string().nullable().describe('The OpenProject base URL used.'),
    projects: z.array(z.string()).describe('Projects checked (from the registry).'),
    checks: z
      .array(z.object({ check: z.string().describe('url, credentials, project:<identifier>, types, custom_fields or options.'), ok: z.boolean().describe('Whether it passed.'), detail: z.string().describe('What was found, or what is wrong and how to fix it.') }))
      .describe('Every check made, in order.'),
    next_action: z.string().describe('What to do next.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (input, ctx) => {
    const { config, targets, logger } = ctx.deps;
    const base_url = config.openproject.baseUrl ?? null;
    try {
      const registry = input.registry ? resolvePathArgument(config, 'registry', input.registry, { kind: 'mapping' }) : undefined;
      const wpr = await loadWprConfig(config.configDir, registry);
      const projects = wpr.registry.projects();
      const fields = roleFields(wpr.columns);
      const needs = new Map<string, ProjectNeeds>(
        projects.map((project) => [project, { products: [], epic: { fields: fields.epic.map((f) => f.name), values: new Map() }, story: { fields: fields.story.map((f) => f.name), values: new Map() } }]),
      );
      const result = await checkConnection(targets.openproject({ logger }).client, projects, ctx.signal, { overrides: wpr.overrides, needs });
      const failed = result.findings.filter((finding) => !finding.ok);
      const next_action = result.ok
        ? 'OpenProject is ready: run wpr_delta_apply (dry run) on an ingested batch.'
        : `Fix ${failed.length === 1 ? 'the failed check' : `the ${failed.length} failed checks`} (see checks[].detail), then call check_openproject_connection again.`;
      const text = result.findings.map((finding) => `${finding.ok ? 'ok' : 'FAILED'} ${finding.check}: ${finding.detail}`).join('\n');
      return { structured: { ok: result.ok, base_url, projects, checks: result.findings, next_action }, text, ...(result.ok ? {} : { isError: true }) };
    } catch (error) {
      // A bad registry or override file, or a path outside the data roots: an operator error as such.
      if (!(error instanceof MigrationError) || ['config', 'validation', 'outside_data_root'].includes(error.kind)) throw error;
      const checks = [{ check: error.kind === 'config' ? 'configuration' : 'url', ok: false, detail: `${error.message} ${error.action}` }];
      return { structured: { ok: false, base_url, projects: [], checks, next_action: error.action }, text: `${error.message} What to do: ${error.action}`, isError: true };
    }
  },
});
