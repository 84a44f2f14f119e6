/**
 * Benchmark probe (issue 6, driven by bench/ui.ts). Only in the bench build (bench/build-ui.ts, Vite mode
 * `bench`), loaded when the page URL carries `?bench=<json>` (./start.ts); the shipped build has none of
 * it (issue 12: a link must not make the inspector connect or post by itself). It drives the real app
 * through its stores, measures inside the page (long tasks, animation-frame intervals, heap) and POSTs
 * one JSON report to `report`: the benchmark runs Chromium with no automation attached, because a
 * DevTools connection halves the page's intake.
 *
 *   ingest:  open a session on the demo server, ask its firehose for `count` ticks at `rate`/s, count
 *            what the core log records, report rate, losses, disconnects, frames, tasks, heap.
 *   biglog:  import a capture, time the first screen, a name filter and a text filter (typed into the
 *            log's inputs), scroll through it, report heap per entry.
 */
import type { LogEntry } from '#core'
import { importCaptureText } from '../lib/files'
import { useCatalogStore } from '../stores/catalog'
import { getInspector, useSessionsStore } from '../stores/sessions'
import { frameStats, longTasks, nextFrame, post, round1, sampleFrames, tasksBetween } from './measure'

export interface IngestConfig {
  mode: 'ingest'
  report: string
  /** Demo server URL (namespace `/`). */
  url: string
  rate: number
  count: number
  /** `false`: the catalog does not learn during the run (the bench's baseline for its cost). @default true */
  catalog?: boolean
}

export interface BigLogConfig {
  mode: 'biglog'
  report: string
  /** URL of an exported capture. */
  capture: string
  nameFilter: string
  textFilter: string
  /** Frames for one pass through the whole log (large jumps: a dragged scrollbar). */
  jumpFrames: number
  /** Frames of wheel-like scrolling (`wheelPx` per frame). */
  wheelFrames: number
  wheelPx: number
}

export type ProbeConfig = IngestConfig | BigLogConfig

const ROW = '[data-testid="log-row"]'

// ---- measurement helpers: ./measure (the bare page, bench/ui/bare-page.ts, imports the same module) ----

/** `usedJSHeapSize` after a full GC when the page may call `gc()` (Chromium `--js-flags=--expose-gc`). */
async function heapNow(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) {
    gc()
    await new Promise(resolve => setTimeout(resolve, 0))
    gc()
  }
  return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0
}

/**
 * Wait until the page has been quiet (no long task) for `quietMs`, at most `maxMs`: opening a session
 * loads the composer's editor (Monaco, lazily), which is start-up work, not the stream's cost. The
 * editor is waited for explicitly first (its `data-ready`): on a loaded machine its chunk can still be
 * compiling after half a second without a long task, and its evaluation (a 250–650 ms task) then landed
 * inside the stream's window.
 */
async function settle(quietMs = 500, maxMs = 8000): Promise<number> {
  const t0 = performance.now()
  while (!document.querySelector('[data-testid="emit-args"] [data-ready="true"], [data-testid="emit-args"][data-ready="true"]') && performance.now() - t0 < maxMs)
    await new Promise(resolve => setTimeout(resolve, 50))
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 100))
    const now = performance.now()
    const lastEnd = Math.max(t0, ...longTasks.map(t => t.start + t.duration))
    if (now - lastEnd >= quietMs || now - t0 >= maxMs)
      return now - t0
  }
}

const macrotask = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 0))

/** Resolves with the time the screen shows the change: `check()` true, then one frame painted. */
async function untilPainted(what: string, check: () => boolean, timeoutMs = 30_000): Promise<number> {
  const end = performance.now() + timeoutMs
  await new Promise<void>((resolve, reject) => {
    if (check())
      return resolve()
    let timer: ReturnType<typeof setInterval> | undefined
    let observer: MutationObserver | undefined
    const finish = (error?: Error): void => {
      observer?.disconnect()
      clearInterval(timer)
      if (error)
        reject(error)
      else resolve()
    }
    observer = new MutationObserver(() => {
      if (check())
        finish()
    })
    // A change Vue makes that the observer does not report is still seen by the interval.
    timer = setInterval(() => {
      if (check())
        finish()
      else if (performance.now() > end)
        finish(new Error(`timed out (${timeoutMs / 1000} s) waiting for ${what}`))
    }, 5)
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true })
  })
  // Rendered in the DOM; the frame that paints it runs after the next animation frame callback.
  await nextFrame()
  await macrotask()
  return performance.now()
}

// ---- ingest ----

