/** explain_record: where a record came from, what it became, and every run that touched it. */
import { z } from 'zod';
import { ValidationError } from '../../engine/errors.js';
import { explainRecord, knownSystems } from '../../engine/records.js';
import { defineTool } from '../tool-definition.js';
import { explainAdvice } from './advice.js';

export const explainRecordTool = defineTool({
  name: 'explain_record',
  toolset: 'runs',
  title: 'Explain record',
  description: 'Explains a migrated record by its external key (e.g. a PPak job number or material SKU): its source file and line, its target id and content hash, and the runs that wrote it.',
  inputSchema: {
    system: z.string().max(64).optional().describe('Target system, e.g. innergy; omit to search every system.'),
    key: z.string().min(1).max(512).describe('The external key: PPak job number, material SKU, WPR line key, issue id…'),
  },
  outputSchema: {
    key: z.string().describe('The key asked about.'),
    found: z.boolean().describe('Whether the ledger knows this key.'),
    identities: z
      .array(
        z.object({
          system: z.string().describe('Target system.'),
          kind: z.string().describe('Record kind, e.g. project.'),
          target_id: z.string().describe('Id on the target.'),
          content_hash: z.string().nullable().describe('SHA-256 of the content last written.'),
          last_run_id: z.string().nullable().describe('Run that last wrote it.'),
          updated_at: z.string().describe('When.'),
        }),
      )
      .describe('Where the key lives on targets.'),
    events: z
      .array(
        z.object({
          run_id: z.string().describe('Run.'),
          tool: z.string().nullable().describe('Tool of the run.'),
          system: z.string().describe('Target system.'),
          kind: z.string().describe('Record kind.'),
          action: z.string().describe('created, updated, adopted, deactivated…'),
          target_id: z.string().nullable().describe('Target id.'),
          source: z.object({ file: z.string().nullable(), sheet: z.string().nullable(), line: z.number().nullable() }).describe('Source file/sheet/line.'),
          content_hash: z.string().nullable().describe('Content hash written.'),
          at: z.string().describe('When.'),
        }),
      )
      .describe('Provenance events, oldest first (at most 50).'),
    next_action: z.string().describe('What to do next.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async ({ system, key }, ctx) => {
    const explanation = explainRecord(ctx.deps.ledger, key, system);
    if (system && !explanation.found) {
      const systems = knownSystems(ctx.deps.ledger);
      if (!systems.includes(system)) {
        throw new ValidationError(`The ledger has no record of any system named '${system}'.`, { action: `Pass one of: ${systems.join(', ') || '(none yet)'}, or leave system out to search every system.` });
      }
    }
    const { next_action, text } = explainAdvice(explanation);
    return { structured: { ...explanation, next_action }, text };
  },
});
