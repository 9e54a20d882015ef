/**
 * The target registry: how runs get their target clients. Built once per process from the
 * configuration and handed to runs (pipelines never build clients from the configuration). Every
 * call gives a fresh client — its own request counters and circuit breaker, so each run reports
 * and decides for itself — sharing the process-wide token bucket of its target origin, so
 * concurrent runs together keep to `<TARGET>_RATE_LIMIT`.
 *
 * Each target system adds its accessor here (INNERGY, OpenProject, the ACC warehouse; DevRev next).
 */
import type { AppConfig } from '../config/env.js';
import type { Ledger } from '../engine/ledger/ledger.js';
import { originScope } from '../engine/target.js';
import type { Logger } from '../logging/logger.js';
import { DevRevClient } from './devrev/client.js';
import { creatorGroupTarget, type CreatorGroupTarget } from './devrev/target.js';
import { InnergyClient } from './innergy/client.js';
import { normalizeBaseUrl, OpenProjectClient } from './openproject/client.js';
import { INNERGY_SYSTEM, materialTarget, projectTarget } from './innergy/target.js';
import { openPmSource, openWarehouse } from './warehouse/index.js';
import type { PmSource, Warehouse } from './warehouse/types.js';

/** A connection to INNERGY for one run: its client and the engine Targets over it. */
export interface InnergyConnection {
  client: InnergyClient;
  scope: string;
  materials: ReturnType<typeof materialTarget>;
  projects: ReturnType<typeof projectTarget>;
}

/** A connection to OpenProject for one run: its client and the identity scope (the instance's origin). */
export interface OpenProjectConnection {
  client: OpenProjectClient;
  scope: string;
}

/** A connection to DevRev for one run: its client and the creator-group Target over it. */
export interface DevRevConnection {
  client: DevRevClient;
  scope: string;
  /** Issues, with the tenant field DEVREV_CREATOR_GROUP_FIELD as the field written. */
  issues: CreatorGroupTarget;
}

/** The two databases of the ACC backfill for one run; the caller closes both (their pools). */
export interface AccDatabases {
  source: PmSource;
  warehouse: Warehouse;
}

export class TargetRegistry {
  constructor(
    private readonly config: Pick<AppConfig, 'innergy' | 'maxRetries'> & Partial<Pick<AppConfig, 'devrev' | 'openproject' | 'pmDbUrl' | 'warehouseDbUrl'>>,
    private readonly logger: Logger,
  ) {}

  /**
   * The ProjectManagement source (PM_DB_URL) and the warehouse (WAREHOUSE_DB_URL), each a fresh pool
   * (connected on first use); ConfigError naming the variable when one is missing or malformed.
   */
  acc(): AccDatabases {
    const source = openPmSource(this.config.pmDbUrl);
    try {
      return { source, warehouse: openWarehouse(this.config.warehouseDbUrl) };
    } catch (error) {
      void source.close();
      throw error;
    }
  }

  /** Whether INNERGY_API_BASE_URL and INNERGY_API_KEY are both set. */
  innergyConfigured(): boolean {
    return Boolean(this.config.innergy.baseUrl && this.config.innergy.secret);
  }

  /** The identity scope of the configured INNERGY instance (its origin), or undefined. */
  innergyScope(): string | undefined {
    return this.config.innergy.baseUrl ? originScope(this.config.innergy.baseUrl) : undefined;
  }

  /**
   * A connection to the configured INNERGY; ConfigError naming the missing variable otherwise.
   * @param hint appended to that error's action (e.g. another way to do the job without the API)
   */
  innergy(options: { logger?: Logger; hint?: string } = {}): InnergyConnection {
    const client = InnergyClient.fromConfig(this.config.innergy, { maxRetries: this.config.maxRetries, logger: options.logger ?? this.logger, hint: options.hint });
    const baseUrl = this.config.innergy.baseUrl!;
    return { client, scope: originScope(baseUrl), materials: materialTarget(client, baseUrl), projects: projectTarget(client, baseUrl) };
  }

  /** A connection to the configured OpenProject; ConfigError naming the missing variable otherwise. */
  openproject(options: { logger?: Logger } = {}): OpenProjectConnection {
    const openproject = this.config.openproject ?? { baseUrl: undefined, secret: undefined, rateLimit: { count: 10, windowMs: 1000 } };
    const client = OpenProjectClient.fromConfig(openproject, { maxRetries: this.config.maxRetries, logger: options.logger ?? this.logger });
    return { client, scope: originScope(client.baseUrl) };
  }

  /**
   * A connection to the configured DevRev (DEVREV_BASE_URL, DEVREV_API_TOKEN); ConfigError naming
   * the missing variable otherwise. `probeUpdate` lets its check prove update permission.
   */
  devrev(options: { logger?: Logger; probeUpdate?: boolean } = {}): DevRevConnection {
    const devrev = this.config.devrev ?? { baseUrl: undefined, secret: undefined, rateLimit: { count: 50, windowMs: 10_000 }, creatorGroupField: 'tnt__creator_group' };
    const client = DevRevClient.fromConfig({ devrev, maxRetries: this.config.maxRetries }, options.logger ?? this.logger);
    return { client, scope: originScope(client.baseUrl), issues: creatorGroupTarget(client, { field: devrev.creatorGroupField, probeUpdate: options.probeUpdate }) };
  }

  /**
   * INNERGY ids the ledger knows for a kind (external key → id), in the configured instance; when
   * INNERGY is not configured, those written before identities had scopes.
   */
  knownInnergyIds(ledger: Ledger, kind: string): Map<string, string> {
    const identities = ledger.identities.all({ system: INNERGY_SYSTEM, scope: this.innergyScope() ?? '', kind });
    return new Map([...identities].map(([key, identity]) => [key, identity.target_id]));
  }

  /** Gives identities written before scopes existed to the configured instances (once per start). */
  claimUnscopedIdentities(ledger: Ledger): void {
    const scope = this.innergyScope();
    if (!scope) return;
    const moved = ledger.identities.claimUnscoped(INNERGY_SYSTEM, scope);
    if (moved) this.logger.info(`Assigned ${moved} INNERGY identities recorded before per-instance scopes to ${scope}.`);
  }
}
