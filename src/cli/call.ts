/**
 * `migration-mcp call <tool>`: runs one tool through the in-process MCP client, shows progress on
 * stderr, follows a long run with get_run until it ends, and prints the structured result as JSON
 * on stdout. Exit 0 ok, 1 tool error (or a run that did not succeed), 2 usage error.
 * Ctrl-C cancels the run cleanly (it stays resumable) and exits 130.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../app-deps.js';
import { ERROR_META_KEY } from '../server/register-tool.js';
import { withLocalClient } from './local-client.js';
import { EXIT, printErr, printOut } from './output.js';
import { buildToolArgs, isStringSchema } from './parse-args.js';
import { createProgressBar } from './progress-bar.js';

const FAILED_STATUSES = new Set(['failed', 'interrupted', 'cancelled']);

export async function callCommand(deps: AppDeps, tool: string, argsJson: string | undefined, pairs: readonly string[]): Promise<number> {
  return withLocalClient(deps, async (client) => {
    const { tools } = await client.listTools();
    const properties = (tools.find((t) => t.name === tool)?.inputSchema.properties ?? {}) as Record<string, unknown>;
    const args = buildToolArgs(argsJson, pairs, (key) => isStringSchema(properties[key]));
    const bar = createProgressBar();
    const abort = new AbortController();
    let runId: string | undefined;
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) process.exit(EXIT.interrupted);
      interrupted = true;
      printErr('Cancelling… (press Ctrl-C again to quit at once)');
      if (runId) void client.callTool({ name: 'cancel_run', arguments: { run_id: runId } }).catch(() => {});
      else abort.abort();
    };
    process.on('SIGINT', onSigint);
    const options = { signal: abort.signal, onprogress: bar.update, resetTimeoutOnProgress: true, timeout: 120_000 };
    try {
      let result = (await client.callTool({ name: tool, arguments: args }, undefined, options)) as CallToolResult;
      let structured = result.structuredContent;
      while (!result.isError && structured?.status === 'running' && typeof structured.run_id === 'string') {
        runId = structured.run_id;
        result = (await client.callTool({ name: 'get_run', arguments: { run_id: runId, wait_seconds: 50 } }, undefined, options)) as CallToolResult;
        structured = result.structuredContent;
        if (structured?.status !== 'running' && structured?.result) structured = structured.result as Record<string, unknown>;
      }
      bar.stop();
      return report(result, structured, interrupted);
    } catch (error) {
      bar.stop();
      if (interrupted) {
        await cancelRunsOfThisProcess(deps);
        printErr('Cancelled. list_runs shows the run; resume it with resume_run.');
        return EXIT.interrupted;
      }
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

/**
 * The aborted request's cancellation reaches the in-process server asynchronously; cancel and wait
 * for every run this process executes, so none is still running (and recorded interrupted by the
 * shutdown) when the CLI closes the app.
 */
async function cancelRunsOfThisProcess(deps: AppDeps): Promise<void> {
  for (const run of deps.runs.list({ status: 'running' })) {
    if (!deps.runs.isActive(run.run_id)) continue;
    deps.runs.cancel(run.run_id);
    await deps.runs.wait(run.run_id, 10_000);
  }
}

function report(result: CallToolResult, structured: Record<string, unknown> | undefined, interrupted: boolean): number {
  const text = result.content?.find((item) => item.type === 'text')?.text ?? '';
  if (result.isError && !structured) {
    const error = result._meta?.[ERROR_META_KEY];
    if (error) printOut(JSON.stringify({ error }, null, 2));
    printErr(text);
    // Bad arguments and unknown tools are the SDK's InvalidParams (-32602): a usage error.
    return !error && /^MCP error -32602\b/.test(text) ? EXIT.usage : EXIT.toolError;
  }
  printOut(JSON.stringify(structured ?? {}, null, 2));
  if (text) printErr(text);
  if (interrupted) return EXIT.interrupted;
  if (result.isError || FAILED_STATUSES.has(String(structured?.status))) return EXIT.toolError;
  return EXIT.ok;
}

/** Lists tools (name, toolset-free one-line description) as the `tools` command prints them. */
export async function listToolsCommand(deps: AppDeps, asJson: boolean): Promise<number> {
  return withLocalClient(deps, async (client: Client) => {
    const { tools } = await client.listTools();
    if (asJson) {
      printOut(JSON.stringify(tools, null, 2));
      return EXIT.ok;
    }
    const width = Math.max(...tools.map((t) => t.name.length));
    for (const t of tools) printOut(`${t.name.padEnd(width)}  ${firstSentence(t.description ?? '')}`);
    return EXIT.ok;
  });
}

/** The first sentence: up to a . ! or ? followed by a capital letter or the end (so "e.g. a key" does not end it). */
function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(?=\s+[A-Z]|\s*$)/s.exec(text);
  return match ? match[1]! : text;
}
