/**
 * Parts 2-5 of `npm run bench` (issue 6), imported by bench/run.ts:
 *   2. UI ingest: the inspector's bench build (the app plus its probe, bench/build-ui.ts) and a bare
 *      socket.io-client page, side by side, on the demo server's `stream:start` firehose, in Chromium
 *      started here with NO automation attached (a DevTools connection halves a page's intake). Pages
 *      report over HTTP to the bench server below.
 *   3. Big log: 100,000 imported entries: first screen, filters, scrolling, heap per entry (same way).
 *   4. Page load: initial JS + CSS gzipped, time to a usable connect button (Playwright), on the shipped
 *      build (inspector-ui/dist, no probe).
 *   5. Server view: 5,000 sockets in 500 rooms (Playwright; clients in a child process).
 * Every process started here is stopped in a `finally`.
 */
import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import type { SessionSnapshot } from '../src/core/types'
import type { BenchSection } from './run'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import os, { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { median } from './ingest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-precise-memory-info',
  // `gc()` in the page: heap figures after a full collection, not whatever garbage happens to be around.
  '--js-flags=--expose-gc',
  '--window-size=1280,800',
]

export const UI_PARTS = ['ui-ingest', 'big-log', 'page-load', 'server-view'] as const
type UiPart = typeof UI_PARTS[number]

type Log = (line: string) => void
type Report = Record<string, any>

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => `${Math.round(n)} ms`
const ms1 = (n: number): string => `${n.toFixed(1)} ms`
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`
const sleep = (t: number): Promise<void> => new Promise(resolve => setTimeout(resolve, t))

/** `met`, or `MISSED by <how much>` (`unit` formats the gap). */
function verdict(ok: boolean, gap: string): string {
  return ok ? 'met' : `MISSED by ${gap}`
}

// ---------------------------------------------------------------------------------------------------
// Bench HTTP server: the bare page, the big capture, and the reports pages POST.

interface BenchHttp {
  url: string
  /** A fresh report address and the promise of what gets POSTed there. */
  expectReport: () => { url: string, report: Promise<Report> }
  /** An address whose GET answers only once `release()` is called (the page waits on it for a cue). */
  hold: () => { url: string, release: () => void }
  capture: string
  close: () => Promise<void>
}

/** The bare page's script: socket.io-client's bundle + an `onAny` log, and the probe's measurements. */
const BARE_JS = String.raw`
const config = JSON.parse(new URLSearchParams(location.search).get('bench'))
const longTasks = []
new PerformanceObserver(list => { for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration }) }).observe({ type: 'longtask', buffered: true })
function sampleFrames() {
  const deltas = []; let last = 0; let running = true
  const loop = (t) => { if (!running) return; if (last) deltas.push(t - last); last = t; requestAnimationFrame(loop) }
  requestAnimationFrame(loop)
  return { stop: () => { running = false; return deltas } }
}
function percentile(values, p) {
  if (!values.length) return 0
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]
}
const round1 = n => Math.round(n * 10) / 10
async function heapNow() {
  if (globalThis.gc) { gc(); await new Promise(r => setTimeout(r, 0)); gc() }
  return performance.memory ? performance.memory.usedJSHeapSize : 0
}
function post(report) {
  return fetch(config.report, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(report) })
}
async function main() {
  const socket = io(config.url, { transports: ['websocket'] })
  const log = []
  let received = 0, sent = -1, doneAt = 0, disconnects = 0, resolveDone
  const done = new Promise(r => { resolveDone = r })
  socket.onAny((name, ...args) => {
    log.push({ t: Date.now(), name, args })
    if (name === 'tick') received++
    else if (name === 'stream:done') { sent = args[0].sent; doneAt = performance.now(); resolveDone() }
  })
  const onDisconnect = () => { disconnects++; if (!doneAt) resolveDone() }
  socket.on('disconnect', onDisconnect)
  await new Promise((resolve, reject) => { socket.once('connect', resolve); setTimeout(() => reject(new Error('not connected after 10 s')), 10000) })
  await heapNow()
  const frames = sampleFrames()
  const t0 = performance.now()
  socket.emit('stream:start', { rate: config.rate, count: config.count }, () => {})
  await Promise.race([done, new Promise(r => setTimeout(r, 20000 + config.count / config.rate * 4000))])
  const t1 = doneAt || performance.now()
  const deltas = frames.stop()
  const inside = longTasks.filter(t => t.start >= t0 && t.start <= t1)
  const heapBytes = await heapNow()
  const held = log.filter(e => e.name === 'tick').length
  socket.off('disconnect', onDisconnect)
  return {
    variant: 'bare', rate: config.rate, count: config.count, sent, received, held,
    lost: sent < 0 ? config.count - received : sent - received, disconnects,
    seconds: (t1 - t0) / 1000, eventsPerSecond: received / ((t1 - t0) / 1000),
    longestTaskMs: Math.round(Math.max(0, ...inside.map(t => t.duration))),
    tasksOver50: inside.filter(t => t.duration > 50).length, tasksOver100: inside.filter(t => t.duration > 100).length,
    frames: deltas.length, p95FrameMs: round1(percentile(deltas, 95)), maxFrameMs: round1(Math.max(0, ...deltas)),
    heapBytes, timedOut: !doneAt,
  }
}
main().then(r => post({ ok: true, ...r }), e => post({ ok: false, error: String(e && e.message || e) }))
`

export async function startBenchHttp(demoUrl: string, capture: string): Promise<BenchHttp> {
  const waiting = new Map<string, (report: Report) => void>()
  const holds = new Map<string, { released: boolean, answer: Array<() => void> }>()
  const server = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path.startsWith('/hold/')) {
      const hold = holds.get(path.slice('/hold/'.length))
      const answer = (): void => {
        res.writeHead(204).end()
      }
      if (!hold || hold.released)
        answer()
      else
        hold.answer.push(answer)
      return
    }
    if (req.method === 'POST' && path.startsWith('/report/')) {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => {
        body += chunk
      })
      req.on('end', () => {
        res.writeHead(204).end()
        const resolve = waiting.get(path.slice('/report/'.length))
        if (!resolve)
          return
        try {
          resolve(JSON.parse(body) as Report)
        }
        catch {
          resolve({ ok: false, error: `unreadable report: ${body.slice(0, 200)}` })
        }
      })
      return
    }
    if (req.method === 'GET' && path === '/bare.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' })
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head><body>bare socket.io-client page
<script src="${demoUrl}/socket.io/socket.io.min.js"></script><script src="/bare.js"></script></body></html>`)
      return
    }
    if (req.method === 'GET' && path === '/bare.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' })
      res.end(BARE_JS)
      return
    }
    if (req.method === 'GET' && path === '/capture.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(capture)
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    capture: `${url}/capture.json`,
    expectReport: () => {
      const key = randomBytes(8).toString('hex')
      const report = new Promise<Report>(resolve => waiting.set(key, resolve))
      return { url: `${url}/report/${key}`, report }
    },
    hold: () => {
      const key = randomBytes(8).toString('hex')
      const hold = { released: false, answer: [] as Array<() => void> }
      holds.set(key, hold)
      return {
        url: `${url}/hold/${key}`,
        release: () => {
          hold.released = true
          for (const answer of hold.answer.splice(0)) answer()
        },
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

// ---------------------------------------------------------------------------------------------------
// Chromium with no automation: spawned here, pointed at a URL, killed when the page has reported.

function stopProcessGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
      return resolve()
    const pid = child.pid
    const hard = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL')
      }
      catch {}
    }, 3000)
    child.once('exit', () => {
      clearTimeout(hard)
      // The group may still hold helpers (renderer, zygote) for a moment.
      try {
        process.kill(-pid, 'SIGKILL')
      }
      catch {}
      resolve()
    })
    try {
      process.kill(-pid, 'SIGTERM')
    }
    catch {
      clearTimeout(hard)
      resolve()
    }
  })
}

