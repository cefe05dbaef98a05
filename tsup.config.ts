import { defineConfig } from 'tsup'

// One bundle per public entry, ESM + CJS + .d.ts. The runtime modules (node:*, bun) and the
// optional peer hono stay external; core is bundled into each driver so every entry stands alone.
export default defineConfig({
  entry: {
    core: 'core/mod.ts',
    node: 'runtimes/node.ts',
    deno: 'runtimes/deno.ts',
    bun: 'runtimes/bun.ts',
    hono: 'runtimes/hono.ts',
    testing: 'testing/mod.ts',
    supervisor: 'supervisor/mod.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: [/^node:/, 'bun', /^hono(\/|$)/],
  outDir: 'dist',
})
