import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import './styles/theme.css'

createApp(App).use(createPinia()).mount('#app')

// --- bench probe (issue 6, bench/ui.ts): loaded only with `?bench=<json>`, a separate chunk otherwise unused ---
const benchParam = new URLSearchParams(location.search).get('bench')
if (benchParam !== null) {
  let mode: unknown
  try {
    mode = (JSON.parse(benchParam) as { mode?: unknown }).mode
  }
  catch {}
  if (mode === 'serverview')
    void import('./bench/server-probe').then(m => m.startServerProbe(JSON.parse(benchParam)))
  else
    void import('./bench/probe').then(m => m.startProbe(benchParam))
}
// --- end bench probe ---
