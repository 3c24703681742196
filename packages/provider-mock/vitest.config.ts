import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The conformance suite's self-test fixtures are run by their own config, one project per
    // broken variant, never directly.
    exclude: [...configDefaults.exclude, 'test/fixtures-suite/**'],
  },
});
