import { defineConfig } from 'tsup'

// One bundle per public entry, ESM + CJS + .d.ts. The runtime modules (node:*, bun) and the
// optional peers hono and @opentelemetry/api stay external; core is bundled into each driver so every entry stands alone.
// The CLI (second config) is one ESM file, dist/cli.js, that bin/portico.mjs runs on every
// runtime: Deno does not strip types under node_modules, so the package needs it built.
export default defineConfig([{
  entry: {
    core: 'core/mod.ts',
    node: 'runtimes/node.ts',
    deno: 'runtimes/deno.ts',
    bun: 'runtimes/bun.ts',
    hono: 'runtimes/hono.ts',
    testing: 'testing/mod.ts',
    supervisor: 'supervisor/mod.ts',
    otel: 'telemetry/otel.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: ['!cli.js'], // the CLI's, built alongside
  target: 'es2022',
  platform: 'neutral',
  external: [/^node:/, 'bun', /^hono(\/|$)/, /^@opentelemetry\//],
  outDir: 'dist',
}, {
  entry: { cli: 'cli/main.ts' },
  format: ['esm'], // top-level await
  splitting: false,
  clean: false,
  target: 'es2022',
  platform: 'neutral',
  external: [/^node:/, 'bun', /^@opentelemetry\//], // imported only for --otel
  outDir: 'dist',
}])
