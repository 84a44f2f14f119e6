/**
 * Benchmark probe for the big log (`?bench={"mode":"biglog",…}`, bench/ui/big-log.ts; bench build only,
 * dispatched by ./start.ts): import a capture, time the first screen, a name filter and a text filter
 * (typed into the log's inputs), scroll through it, report heap per entry.
 */
import { logIndexOf } from '#core'
import { importCaptureText } from '../lib/files'
import { getInspector, useSessionsStore } from '../stores/sessions'
import { frameStats, heapNow, longTasks, macrotask, nextFrame, post, round1, sampleFrames, tasksBetween, untilPainted } from './measure'

export interface BigLogConfig {
  mode: 'biglog'
  report: string
  /** URL of an exported capture. */
  capture: string
  nameFilter: string
  textFilter: string
  /** A second text filter whose characters are all common in the log (no rare character to scan for). */
  textFilterCommon: string
  /** Frames for one pass through the whole log (large jumps: a dragged scrollbar). */
  jumpFrames: number
  /** Frames of wheel-like scrolling (`wheelPx` per frame). */
  wheelFrames: number
  wheelPx: number
}

const ROW = '[data-testid="log-row"]'

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

/**
 * The floor under the heap per entry: `count` lines of the capture parsed with `JSON.parse` and frozen,
 * held in an array (as the log holds its entries), nothing else; bytes per entry after gc. What the import
 * keeps of an entry is this object (its parsed value becomes the entry, no copy), so no index or view
 * can bring the log below it.
 */
async function parsedEntryBytes(capture: string, count: number): Promise<number> {
  const text = await (await fetch(capture)).text()
  const lines: string[] = []
  // Line 1 is the header; entry n is on line n + 1, each but the last followed by a comma.
  for (let at = text.indexOf('\n') + 1; lines.length < count;) {
    const end = text.indexOf('\n', at)
    if (end < 0)
      break
    const line = text.slice(at, end)
    if (line.startsWith('{'))
      lines.push(line.endsWith(',') ? line.slice(0, -1) : line)
    at = end + 1
  }
  const before = await heapNow()
  const held: unknown[] = lines.map(line => Object.freeze(JSON.parse(line)))
  const after = await heapNow()
  const perEntry = Math.round((after - before) / Math.max(1, held.length))
  held.length = 0
  return perEntry
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
  const byCommonText = await timeFilter('log-filter', config.textFilterCommon, () => true)
  await timeFilter('log-filter', '', () => true)

  const jump = await scrollRun(config.jumpFrames, (i, el) => Math.round(i / config.jumpFrames * (el.scrollHeight - el.clientHeight)))
  const wheel = await scrollRun(config.wheelFrames, i => i * config.wheelPx)

  const heapAfter = await heapNow()
  // How much of the heap the text filter's search texts are (one-byte strings: a byte a character).
  const searchTextChars = logIndexOf(inspector.log).textSize
  const parsedEntryFloor = await parsedEntryBytes(config.capture, 100_000)
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
    commonTextFilterMs: byCommonText.ms,
    commonTextFilterShown: byCommonText.shown,
    scrollJump: jump,
    scrollWheel: wheel,
    heapBefore,
    heapAfter,
    heapPerEntry: Math.round((heapAfter - heapBefore) / Math.max(1, entries)),
    searchTextChars,
    parsedEntryFloor,
    rowsInDom: document.querySelectorAll(ROW).length,
  }
}

/** Entry point (./start.ts). */
export async function startBigLogProbe(config: BigLogConfig): Promise<void> {
  try {
    await post(config.report, { ok: true, ...await bigLog(config) })
  }
  catch (error) {
    await post(config.report, { ok: false, error: error instanceof Error ? error.message : String(error) })
  }
}
