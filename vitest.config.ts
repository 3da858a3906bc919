import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Node-side tests only; Playwright specs live in test/browser and test/electron-e2e.
export default defineConfig({
  test: {
    include: ['test/node/**/*.test.ts', 'test/electron/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default (cores - 1) runs the files one at a time on CI's 2 cores: 302 s. Most files
    // wait on loopback HTTP, child processes or disk, so two at a time took 195 s with the same results.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
