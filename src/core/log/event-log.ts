import type { DropCounts, InspectorLog, LogEntry, LogLimits, NewEntry } from '../types'

/** Default limits: 100,000 entries, 256 MB of retained bytes (estimate). */
export const DEFAULT_LOG_LIMITS: Readonly<Required<LogLimits>> = Object.freeze({
  maxEntries: 100_000,
  maxBytes: 268_435_456,
})

/** Bytes counted for entries that carry no `bytes` field (lifecycle, notes): a small object's footprint. */
const BASE_ENTRY_BYTES = 96

export interface EventLogOptions {
  /**
   * How batches are scheduled. Called at most once per pending batch; call `flush` later.
   * @default a coalesced `setTimeout(flush, 0)` (one batch per macrotask)
   */
  schedule?: (flush: () => void) => void
}

type Listener = (batch: readonly LogEntry[]) => void

function entryBytes(entry: LogEntry): number {
  const b = (entry as { bytes?: unknown }).bytes
  return typeof b === 'number' && b > 0 ? b : BASE_ENTRY_BYTES
}

/**
 * The merged timeline of every session: a ring buffer over one preallocated array.
 *
 * - `append` is O(1): no copy of the log, no per-event work beyond freezing the entry.
 * - Bounded twice: by entries and by estimated bytes; the oldest entries go first and are counted in `dropped`.
 * - `get(id)` is O(1): ids are consecutive, so the position is `id - firstId`.
 * - Subscribers get the entries appended since the last batch, once per macrotask, never one call per event.
 *
 * @example
 * const log = new EventLog({ maxEntries: 10_000 })
 * const stop = log.subscribe(batch => console.log(`${batch.length} new entries`))
 * const e = log.append({ kind: 'note', level: 'info', message: 'hi', sessionId: 's1',
 *   time: Date.now(), mono: performance.now(), direction: 'local' })
 * log.get(e.id) === e // true
 * stop()
 */
export class EventLog implements InspectorLog {
  readonly limits: Required<LogLimits>
  private readonly ring: (LogEntry | undefined)[]
  private readonly cap: number
  /** Ring position of the oldest entry. */
  private head = 0
  private count = 0
  private heldBytes = 0
  private nextId = 1
  private readonly dropCounts: DropCounts = { entries: 0, bytes: 0 }
  private readonly listeners = new Set<Listener>()
  private readonly resetListeners = new Set<() => void>()
  private pending: LogEntry[] = []
  private scheduled = false
  private resetPending = false
  private readonly schedule: (flush: () => void) => void
  private readonly flushBound = (): void => this.flush()

  constructor(limits?: LogLimits, options?: EventLogOptions) {
    const maxEntries = Math.max(1, Math.floor(limits?.maxEntries ?? DEFAULT_LOG_LIMITS.maxEntries))
    const maxBytes = Math.max(1, limits?.maxBytes ?? DEFAULT_LOG_LIMITS.maxBytes)
    this.limits = Object.freeze({ maxEntries, maxBytes })
    this.cap = maxEntries
    // Preallocated once (holey array of `cap` slots); entries are written in place, never spliced.
    this.ring = Array.from({ length: maxEntries })
    this.schedule = options?.schedule ?? (flush => setTimeout(flush, 0))
  }

  get size(): number { return this.count }
  get bytes(): number { return this.heldBytes }
  get dropped(): Readonly<DropCounts> { return { ...this.dropCounts } }
  /** Id of the oldest entry held (or the next id when empty). */
  get firstId(): number { return this.nextId - this.count }
  /** Id the next appended entry will get. */
  get nextEntryId(): number { return this.nextId }

  append<E extends LogEntry>(entry: NewEntry<E>): E {
    const full = entry as unknown as { id: number }
    full.id = this.nextId++
    const frozen = Object.freeze(full) as unknown as E
    const size = entryBytes(frozen)
    if (this.count === this.cap)
      this.dropOldest()
    this.ring[(this.head + this.count) % this.cap] = frozen
    this.count++
    this.heldBytes += size
    // Keep at least the entry just appended, even when it alone is over the byte budget.
    while (this.heldBytes > this.limits.maxBytes && this.count > 1)
      this.dropOldest()
    if (this.listeners.size > 0) {
      this.pending.push(frozen)
      // Bound the pending batch if nobody flushes for a long time (e.g. a paused scheduler).
      if (this.pending.length > this.cap * 2)
        this.pending = this.pending.slice(this.pending.length - this.cap)
      this.requestFlush()
    }
    return frozen
  }

  private dropOldest(): void {
    const e = this.ring[this.head]
    this.ring[this.head] = undefined
    this.head = (this.head + 1) % this.cap
    this.count--
    if (e) {
      const b = entryBytes(e)
      this.heldBytes -= b
      this.dropCounts.entries++
      this.dropCounts.bytes += b
    }
    if (!this.resetPending) {
      this.resetPending = true
      this.requestFlush()
    }
  }

  private requestFlush(): void {
    if (this.scheduled)
      return
    this.scheduled = true
    this.schedule(this.flushBound)
  }

  /** Deliver the pending batch now (also called by the scheduler). */
  flush(): void {
    this.scheduled = false
    if (this.resetPending) {
      this.resetPending = false
      for (const l of [...this.resetListeners]) safeCall(l)
    }
    if (this.pending.length === 0)
      return
    let batch = this.pending
    this.pending = []
    // Entries dropped before the batch went out are not delivered (ids are monotonic: cut the front).
    const first = this.firstId
    if (batch[0].id < first) {
      let i = 0
      while (i < batch.length && batch[i].id < first) i++
      batch = batch.slice(i)
    }
    if (batch.length === 0)
      return
    Object.freeze(batch)
    for (const l of [...this.listeners]) safeCall(() => l(batch))
  }

  get(id: number): LogEntry | undefined {
    const index = id - this.firstId
    if (!Number.isInteger(index) || index < 0 || index >= this.count)
      return undefined
    return this.ring[(this.head + index) % this.cap]
  }

  at(index: number): LogEntry | undefined {
    if (index < 0)
      index += this.count
    if (!Number.isInteger(index) || index < 0 || index >= this.count)
      return undefined
    return this.ring[(this.head + index) % this.cap]
  }

  * [Symbol.iterator](): Iterator<LogEntry> {
    // Walk by id so that appends/drops during iteration neither repeat nor skip live entries.
    const end = this.nextId
    for (let id = this.firstId; id < end; id++) {
      const e = this.get(id)
      if (e)
        yield e
    }
  }

  /** Entries with ids in `[fromId, toId)` that are still held, oldest first. */
  * range(fromId: number, toId: number = this.nextId): Generator<LogEntry> {
    for (let id = Math.max(fromId, this.firstId); id < toId; id++) {
      const e = this.get(id)
      if (e)
        yield e
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0)
        this.pending = []
    }
  }

  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener)
    return () => {
      this.resetListeners.delete(listener)
    }
  }

  /** Remove every entry. Ids keep counting (never reused); `dropped` is not changed. */
  clear(): void {
    this.ring.fill(undefined)
    this.head = 0
    this.count = 0
    this.heldBytes = 0
    this.pending = []
    this.resetPending = false
    for (const l of [...this.resetListeners]) safeCall(l)
  }
}

function safeCall(fn: () => void): void {
  try {
    fn()
  }
  catch (err) {
    // A faulty listener must not break the log or the other listeners.
    console.error('[sio-inspector] log listener failed:', err)
  }
}