async function runPageUnattached(url: string, report: Promise<Report>, timeoutMs: number): Promise<Report> {
  const profile = mkdtempSync(join(tmpdir(), 'sio-bench-chromium-'))
  // Its own process group (detached), so the browser and its helpers stop together.
  const child = spawn(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, url], { detached: true, stdio: 'ignore' })
  let timer: NodeJS.Timeout | undefined
  try {
    const exited = new Promise<Report>((resolve) => {
      child.once('exit', code => resolve({ ok: false, error: `Chromium exited (${code}) before the page reported` }))
      child.once('error', error => resolve({ ok: false, error: `Chromium did not start: ${error.message}` }))
    })
    const timeout = new Promise<Report>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, error: `no report within ${timeoutMs / 1000} s` }), timeoutMs)
    })
    return await Promise.race([report, exited, timeout])
  }
  finally {
    clearTimeout(timer)
    await stopProcessGroup(child)
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 })
  }
}

/**
 * Evaluate `predicate` (an expression, as a string) every animation frame until it is truthy; resolves
 * with its value. Strings go through DevTools' evaluate, which the page's CSP (no eval) does not block,
 * unlike Playwright's `waitForFunction`.
 */
async function waitInPage(page: Page, predicate: string, timeoutMs: number): Promise<unknown> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const end = performance.now() + ${timeoutMs}
    const check = () => {
      const value = ${predicate}
      if (value) resolve(value)
      else if (performance.now() > end) reject(new Error('timed out after ${timeoutMs} ms waiting for: ' + ${JSON.stringify(predicate.replace(/\s+/g, ' ').slice(0, 120))}))
      else requestAnimationFrame(check)
    }
    check()
  })`)
}

async function launchPlaywright(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS.filter(f => f !== '--headless'), headless: true })
}

// ---------------------------------------------------------------------------------------------------
// Why targets are missed: what a traced run showed (printed with the results when a target is missed;
// re-check against a fresh trace when the UI changes).

const INGEST_DIAGNOSIS = [
  'History: a trace at 2,000/s (2026-11-25) found the page 97% busy drawing, from three causes in the UI — every visible `LogRow` re-rendered on every log tick, autoscroll read `scrollHeight` (a forced layout) and re-rendered on its own scroll event, and the view published on every animation frame. All three are fixed (rows re-render only on their own change, autoscroll from the list\'s own row count, adaptive publish throttle 0–100 ms by cost and rate; inspector-ui/README.md). A later trace found the remaining long tasks (53 ms at 2,000/s; 300–800 ms on a loaded machine) were not the stream\'s: the composer\'s editor (Monaco, loaded when the session opens) evaluated its 3 MB chunk inside the stream window, because the probe\'s "quiet for 500 ms" wait passed while the chunk was still compiling; the probe now waits for the editor first. The list also stopped rebuilding a per-row measurement array (100,000 objects) on every publish (fixed-row arithmetic window, recycled rows). The socket and the core cost about 70 µs per message, all in.',
  'Where a target is still missed: the drawing shares the one main thread with WebSocket message handling, and this 2-core machine is shared with the demo server and other work (load average below); publishing already slows to 10 per second from 1,000 entries/s and skips drawing (never recording) in between. What would close the rest: moving the log projection (filtering, preview text) into a worker.',
]

const BIG_LOG_DIAGNOSIS = [
  'How it works: the import runs in 8 ms slices (`Inspector.importCaptureAsync`: header, line layout and entry count are checked first, so a cut file adds nothing; then each slice is parsed, validated and appended, with the event loop free in between) and the tab opens with the first slice, so the first screen does not wait for the 28.5 MB parse. A filter change rescans in 8 ms slices (yielding through `MessageChannel`, no timer clamp). A name filter reads the core `LogIndex`\'s name → ids lists and checks only those entries. The text filter runs one native `indexOf` scan per block of 4,096 entries\' lowercased search texts (one flat string per block, built by the index while the import appends; live entries: in idle time), walking only entries that have none; results are identical to the walk (shared code, tested). The list computes its window arithmetically and recycles its row elements (3 rows of overscan).',
  'Why a target can still be missed: the renderer competes for 2 shared cores (load average below). A jump through the log still lays out, styles and shapes ~26 fresh rows per frame (~5 ms of layout per frame in a trace, a quarter of it text shaping of 200-character previews), and the 100,000-entry heap has GC pauses; a filter\'s time includes up to two frames of the probe\'s paint detection. What would close the rest: previews cut to the visible width (less shaping), parsing the import in a worker (the whole import takes 1.3–3.5 s of main-thread slices here).',
]

const SERVER_VIEW_DIAGNOSIS = [
  'Why: most of the time to the first tree is before the page can do anything: admin-ui answers a new admin socket with one `all_sockets` message only after `fetchSockets()` and serialising every socket, on a server that shares this 2-core machine with the 5,000 clients and the browser ("in the model" in the table marks where the page\'s own work starts: parse, model, flatten, render). Runs on 2026-11-25 measured 541–691 ms in all, 35–55 ms of it in the page.',
  'What would close it: a quieter machine, or a server that sends fewer fields per socket (the message is admin-ui\'s, not the inspector\'s).',
]

const SERVER_VIEW_UPDATES_DIAGNOSIS = [
  'Why: p95 above 16.7 ms here means about one frame in twenty took two vsyncs, with the page\'s own tasks at most ~50 ms: the page\'s work per update is small (the model is O(1) per admin event; the flattened tree is republished at most every 100 ms and only ~40 rows are drawn), but every admin event is still one WebSocket message decoded on the main thread (~3,000–5,000 during the churn), while the instrumented server (admin-ui serialises every change), the 5,000 clients churning and Chromium share 2 cores. Runs vary between 16.8 and 33.4 ms (see per run above).',
  'What would close it: take the admin socket off the main thread (socket.io-client and the model in a Worker, posting one diff per publish), and render only rows whose content changed; and measure with the server and the clients on another machine.',
]

// ---------------------------------------------------------------------------------------------------
// Part 2: UI ingest.

interface IngestSide { runs: Report[], rate: number }

function worst(reports: Report[], key: string): number {
  return Math.max(0, ...reports.map(r => Number(r[key] ?? 0)))
}
function mid(reports: Report[], key: string): number {
  return median(reports.map(r => Number(r[key] ?? 0)))
}

function requireOk(report: Report, what: string): Report {
  if (!report.ok)
    throw new Error(`${what}: ${report.error}`)
  if (report.timedOut)
    throw new Error(`${what}: the stream did not finish (received ${report.received} of ${report.count})`)
  return report
}

async function uiIngest(runs: number, demoUrl: string, inspectorUrl: string, bench: BenchHttp, log: Log): Promise<BenchSection> {
  const MAX_ASK = 50_000
  const MAX_COUNT = 20_000
  const SLOW_RATE = 2_000
  const SLOW_COUNT = 6_000
  const page = async (variant: 'bare' | 'inspector', rate: number, count: number): Promise<Report> => {
    const { url: report, report: reported } = bench.expectReport()
    const config = { mode: 'ingest', report, url: `${demoUrl}/`, rate, count }
    const base = variant === 'bare' ? `${bench.url}/bare.html` : `${inspectorUrl}/`
    const timeoutMs = 30_000 + count / Math.min(rate, 15_000) * 3000
    const result = requireOk(await runPageUnattached(`${base}?bench=${encodeURIComponent(JSON.stringify(config))}`, reported, timeoutMs), `${variant} page at ${rate}/s`)
    log(`  ui-ingest ${variant.padEnd(9)} asked ${fmt(rate).padStart(6)}/s × ${fmt(count)}: ${fmt(result.eventsPerSecond)}/s, lost ${result.lost}, disconnects ${result.disconnects}, longest task ${result.longestTaskMs} ms, p95 frame ${result.p95FrameMs} ms, heap ${mb(result.heapBytes)}`)
    return result
  }

  const bareMax: Report[] = []
  const inspMax: Report[] = []
  const bareSlow: Report[] = []
  const inspSlow: Report[] = []
  // Interleaved run by run, so the machine's noise hits both pages alike. Each inspector run at the
  // fastest rate gets the rate the bare page sustained just before it.
  for (let run = 0; run < runs; run++) {
    const bare = await page('bare', MAX_ASK, MAX_COUNT)
    bareMax.push(bare)
    const sustained = Math.max(1000, Math.floor(bare.eventsPerSecond / 500) * 500)
    const insp = await page('inspector', sustained, MAX_COUNT)
    insp.ratio = insp.eventsPerSecond / bare.eventsPerSecond
    inspMax.push(insp)
  }
  const slowRuns = Math.min(runs, 2)
  for (let run = 0; run < slowRuns; run++) {
    bareSlow.push(await page('bare', SLOW_RATE, SLOW_COUNT))
    inspSlow.push(await page('inspector', SLOW_RATE, SLOW_COUNT))
  }

  const sides: Array<[string, IngestSide]> = [
    [`bare page, asked ${fmt(MAX_ASK)}/s`, { runs: bareMax, rate: MAX_ASK }],
    ['inspector, at the bare page\'s rate', { runs: inspMax, rate: mid(inspMax, 'rate') }],
    [`bare page, ${fmt(SLOW_RATE)}/s`, { runs: bareSlow, rate: SLOW_RATE }],
    [`inspector, ${fmt(SLOW_RATE)}/s`, { runs: inspSlow, rate: SLOW_RATE }],
  ]
  const lines = [
    '| page | asked | events/s received (median) | vs bare | events: sent / recorded / held in log (last run) | lost (all runs) | disconnects | longest task (worst run) | p95 frame interval (median; worst) | JS heap at end (median) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const [label, side] of sides) {
    const last = side.runs[side.runs.length - 1]
    const vs = side.runs[0]?.ratio !== undefined ? `${mid(side.runs, 'ratio').toFixed(2)}×` : '-'
    lines.push(`| ${label} | ${fmt(side.rate)}/s × ${fmt(last.count)} | ${fmt(mid(side.runs, 'eventsPerSecond'))}/s | ${vs} | ${fmt(last.sent)} / ${fmt(last.received)} / ${fmt(last.held)} | ${side.runs.reduce((s, r) => s + Number(r.lost), 0)} | ${side.runs.reduce((s, r) => s + Number(r.disconnects), 0)} | ${ms(worst(side.runs, 'longestTaskMs'))} | ${ms1(mid(side.runs, 'p95FrameMs'))}; ${ms1(worst(side.runs, 'p95FrameMs'))} | ${mb(mid(side.runs, 'heapBytes'))} |`)
  }

  const slowTask = worst(inspSlow, 'longestTaskMs')
  const slowP95 = mid(inspSlow, 'p95FrameMs')
  const ratio = mid(inspMax, 'ratio')
  const maxLost = inspMax.reduce((s, r) => s + Number(r.lost), 0)
  const maxDisc = inspMax.reduce((s, r) => s + Number(r.disconnects), 0)
  const maxTask = worst(inspMax, 'longestTaskMs')
  const lastInsp = inspMax[inspMax.length - 1]
  return {
    title: '2. UI ingest, real Chromium (no automation attached), demo server firehose `stream:start`',
    markdown: lines.join('\n'),
    notes: [
      `Targets at ${fmt(SLOW_RATE)}/s (inspector): no task over 50 ms — longest ${ms(slowTask)}: ${verdict(slowTask <= 50, ms(slowTask - 50))}; p95 frame interval < 20 ms — ${ms1(slowP95)}: ${verdict(slowP95 < 20, ms1(slowP95 - 20))}.`,
      `Targets at the bare page's fastest rate (inspector): ≥ 0.8× of the bare page — ${ratio.toFixed(2)}×: ${verdict(ratio >= 0.8, `${(0.8 - ratio).toFixed(2)}×`)}; 0 lost — ${maxLost}: ${verdict(maxLost === 0, `${maxLost} events`)}; 0 disconnects — ${maxDisc}: ${verdict(maxDisc === 0, `${maxDisc}`)}; no task over 100 ms — longest ${ms(maxTask)}: ${verdict(maxTask <= 100, ms(maxTask - 100))}.`,
      `${runs} run(s) at the fastest rate, ${slowRuns} at ${fmt(SLOW_RATE)}/s, interleaved bare / inspector; each run a fresh Chromium (spawned with child_process, no DevTools connection: the page reports its counters by \`fetch\` POST to the bench server). The bare page asks the demo server for ${fmt(MAX_ASK)}/s (its maximum); the server skips a batch while more than 2,000 packets wait in its write buffer, so the rate received is what the page sustains. Each inspector run is then asked for that rate (rounded down to 500/s).`,
      `Inspector page: the bench build of the app (the shipped app plus the probe: \`vite build --mode bench\` into inspector-ui/dist-bench, bench/build-ui.ts, every run; served by inspector-ui/server) with \`?bench=…\`, which loads inspector-ui/src/bench/probe.ts: it opens a session through the sessions store (WebSocket only, default options: frames captured), shows its log, waits until the composer's editor (Monaco, lazily loaded start-up work) is ready and the page has had no long task for 500 ms (since 2026-11-25; before, only the 500 ms quiet wait, which a loaded machine could pass while Monaco was still compiling, putting its start-up task in the stream window), and counts the \`tick\` entries the core log records (subscribe). "Held in log" is what the ring buffer still has at the end: frames are entries too (one per tick), and the log keeps at most 100,000 entries by default, dropping the oldest (dropped by the log is not lost: it was recorded and counted).`,
      `Events/s = ticks recorded / time from the \`stream:start\` emit to \`stream:done\`. Long tasks: PerformanceObserver \`longtask\` during the stream. Frame intervals: requestAnimationFrame deltas during the stream. Heap: \`performance.memory.usedJSHeapSize\` after \`gc()\` (Chromium \`--enable-precise-memory-info --js-flags=--expose-gc\`). Last inspector run at the fast rate: ${fmt(lastInsp.held)} ticks held, ${fmt(lastInsp.droppedFromLog)} entries dropped by the log bound, ${lastInsp.rowsInDom} rows in the DOM.`,
      ...(slowTask > 50 || slowP95 >= 20 || ratio < 0.8 || maxTask > 100 ? INGEST_DIAGNOSIS : []),
    ],
  }
}

