/**
 * `npm run build:node` (part of `npm run build`, and so of `prepack`): the Node side compiled to JavaScript
 * for the package, into dist/ — what package.json's `bin` and `exports` point to.
 *
 * The sources import each other without extensions (moduleResolution Bundler) and run under tsx, so they are
 * bundled rather than emitted file by file. Every npm dependency stays external (installed with the
 * package); nothing from devDependencies may end up in the bundle (`onlyBundle: []` fails the build).
 *
 *   dist/index.js, index.d.ts    the engine: `import { Inspector, parseComposer, exportLog } from 'socketio-inspector'`
 *   dist/server.js, server.d.ts  the inspector's web server and relay: `socketio-inspector/server`
 *   dist/cli.js                  the `socketio-inspector` command
 *   dist/relay-worker.js         the module each relayed session runs in its worker thread
 *   dist/relay-worker-boot.mjs   that worker's first module (copied; it loads relay-worker.js without tsx)
 *   dist/public/                 the demo server's tutorial page (`--demo`; demo-server/src/http.ts)
 *   (shared chunks)              all in dist/ itself: modules find their neighbours with import.meta.url
 *   dist/attach.js, attach.d.ts  `socketio-inspector/attach` (src/attach/): a build of its own, below
 *
 * The prebuilt page (inspector-ui/dist, `npm run build:ui`) ships beside dist/ (package.json `files`).
 */
import type { UserConfig } from 'tsdown'
import { defineConfig } from 'tsdown'

/**
 * `socketio-inspector/attach` runs inside the developer's app, in Node and in browser bundles: one
 * self-contained file (no chunk shared with the Node side, which may import Node builtins), platform
 * neutral, ES2022 syntax (class fields: every current browser); its only import is `socket.io-client` (the app's own library).
 * test/attach/bundle.test.ts checks that. Both builds write to dist/ (tsdown cleans it once, before both).
 */
export const attachConfig = {
  entry: { attach: 'src/attach/index.ts' },
  outDir: 'dist',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  fixedExtension: false,
  dts: true,
  clean: true,
  deps: { onlyBundle: [] },
} satisfies UserConfig

export default defineConfig([{
  entry: {
    'index': 'src/core/index.ts',
    'server': 'inspector-ui/server/index.ts',
    'cli': 'src/cli/main.ts',
    'relay-worker': 'inspector-ui/server/relay-worker.ts',
  },
  outDir: 'dist',
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // package.json has "type": "module": plain .js (bin and exports name these files).
  fixedExtension: false,
  dts: true,
  clean: true,
  deps: { onlyBundle: [] },
  // The engine's types mention socket.io-client 2.x, which ships none: its local declaration comes along, so a
  // consumer's `tsc` (without skipLibCheck) resolves it.
  banner: { dts: '/// <reference path="./socket.io-client-v2.d.ts" />' },
  copy: [
    { from: 'inspector-ui/server/relay-worker-boot.mjs', to: 'dist' },
    { from: 'src/core/session/socket.io-client-v2.d.ts', to: 'dist' },
    { from: 'demo-server/src/public', to: 'dist' },
  ],
}, attachConfig])
