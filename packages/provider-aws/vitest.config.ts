import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fakes run on loopback with delays in tens of ms; a hung socket should fail fast.
    testTimeout: 15_000,
  },
});
