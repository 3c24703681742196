import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // valibot is bundled: tree-shaken to this package's schemas it loads in a fraction of its whole
  // module's time, which every cold start through the registry pays (docs/architecture.md, "Cold start").
  noExternal: ['valibot'],
  // dots-wrapper asks for a current axios (^1.20), so it stays an ordinary dependency: nothing bundled.
  external: ['dots-wrapper', 'axios', 'vitest'],
});
