import { defineConfig } from 'vitest/config';

// Node-side tests only; Playwright specs live in test/browser and test/electron-e2e.
export default defineConfig({
  test: {
    include: ['test/node/**/*.test.ts', 'test/electron/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
