/**
 * What every WPR step against OpenProject starts with: the configuration (column map, product
 * registry, override files) and, for the projects a run touches, the preflight and the epic and
 * story Targets built on its result.
 */
import path from 'node:path';
import { loadOpenProjectOverrides, type OpenProjectOverrides } from '../../config/op-overrides.js';
import { loadProductRegistry, PRODUCT_REGISTRY_FILE, type ProductRegistry } from '../../config/product-registry.js';
import { loadWprColumns, type WprColumns } from '../../config/wpr-columns.js';
import { preflight, workPackageTarget, type KeyRoute, type ProjectNeeds, type ProjectSetup, type WorkPackageTarget } from '../../targets/openproject/index.js';
import type { OpenProjectConnection } from '../../targets/registry.js';

/** The WPR configuration of a run. */
export interface WprConfig {
  columns: WprColumns;
  registry: ProductRegistry;
  overrides: OpenProjectOverrides;
}

/** The default registry file of a config folder. */
export function defaultRegistryFile(configDir: string): string {
  return path.join(configDir, PRODUCT_REGISTRY_FILE);
}

/** Loads the column map, the registry (the given file, else the config folder's) and the overrides. */
export async function loadWprConfig(configDir: string, registryFile?: string): Promise<WprConfig> {
  const [columns, registry, overrides] = await Promise.all([
    loadWprColumns(configDir),
    loadProductRegistry(registryFile ?? defaultRegistryFile(configDir)),
    loadOpenProjectOverrides(configDir),
  ]);
  return { columns, registry, overrides };
}

/** The epic and story Targets of a run, over the projects the preflight resolved. */
export interface WprTargets {
  setups: Map<string, ProjectSetup>;
  epics: WorkPackageTarget;
  stories: WorkPackageTarget;
}

/** Runs the preflight for the projects a run needs (ONE error naming every problem), then builds the Targets. */
export async function openWprTargets(
  connection: OpenProjectConnection,
  config: WprConfig,
  needs: ReadonlyMap<string, ProjectNeeds>,
  route: (key: string) => KeyRoute | undefined,
  signal: AbortSignal,
  purpose: 'write' | 'cleanup' = 'write',
): Promise<WprTargets> {
  const setups = await preflight({ client: connection.client, overrides: config.overrides, needs, signal, purpose });
  const options = { client: connection.client, setups, overrides: config.overrides, route };
  return { setups, epics: workPackageTarget({ ...options, role: 'epic' }), stories: workPackageTarget({ ...options, role: 'story' }) };
}
