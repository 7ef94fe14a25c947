import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['src/server/test/global-setup.ts'],
    // .ci/run reads a JSON report to prove that no tier (SQLite, PostgreSQL) was skipped.
    reporters: process.env.VIGIL_TEST_REPORT_DIR
      ? ['default', ['json', { outputFile: `${process.env.VIGIL_TEST_REPORT_DIR}/unit.json` }]]
      : ['default'],
  },
});
