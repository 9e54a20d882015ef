#!/usr/bin/env node
/**
 * migration-mcp command line: `serve` (stdio, or `--http`), `tools`, `call <tool>`, `demo`.
 * Configuration comes from the environment and a `.env` file in the working directory.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { closeApp, createApp, type AppDeps } from './app.js';
import { loadConfig, loadDotEnv, type AppConfig } from './config/env.js';
import { describeError, MigrationError } from './engine/errors.js';
import { getLogger, setLogLevel } from './logging/logger.js';
import { callCommand, listToolsCommand } from './cli/call.js';
import { demoCommand } from './cli/demo.js';
import { EXIT, printErr, printOut, UsageError } from './cli/output.js';
import { buildToolArgs } from './cli/parse-args.js';
import { packageRoot, packageVersion } from './package-root.js';
import { serveHttp } from './server/http.js';
import { serveMetricsPort } from './server/metrics-endpoint.js';
import { serveStdio } from './server/stdio.js';

const HELP: Record<string, string> = {
  main: `migration-mcp ${packageVersion()} — data-migration runbooks as safe MCP tools

Usage:
  migration-mcp serve [--http] [--host 127.0.0.1] [--port 8808] [--insecure-no-auth] [--metrics-port <n>]
  migration-mcp tools [--json]
  migration-mcp call <tool> [--args '<json>'] [--arg key=value ...]
  migration-mcp demo [--output-dir <dir>]
  migration-mcp <command> --help

Configuration: environment variables and ./.env (see README: MIGRATION_STATE_DIR,
MIGRATION_DATA_ROOTS, INNERGY_API_BASE_URL, INNERGY_API_KEY, MIGRATION_HTTP_TOKEN, …).`,
  serve: `migration-mcp serve — run the MCP server

  (default)            stdio transport: for Claude Desktop, IDEs and agents that spawn the server.
  --http               Streamable HTTP at http://<host>:<port>/mcp; requires MIGRATION_HTTP_TOKEN
                       (clients send Authorization: Bearer <token>).
  --host <addr>        bind address (default 127.0.0.1).
  --port <n>           port (default 8808; 0 picks a free one).
  --insecure-no-auth   allow HTTP without a token (loopback addresses only).
  --metrics-port <n>   also serve Prometheus metrics at http://127.0.0.1:<n>/metrics (loopback,
                       no token); with --http they are at /metrics behind the bearer token too.`,
  tools: `migration-mcp tools — list the tools this configuration exposes

  --json               print the full tool list (names, descriptions, JSON Schemas) as JSON.`,
  call: `migration-mcp call <tool> — run one tool and print its structured result as JSON

  --args '<json>'      all arguments as one JSON object.
  --arg key=value      one argument (repeatable); values are JSON when they parse (true, 5, ["a"]),
                       text otherwise.

Long runs are followed to the end (progress bar on stderr when it is a terminal).
Ctrl-C cancels the run cleanly; resume it later with: call resume_run --arg run_id=<id>.
Exit status: 0 ok, 1 tool error or a run that did not succeed, 2 usage error, 130 cancelled.

Examples:
  migration-mcp call run_ppak_export_etl --arg ppak_export_dir=examples/ppak_exports
  migration-mcp call run_innergy_project_import --args '{"canonical_file": "data/migration_output/canonical_projects_2024-01-15.json", "dry_run": true}'`,
  demo: `migration-mcp demo — run the PPak ETL on the bundled examples and print its summary

  --output-dir <dir>   where to write the canonical files and reports (default ./data/demo_output).
Uses the embedded SQLite ledger in MIGRATION_STATE_DIR (default ./var); no external service.`,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    printOut(HELP.main!);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === '-v') {
    printOut(packageVersion());
    return EXIT.ok;
  }
  if (!(command in HELP) || command === 'main') throw new UsageError(`Unknown command "${command}". Run migration-mcp --help.`);
  if (rest.includes('--help') || rest.includes('-h')) {
    printOut(HELP[command]!);
    return EXIT.ok;
  }

  loadDotEnv();
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({
        args: rest,
        options: { http: { type: 'boolean' }, host: { type: 'string' }, port: { type: 'string' }, 'insecure-no-auth': { type: 'boolean' }, 'metrics-port': { type: 'string' } },
        strict: true,
      });
      const metricsPort = values['metrics-port'] === undefined ? undefined : Number(values['metrics-port']);
      if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) throw new UsageError(`--metrics-port must be 0–65535, got ${values['metrics-port']}`);
      const config = configure();
      const deps = createApp(config);
      const metricsServer = metricsPort === undefined ? undefined : await serveMetricsPort('127.0.0.1', metricsPort, deps.logger);
      if (metricsServer) printErr(`Metrics on ${metricsServer.url}`);
      if (!values.http) {
        await serveStdio(deps);
        return -1;
      }
      const port = Number(values.port ?? 8808);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got ${values.port}`);
      const server = await serveHttp(deps, { host: values.host ?? '127.0.0.1', port, insecureNoAuth: values['insecure-no-auth'] ?? false });
      const stop = async () => {
        await deps.runs.shutdown(); // before closing sessions, so waiting runs end interrupted, not cancelled
        await server.close();
        await metricsServer?.close();
        await closeApp(deps);
        process.exit(EXIT.ok);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      // Announce only once the signal handlers are in place: a supervisor that waits for this
      // line and then sends SIGTERM must get the clean shutdown.
      printErr(`Listening on ${server.url}`);
      return -1;
    }
    case 'tools': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
      return withApp(configure(), (deps) => listToolsCommand(deps, values.json ?? false));
    }
    case 'call': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { args: { type: 'string' }, arg: { type: 'string', multiple: true } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1) throw new UsageError('call needs exactly one tool name: migration-mcp call <tool> [--args json] [--arg k=v]');
      buildToolArgs(values.args, values.arg ?? []); // usage errors before anything starts
      return withApp(configure(), (deps) => callCommand(deps, positionals[0]!, values.args, values.arg ?? []));
    }
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { 'output-dir': { type: 'string' } }, strict: true });
      const examples = path.join(packageRoot(), 'examples');
      const base = loadConfig();
      const config = loadConfig({ ...process.env, MIGRATION_DATA_ROOTS: [...base.dataRoots, examples].join(':') });
      const outputDir = path.resolve(values['output-dir'] ?? 'data/demo_output');
      return withApp(config, (deps) => demoCommand(deps, path.join(examples, 'ppak_exports'), outputDir));
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

function configure(): AppConfig {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  return config;
}

async function withApp(config: AppConfig, fn: (deps: AppDeps) => Promise<number>): Promise<number> {
  const deps = createApp(config);
  try {
    return await fn(deps);
  } finally {
    await closeApp(deps);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
      printErr(`${(error as Error).message}\nRun migration-mcp --help for usage.`);
      process.exitCode = EXIT.usage;
    } else if (error instanceof MigrationError) {
      printErr(describeError(error));
      process.exitCode = EXIT.toolError;
    } else {
      getLogger().error((error as Error)?.stack ?? String(error));
      process.exitCode = EXIT.toolError;
    }
  },
);
