import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Two builds side by side: the library into dist/, the command into dist/bin/ (its own clean; the
// library's spares it). The command is split into chunks, each command's body loaded when it runs.
export default defineConfig([
  {
    // The library: config loading and the JSON Schema, for tools built on stagely.yml.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!bin/**'],
    sourcemap: true,
    target: 'node20',
  },
  {
    // The `stagely` command: ESM only, executable.
    entry: { stagely: 'src/bin.ts' },
    outDir: 'dist/bin',
    format: ['esm'],
    splitting: true,
    clean: true,
    // `--version` without reading package.json at run time.
    define: { STAGELY_CLI_VERSION: JSON.stringify(version) },
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
