/**
 * The log view's pipeline (see inspector-ui/README.md):
 *
 *   core EventLog ──batch (≤ 1 per macrotask)──▶ LogProjection.ids (plain array, source of truth)
 *                                               └─ publish (adaptive: ≤ 1 per frame idle, down to
 *                                                  1 per 100 ms under load) ─▶ `view` (shallowRef)
 *
 * `ids` holds the ids of the entries that match the view's filter, oldest first, outside Vue. The view
 * publishes `{ ids, length }`: the array is shared (appends don't disturb the `[0, length)` prefix a
 * published view reads), and a new array is made only when entries go (drops, clear, refilter).
 * So publishing costs O(1), not a copy of 100,000 ids per frame. A session's drops can be anywhere in
 * the merged log (each session has its own budget): after a reset, the next publish keeps the ids the
 * log still holds (`filterHeld`, one merged walk), at most once per publish, not once per batch.
 */
import type { InspectorLog, LogEntry, LogFilter, LogIndex } from '#core'
import { compileFilter, logIndexOf, TimeSlice, yieldToEventLoop } from '#core'
import { shallowRef } from 'vue'

export interface ViewIds {
  readonly ids: readonly number[]
  readonly length: number
}

export interface ProjectionOptions {
  /** How publishing is deferred. @default requestAnimationFrame (setTimeout 16 ms where there is none) */
  schedule?: (run: () => void) => void
  /**
   * Space publishes by `publishGap` (load-dependent, up to `MAX_PUBLISH_GAP_MS`) before `schedule`.
   * @default true when `schedule` is the default one, false when a custom `schedule` is given (tests)
   */
  adaptive?: boolean
}

/**
 * A rescan runs in slices of this many milliseconds and yields to the event loop in between (a fresh
 * macrotask, no timer clamp), so a 100,000-entry rescan never blocks input or drawing.
 */
export const SCAN_SLICE_MS = 8

/** Slowest publish rate under load: 10 per second. */
export const MAX_PUBLISH_GAP_MS = 100

/**
 * Minimum time between two publishes, from how long the last publish and its render took (`costMs`) and
 * how many entries per second reach the log (`rate`). Idle: 0 (the next frame). Drawing is kept to about a
 * quarter of the main thread (wait 3× the cost), and a busy stream (≥ 1,000/s) draws at 10 fps, since
 * the page is then saturated by intake; between publishes every entry is still recorded.
 */
export function publishGap(costMs: number, rate: number): number {
  let gap = costMs * 3
  if (rate >= 1000)
    gap = Math.max(gap, MAX_PUBLISH_GAP_MS)
  else if (rate >= 250)
    gap = Math.max(gap, 50)
  return Math.min(MAX_PUBLISH_GAP_MS, Math.round(gap))
}

const RATE_BUCKET_MS = 250
const RATE_WINDOW_BUCKETS = 4

function now(): number {
  return typeof performance === 'undefined' ? Date.now() : performance.now()
}

function defaultSchedule(run: () => void): void {
  if (typeof requestAnimationFrame === 'function')
    requestAnimationFrame(() => run())
  else
    setTimeout(run, 16)
}

export class LogProjection {
  /** What the list renders: replaced at most once per frame. */
  readonly view = shallowRef<ViewIds>({ ids: [], length: 0 })
  /** True while a new filter scans the existing log. */
  readonly scanning = shallowRef(false)

  private ids: number[] = []
  private match: (entry: LogEntry) => boolean
  private filter: LogFilter
  /** Entries with an id ≤ this are hidden by "clear". */
  private clearedThrough = 0
  /**
   * Highest id this view has considered. A batch can carry entries the scan of a new filter already
   * saw (the log appends at once and delivers the batch a macrotask later): skip those.
   */
  private seenThrough = 0
  private paused = false
  /** While paused: the view shows matching entries up to this id only (the last one shown at the pause). */
  private pausedThrough: number | undefined
  /** The log dropped entries since `ids` was last checked against it. */
  private stale = false
  private publishQueued = false
  private scan: { controller: AbortController, until: number, buffered: LogEntry[] } | undefined
  private readonly schedule: (run: () => void) => void
  private readonly adaptive: boolean
  /** Adaptive pacing: when the last publish ran, what it (and its render) cost, entries since. */
  private lastPublishAt = 0
  private lastCost = 0
  private incoming = 0
  private incomingRate = 0
  private readonly disposers: (() => void)[] = []
  private readonly index: LogIndex
  private readonly buckets = Array.from({ length: RATE_WINDOW_BUCKETS }, () => 0)
  private bucketAt = 0

