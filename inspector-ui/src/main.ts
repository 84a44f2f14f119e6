import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import './styles/theme.css'

createApp(App).use(createPinia()).mount('#app')

// --- bench probe (issue 6, bench/ui.ts): loaded only with `?bench=<json>`, a separate chunk otherwise unused ---
const benchParam = new URLSearchParams(location.search).get('bench')
if (benchParam !== null)
  void import('./bench/probe').then(m => m.startProbe(benchParam))
// --- end bench probe ---
