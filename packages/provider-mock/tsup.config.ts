import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // valibot is bundled: tree-shaken to this package's schemas it loads in a fraction of its whole
  // module's time, which every cold start through the registry pays (docs/architecture.md, "Cold start").
  noExternal: ['valibot'],
});
