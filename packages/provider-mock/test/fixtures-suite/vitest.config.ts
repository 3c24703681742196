/**
 * The fixtures' own config: one file per provider variant in variants/, run side by side in one
 * project, so that the sources are transformed once for all of them.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['variants/*.test.ts'],
  },
});
