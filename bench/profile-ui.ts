/**
 * Investigation tool (not part of `npm run bench`): runs one probe scenario of bench/ui/ (ingest, big log) in Chromium
 * WITH DevTools attached (rates are lower than the unattached bench) and prints where the main thread's
 * time goes: a V8 CPU profile aggregated by function (self time) and the longest tasks of a
 * performance trace. Builds an unminified bench build of the UI (bench/build-ui.ts) into a temporary
 * folder, so names are readable.
 *
 *   npx tsx bench/profile-ui.ts biglog
 *   npx tsx bench/profile-ui.ts ingest 2000 6000
 */
import type { AddressInfo } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { buildBenchUi } from './build-ui'
import { makeCapture } from './ui/big-log'
import { startBenchHttp } from './ui/shared'

const mode = process.argv[2] ?? 'biglog'
const outDir = mkdtempSync(join(tmpdir(), 'sio-profile-dist-'))

// The bench build (the app plus its probe, Vite mode `bench`): the shipped build has no probe.
await buildBenchUi({ outDir, minify: false })

const { startDemoServer } = await import('../demo-server/src/start')
const { startInspectorServer } = await import('../inspector-ui/server/index')
const demo = await startDemoServer({ port: 0, host: '127.0.0.1', log: () => {} })
const demoUrl = `http://127.0.0.1:${demo.port}`
const inspector = await startInspectorServer({ port: 0, config: { demoUrl }, distDir: outDir })
const capture = mode === 'biglog' ? await makeCapture(100_000) : undefined
const bench = await startBenchHttp(capture?.text ?? '')
void (null as unknown as AddressInfo)

