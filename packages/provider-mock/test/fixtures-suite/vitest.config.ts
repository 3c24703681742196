/** The fixtures' own config: one project per provider variant, each told its variant by env. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { VARIANT_ENV, VARIANTS } from './variants.js';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    projects: VARIANTS.map((variant) => ({
      test: {
        name: variant,
        root: fileURLToPath(new URL('.', import.meta.url)),
        include: ['run-suite.test.ts'],
        env: { [VARIANT_ENV]: variant },
      },
    })),
  },
});
