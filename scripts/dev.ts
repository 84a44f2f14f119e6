/**
 * `npm run dev`: the demo server (tsx watch) and the inspector's Vite dev server together;
 * Ctrl+C stops both. The Vite dev server injects the runtime config from DEMO_URL.
 */
import { spawn } from 'node:child_process'
import process from 'node:process'

const demoUrl = `http://localhost:${process.env.PORT ?? 3000}`
const children = [
  spawn('npx', ['tsx', 'watch', 'demo-server/src/index.ts'], { stdio: 'inherit', env: { ...process.env, INSPECTOR_URL: 'http://localhost:5173' } }),
  spawn('npx', ['vite', '--config', 'inspector-ui/vite.config.ts'], { stdio: 'inherit', env: { ...process.env, DEMO_URL: demoUrl } }),
]
function stop(): void {
  for (const child of children) child.kill('SIGTERM')
}
for (const child of children) {
  child.on('exit', (code) => {
    stop()
    process.exitCode = code ?? 0
  })
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
