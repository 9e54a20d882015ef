/** explain_record: where a record came from, what it became, and every run that touched it. */
import { z } from 'zod';
import { defineTool } from '../tool-definition.js';

export const explainRecordTool = defineTool({
  name: 'explain_record',
  toolset: 'runs',
  title: 'Explain record',
  description: 'Explains a migrated record by its external key (e.g. a PPak job number or material SKU): its source file and line, its target id and content hash, and the runs that wrote it.',
  inputSchema: {
    system: z.string().optional().describe('Target system, e.g. innergy; omit to search every system.'),
    key: z.string().min(1).describe('The external key: PPak job number, material SKU, WPR line key, issue id…'),
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
    const { ledger } = ctx.deps;
    const identities = ledger.identities
      .byKey(key)
      .filter((identity) => !system || identity.system === system)
      .map(({ system: s, kind, target_id, content_hash, last_run_id, updated_at }) => ({ system: s, kind, target_id, content_hash, last_run_id, updated_at }));
    const events = ledger.provenance.forKey(key, system).map((event) => ({
      run_id: event.run_id,
      tool: ledger.runs.get(event.run_id)?.tool ?? null,
      system: event.system,
      kind: event.kind,
      action: event.action,
      target_id: event.target_id ?? null,
      source: { file: event.source_file ?? null, sheet: event.source_sheet ?? null, line: event.source_line ?? null },
      content_hash: event.content_hash ?? null,
      at: event.at,
    }));
    const found = identities.length > 0 || events.length > 0;
    const next_action = found
      ? 'Open the last run report (migration://runs/<run_id>/report) for context.'
      : 'The ledger has no record of this key: check the spelling, or import it first.';
    const last = events.at(-1);
    const text = found
      ? `${key}: ${identities.map((i) => `${i.system}/${i.kind} ${i.target_id}`).join(', ') || 'no target id'}; ${events.length} event(s)${last ? `, last ${last.action} by ${last.run_id}` : ''}${last?.source.file ? ` from ${last.source.file}:${last.source.line ?? '?'}` : ''}.`
      : `No record of ${key}.`;
    return { structured: { key, found, identities, events, next_action }, text };
  },
});