  constructor(private readonly log: InspectorLog, filter: LogFilter, options: ProjectionOptions = {}) {
    this.schedule = options.schedule ?? defaultSchedule
    this.adaptive = options.adaptive ?? options.schedule === undefined
    this.filter = filter
    this.index = logIndexOf(log)
    this.match = this.compile(filter)
    this.disposers.push(log.subscribe(batch => this.onBatch(batch)))
    this.disposers.push(log.onReset(() => this.onReset()))
    void this.refilter()
  }

  /** Matching entries held now (including those not yet published). */
  get total(): number {
    this.prune()
    return this.ids.length
  }

  setFilter(filter: LogFilter): Promise<void> {
    this.filter = filter
    this.match = this.compile(filter)
    return this.refilter()
  }

  /** The filter's predicate (entries arriving, and rescans that cannot use the index). */
  private compile(filter: LogFilter): (entry: LogEntry) => boolean {
    return compileFilter(filter)
  }

  /**
   * Paused: new rows are not drawn (the core keeps recording, and so does `ids`). `throughId` is the
   * last entry shown when the pause began: a view made later for a paused tab (the user switched tabs
   * and back) shows what was shown then, not what came meanwhile. Without it, the newest row shown now.
   */
  setPaused(paused: boolean, throughId?: number): void {
    this.paused = paused
    if (!paused) {
      this.pausedThrough = undefined
      this.queuePublish()
      return
    }
    const shown = this.view.value
    this.pausedThrough = throughId ?? (shown.length > 0 ? shown.ids[shown.length - 1] : 0)
    if (throughId !== undefined)
      this.publishNow()
  }

  /** The newest entry id the view shows now (0: none). */
  lastShownId(): number {
    const shown = this.view.value
    return shown.length > 0 ? shown.ids[shown.length - 1] : 0
  }

  /** Hide everything logged so far from this view (the core log keeps it). */
  clear(): void {
    const last = this.log.at(this.log.size - 1)
    this.clearedThrough = last ? last.id : this.clearedThrough
    this.ids = []
    this.publishNow()
  }

  /** Entries per second over the last second (matching entries only). */
  rate(now = Date.now()): number {
    this.rollBuckets(now)
    let sum = 0
    for (const n of this.buckets) sum += n
    return Math.round(sum * 1000 / (RATE_BUCKET_MS * RATE_WINDOW_BUCKETS))
  }

  dispose(): void {
    this.scan?.controller.abort()
    for (const off of this.disposers.splice(0)) off()
  }

  /** Publish what `ids` holds now, ignoring pause and the frame budget (tests, clear). */
  publishNow(): void {
    this.prune()
    this.view.value = { ids: this.ids, length: this.pausedThrough === undefined ? this.ids.length : countThrough(this.ids, this.pausedThrough) }
  }

  /** Forget the ids the log dropped (a new array, so a published view keeps reading a consistent prefix). */
  private prune(): void {
    if (!this.stale)
      return
    this.stale = false
    this.ids = this.log.filterHeld(this.ids)
  }

  private rollBuckets(now: number): void {
    const slot = Math.floor(now / RATE_BUCKET_MS)
    if (this.bucketAt === 0)
      this.bucketAt = slot
    const steps = Math.min(RATE_WINDOW_BUCKETS, slot - this.bucketAt)
    for (let i = 0; i < steps; i++) {
      this.bucketAt++
      this.buckets[this.bucketAt % RATE_WINDOW_BUCKETS] = 0
    }
    this.bucketAt = slot
  }

  private onBatch(batch: readonly LogEntry[]): void {
    this.incoming += batch.length
    if (this.scan) {
      // The scan covers ids ≤ scan.until; keep what arrives meanwhile for afterwards.
      for (const entry of batch) {
        if (entry.id > this.scan.until)
          this.scan.buffered.push(entry)
      }
      return
    }
    this.append(batch)
  }

  private append(batch: readonly LogEntry[]): void {
    const now = Date.now()
    this.rollBuckets(now)
    let added = 0
    for (const entry of batch) {
      if (entry.id <= this.seenThrough)
        continue
      this.seenThrough = entry.id
      if (entry.id > this.clearedThrough && this.match(entry)) {
        this.ids.push(entry.id)
        added++
      }
    }
    if (added > 0) {
      this.buckets[this.bucketAt % RATE_WINDOW_BUCKETS] += added
      this.queuePublish()
    }
  }

  private onReset(): void {
    if (this.log.size === 0)
      this.ids = []
    else if (this.ids.length > 0)
      this.stale = true
    this.queuePublish(true)
  }

