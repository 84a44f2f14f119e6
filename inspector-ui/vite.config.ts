import type { Plugin } from 'vite'
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

/** Escape a JSON string for an HTML attribute value (double-quoted). */
function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Dev only: inject the runtime config `<meta>` the inspector's Node server writes in production,
 * from the environment (`DEMO_URL`). Keeps the page free of inline script in both modes.
 */
function devRuntimeConfig(): Plugin {
  return {
    name: 'sio-inspector-dev-config',
    apply: 'serve',
    transformIndexHtml(html) {
      const config: Record<string, unknown> = {}
      if (process.env.DEMO_URL)
        config.demoUrl = process.env.DEMO_URL
      return html.replace('</head>', `  <meta name="sio-inspector-config" content="${attr(JSON.stringify(config))}">\n  </head>`)
    },
  }
}

export default defineConfig(({ mode }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [vue(), devRuntimeConfig()],
  worker: { format: 'es' },
  // vue-i18n's esm-bundler build: Composition API only (no legacy API in the bundle), no devtools hooks.
  // Messages are compiled at runtime without eval (JIT, vue-i18n 10+), as the page's CSP requires.
  define: {
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    // `--mode bench` (bench/build-ui.ts) is the shipped app plus the benchmark probe (main.ts): its own
    // folder, so inspector-ui/dist never carries the probe.
    outDir: mode === 'bench' ? 'dist-bench' : 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Monaco is one big lazy chunk by design; the initial bundle is what is budgeted (README).
    chunkSizeWarningLimit: 4000,
  },
  server: { port: 5173 },
}))