// ---------------------------------------------------------------------------------------------------
// Part 3: big log.

interface Capture { text: string, entries: number, nameFilter: string, textFilter: string, expectedName: number, expectedText: number }

export async function makeCapture(count: number): Promise<Capture> {
  const { estimateBytes, exportLog, Inspector } = await import('../src/core/index')
  const domains = ['chat', 'order', 'user', 'room', 'game', 'stock', 'sensor', 'job']
  const actions = ['created', 'updated', 'deleted', 'message', 'joined']
  const names = domains.flatMap(d => actions.map(a => `${d}:${a}`))
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu']
  const users = ['ada', 'grace', 'linus', 'ken', 'dennis', 'barbara', 'margaret', 'alan', 'edsger', 'donald']
  const nameFilter = 'order:deleted'
  const textFilter = 'refund-7f3a'
  // mulberry32: deterministic, so every run filters the same data.
  let seed = 42
  const rand = (n: number): number => {
    seed = (seed + 0x6D2B79F5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor(((t ^ (t >>> 14)) >>> 0) / 4294967296 * n)
  }
  const inspector = new Inspector()
  const session = inspector.createSession({ url: 'http://127.0.0.1:3000/', label: 'bench capture' })
  const snapshot: SessionSnapshot = session.snapshot()
  inspector.dispose()
  const start = Date.UTC(2026, 0, 1)
  const entries = []
  let expectedName = 0
  let expectedText = 0
  for (let i = 1; i <= count; i++) {
    // Skewed names: a few frequent, a long tail.
    const name = names[rand(3) === 0 ? rand(4) : rand(names.length)]
    const sentence = Array.from({ length: 4 + rand(8) }, () => words[rand(words.length)]).join(' ')
    const payload: Record<string, unknown> = {
      id: i,
      user: { id: rand(10_000), name: users[rand(users.length)] },
      text: sentence,
      tags: [words[rand(words.length)], words[rand(words.length)]],
      amount: rand(100_000) / 100,
      ok: rand(2) === 0,
    }
    if (i % 199 === 0) {
      payload.note = `customer asked for ${textFilter}`
      expectedText++
    }
    if (name === nameFilter)
      expectedName++
    const args = rand(5) === 0 ? [payload, `seq ${i}`] : [payload]
    entries.push({ id: i, sessionId: snapshot.id, time: start + i * 10, mono: i * 10, direction: rand(6) === 0 ? 'out' : 'in', kind: 'event', name, args, bytes: estimateBytes(args) })
  }
  const text = exportLog(entries as never, [snapshot])
  return { text, entries: count, nameFilter, textFilter, expectedName, expectedText }
}

async function bigLog(runs: number, inspectorUrl: string, bench: BenchHttp, capture: Capture, log: Log): Promise<BenchSection> {
  const reports: Report[] = []
  for (let run = 0; run < runs; run++) {
    const { url: report, report: reported } = bench.expectReport()
    const config = { mode: 'biglog', report, capture: bench.capture, nameFilter: capture.nameFilter, textFilter: capture.textFilter, jumpFrames: 90, wheelFrames: 120, wheelPx: 600 }
    const result = await runPageUnattached(`${inspectorUrl}/?bench=${encodeURIComponent(JSON.stringify(config))}`, reported, 90_000)
    if (!result.ok)
      throw new Error(`big log page: ${result.error}`)
    log(`  big-log run ${run + 1}/${runs}: ${fmt(result.entries)} entries; import ${ms(result.importMs)}, first screen ${ms(result.firstScreenMs)}; name filter ${ms(result.nameFilterMs)} (${result.nameFilterShown} shown), text filter ${ms(result.textFilterMs)} (${result.textFilterShown} shown); scroll p95 ${result.scrollJump.p95FrameMs} / ${result.scrollWheel.p95FrameMs} ms; ${result.heapPerEntry} B/entry`)
    reports.push(result)
  }
  const m = (key: string): number => mid(reports, key)
  const scroll = (which: 'scrollJump' | 'scrollWheel', key: string): number => median(reports.map(r => Number(r[which][key])))
  const first = m('firstScreenMs')
  const byName = m('nameFilterMs')
  const byText = m('textFilterMs')
  const jumpP95 = scroll('scrollJump', 'p95FrameMs')
  const wheelP95 = scroll('scrollWheel', 'p95FrameMs')
  const last = reports[reports.length - 1]
  const lines = [
    '| measure | median | target | |',
    '|---|---|---|---|',
    `| entries in the log after import | ${fmt(last.entries)} of ${fmt(capture.entries)} | | |`,
    `| first screen (import started → first rows painted; the tab opens after the import's first slice) | ${ms(first)} | < 300 ms | ${verdict(first < 300, ms(first - 300))} |`,
    `| whole import (\`importCaptureAsync\` of ${mb(capture.text.length)} JSON in 8 ms slices) / every entry shown; longest task during the import, the one that starts it included (worst run) | ${ms(m('importMs'))} / ${ms(m('allShownMs'))}; ${ms(worst(reports, 'importLongestTaskMs'))} | | |`,
    `| filter by event name \`${capture.nameFilter}\` (typed → rows painted) | ${ms(byName)} (${fmt(last.nameFilterShown ?? 0)} shown, ${fmt(capture.expectedName)} expected) | < 50 ms | ${verdict(byName < 50, ms(byName - 50))} |`,
    `| filter by payload text \`${capture.textFilter}\` | ${ms(byText)} (${fmt(last.textFilterShown ?? 0)} shown, ${fmt(capture.expectedText)} expected) | < 50 ms | ${verdict(byText < 50, ms(byText - 50))} |`,
    `| clearing the name / text filter (back to 100,000) | ${ms(m('nameClearMs'))} / ${ms(m('textClearMs'))} | | |`,
    `| scrolling, jumps through the whole log (${last.scrollJump.frames} frames): p95 / max frame, longest task | ${ms1(jumpP95)} / ${ms1(scroll('scrollJump', 'maxFrameMs'))}, ${ms(scroll('scrollJump', 'longestTaskMs'))} | p95 < 20 ms | ${verdict(jumpP95 < 20, ms1(jumpP95 - 20))} |`,
    `| scrolling, 600 px per frame (${last.scrollWheel.frames} frames): p95 / max frame, longest task | ${ms1(wheelP95)} / ${ms1(scroll('scrollWheel', 'maxFrameMs'))}, ${ms(scroll('scrollWheel', 'longestTaskMs'))} | p95 < 20 ms | ${verdict(wheelP95 < 20, ms1(wheelP95 - 20))} |`,
    `| JS heap per entry (after gc, capture text released; includes the filter index: name lists and search texts) | ${fmt(m('heapPerEntry'))} B | | |`,
  ]
  return {
    title: '3. Big log: 100,000 imported entries (Chromium, no automation attached)',
    markdown: lines.join('\n'),
    notes: [
      `${runs} run(s), each a fresh Chromium on the bench build of the inspector (inspector-ui/dist-bench) with \`?bench=…\` (inspector-ui/src/bench/probe.ts). The capture is generated in Node with the core's \`exportLog\`: ${fmt(capture.entries)} \`event\` entries, 40 event names (skewed), payloads of 6 fields with 4–11 words of text; fetched by the page, then imported the way the Import button does (\`importCaptureText\`: \`importCaptureAsync\` in slices, the tab activated after the first slice; until 2026-11-25 the import was one synchronous \`importCapture()\` and the first screen came after it). Filters are typed after every entry is shown. Playwright is not needed here: the probe measures in the page.`,
      'Times end when the change is painted: a MutationObserver sees the rows (and the filter\'s count, not "…"), then one animation frame and a macrotask. Filters are typed the way `v-model` sees typing (`input` event on `[data-testid=log-name-filter]` / `[data-testid=log-filter]`).',
      'Scrolling: the log\'s scroller gets a new `scrollTop` every animation frame; "jumps" crosses the whole 2.4 M px log in 90 frames (every frame new rows, like dragging the scrollbar), "600 px" is fast wheel scrolling.',
      ...(first >= 300 || byName >= 50 || byText >= 50 || jumpP95 >= 20 || wheelP95 >= 20 ? BIG_LOG_DIAGNOSIS : []),
    ],
  }
}

// ---------------------------------------------------------------------------------------------------
// Part 4: page load.

interface Asset { file: string, kind: string, bytes: number, gzip: number, excluded?: string }

function initialAssets(distDir: string): Asset[] {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8')
  const refs: Array<{ file: string, kind: string }> = []
  for (const tag of html.match(/<(?:script|link)\b[^>]*>/g) ?? []) {
    const src = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1]
    if (!src || /^(?:[a-z]+:)?\/\//i.test(src))
      continue
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1]
    const kind = tag.startsWith('<script') ? 'script' : rel ?? 'link'
    if (kind === 'script' || kind === 'stylesheet' || kind === 'modulepreload')
      refs.push({ file: src.replace(/^\.?\//, ''), kind })
  }
  // Static imports of those modules load at once too (Vite lists them as modulepreload; double-check).
  const seen = new Set(refs.map(r => r.file))
  for (let i = 0; i < refs.length; i++) {
    if (!refs[i].file.endsWith('.js'))
      continue
    const code = readFileSync(join(distDir, refs[i].file), 'utf8')
    for (const match of code.matchAll(/\bfrom\s*["']\.\/([\w.-]+\.js)["']|\bimport\s*["']\.\/([\w.-]+\.js)["']/g)) {
      const file = `${dirname(refs[i].file)}/${match[1] ?? match[2]}`
      if (!seen.has(file)) {
        seen.add(file)
        refs.push({ file, kind: 'static import' })
      }
    }
  }
  return refs.map(({ file, kind }) => {
    const body = readFileSync(join(distDir, file))
    const monaco = /monaco|editor\.worker|codicon/i.test(file)
    return { file, kind, bytes: body.length, gzip: gzipSync(body).length, excluded: monaco ? 'Monaco (loads on first use)' : undefined }
  })
}

/** Part 4 measures the shipped build (inspector-ui/dist), served by its own inspector server. */
async function pageLoad(runs: number, demoUrl: string, log: Log): Promise<BenchSection> {
  const distDir = join(ROOT, 'inspector-ui', 'dist')
  const assets = initialAssets(distDir)
  const counted = assets.filter(a => !a.excluded)
  const total = counted.reduce((s, a) => s + a.gzip, 0)
  const { startInspectorServer } = await import('../inspector-ui/server/index')
  const shipped = await startInspectorServer({ port: 0, config: { demoUrl }, distDir })
  const inspectorUrl = `http://127.0.0.1:${shipped.port}`
  const browser = await launchPlaywright().catch(async (error: unknown) => {
    await shipped.close()
    throw error
  })
  const times: number[] = []
  const loads: number[] = []
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      try {
        const page = await context.newPage()
        await page.goto(`${inspectorUrl}/`, { waitUntil: 'commit' })
        // performance.now() counts from the navigation's start (timeOrigin).
        times.push(Number(await waitInPage(page, `(() => {
          const b = document.querySelector('[data-testid="connect-button"]')
          return b && !b.disabled && b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden' ? performance.now() : false
        })()`, 20_000)))
        await page.waitForLoadState('load')
        loads.push(Number(await page.evaluate('performance.getEntriesByType("navigation")[0].loadEventEnd')))
      }
      finally {
        await context.close()
      }
    }
  }
  finally {
    await browser.close()
    await shipped.close()
  }
  const ready = median(times)
  log(`  page-load: initial JS + CSS ${kb(total)} gzipped (${counted.length} files); connect button usable after ${ms(ready)} (median of ${runs}: ${times.map(t => Math.round(t)).join(', ')} ms)`)
  const lines = [
    '| asset | loaded as | size | gzipped |',
    '|---|---|---|---|',
    ...assets.map(a => `| \`${a.file}\` | ${a.kind}${a.excluded ? ` — excluded: ${a.excluded}` : ''} | ${kb(a.bytes)} | ${kb(a.gzip)} |`),
    `| **initial JS + CSS** | | ${kb(counted.reduce((s, a) => s + a.bytes, 0))} | **${kb(total)}** (target ≤ 150 KB: ${verdict(total <= 150 * 1024, kb(total - 150 * 1024))}) |`,
    '',
    '| navigation → usable connect button (median) | runs | load event (median) |',
    '|---|---|---|',
    `| ${ms(ready)} | ${times.map(t => Math.round(t)).join(', ')} ms | ${ms(median(loads))} |`,
  ]
  return {
    title: '4. Page load',
    markdown: lines.join('\n'),
    notes: [
      'Initial assets: the `<script>`, `<link rel=stylesheet>` and `<link rel=modulepreload>` of inspector-ui/dist/index.html plus any static import among them, gzipped with zlib (level 6). Monaco, the server view and the tutorial are dynamic imports (loaded on first use) and not counted.',
      `Time to a usable connect button: Playwright (attached: it measures a time, not a rate), a fresh browser context per run, \`performance.now()\` when \`[data-testid=connect-button]\` is first visible and enabled (polled each animation frame), served by inspector-ui/server over loopback (no network latency, no cache).`,
    ],
  }
}

// ---------------------------------------------------------------------------------------------------
// Part 5: server view.

async function startAdminServer(): Promise<{ url: string, close: () => Promise<void> }> {
  const { Server } = await import('socket.io')
  const { instrument } = await import('@socket.io/admin-ui')
  const bcrypt = (await import('bcryptjs')).default
  const httpServer = http.createServer((_req, res) => {
    res.writeHead(404).end()
  })
  const io = new Server(httpServer, { cors: { origin: true } })
  io.of('/namespace1').on('connection', (socket) => {
    socket.on('enter', (room: string, ack?: (r: unknown) => void) => {
      socket.join(room)
      ack?.({ ok: true })
    })
    socket.on('leave', (room: string, ack?: (r: unknown) => void) => {
      socket.leave(room)
      ack?.({ ok: true })
    })
  })
  instrument(io, { namespaceName: '/admin', auth: { type: 'basic', username: 'admin', password: bcrypt.hashSync('secret', 4) }, mode: 'development' })
  await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      io.close(() => resolve())
    }),
  }
}

