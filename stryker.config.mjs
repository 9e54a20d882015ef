// @ts-check
/**
 * StrykerJS mutation testing: `npm run mutation -- <folder>` (scripts/mutation.mjs sets
 * MUTATION_FOLDER, e.g. src/http, or one file, src/http/token-bucket.ts); without one, all of src
 * (many hours on 2 cores).
 * Reports: reports/mutation/<folder>/ (html, json); gitignored.
 */
const folder = (process.env.MUTATION_FOLDER ?? 'src').replace(/\/+$/, '');
const name = folder.replace(/\.ts$/, '').replace(/[\\/.]+/g, '-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {
    // Leaves out the tests that spawn dist/main.js (they cannot see mutants) and the build step.
    configFile: 'vitest.stryker.config.ts',
    // Only the test files that import the mutated folder (directly or not) are run.
    related: true,
  },
  // The runner records which test covers which mutant, and runs only those tests per mutant.
  coverageAnalysis: 'perTest',
  // Mutants only run while a module loads (constants, tables) would need every test re-run.
  ignoreStatic: true,
  mutate: folder.endsWith('.ts') ? [folder] : [`${folder}/**/*.ts`],
  // The code is type-checked by `npm test`; a type checker per mutant would double the time.
  checkers: [],
  disableTypeChecks: true,
  // Two cores: two test runner processes (each runs its tests one file at a time, in threads).
  concurrency: 2,
  // Tests pace real HTTP (rate limits, Retry-After), so give a mutant the usual time plus margin.
  timeoutMS: 15_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 20,
  ignorePatterns: ['dist', 'var', 'data', 'bench/out', 'coverage', 'reports', '.stryker-tmp'],
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: true,
  incrementalFile: `reports/mutation/${name}/stryker-incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  htmlReporter: { fileName: `reports/mutation/${name}/mutation.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  thresholds: { high: 80, low: 70, break: null },
};
