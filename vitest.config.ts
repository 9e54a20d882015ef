import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // E2E tests spawn servers and fakes; two cores, so keep parallelism modest.
    maxWorkers: 2,
    restoreMocks: true,
    // Rebuilds dist when src changed since the last build (the e2e tests spawn dist/main.js).
    globalSetup: ['tests/global-setup.ts'],
  },
});
