/** check_innergy_connection: verifies INNERGY's URL, API key and read permissions. */
import { z } from 'zod';
import { MigrationError } from '../../engine/errors.js';
import { redactUrl } from '../../http/index.js';
import { defineTool } from '../tool-definition.js';

/** What to do when a check fails, by what failed (a check has no run to resume and no mode). */
const CHECK_ADVICE: Record<string, string> = {
  credentials: 'Fix INNERGY_API_KEY (the key of an INNERGY user allowed to read materials and projects), then run check_innergy_connection again.',
  url: 'Fix INNERGY_API_BASE_URL (the API host, reachable from this machine), then run check_innergy_connection again.',
  default: 'Check that the INNERGY key may read materials and projects, and that INNERGY_API_BASE_URL is the API host, then run check_innergy_connection again.',
};

export const checkInnergyConnectionTool = defineTool({
  name: 'check_innergy_connection',
  toolset: 'innergy',
  title: 'Check INNERGY connection',
  description: 'Checks that INNERGY_API_BASE_URL and INNERGY_API_KEY work and can read materials and projects; run it before a first import or after a 401.',
  inputSchema: {},
  outputSchema: {
    ok: z.boolean().describe('True when INNERGY answered both reads.'),
    base_url: z.string().nullable().describe('The INNERGY base URL used.'),
    message: z.string().describe('What was found, or what is wrong.'),
    next_action: z.string().describe('What to do next.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (_input, ctx) => {
    const { config, targets, logger } = ctx.deps;
    const base_url = config.innergy.baseUrl ? redactUrl(config.innergy.baseUrl) : null;
    try {
      const check = await targets.innergy({ logger }).projects.check(ctx.signal);
      if (check.ok) {
        const message = 'INNERGY answered: the key can read materials and projects.';
        return { structured: { ok: true, base_url, message, next_action: 'Run sync_innergy_material_library (dry run) next.' }, text: message };
      }
      const failed = check.findings.find((finding) => !finding.ok)!;
      const message = failed.detail.split(' What to do: ')[0]!;
      return { structured: { ok: false, base_url, message, next_action: CHECK_ADVICE[failed.check] ?? CHECK_ADVICE.default! }, text: `${message} ${CHECK_ADVICE[failed.check] ?? CHECK_ADVICE.default!}`, isError: true };
    } catch (error) {
      if (!(error instanceof MigrationError)) throw error;
      const next_action = error.kind === 'config' ? `${error.action} Then run check_innergy_connection again.` : error.action;
      return { structured: { ok: false, base_url, message: error.message, next_action }, text: `${error.message} What to do: ${next_action}`, isError: true };
    }
  },
});
