/** Resolving file arguments of tools: defaults from configuration, then the data-root sandbox. */
import path from 'node:path';
import type { AppConfig } from '../config/env.js';
import { PathSandbox } from '../config/sandbox.js';

/** Resolves a file argument (or its configured default) inside the data roots. */
export function resolveDataPath(config: AppConfig, value: string | undefined, fallback: string, argument: string): string {
  return config.sandbox.resolve(value ?? fallback, argument);
}

/**
 * Resolves a mapping directory: the default `<config>/mappings` is trusted operator
 * configuration; a directory passed as an argument must lie inside the data roots or the config dir.
 */
export function resolveMappingDir(config: AppConfig, value: string | undefined): string {
  if (value === undefined) return path.join(config.configDir, 'mappings');
  return new PathSandbox([...config.dataRoots, config.configDir], config.cwd).resolve(value, 'mapping_dir');
}

/**
 * Checks the stored paths of a run again before it is resumed: the data roots may have changed
 * since it started. `mapping_dir` may also lie in the config dir.
 */
export function recheckStoredPaths<T extends object>(config: AppConfig, args: T, keys: readonly (keyof T & string)[]): T {
  const out = { ...args } as Record<string, unknown>;
  for (const key of keys) {
    const value = out[key];
    if (typeof value !== 'string') continue;
    out[key] = key === 'mapping_dir' ? resolveMappingDir(config, value) : config.sandbox.resolve(value, key);
  }
  return out as T;
}
