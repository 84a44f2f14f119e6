/**
 * Benchmark probe (issue 6, driven by bench/ui.ts). Only in the bench build (bench/build-ui.ts, Vite mode
 * `bench`), loaded when the page URL carries `?bench=<json>` (./start.ts); the shipped build has none of
 * it (issue 12: a link must not make the inspector connect or post by itself). It drives the real app
 * through its stores, measures inside the page (long tasks, animation-frame intervals, heap) and POSTs
 * one JSON report to `report`: the benchmark runs Chromium with no automation attached, because a
 * DevTools connection halves the page's intake.
 *
 *   ingest:  open a session on the demo server (directly, or through the relay of the inspector server that
 *            served the page: `via: 'relay'`), ask its firehose for `count` ticks at `rate`/s, count what the
 *            core log records, report rate, losses, disconnects, frames, tasks, heap; POST the stream's start
 *            and end to `marks` (the bench reads the processes' CPU time when they arrive).
 *   biglog:  ./probe-biglog (its own file, dispatched by ./start).
 */
import type { LogEntry } from '#core'
import { useCatalogStore } from '../stores/catalog'
import { getInspector, useSessionsStore } from '../stores/sessions'
import { heapNow, longTasks, nextFrame, post, sampleFrames, streamStats } from './measure'

export interface IngestConfig {
  mode: 'ingest'
  report: string
  /** Demo server URL (namespace `/`). */
  url: string
  rate: number
  count: number
  /** `false`: the catalog does not learn during the run (the bench's baseline for its cost). @default true */
  catalog?: boolean
  /** `relay`: the session runs in the inspector server's relay (the connect form's "via relay"). @default 'direct' */
  via?: 'direct' | 'relay'
  /** Where to say "stream starts" (just before the emit) and "stream done" (when `stream:done` is recorded). */
  marks?: { start: string, end: string }
}

const ROW = '[data-testid="log-row"]'

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

// ---- ingest ----

async function ingest(config: IngestConfig): Promise<Record<string, unknown>> {
  const sessions = useSessionsStore()
  const inspector = getInspector()
  useCatalogStore().learning = config.catalog !== false
  const id = sessions.openSession({ url: config.url, transports: ['websocket'], ...(config.via === 'relay' ? { via: 'relay' as const } : {}) })
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
          if (config.marks)
            void post(config.marks.end, {})
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
  if (config.marks)
    void post(config.marks.start, {})
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
    variant: config.via === 'relay' ? 'relay' : 'inspector',
    rate: config.rate,
    count: config.count,
    sent,
    received,
    held,
    droppedFromLog: inspector.log.dropped.entries,
    logSize: inspector.log.size,
    disconnects,
    ...streamStats({ count: config.count, sent, received, t0, t1, deltas }),
    heapBytes,
    rowsInDom: document.querySelectorAll(ROW).length,
    settleMs: Math.round(settleMs),
    timedOut: doneAt === 0,
  }
}

/** Entry point (./start.ts): `raw` is the `bench` query parameter. */
export async function startProbe(raw: string): Promise<void> {
  let config: IngestConfig
  try {
    config = JSON.parse(raw) as IngestConfig
  }
  catch {
    console.error('bench probe: the bench parameter is not JSON')
    return
  }
  try {
    await post(config.report, { ok: true, ...await ingest(config) })
  }
  catch (error) {
    await post(config.report, { ok: false, error: error instanceof Error ? error.message : String(error) })
  }
}
