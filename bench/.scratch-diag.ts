import http from 'node:http'
import { chromium } from 'playwright-core'
import { startDemoServer } from '../demo-server/src/start'
import { startInspectorServer } from '../inspector-ui/server/index'

const demo = await startDemoServer({ port: 0, host: '127.0.0.1', log: () => {} })
const insp = await startInspectorServer({ port: 0, config: { demoUrl: `http://127.0.0.1:${demo.port}` } })
let done!: (s: string) => void
const reported = new Promise<string>((r) => { done = r })
const rs = http.createServer((req, res) => { let b = ''; req.on('data', (c) => { b += c }); req.on('end', () => { res.writeHead(204, { 'access-control-allow-origin': '*' }).end(); done(b) }) })
await new Promise<void>(r => rs.listen(0, '127.0.0.1', () => r()))
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info', '--window-size=1280,800'], headless: true })
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const cfg = { mode: 'ingest', report: `http://127.0.0.1:${(rs.address() as any).port}/r`, url: `http://127.0.0.1:${demo.port}/`, rate: 2000, count: 8000 }
  const client = await page.context().newCDPSession(page)
  await client.send('Profiler.enable')
  await client.send('Profiler.setSamplingInterval', { interval: 500 })
  await page.goto(`http://127.0.0.1:${insp.port}/?bench=${encodeURIComponent(JSON.stringify(cfg))}`)
  await page.waitForTimeout(2500)
  const events: any[] = []
  client.on('Tracing.dataCollected', (d: any) => events.push(...d.value))
  const traced = new Promise<void>(r => client.once('Tracing.tracingComplete', () => r()))
  await client.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' })
  await client.send('Profiler.start')
  const rep = await reported
  const { profile } = await client.send('Profiler.stop') as any
  await client.send('Tracing.end')
  await traced
  const byName = new Map<string, [number, number]>()
  for (const e of events) { if (e.ph === 'X' && e.dur) { const v = byName.get(e.name) ?? [0, 0]; v[0] += e.dur; v[1]++; byName.set(e.name, v) } }
  console.log(`TRACE\n${[...byName.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, 20).map(([k, v]) => `${(v[0] / 1000).toFixed(0)} ms ×${v[1]} ${k}`).join('\n')}`)
  const mainTid = events.find(e => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid
  const main = events.filter(e => e.tid === mainTid && e.ph === 'X' && e.dur)
  const tasks = main.filter(e => e.name === 'RunTask')
  const t0 = Math.min(...tasks.map(e => e.ts)); const t1 = Math.max(...tasks.map(e => e.ts + e.dur))
  console.log('main busy', (tasks.reduce((s, e) => s + e.dur, 0) / 1000).toFixed(0), 'ms of', ((t1 - t0) / 1000).toFixed(0), 'tasks', tasks.length, 'max', Math.max(...tasks.map(e => e.dur)) / 1000)
  const mainBy = new Map<string, number>()
  for (const e of main) {
    if (e.name !== 'RunTask')
      mainBy.set(e.name, (mainBy.get(e.name) ?? 0) + e.dur)
  }
  console.log(`MAIN\n${[...mainBy.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${(v / 1000).toFixed(0)} ms ${k}`).join('\n')}`)
  const longest = tasks.sort((a, b) => b.dur - a.dur).slice(0, 3)
  for (const L of longest) { const inside = main.filter(e => e !== L && e.ts >= L.ts && e.ts + e.dur <= L.ts + L.dur); const m = new Map<string, number>(); for (const e of inside) m.set(e.name + (e.args?.data?.type ? `:${e.args.data.type}` : '') + (e.args?.data?.functionName ? `:${e.args.data.functionName}` : ''), (m.get(e.name) ?? 0) + e.dur); console.log('LONG', L.dur / 1000, [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(' | ')) }
  const layouts = events.filter(e => e.name === 'Layout' && e.ph === 'X')
  console.log('layout max', Math.max(...layouts.map(e => e.dur)) / 1000, 'style max', Math.max(...events.filter(e => e.name === 'UpdateLayoutTree').map(e => e.dur)) / 1000)
  const big = layouts.sort((a, b) => b.dur - a.dur)[0]; console.log(JSON.stringify(big.args).slice(0, 600))

  console.log(rep)
  const self = new Map<string, number>()
  const nodes = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) parent.set(c, n.id)
  }
  const dt = profile.timeDeltas as number[]
  const incl = new Map<string, number>()
  const key = (n: any) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`
  profile.samples.forEach((id: number, i: number) => {
    const n = nodes.get(id); self.set(key(n), (self.get(key(n)) ?? 0) + (dt[i] ?? 0))
    const seen = new Set<string>(); let cur: number | undefined = id
    while (cur !== undefined) { const k = key(nodes.get(cur)); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + (dt[i] ?? 0)) } cur = parent.get(cur) }
  })
  console.log(`SELF\n${[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)} ms ${k}`).join('\n')}`)
  console.log(`INCL\n${[...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${(v / 1000).toFixed(0)} ms ${k}`).join('\n')}`)
}
finally { await browser.close(); await insp.close(); await demo.close(); rs.close() }
