import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fakes run on loopback with delays in tens of ms; a hung socket should fail fast, not stall CI.
    testTimeout: 15_000,
  },
});