async function ingest(config: IngestConfig): Promise<Record<string, unknown>> {
  const sessions = useSessionsStore()
  const inspector = getInspector()
  useCatalogStore().learning = config.catalog !== false
  const id = sessions.openSession({ url: config.url, transports: ['websocket'] })
  const session = inspector.get(id)!
  await new Promise<void>((resolve, reject) => {
    let off: (() => void) | undefined
    const timer = setTimeout(() => {
      off?.()
      reject(new Error('not connected after 10 s'))
    }, 10_000)
    const check = (): void => {
      if (session.snapshot().status === 'connected') {
        clearTimeout(timer)
        off?.()
        resolve()
      }
    }
    off = session.on('state', check)
    check()
  })

  let received = 0
  let disconnects = 0
  let sent = -1
  let doneAt = 0
  let resolveDone!: () => void
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve
  })
  const off = inspector.log.subscribe((batch: readonly LogEntry[]) => {
    for (const entry of batch) {
      if (entry.sessionId !== id)
        continue
      if (entry.kind === 'event' && entry.direction === 'in') {
        if (entry.name === 'tick') {
          received++
        }
        else if (entry.name === 'stream:done') {
          sent = (entry.args[0] as { sent: number }).sent
          doneAt = performance.now()
          resolveDone()
        }
      }
      else if (entry.kind === 'disconnect') {
        disconnects++
        if (doneAt === 0)
          resolveDone()
      }
    }
  })

  const settleMs = await settle()
  await heapNow()
  const frames = sampleFrames()
  const t0 = performance.now()
  const emitted = sessions.emit(id, 'stream:start', [{ rate: config.rate, count: config.count }], { ack: true })
  if (!emitted.ok)
    throw new Error(`emit failed: ${emitted.error}`)
  const timeout = new Promise<void>(resolve => setTimeout(resolve, 20_000 + config.count / config.rate * 4000))
  await Promise.race([done, timeout])
  const t1 = doneAt || performance.now()
  const deltas = frames.stop()
  off()
  // Let the view catch up, then count what the log holds.
  await nextFrame()
  let held = 0
  for (const entry of inspector.log) {
    if (entry.kind === 'event' && entry.sessionId === id && entry.name === 'tick')
      held++
  }
  const heapBytes = await heapNow()
  return {
    variant: 'inspector',
    rate: config.rate,
    count: config.count,
    sent,
    received,
    held,
    droppedFromLog: inspector.log.dropped.entries,
    logSize: inspector.log.size,
    lost: sent < 0 ? config.count - received : sent - received,
    disconnects,
    seconds: (t1 - t0) / 1000,
    eventsPerSecond: received / ((t1 - t0) / 1000),
    ...tasksBetween(t0, t1),
    ...frameStats(deltas),
    heapBytes,
    rowsInDom: document.querySelectorAll(ROW).length,
    settleMs: Math.round(settleMs),
    timedOut: doneAt === 0,
  }
}

// ---- big log ----

function rowIds(): string {
  return [...document.querySelectorAll(ROW)].map(r => r.getAttribute('data-id')).join(',')
}

function logInput(testId: string): HTMLInputElement {
  const input = document.querySelector<HTMLInputElement>(`[data-testid="event-log"] [data-testid="${testId}"]`)
  if (!input)
    throw new Error(`no ${testId} input`)
  return input
}

/** The log is not scanning (its meter shows a count, not "…"). */
function shownCount(): number | undefined {
  const meters = document.querySelectorAll('[data-testid="event-log"] .meter')
  for (const meter of meters) {
    const text = meter.textContent?.trim() ?? ''
    if (/^\d+$/.test(text) && !meter.getAttribute('title')?.includes('per second'))
      return Number(text)
  }
  return undefined
}

/** Type a filter (as `v-model` sees typing) and time until the changed rows are painted. */
async function timeFilter(testId: string, value: string, accept: () => boolean): Promise<{ ms: number, shown: number | undefined }> {
  const input = logInput(testId)
  const before = rowIds()
  performance.mark(`bench:filter-start ${testId}=${value}`)
  const t0 = performance.now()
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
  const t1 = await untilPainted(`the ${testId} "${value}" rows`, () => shownCount() !== undefined && document.querySelector(ROW) !== null && rowIds() !== before && accept())
  performance.mark(`bench:filter-painted ${testId}=${value}`)
  return { ms: round1(t1 - t0), shown: shownCount() }
}

