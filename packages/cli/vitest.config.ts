import { defineConfig } from 'vitest/config';

// The CLI tests spawn the built bin (dist/bin/stagely.js): run `pnpm --filter @stagely/cli build` first
// (turbo's test task does).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A ceiling for a slow, busy machine (each test spawns several processes), not a speed check.
    testTimeout: 180_000,
    // The CLI tests mostly wait on child processes and the mock's boot delays: run them side by side.
    sequence: { concurrent: true },
  },
});
