/** What to do next after the run-housekeeping tools (`next_action` and the one-line text). */
import type { CheckpointReset, LedgerPrune } from '../../engine/housekeeping.js';
import type { RecordExplanation } from '../../engine/records.js';
import { reportUri } from '../run-result.js';

/** After explain_record. */
export function explainAdvice(explanation: RecordExplanation): { next_action: string; text: string } {
  const { key, found, identities, events } = explanation;
  if (!found) return { next_action: 'The ledger has no record of this key: check the spelling, or import it first.', text: `No record of ${key}.` };
  const last = events.at(-1);
  const targets = identities.map((i) => `${i.system}/${i.kind} ${i.target_id}`).join(', ') || 'no target id';
  const origin = last?.source.file ? ` from ${last.source.file}:${last.source.line ?? '?'}` : '';
  return {
    next_action: `Open the last run report (${last ? reportUri(last.run_id) : 'migration://runs/<run_id>/report'}) for context.`,
    text: `${key}: ${targets}; ${events.length} event(s)${last ? `, last ${last.action} by ${last.run_id}` : ''}${origin}.`,
  };
}

/** After reset_checkpoints. */
export function resetAdvice(tool: string, dryRun: boolean, reset: CheckpointReset): { next_action: string; text: string } {
  const next_action = dryRun
    ? reset.checkpoints
      ? `Call reset_checkpoints again with dry_run: false to clear ${reset.checkpoints} checkpoint(s).`
      : 'Nothing to clear.'
    : 'Checkpoints cleared; resuming or re-running the tool starts from the beginning (records already on the target are re-found, not duplicated).';
  return { next_action, text: `${dryRun ? 'Would clear' : 'Cleared'} ${reset.checkpoints} checkpoint(s) of ${tool}. ${next_action}` };
}

/** After prune_ledger. */
export function pruneAdvice(dryRun: boolean, prune: LedgerPrune): { next_action: string; text: string } {
  const what = `${prune.plan_items} plan item(s) of ${prune.plans} plan(s) and ${prune.intents} intent(s) of ${prune.runs} run(s) finished before ${prune.cutoff}`;
  const next_action = dryRun
    ? prune.plan_items + prune.intents
      ? 'Call prune_ledger again with dry_run: false to prune them (runs, identities and provenance are kept).'
      : 'Nothing to prune.'
    : 'Pruned; explain_record and list_runs still show these runs.';
  return { next_action, text: `${dryRun ? 'Would prune' : 'Pruned'} ${what}. ${next_action}` };
}
