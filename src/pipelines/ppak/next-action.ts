/** What an agent should do after an ETL run, in one sentence. */
import type { PpakEtlResult } from './result.js';

/** Review rejects and unmapped values when there are any; otherwise import the canonical projects. */
export function etlNextAction(result: PpakEtlResult): string {
  const unmapped = Object.values(result.unmapped).reduce((n, values) => n + Object.keys(values).length, 0);
  const importCall = `run_innergy_project_import {"canonical_file": "${result.outputs.canonical_projects}"}`;
  return result.projects.rejected || unmapped
    ? `Review ${result.outputs.summary_report} (rejects and unmapped values), fix the mappings or the export, and re-run; otherwise import with ${importCall}.`
    : `Import with ${importCall} (dry run first).`;
}
