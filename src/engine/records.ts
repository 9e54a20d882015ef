/**
 * Provenance of a record (`explain_record`): where a key lives on the targets (identities) and
 * every event that touched it — which run, what it did, from which file/sheet/line, with which hash.
 */
import type { Identity } from './ledger/identity-store.js';
import type { Ledger } from './ledger/ledger.js';

/** One provenance event, with the tool of its run. */
export interface RecordEvent {
  run_id: string;
  tool: string | null;
  system: string;
  kind: string;
  action: string;
  target_id: string | null;
  source: { file: string | null; sheet: string | null; line: number | null };
  content_hash: string | null;
  at: string;
}

export interface RecordExplanation {
  key: string;
  found: boolean;
  identities: Pick<Identity, 'system' | 'kind' | 'target_id' | 'content_hash' | 'last_run_id' | 'updated_at'>[];
  events: RecordEvent[];
}

/** Everything the ledger knows of a key, on one system or on all. */
export function explainRecord(ledger: Ledger, key: string, system?: string): RecordExplanation {
  const identities = ledger.identities
    .byKey(key)
    .filter((identity) => !system || identity.system === system)
    .map(({ system: s, kind, target_id, content_hash, last_run_id, updated_at }) => ({ system: s, kind, target_id, content_hash, last_run_id, updated_at }));
  const tools = new Map<string, string | null>();
  const toolOf = (runId: string) => {
    if (!tools.has(runId)) tools.set(runId, ledger.runs.get(runId)?.tool ?? null);
    return tools.get(runId)!;
  };
  const events = ledger.provenance.forKey(key, system).map((event) => ({
    run_id: event.run_id,
    tool: toolOf(event.run_id),
    system: event.system,
    kind: event.kind,
    action: event.action,
    target_id: event.target_id ?? null,
    source: { file: event.source_file ?? null, sheet: event.source_sheet ?? null, line: event.source_line ?? null },
    content_hash: event.content_hash ?? null,
    at: event.at,
  }));
  return { key, found: identities.length > 0 || events.length > 0, identities, events };
}

/** The systems the ledger has records of (identities or provenance), sorted. */
export function knownSystems(ledger: Ledger): string[] {
  const rows = ledger.db.prepare('SELECT system FROM identities UNION SELECT system FROM provenance ORDER BY system').all() as { system: string }[];
  return rows.map((row) => row.system);
}
