/**
 * The fixtures' own config: one file per provider variant in variants/, run side by side in one
 * project, so that the sources are transformed once for all of them. Workers are reused across
 * files (no isolation: each file makes its own providers, nothing module-level is shared), so that
 * a handful of them each load the sources once instead of one process per variant.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['variants/*.test.ts'],
    isolate: false,
  },
});
