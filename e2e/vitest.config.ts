import { defineConfig } from 'vitest/config';

// End-to-end tests drive the built app (`npm run build` first) in the system's Chromium.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
