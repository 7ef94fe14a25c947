import { defineConfig } from 'vitest/config';

// End-to-end tests drive the built app (`npm run build` first) in the system's Chromium.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    // .ci/run reads a JSON report to prove that the browser tier ran on both databases.
    reporters: process.env.VIGIL_TEST_REPORT_DIR
      ? ['default', ['json', { outputFile: `${process.env.VIGIL_TEST_REPORT_DIR}/e2e.json` }]]
      : ['default'],
  },
});