  private queuePublish(force = false): void {
    if ((this.paused && !force) || this.publishQueued)
      return
    this.publishQueued = true
    const run = (): void => {
      this.publishQueued = false
      if (this.paused && !force)
        return
      if (!this.adaptive) {
        this.publishNow()
        return
      }
      const t0 = now()
      const elapsed = t0 - this.lastPublishAt
      this.publishNow()
      // Vue's render of this publish is a microtask queued by publishNow: this one runs after it.
      void Promise.resolve().then(() => {
        this.lastCost = now() - t0
      })
      this.incomingRate = elapsed > 0 ? this.incoming * 1000 / elapsed : 0
      this.incoming = 0
      this.lastPublishAt = t0
    }
    const wait = this.adaptive ? this.lastPublishAt + publishGap(this.lastCost, this.incomingRate) - now() : 0
    if (wait > 4)
      setTimeout(() => this.schedule(run), wait)
    else
      this.schedule(run)
  }

  /**
   * Rebuild `ids` for the current filter in one pass over the log (or, with a name filter, over the
   * name index's ids only), in time slices of `SCAN_SLICE_MS`. Batches that arrive meanwhile wait in
   * `scan.buffered` and are appended at the end; a newer filter aborts this scan.
   */
  private async refilter(): Promise<void> {
    this.scan?.controller.abort()
    const last = this.log.at(this.log.size - 1)
    const scan = { controller: new AbortController(), until: last ? last.id : 0, buffered: [] as LogEntry[] }
    this.scan = scan
    this.seenThrough = 0
    const ids: number[] = []
    const match = this.match
    const after = this.clearedThrough
    // With a name filter only entries of those names can match: walk their ids, not the whole log.
    // With a text filter, the index finds the entries whose cached text holds it; the rest of the
    // filter is then checked on those only. Otherwise every id is checked.
    const name = this.filter.name?.trim()
    const needle = (this.filter.text ?? '').toLowerCase()
    const candidates = name ? this.index.idsForName(name) : undefined
    const byText = !candidates && this.index.canSearchText(needle)
    // The index decided the text: check the rest of the filter only.
    const rest = byText ? compileFilter({ ...this.filter, text: undefined }) : match
    const slice = new TimeSlice(SCAN_SLICE_MS)
    /** Between slices: give the event loop a turn; false when a newer filter took over meanwhile. */
    const pause = async (): Promise<boolean> => {
      if (!slice.expired())
        return true
      this.scanning.value = true
      await yieldToEventLoop()
      if (scan.controller.signal.aborted || this.scan !== scan)
        return false
      slice.start()
      return true
    }
    if (candidates) {
      for (let i = 0; i < candidates.length;) {
        const stop = Math.min(candidates.length, i + 256)
        for (; i < stop; i++) {
          const id = candidates[i]
          if (id > after && id <= scan.until) {
            const entry = this.log.get(id)
            if (entry && match(entry))
              ids.push(id)
          }
        }
        if (i < candidates.length && !(await pause()))
          return
      }
    }
    else if (byText) {
      const found: number[] = []
      // Id ranges of 8,192 (fewer entries where a session's drops left gaps).
      for (let from = Math.max(after + 1, this.log.at(0)?.id ?? 1); from <= scan.until;) {
        const to = Math.min(scan.until, from + 8191)
        found.length = 0
        this.index.textIds(needle, from, to, found)
        for (const id of found) {
          const entry = this.log.get(id)
          if (entry && rest(entry))
            ids.push(id)
        }
        from = to + 1
        if (from <= scan.until && !(await pause()))
          return
      }
    }
    else {
      // Every held entry (ids have gaps where a session dropped entries: walk the log, not the ids); the
      // walk goes on from the last id it gave after a pause, so entries dropped meanwhile are skipped.
      let n = 0
      for (const entry of this.log.range(after + 1, scan.until + 1)) {
        if (match(entry))
          ids.push(entry.id)
        if ((++n & 255) === 0 && !(await pause()))
          return
      }
    }
    if (scan.controller.signal.aborted || this.scan !== scan)
      return
    this.scan = undefined
    this.ids = ids
    this.seenThrough = Math.max(this.seenThrough, scan.until)
    this.scanning.value = false
    // Entries dropped during the scan: forget them; entries that arrived: append.
    this.stale = true
    this.prune()
    this.append(scan.buffered)
    this.publishNow()
  }
}

/** How many of the ascending `ids` are ≤ `id` (binary search: the published prefix of a paused view). */
function countThrough(ids: readonly number[], id: number): number {
  let lo = 0
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ids[mid] <= id)
      lo = mid + 1
    else
      hi = mid
  }
  return lo
}
