/**
 * `migration-mcp demo`: runs the PPak ETL on the bundled examples (embedded SQLite ledger, no
 * external service) through the same tool path as an agent, and prints the summary report.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../app-deps.js';
import { withLocalClient } from './local-client.js';
import { EXIT, printErr, printOut } from './output.js';
import { createProgressBar } from './progress-bar.js';

export async function demoCommand(deps: AppDeps, exportDir: string, outputDir: string): Promise<number> {
  return withLocalClient(deps, async (client) => {
    const bar = createProgressBar();
    const result = (await client.callTool(
      { name: 'run_ppak_export_etl', arguments: { ppak_export_dir: exportDir, output_dir: outputDir, wait_seconds: 50 } },
      undefined,
      { onprogress: bar.update },
    )) as CallToolResult;
    bar.stop();
    const structured = result.structuredContent as Record<string, unknown> | undefined;
    const text = result.content?.find((item) => item.type === 'text')?.text ?? '';
    if (result.isError || structured?.status !== 'succeeded') {
      printErr(`The demo run did not succeed: ${text}`);
      return EXIT.toolError;
    }
    const outputs = structured.outputs as Record<string, string | null>;
    const summary = outputs.summary_report;
    if (summary && fs.existsSync(summary)) printOut(fs.readFileSync(summary, 'utf8'));
    printOut(
      [
        '---',
        `Run ${String(structured.run_id)} ${String(structured.status)} (ledger: ${path.join(deps.config.stateDir, 'state.db')}).`,
        'Outputs:',
        ...Object.entries(outputs).map(([name, file]) => `  ${name}: ${file ?? '–'}`),
        `Next: ${String(structured.next_action)}`,
      ].join('\n'),
    );
    return EXIT.ok;
  });
}