interface Crowd { send: (line: string) => void, next: (prefix: string, timeoutMs: number) => Promise<string>, stop: () => Promise<void> }

async function startCrowd(url: string, sockets: number, rooms: number): Promise<Crowd> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'admin-clients.ts'), url, String(sockets), String(rooms)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
  const lines: string[] = []
  let wake: (() => void) | undefined
  let buffer = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (text: string) => {
    buffer += text
    const parts = buffer.split('\n')
    buffer = parts.pop() ?? ''
    lines.push(...parts)
    wake?.()
  })
  const crowd: Crowd = {
    send: line => child.stdin!.write(`${line}\n`),
    next: async (prefix, timeoutMs) => {
      const end = Date.now() + timeoutMs
      for (;;) {
        const at = lines.findIndex(l => l.startsWith(prefix))
        if (at >= 0)
          return lines.splice(0, at + 1)[at]
        if (child.exitCode !== null)
          throw new Error(`the client process exited (${child.exitCode}) before "${prefix}"`)
        if (Date.now() > end)
          throw new Error(`no "${prefix}" from the client process within ${timeoutMs / 1000} s`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 200)
        })
      }
    },
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null)
        return resolve()
      const hard = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.once('exit', () => {
        clearTimeout(hard)
        resolve()
      })
      child.stdin!.write('exit\n')
    }),
  }
  try {
    await crowd.next('READY', 120_000)
  }
  catch (error) {
    await crowd.stop()
    throw error
  }
  return crowd
}