const { chromium } = await import('playwright-core')
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  headless: true,
})
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  const { url: report, report: reported } = bench.expectReport()
  const config = mode === 'biglog'
    ? { mode: 'biglog', report, capture: bench.capture, nameFilter: capture!.nameFilter, textFilter: capture!.textFilter, jumpFrames: 90, wheelFrames: 120, wheelPx: 600 }
    : { mode: 'ingest', report, url: `${demoUrl}/`, rate: Number(process.argv[3] ?? 2000), count: Number(process.argv[4] ?? 6000) }
  const events: any[] = []
  cdp.on('Tracing.dataCollected', (e: { value: any[] }) => {
    events.push(...e.value)
  })
  await cdp.send('Tracing.start', { categories: 'blink.user_timing,devtools.timeline,disabled-by-default-devtools.timeline,blink,disabled-by-default-blink.debug.layout', transferMode: 'ReportEvents' })
  await cdp.send('Profiler.start')
  await page.goto(`${inspector.url}/?bench=${encodeURIComponent(JSON.stringify(config))}`)
  const result = await reported
  const { profile } = await cdp.send('Profiler.stop') as { profile: any }
  const traceDone = new Promise<void>(resolve => cdp.once('Tracing.tracingComplete', () => resolve()))
  await cdp.send('Tracing.end')
  await traceDone
  writeFileSync(join(tmpdir(), `sio-profile-${mode}.cpuprofile`), JSON.stringify(profile))
  console.log(JSON.stringify(result, null, 1))

  // Self time per function (µs → ms).
  const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]))
  const self = new Map<string, number>()
  const dt: number[] = profile.timeDeltas
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])
    const f = node.callFrame
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000)
  }
  console.log('\nTop self time (ms):')
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${v.toFixed(1).padStart(8)}  ${k}`)

  const t00 = Math.min(...events.filter(e => e.ts).map(e => e.ts))
  const names = new Map<string, number>()
  for (const e of events) {
    if (/websocket|message/i.test(e.name))
      names.set(e.name, (names.get(e.name) ?? 0) + 1)
  }
  console.log('socket-ish events:', [...names].map(([k, v]) => `${k} ${v}`).join(', '))
  const msgs = events.filter(e => e.name === 'EventDispatch' && e.args?.data?.type === 'message').map(e => (e.ts - t00) / 1000)
  if (msgs.length)
    console.log(`\nmessage events: ${msgs.length}, first @${msgs[0].toFixed(0)}, last @${msgs[msgs.length - 1].toFixed(0)}`)
  const sums = new Map<string, number>()
  for (const e of events) {
    if (e.ph === 'X' && e.dur && ['UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'Commit', 'FunctionCall', 'FireAnimationFrame', 'TimerFire', 'EventDispatch', 'MajorGC', 'MinorGC', 'v8.evaluateModule', 'ParseHTML', 'RunMicrotasks'].includes(e.name))
      sums.set(e.name, (sums.get(e.name) ?? 0) + e.dur / 1000)
  }
  const scrolls = events.filter(e => e.name === 'EventDispatch' && e.args?.data?.type === 'scroll').map(e => e.ts)
  if (scrolls.length > 50) {
    const from = scrolls[scrolls.length - 200]
    const to = scrolls[scrolls.length - 1]
    const inWindow = new Map<string, number>()
    for (const e of events) {
      if (e.ph === 'X' && e.dur && e.ts >= from && e.ts <= to)
        inWindow.set(e.name, (inWindow.get(e.name) ?? 0) + e.dur / 1000)
    }
    console.log(`\nWhile scrolling (${scrolls.length} scroll events, ${((to - from) / 1000).toFixed(0)} ms):`, [...inWindow].filter(([, v]) => v > 5).sort((a, b) => b[1] - a[1]).slice(0, 70).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '))
  }
  const mark = (name: string): number | undefined => events.find(e => e.name === name)?.ts
  const windows: Array<[string, number | undefined, number | undefined]> = [['First screen', mark('bench:import-start'), mark('bench:first-rows')]]
  for (const e of events) {
    if (typeof e.name === 'string' && e.name.startsWith('bench:filter-start '))
      windows.push([e.name.slice('bench:filter-start '.length), e.ts, mark(e.name.replace('start', 'painted'))])
  }
  for (const [label, a, b] of windows) {
    if (!a || !b)
      continue
    console.log(`\n${label} window ${((b - a) / 1000).toFixed(0)} ms; tasks inside:`)
    for (const t of events.filter(e => e.name === 'RunTask' && e.ts + e.dur >= a && e.ts <= b && e.dur > 2000)) {
      const inside = events.filter(e => e.tid === t.tid && e.ts >= t.ts && e.ts < t.ts + t.dur && e.dur > 1500 && e.name !== 'RunTask' && !/^(?:V8\.|Blink\.|AsyncTask|WebFrame|PageAnimator|FrameRequest|LocalFrameView|Document::)/.test(e.name))
      console.log(`  @${((t.ts - a) / 1000).toFixed(0)} ${(t.dur / 1000).toFixed(1)} ms: ${inside.slice(0, 8).map(e => `${e.name}${e.args?.data?.functionName ? `(${e.args.data.functionName})` : ''} ${(e.dur / 1000).toFixed(1)}`).join(', ')}`)
    }
  }
  console.log('Trace totals (ms, nested events counted in each):', [...sums].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '))
  const tasks = events.filter(e => e.name === 'RunTask' && e.dur > 30_000).sort((a, b) => b.dur - a.dur).slice(0, 15)
  console.log('\nLongest tasks (ms) at (ms since first event):')
  const t0 = Math.min(...events.filter(e => e.ts).map(e => e.ts))
  for (const t of tasks) {
    const inside = events.filter(e => e.tid === t.tid && e.ts >= t.ts && e.ts < t.ts + t.dur && e.dur > 3000 && e.name !== 'RunTask')
    const summary = inside.slice(0, 8).map(e => `${e.name}${e.args?.data?.functionName ? `(${e.args.data.functionName})` : ''}${e.args?.data?.type ? `[${e.args.data.type}]` : ''} ${(e.dur / 1000).toFixed(1)}`).join(', ')
    console.log(`${(t.dur / 1000).toFixed(1).padStart(7)} @${((t.ts - t0) / 1000).toFixed(0)}: ${summary}`)
  }
}
finally {
  await browser.close()
  await bench.close()
  await inspector.close()
  await demo.close()
}
