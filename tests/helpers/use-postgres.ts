/** Vitest hooks around the throwaway PostgreSQL cluster of `postgres.ts` (one per test file). */
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresCluster } from './postgres.js';

/**
 * One cluster for the calling test file: started in beforeAll, stopped in afterAll (also when a
 * test failed). Read it through the returned getter inside tests and hooks.
 */
export function usePostgres(): () => PostgresCluster {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('The PostgreSQL cluster is not started (usePostgres hooks have not run).');
    return cluster;
  };
}
