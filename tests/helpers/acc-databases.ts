/**
 * ACC databases on a throwaway PostgreSQL cluster: a ProjectManagement database seeded once
 * (`pm`), and fresh warehouse databases on demand (copies of a seeded template, or built with
 * other options: no unique index, no display_id column, no successful import run). A login role
 * `acc_loader` with a password has exactly the grants the backfill needs.
 */
import type pg from 'pg';
import { createPmDatabase, createWarehouseDatabase, type PmFixtureOptions, type WarehouseFixtureOptions } from './acc-fixture.js';
import type { PostgresCluster } from './postgres.js';

/** The login the tools use in tests (password auth, not superuser). */
export const ACC_LOADER = { name: 'acc_loader', password: 'Loader-Pa55word' } as const;

export interface AccDatabases {
  cluster: PostgresCluster;
  /** PM_DB_URL for the seeded ProjectManagement database (as acc_loader). */
  pmUrl: string;
  /** A new warehouse database; template copy unless options are given. Returns its URL (as acc_loader) and name. */
  freshWarehouse(options?: WarehouseFixtureOptions): Promise<{ url: string; name: string }>;
  /** A new ProjectManagement database (e.g. to break its view). */
  freshPm(options?: PmFixtureOptions): Promise<{ url: string; name: string }>;
  /** Runs SQL as the superuser in a database. */
  sql(database: string, text: string): Promise<pg.QueryResult>;
}

let counter = 0;

/** Sets up the role, the PM database and the warehouse template on `cluster`. */
export async function setupAccDatabases(cluster: PostgresCluster, pmOptions: PmFixtureOptions = {}): Promise<AccDatabases> {
  await cluster.sql(`CREATE ROLE ${ACC_LOADER.name} LOGIN PASSWORD '${ACC_LOADER.password}'`);
  const pmName = 'pm';
  await buildPm(cluster, pmName, pmOptions);
  await buildWarehouse(cluster, 'wh_template', pmName, {});
  const freshPm = async (options: PmFixtureOptions = {}) => {
    const name = `pm_${++counter}`;
    await buildPm(cluster, name, options);
    return { url: cluster.url(name, ACC_LOADER), name };
  };
  return {
    cluster,
    pmUrl: cluster.url(pmName, ACC_LOADER),
    freshPm,
    freshWarehouse: async (options) => {
      const name = `wh_${++counter}`;
      if (options) await buildWarehouse(cluster, name, pmName, options);
      else await cluster.createDatabase(name, 'wh_template');
      return { url: cluster.url(name, ACC_LOADER), name };
    },
    sql: (database, text) => cluster.sql(text, database),
  };
}

async function buildPm(cluster: PostgresCluster, name: string, options: PmFixtureOptions): Promise<void> {
  await cluster.createDatabase(name);
  const client = await cluster.connect(name);
  try {
    await createPmDatabase(client, options);
    await client.query(`GRANT USAGE ON SCHEMA dbo TO ${ACC_LOADER.name}; GRANT SELECT ON ALL TABLES IN SCHEMA dbo TO ${ACC_LOADER.name}`);
  } finally {
    await client.end();
  }
}

async function buildWarehouse(cluster: PostgresCluster, name: string, pmName: string, options: WarehouseFixtureOptions): Promise<void> {
  await cluster.createDatabase(name);
  const [client, pm] = await Promise.all([cluster.connect(name), cluster.connect(pmName)]);
  try {
    await createWarehouseDatabase(client, pm, options);
    await client.query(`
      GRANT USAGE ON SCHEMA dim, fact TO ${ACC_LOADER.name};
      GRANT SELECT ON ALL TABLES IN SCHEMA fact TO ${ACC_LOADER.name};
      GRANT SELECT, INSERT, UPDATE ON dim.issue TO ${ACC_LOADER.name};
      GRANT TEMP ON DATABASE ${name} TO ${ACC_LOADER.name};`);
  } finally {
    await Promise.all([client.end(), pm.end()]);
  }
}