interface ServerViewRun {
  firstTree: number
  snapshotMs: number
  loading: { frames: number, p95FrameMs: number, maxFrameMs: number, longestTaskMs: number }
  updating: { frames: number, p95FrameMs: number, maxFrameMs: number, longestTaskMs: number }
  settled: number
  churnSettledInCrowd: number
  own: number
  footer: string
}

const SV = { SOCKETS: 5000, ROOMS: 500, MOVES: 500, LEAVES: 1000, JOINS: 500 } as const

/** One run: a fresh instrumented server, a fresh crowd of clients, a fresh Chromium with no automation. */
async function serverViewRun(inspectorUrl: string, bench: BenchHttp, log: Log): Promise<ServerViewRun> {
  const { SOCKETS, ROOMS, MOVES, LEAVES, JOINS } = SV
  const server = await startAdminServer()
  let crowd: Crowd | undefined
  try {
    const t = Date.now()
    crowd = await startCrowd(`${server.url}/namespace1`, SOCKETS, ROOMS)
    log(`  server-view: ${fmt(SOCKETS)} sockets in ${ROOMS} rooms connected in ${((Date.now() - t) / 1000).toFixed(1)} s`)
    const final = SOCKETS - LEAVES + JOINS
    const first = bench.expectReport()
    const last = bench.expectReport()
    const churnStarted = bench.hold()
    const config = {
      mode: 'serverview',
      firstReport: first.url,
      churnStarted: churnStarted.url,
      report: last.url,
      admin: { url: server.url, username: 'admin', password: 'secret' },
      sockets: SOCKETS,
      finalSockets: final,
    }
    let churnSettledInCrowd = 0
    // The page reports the first tree, the bench starts the churn and releases the page's cue, the page
    // reports when the summary shows the final count.
    const both = first.report.then(async (firstReport) => {
      if (!firstReport.ok)
        return { ok: false, error: firstReport.error }
      await sleep(500)
      const t1 = Date.now()
      crowd!.send(`churn ${MOVES} ${LEAVES} ${JOINS}`)
      churnStarted.release()
      await crowd!.next('CHURNED', 120_000)
      churnSettledInCrowd = Date.now() - t1
      return { ok: true, first: firstReport, last: await last.report }
    })
    const result = await runPageUnattached(`${inspectorUrl}/?bench=${encodeURIComponent(JSON.stringify(config))}`, both, 240_000)
    if (!result.ok)
      throw new Error(String(result.error))
    if (!result.last.ok)
      throw new Error(String(result.last.error))
    const run: ServerViewRun = {
      firstTree: Number(result.first.firstTreeMs),
      snapshotMs: result.first.snapshotInModelMs === null ? Number.NaN : Number(result.first.snapshotInModelMs),
      loading: result.first.loading,
      updating: result.last.updating,
      settled: Number(result.last.settledMs),
      churnSettledInCrowd,
      own: Number(result.first.own),
      footer: String(result.last.footer ?? ''),
    }
    log(`  server-view: first full tree ${ms(run.firstTree)} (snapshot in the model after ${ms(run.snapshotMs)}; p95 frame ${ms1(run.loading.p95FrameMs)}); churn settled in ${ms(run.settled)}, p95 frame ${ms1(run.updating.p95FrameMs)}, longest task ${ms(run.updating.longestTaskMs)}`)
    return run
  }
  finally {
    await crowd?.stop()
    await server.close()
  }
}

