import { defineConfig } from 'tsup';

// Two builds into one dist/, run side by side: the library's clean spares the bin's files.
export default defineConfig([
  {
    // The library: config loading and the JSON Schema, for tools built on stagely.yml.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!bin.*'],
    sourcemap: true,
    target: 'node20',
  },
  {
    // The `stagely` command: ESM only, executable.
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    clean: false,
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
