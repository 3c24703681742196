import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'provider/index': 'src/provider.ts',
    'conformance/index': 'src/conformance/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // vitest is an optional peer of ./conformance: never bundled.
  external: ['vitest'],
  // p-limit 7 is ESM-only: the CJS build's interop would take its namespace for the function, so it
  // (and its one dependency) is bundled.
  // valibot is bundled too: tree-shaken to the few schemas core builds, it loads in a fraction of the
  // time its whole module takes (docs/architecture.md, "Cold start").
  noExternal: ['p-limit', 'yocto-queue', 'valibot'],
});