async function serverView(runs: number, inspectorUrl: string, bench: BenchHttp, log: Log): Promise<BenchSection> {
  const { SOCKETS, ROOMS, MOVES, LEAVES, JOINS } = SV
  const all: ServerViewRun[] = []
  for (let i = 0; i < runs; i++) all.push(await serverViewRun(inspectorUrl, bench, log))
  const med = (pick: (r: ServerViewRun) => number): number => median(all.map(pick))
  const worstOf = (pick: (r: ServerViewRun) => number): number => Math.max(...all.map(pick))
  const firstTree = med(r => r.firstTree)
  const p95Updating = med(r => r.updating.p95FrameMs)
  const final = SOCKETS - LEAVES + JOINS
  const lines = [
    `| phase (median of ${runs}; worst) | time | frames | p95 frame interval | max frame | longest task | target |`,
    '|---|---|---|---|---|---|---|',
    `| connect → first full tree (${fmt(SOCKETS)} sockets, ${ROOMS} rooms in the summary); the \`all_sockets\` snapshot was in the model after ${ms(med(r => r.snapshotMs))} | ${ms(firstTree)}; ${ms(worstOf(r => r.firstTree))} | ${fmt(med(r => r.loading.frames))} | ${ms1(med(r => r.loading.p95FrameMs))} | ${ms1(med(r => r.loading.maxFrameMs))} | ${ms(worstOf(r => r.loading.longestTaskMs))} | < 1 s: ${verdict(firstTree < 1000, ms(firstTree - 1000))} |`,
    `| updates: ${fmt(MOVES)} sockets move (leave + enter), ${fmt(LEAVES)} disconnect, ${fmt(JOINS)} connect and join → summary shows ${fmt(final)} (the clients were done after ${ms(med(r => r.churnSettledInCrowd))}) | ${ms(med(r => r.settled))} | ${fmt(med(r => r.updating.frames))} | ${ms1(p95Updating)}; ${ms1(worstOf(r => r.updating.p95FrameMs))} | ${ms1(med(r => r.updating.maxFrameMs))} | ${ms(worstOf(r => r.updating.longestTaskMs))} | p95 < 20 ms: ${verdict(p95Updating < 20, ms1(p95Updating - 20))} |`,
  ]
  const footer = all[all.length - 1].footer
  return {
    title: '5. Server view: admin-ui protocol, 5,000 sockets in 500 rooms (no automation attached)',
    markdown: lines.join('\n'),
    notes: [
      `${runs} run(s), each with a fresh bare socket.io 4.8 server instrumented with \`instrument()\` from @socket.io/admin-ui (basic auth, development mode) in the bench process, fresh ${fmt(SOCKETS)} clients (namespace \`/namespace1\`, WebSocket) in a child process (bench/admin-clients.ts) and a fresh Chromium with no DevTools connection (a DevTools client is sent every WebSocket frame, and the admin stream is thousands of them). The page is the bench build of the inspector (inspector-ui/dist-bench), driven by inspector-ui/src/bench/server-probe.ts: it opens the Server tab, fills the form through its inputs and presses Connect, measures in the page and POSTs its reports to the bench. Per run: ${all.map(r => `${ms(r.firstTree)} / p95 ${ms1(r.updating.p95FrameMs)}`).join(', ')}.`,
      `First full tree: \`performance.now()\` from the click on Connect until the summary shows ${fmt(SOCKETS)} sockets (${all[0].own} more: the view's own admin socket), checked each animation frame, plus one painted frame. "In the model" is when the admin client's model held the \`all_sockets\` snapshot: before it, the server (admin-ui runs \`fetchSockets()\` and serialises every socket) and the wire; after it, the page's own flatten and render. Frame intervals and long tasks are collected in the page (requestAnimationFrame, PerformanceObserver) while the tree loads and from the start of the churn until the summary shows the final count.${footer ? ` Footer at the end: "${footer}".` : ''}`,
      ...(firstTree >= 1000 ? SERVER_VIEW_DIAGNOSIS : []),
      ...(p95Updating >= 20 ? SERVER_VIEW_UPDATES_DIAGNOSIS : []),
      'Variance (2026-11-26, same code): the churn\'s p95 frame was 16.8 ms in three runs alone (`npx tsx bench/run.ts --only=server-view --runs=3 --no-write`), 83 ms median (33–117) in one full `npm run bench` and 16.8 ms in another: the page meets the target when it has the CPU and misses it when the machine is busier.',
      'History: the first version of this benchmark drove the page with Playwright attached and measured 1,033 ms to the first tree and a p95 frame of 117 ms during the churn: a DevTools client is sent every WebSocket frame, and the admin stream is thousands of them. Unattached, the same page meets both targets.',
    ],
  }
}

