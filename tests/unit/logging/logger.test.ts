import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getLogger, setLogLevel } from '../../../src/logging/logger.js';
import { clearSecrets, registerSecret } from '../../../src/logging/redact.js';

/** Captures what is written to stderr and stdout while a test runs. */
function capture() {
  const stderr: string[] = [];
  const stdout: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  }) as typeof process.stdout.write);
  return { stderr, stdout };
}

/** Lets winston's stream pipeline deliver what was logged. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

let io: ReturnType<typeof capture>;
beforeEach(() => {
  setLogLevel('info');
  io = capture();
});
afterEach(() => {
  vi.restoreAllMocks();
  clearSecrets();
});

describe('logger', () => {
  it('writes to stderr and never to stdout', async () => {
    const logger = getLogger();
    logger.error('an error line');
    logger.warn('a warning line');
    logger.info('an info line', { count: 3 });
    await settle();
    const text = io.stderr.join('');
    expect(text).toContain('error an error line');
    expect(text).toContain('warn a warning line');
    expect(text).toMatch(/info an info line \{"count":3\}/);
    expect(io.stdout).toEqual([]);
  });

  it('child loggers (per run) also write to stderr only, with their fields', async () => {
    getLogger().child({ run_id: 'r-1', tool: 'tool_a' }).warn('from a run');
    await settle();
    expect(io.stderr.join('')).toMatch(/warn from a run .*"run_id":"r-1"/);
    expect(io.stdout).toEqual([]);
  });

  it('starts each line with an ISO timestamp', async () => {
    getLogger().warn('stamped');
    await settle();
    expect(io.stderr.join('')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn stamped/m);
  });

  it('redacts secrets from messages and from metadata at any depth', async () => {
    registerSecret('sk-live-7f3a9c1e5b');
    getLogger().child({ run_id: 'r-1' }).warn('calling with sk-live-7f3a9c1e5b', { request: { headers: ['Authorization: Bearer tok-abcdef'], key: 'sk-live-7f3a9c1e5b' }, url: 'https://u:pw-9876@host/x' });
    await settle();
    const text = io.stderr.join('');
    expect(text).toContain('calling with ***');
    expect(text).not.toContain('sk-live-7f3a9c1e5b');
    expect(text).not.toContain('tok-abcdef');
    expect(text).not.toContain('pw-9876');
  });

  it('drops messages below the level set with setLogLevel', async () => {
    setLogLevel('warn');
    getLogger().info('quiet info');
    getLogger().debug('quiet debug');
    getLogger().warn('loud warning');
    await settle();
    const text = io.stderr.join('');
    expect(text).not.toContain('quiet');
    expect(text).toContain('loud warning');
  });

  it('is one logger per process', () => {
    expect(getLogger()).toBe(getLogger());
  });
});
