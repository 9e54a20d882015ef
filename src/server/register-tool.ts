/**
 * Registers one tool on an McpServer: wires MCP progress notifications, refuses writing tools in
 * read-only mode at call time, and maps operator-fixable errors to `isError` results that say
 * what to do. Anything else is a bug and is thrown.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ElicitResultSchema, type CallToolResult, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../app-deps.js';
import { describeError, MigrationError, ValidationError } from '../engine/errors.js';
import { operatorErrorFromFs } from '../engine/fs-errors.js';
import type { ProgressSnapshot } from '../engine/progress.js';
import { redact } from '../logging/redact.js';
import { isWritingTool, type AnyTool } from '../tools/tool-definition.js';

export type { AnyTool } from '../tools/tool-definition.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;


export function registerTool(server: McpServer, tool: AnyTool, deps: AppDeps): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
      outputSchema: tool.outputSchema,
      annotations: { title: tool.title, ...tool.annotations },
    },
    (async (args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> => {
      if (deps.config.readOnly && isWritingTool(tool)) {
        return errorResult(
          new ValidationError(`${tool.name} changes data and this server is read-only (MIGRATION_READ_ONLY=1).`, {
            action: 'Ask the operator to run it on a server without MIGRATION_READ_ONLY, or use a read-only tool.',
          }),
        );
      }
      try {
        const result = await tool.handler(args, { deps, signal: extra.signal, reportProgress: progressSender(extra), confirm: confirmer(server, extra) });
        const out: CallToolResult = { content: [{ type: 'text', text: redact(result.text) }], structuredContent: result.structured };
        if (result.isError) out.isError = true;
        return out;
      } catch (caught) {
        const error = operatorErrorFromFs(caught) ?? caught;
        if (error instanceof MigrationError) return errorResult(error);
        deps.logger.error(`Tool ${tool.name} failed with an unexpected error: ${(error as Error)?.stack ?? String(error)}`);
        throw error;
      }
    }) as never,
  );
}

/**
 * Asks the user a yes/no question through MCP elicitation (a form with one boolean), on the
 * request's own stream; `unsupported` when the client did not declare the elicitation capability.
 */
export function confirmer(server: McpServer, extra: Pick<Extra, 'sendRequest' | 'signal'>): (question: string) => Promise<'accepted' | 'declined' | 'unsupported'> {
  return async (question) => {
    if (!server.server.getClientCapabilities()?.elicitation) return 'unsupported';
    const answer = await extra.sendRequest(
      {
        method: 'elicitation/create',
        params: {
          message: question,
          requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean', title: 'Go ahead', description: question } }, required: ['confirm'] },
        },
      },
      ElicitResultSchema,
      { signal: extra.signal },
    );
    return answer.action === 'accept' && answer.content?.confirm === true ? 'accepted' : 'declined';
  };
}

/** `_meta` key carrying the structured form of an operator-fixable error. */
export const ERROR_META_KEY = 'migration-mcp/error';

/**
 * An `isError` tool result for an operator-fixable error: the text says what happened and what
 * to do. The structured form (kind, message, action) travels in `_meta`, not structuredContent,
 * because clients validate structuredContent against the tool's output schema.
 */
export function errorResult(error: MigrationError): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: redact(describeError(error)) }],
    _meta: { [ERROR_META_KEY]: { kind: error.kind, message: redact(error.message), action: error.action } },
  };
}

/**
 * Turns progress snapshots into MCP progress notifications. MCP requires `progress` to increase,
 * while a run's `done` restarts at each phase, so completed phases are carried in an offset.
 */
export function progressSender(extra: Pick<Extra, '_meta' | 'sendNotification'>): (snapshot: ProgressSnapshot) => void {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return () => {};
  let phase: string | undefined;
  let offset = 0;
  let lastDone = 0;
  let lastSent = -1;
  return (snapshot) => {
    if (phase !== undefined && snapshot.phase !== phase) offset += lastDone;
    phase = snapshot.phase;
    lastDone = snapshot.done;
    const progress = offset + snapshot.done;
    if (progress <= lastSent) return;
    lastSent = progress;
    const eta = snapshot.eta_seconds === undefined ? '' : `, ETA ${snapshot.eta_seconds}s`;
    void extra
      .sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken,
          progress,
          ...(snapshot.total === undefined ? {} : { total: offset + snapshot.total }),
          message: `${snapshot.phase}: ${snapshot.done}${snapshot.total === undefined ? '' : `/${snapshot.total}`} (${snapshot.rate}/s${eta})`,
        },
      })
      .catch(() => {});
  };
}
