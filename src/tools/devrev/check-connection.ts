/** check_devrev_connection: base URL, token, reads, the tenant field, the rate-limit window (and, if asked, update permission). */
import { z } from 'zod';
import { MigrationError, ValidationError } from '../../engine/errors.js';
import { defineTool } from '../tool-definition.js';

export const checkDevRevConnectionTool = defineTool({
  name: 'check_devrev_connection',
  toolset: 'devrev',
  title: 'Check DevRev connection',
  description:
    'Checks DEVREV_BASE_URL and DEVREV_API_TOKEN: the API answers, the token is accepted, issues and groups can be read, issues carry the creator-group tenant field, and how much of the rate-limit window is left; run it before a first backfill or after a 401/403.',
  inputSchema: {
    probe_update: z
      .boolean()
      .default(false)
      .describe('true: also prove the token may update issues, with a works.update of one issue that changes nothing (refused when MIGRATION_READ_ONLY=1).'),
  },
  outputSchema: {
    ok: z.boolean().describe('True when every check passed.'),
    base_url: z.string().describe('The DevRev base URL used.'),
    field: z.string().describe('The tenant field the backfill writes.'),
    checks: z
      .array(z.object({ check: z.string().describe('url, credentials, works_read, groups_read, custom_field, permissions or rate_limit.'), ok: z.boolean().describe('Passed.'), detail: z.string().describe('What was found, or what to fix.') }))
      .describe('Each check with its finding.'),
    next_action: z.string().describe('What to do next.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (input, ctx) => {
    const { config, targets, logger } = ctx.deps;
    if (input.probe_update && config.readOnly) {
      throw new ValidationError('probe_update sends a works.update, which MIGRATION_READ_ONLY=1 forbids.', { action: 'Call check_devrev_connection without probe_update.' });
    }
    const base = { base_url: config.devrev.baseUrl ?? 'https://api.devrev.ai', field: config.devrev.creatorGroupField };
    try {
      const check = await targets.devrev({ logger, probeUpdate: input.probe_update }).issues.check(ctx.signal);
      const failed = check.findings.find((finding) => !finding.ok);
      const next_action = failed
        ? `Fix the ${failed.check} finding (${failed.detail.slice(0, 200)}) and check again.`
        : 'Run devrev_backfill with validate_only: true, then a dry run.';
      const text = check.findings.map((f) => `${f.ok ? 'ok' : 'FAIL'} ${f.check}: ${f.detail}`).join('\n');
      return { structured: { ok: check.ok, ...base, checks: check.findings, next_action }, text, isError: !check.ok };
    } catch (error) {
      if (!(error instanceof MigrationError)) throw error;
      const checks = [{ check: 'configuration', ok: false, detail: `${error.message} ${error.action}` }];
      return { structured: { ok: false, ...base, checks, next_action: error.action }, text: `${error.message} What to do: ${error.action}`, isError: true };
    }
  },
});
