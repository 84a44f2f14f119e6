import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { languageReady } from './i18n'
import './styles/theme.css'

// A Korean page fetches its texts (a chunk of their own) before the first render, so it never shows English first.
void languageReady().then(() => createApp(App).use(createPinia()).mount('#app'))

// The benchmark probe (bench/ui.ts) drives the app by itself — connects, emits, imports, POSTs reports — so
// it exists only in the bench build (`vite build --mode bench` into inspector-ui/dist-bench, made by
// `npm run bench` itself). `import.meta.env.MODE` is a compile-time constant: in every other build this
// branch and the probe's chunks are dropped, and a `?bench=` link does nothing (issue 12 item 7).
if (import.meta.env.MODE === 'bench')
  void import('./bench/start').then(m => m.startBench(location.search))