// ---------------------------------------------------------------------------------------------------

function failed(title: string, error: unknown): BenchSection {
  const message = error instanceof Error ? error.message : String(error)
  return { title, markdown: `Not measured: ${message}`, notes: ['This part failed; see the message above (the other parts ran).'] }
}

export async function runUiBench(options: { runs: number, only?: string[], log: Log }): Promise<BenchSection[]> {
  const { log, only } = options
  const wanted = (part: UiPart): boolean => !only || only.includes('ui') || only.includes(part)
  const parts = UI_PARTS.filter(wanted)
  if (parts.length === 0)
    return []
  if (!existsSync(CHROMIUM))
    return [failed('2–5. UI in Chromium', new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`))]
  // Browser parts repeat less than the Node part: each run is a fresh browser, and the whole bench must stay under 5 minutes.
  const browserRuns = Math.max(1, Math.min(options.runs, 3))

  // The probe parts run on the bench build (the app plus the probe, inspector-ui/dist-bench, built here
  // every run); page load measures the shipped build (inspector-ui/dist), which has no probe.
  const { buildIfStale } = await import('../scripts/build-if-stale')
  if (parts.includes('page-load'))
    await buildIfStale(log)
  const { buildBenchUi } = await import('./build-ui')
  const benchDist = parts.some(part => part !== 'page-load') ? await buildBenchUi({ log }) : undefined
  const { startDemoServer } = await import('../demo-server/src/start')
  const { startInspectorServer } = await import('../inspector-ui/server/index')

  const sections: BenchSection[] = []
  const demo = await startDemoServer({ port: 0, host: '127.0.0.1', log: () => {} })
  const demoUrl = `http://127.0.0.1:${demo.port}`
  let inspector: Awaited<ReturnType<typeof startInspectorServer>> | undefined
  let bench: BenchHttp | undefined
  try {
    inspector = await startInspectorServer({ port: 0, config: { demoUrl }, ...(benchDist ? { distDir: benchDist } : {}) })
    const inspectorUrl = `http://127.0.0.1:${inspector.port}`
    const capture = parts.includes('big-log') ? await makeCapture(100_000) : undefined
    bench = await startBenchHttp(demoUrl, capture?.text ?? '')

    const timed = async (title: string, run: () => Promise<BenchSection>): Promise<void> => {
      log(`\n== ${title}`)
      const started = Date.now()
      const load = os.loadavg()[0]
      const section = await run().catch(error => failed(title, error))
      const seconds = (Date.now() - started) / 1000
      section.notes = [...section.notes ?? [], `Took ${seconds.toFixed(0)} s; load average ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (other work on the machine competes with the browser).`]
      sections.push(section)
    }
    if (parts.includes('ui-ingest'))
      await timed(`2. UI ingest, real Chromium (${browserRuns} run(s))`, () => uiIngest(browserRuns, demoUrl, inspectorUrl, bench!, log))
    if (capture)
      await timed(`3. Big log (${Math.min(browserRuns, 2)} run(s))`, () => bigLog(Math.min(browserRuns, 2), inspectorUrl, bench!, capture, log))
    if (parts.includes('page-load'))
      await timed('4. Page load', () => pageLoad(browserRuns, demoUrl, log))
    if (parts.includes('server-view'))
      await timed(`5. Server view (${browserRuns} run(s))`, () => serverView(browserRuns, inspectorUrl, bench!, log))
  }
  finally {
    await bench?.close()
    await inspector?.close()
    await demo.close()
  }
  return sections
}
