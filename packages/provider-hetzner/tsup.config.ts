import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // hcloud-js (and its snake-case) are bundled, so that its `require('axios')` resolves to this
  // package's own axios dependency instead of the vulnerable axios ^0.21 that hcloud-js asks for.
  //
  // valibot is bundled too: tree-shaken to this package's schemas it loads in a fraction of its whole
  // module's time, which every cold start through the registry pays (docs/architecture.md, "Cold start").
  noExternal: ['hcloud-js', 'snake-case', 'valibot'],
  external: ['axios', 'vitest'],
  // Bundle the CommonJS builds of hcloud-js' dependencies (snake-case, tslib): their ES builds
  // would put a second `__export(...)` block first in index.cjs, which tools that read a bundle's
  // exports (attw) take for this package's own.
  esbuildOptions(options) {
    options.mainFields = ['main', 'module'];
  },
  // Bundled CommonJS (hcloud-js) calls require('axios'); an ES module has no require of its own.
  banner: ({ format }) =>
    format === 'esm' ? { js: "import { createRequire as __stagelyCreateRequire } from 'node:module';\nconst require = __stagelyCreateRequire(import.meta.url);" } : {},
});
