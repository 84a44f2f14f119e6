/**
 * What the in-page benchmark probes measure with (bench/ui.ts runs Chromium with no automation
 * attached, so the page measures itself): animation-frame intervals, long tasks, percentiles, and the
 * POST that carries a report home. The counting page of the UI ingest part (bench/ui/counting-page.ts) imports it
 * too, so both pages are measured the same way: keep it free of app imports.
 */

export interface FrameSampler { stop: () => number[] }

/** Intervals between animation frames from now until `stop()`. */
export function sampleFrames(): FrameSampler {
  const deltas: number[] = []
  let last = 0
  let running = true
  const loop = (t: number): void => {
    if (!running)
      return
    if (last)
      deltas.push(t - last)
    last = t
    requestAnimationFrame(loop)
  }
  requestAnimationFrame(loop)
  return { stop: () => {
    running = false
    return deltas
  } }
}

/** Every long task of the page since this module loaded (PerformanceObserver `longtask`, buffered). */
export const longTasks: Array<{ start: number, duration: number }> = []
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration })
  }).observe({ type: 'longtask', buffered: true })
}
catch {}

/** Long tasks that started in [from, to]: the longest, and how many passed 50 / 100 ms. */
export function tasksBetween(from: number, to: number): { longestTaskMs: number, tasksOver50: number, tasksOver100: number } {
  const inside = longTasks.filter(t => t.start >= from && t.start <= to)
  return {
    longestTaskMs: Math.round(Math.max(0, ...inside.map(t => t.duration))),
    tasksOver50: inside.filter(t => t.duration > 50).length,
    tasksOver100: inside.filter(t => t.duration > 100).length,
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0)
    return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10
}

export function frameStats(deltas: number[]): { frames: number, p95FrameMs: number, maxFrameMs: number } {
  return { frames: deltas.length, p95FrameMs: round1(percentile(deltas, 95)), maxFrameMs: round1(Math.max(0, ...deltas)) }
}

/**
 * What every ingest page reports about one stream, computed one way (the counting page and the inspector's
 * probe are compared with each other): losses against what the server says it sent (or was asked, when it
 * never said), the rate over [t0, t1], long tasks in that window and the frame intervals sampled in it.
 */
export function streamStats(stream: { count: number, sent: number, received: number, t0: number, t1: number, deltas: number[] }): Record<string, number> {
  const seconds = (stream.t1 - stream.t0) / 1000
  return {
    lost: stream.sent < 0 ? stream.count - stream.received : stream.sent - stream.received,
    seconds,
    eventsPerSecond: stream.received / seconds,
    ...tasksBetween(stream.t0, stream.t1),
    ...frameStats(stream.deltas),
  }
}

export const nextFrame = (): Promise<number> => new Promise(resolve => requestAnimationFrame(resolve))

/** Resolves with `check()`'s first truthy value, checked every animation frame (what the user can see). */
export async function eachFrameUntil<T>(what: string, check: () => T | false | undefined, timeoutMs: number): Promise<T> {
  const end = performance.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value)
      return value
    if (performance.now() > end)
      throw new Error(`timed out (${timeoutMs / 1000} s) waiting for ${what}`)
    await nextFrame()
  }
}

export async function post(url: string, report: unknown): Promise<void> {
  await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(report) })
}

/** `usedJSHeapSize` after a full GC when the page may call `gc()` (Chromium `--js-flags=--expose-gc`). */
export async function heapNow(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) {
    gc()
    await new Promise(resolve => setTimeout(resolve, 0))
    gc()
  }
  return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0
}

export const macrotask = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 0))

/** Resolves with the time the screen shows the change: `check()` true, then one frame painted. */
export async function untilPainted(what: string, check: () => boolean, timeoutMs = 30_000): Promise<number> {
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
