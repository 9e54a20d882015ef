/**
 * The CLI's stdout. Only the CLI commands `call`, `tools`, `demo` and `--help` print here — never
 * the stdio server, whose stdout is the MCP protocol.
 */

/** Writes text to stdout (CLI commands only). */
export function printOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`); // stdout-ok: CLI output, not stdio mode
}

/** Writes text to stderr. */
export function printErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, toolError: 1, usage: 2, interrupted: 130 } as const;

export class UsageError extends Error {
  override name = 'UsageError';
}