function scroller(): HTMLElement {
  const root = document.querySelector('[data-testid="event-log"]')
  const el = root?.querySelector<HTMLElement>('.vlist')
    ?? [...(root?.querySelectorAll<HTMLElement>('*') ?? [])].find(e => e.scrollHeight > e.clientHeight + 100)
  if (!el)
    throw new Error('no scroller in the event log')
  return el
}

async function scrollRun(frames: number, position: (i: number, el: HTMLElement) => number): Promise<{ frames: number, p95FrameMs: number, maxFrameMs: number, longestTaskMs: number }> {
  const el = scroller()
  el.scrollTop = 0
  await nextFrame()
  await nextFrame()
  const sampler = sampleFrames()
  const t0 = performance.now()
  for (let i = 1; i <= frames; i++) {
    el.scrollTop = position(i, el)
    await nextFrame()
  }
  await nextFrame()
  const t1 = performance.now()
  const deltas = sampler.stop()
  return { ...frameStats(deltas), longestTaskMs: tasksBetween(t0, t1).longestTaskMs }
}

async function bigLog(config: BigLogConfig): Promise<Record<string, unknown>> {
  const sessions = useSessionsStore()
  const inspector = getInspector()
  await nextFrame()
  const heapBefore = await heapNow()
  const tf = performance.now()
  let text = await (await fetch(config.capture)).text()
  const fetchMs = performance.now() - tf

  // As the Import button does (App.vue): the import runs in slices and opens the tab after the first one.
  performance.mark('bench:import-start')
  const t0 = performance.now()
  let tImported = 0
  const importing = importCaptureText(inspector, text, ids => sessions.activate(ids[0])).then((r) => {
    tImported = performance.now()
    return r
  })
  text = ''
  const tShown = await Promise.race([
    untilPainted('the first rows', () => document.querySelector(ROW) !== null),
    importing.then(r => r.ok ? new Promise<number>(() => {}) : Promise.reject(new Error(`import failed: ${r.error}`))),
  ])
  performance.mark('bench:first-rows')
  const result = await importing
  if (!result.ok)
    throw new Error(`import failed: ${result.error}`)
  // Filters are timed on the whole log: wait until its last entries are shown too.
  await untilPainted('every imported entry', () => shownCount() === result.entries)
  const tAll = performance.now()
  const entries = inspector.log.size

  // Let the import's batch settle, then filter.
  await nextFrame()
  await macrotask()
  const byName = await timeFilter('log-name-filter', config.nameFilter, () =>
    [...document.querySelectorAll(ROW)].every(r => r.getAttribute('data-event') === config.nameFilter))
  const nameCleared = await timeFilter('log-name-filter', '', () => true)
  const byText = await timeFilter('log-filter', config.textFilter, () => true)
  const textCleared = await timeFilter('log-filter', '', () => true)

  const jump = await scrollRun(config.jumpFrames, (i, el) => Math.round(i / config.jumpFrames * (el.scrollHeight - el.clientHeight)))
  const wheel = await scrollRun(config.wheelFrames, i => i * config.wheelPx)

  const heapAfter = await heapNow()
  return {
    entries,
    fetchMs: round1(fetchMs),
    importMs: round1(tImported - t0),
    firstScreenMs: round1(tShown - t0),
    allShownMs: round1(tAll - t0),
    // Tasks overlapping the import (the first one starts before t0: it is the task that calls the import).
    importLongestTaskMs: Math.round(Math.max(0, ...longTasks.filter(t => t.start + t.duration >= t0 && t.start <= tImported).map(t => t.duration))),
    nameFilterMs: byName.ms,
    nameFilterShown: byName.shown,
    nameClearMs: nameCleared.ms,
    textFilterMs: byText.ms,
    textFilterShown: byText.shown,
    textClearMs: textCleared.ms,
    scrollJump: jump,
    scrollWheel: wheel,
    heapBefore,
    heapAfter,
    heapPerEntry: Math.round((heapAfter - heapBefore) / Math.max(1, entries)),
    rowsInDom: document.querySelectorAll(ROW).length,
  }
}

/** Entry point (main.ts): `raw` is the `bench` query parameter. */
export async function startProbe(raw: string): Promise<void> {
  let config: ProbeConfig
  try {
    config = JSON.parse(raw) as ProbeConfig
  }
  catch {
    console.error('bench probe: the bench parameter is not JSON')
    return
  }
  try {
    const report = config.mode === 'ingest' ? await ingest(config) : await bigLog(config)
    await post(config.report, { ok: true, ...report })
  }
  catch (error) {
    await post(config.report, { ok: false, error: error instanceof Error ? error.message : String(error) })
  }
}
