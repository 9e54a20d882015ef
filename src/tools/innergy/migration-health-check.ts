/** migration_health_check: read-only checks of a migration, with a Markdown report. */
import path from 'node:path';
import { z } from 'zod';
import { HEALTH_CHECK_TOOL, runHealthCheck } from '../../pipelines/health/health-check.js';
import { defineRunTool } from '../run-tool-definition.js';
import { waitSecondsArg } from '../run-tool.js';

export const healthCheckShape = {
  ok: z.boolean().describe('False when any check fails.'),
  canonical_file: z.string().describe('The canonical file checked.'),
  checks: z
    .array(
      z.object({
        name: z.string().describe('projects_missing_innergy_id, materials_missing_in_innergy, unmapped_status, unmapped_phase or data_quality.'),
        status: z.enum(['pass', 'warn', 'fail']).describe('Result of the check.'),
        count: z.number().describe('Distinct projects (SKUs for materials) concerned.'),
        samples: z.array(z.string()).describe('Up to 10 examples.'),
        detail: z.string().optional().describe('A note, e.g. when INNERGY could not be checked.'),
      }),
    )
    .describe('The checks.'),
  report_path: z.string().describe('Absolute path of health_check_<date>.md (next to the canonical file).'),
};

export const migrationHealthCheckTool = defineRunTool({
  name: HEALTH_CHECK_TOOL,
  toolset: 'innergy',
  title: 'Migration health check',
  description:
    'Checks a canonical projects file against INNERGY: projects missing innergy_id, referenced materials missing in INNERGY, unmapped status/phase values, data-quality problems; read-only, writes health_check_<date>.md.',
  inputSchema: {
    canonical_file: z.string().describe('canonical_projects_<date>.json to check.'),
    wait_seconds: waitSecondsArg,
  },
  resultShape: healthCheckShape,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paths: { canonical_file: {} },
  execute: (args, ctx, deps) => {
    const innergy = deps.targets.innergyConfigured() ? deps.targets.innergy({ logger: ctx.logger }) : undefined;
    return runHealthCheck({ canonicalFile: args.canonical_file, outputDir: path.dirname(args.canonical_file) }, ctx, innergy);
  },
});
