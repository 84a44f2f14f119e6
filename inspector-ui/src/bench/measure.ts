/**
 * What the in-page benchmark probes measure with (bench/ui.ts runs Chromium with no automation
 * attached, so the page measures itself): animation-frame intervals, long tasks, percentiles, and the
 * POST that carries a report home. The bare page of the UI ingest part (bench/ui/bare-page.ts) imports it
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
