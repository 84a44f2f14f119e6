import type { DropCounts, InspectorLog, LogEntry, LogLimits, NewEntry, SessionLogStats } from '../types'

/** Default limits: 100,000 entries, 256 MB of retained bytes (estimate). */
export const DEFAULT_LOG_LIMITS: Readonly<Required<LogLimits>> = Object.freeze({
  maxEntries: 100_000,
  maxBytes: 268_435_456,
})

/** Bytes counted for entries that carry no `bytes` field (lifecycle, notes): a small object's footprint. */
const BASE_ENTRY_BYTES = 96
/** Distinct event names the log keeps one copy of (an app has tens; a stream of unique names is not held). */
const MAX_INTERNED_NAMES = 10_000
/** Longer names are not interned (rare, and the map would hold them). */
const MAX_INTERNED_NAME_LENGTH = 200

export interface EventLogOptions {
  /**
   * How batches are scheduled. Called at most once per pending batch; call `flush` later.
   * @default a coalesced `setTimeout(flush, 0)` (one batch per macrotask)
   */
  schedule?: (flush: () => void) => void
  /**
   * Deliver every appended entry to subscribers, even one the limits dropped before its batch went out
   * (and never cut a long pending batch). For a buffer that forwards what it records, like the relay's:
   * an entry bigger than its byte share (a 34 MB event against a 64 MB buffer, strings counted 2 bytes a
   * character) is dropped as soon as the next entry comes, before the batch leaves, and would never reach
   * the page. @default false (views get only the entries the log still holds)
   */
  deliverDropped?: boolean
}

type Listener = (batch: readonly LogEntry[]) => void

function entryBytes(entry: LogEntry): number {
  const b = (entry as { bytes?: unknown }).bytes
  return typeof b === 'number' && b > 0 ? b : BASE_ENTRY_BYTES
}

/**
 * One session's part of the log. `queue` holds the ids of its held entries, oldest first (a ring over a
 * typed array that doubles when full: no allocation per entry), so its oldest entry is found in O(1).
 */
interface Share {
  readonly sessionId: string
  held: number
  bytes: number
  readonly dropped: DropCounts
  queue: Float64Array
  qHead: number
  /** Position in `EventLog.active` while `held > 0`, else -1. */
  activeAt: number
}

const EMPTY_STATS: SessionLogStats = Object.freeze({ held: 0, bytes: 0, dropped: Object.freeze({ entries: 0, bytes: 0 }) })

/**
 * The merged timeline of every session, bounded by entries and by estimated bytes, with a fair share of
 * both for each session.
 *
 * **Budget policy.** The limits bound the whole log (`maxEntries` entries, `maxBytes` bytes). With `n`
 * sessions holding entries, each one's share is `limit / n`. When an append takes the log over a limit,
 * one entry goes: the oldest entry of the appending session if it holds more than its share, else the
 * oldest entry of the session that holds the most (over its share, since the total is over the limit).
 * So a session's entries are dropped only by its own overflow: a server flooding one tab with pings
 * empties that tab's oldest rows, never another tab's. A session at or under its share keeps everything;
 * the newest entry is always kept. Every drop is counted, in total (`dropped`) and per session
 * (`statsFor(id).dropped`), so a view can say what it lost.
 *
 * **Storage.** One preallocated ring in id order (ids increase by one per append) with room for
 * `maxEntries` plus a quarter. A drop from the middle leaves a hole (the slot keeps its id); holes at
 * either end are trimmed at once, and the ring is compacted in place when it fills, which happens at
 * most once per `maxEntries / 4` appends: amortised O(1) per append, no allocation. `get(id)` is O(1) while
 * no hole was compacted away (the id gives the position), else a binary search over the slots' ids.
 * Ids are increasing but not consecutive: walk `range()`, not every id between two ids.
 *
 * Subscribers get the entries appended since the last batch, once per macrotask, never one call per event.
 *
 * @example
 * const log = new EventLog({ maxEntries: 10_000 })
 * const stop = log.subscribe(batch => console.log(`${batch.length} new entries`))
 * const e = log.append({ kind: 'note', level: 'info', message: 'hi', sessionId: 's1',
 *   time: Date.now(), mono: performance.now(), direction: 'local' })
 * log.get(e.id) === e // true
 * log.statsFor('s1') // { held: 1, bytes: 96, dropped: { entries: 0, bytes: 0 } }
 * stop()
 */
export class EventLog implements InspectorLog {
  readonly limits: Required<LogLimits>
  private readonly ring: (LogEntry | undefined)[]
  /** Id of the entry in each slot, kept when the slot becomes a hole (ascending from `head`). */
  private readonly slotIds: Float64Array
  /** Physical slots: `maxEntries` plus room for holes. */
  private readonly cap: number
  /** `limits`, unboxed for the append path. */
  private readonly maxEntries: number
  private readonly maxBytes: number
  /** Ring position of the oldest slot in use (always a held entry when `live > 0`). */
  private head = 0
  /** Slots in use from `head`, holes included. */
  private used = 0
  /** Entries held. */
  private live = 0
  private heldBytes = 0
  private nextId = 1
  /** Bumped whenever slot offsets move (head trimmed, compaction, clear): iterators relocate by id. */
  private version = 0
  private readonly dropCounts: DropCounts = { entries: 0, bytes: 0 }
  private readonly shares = new Map<string, Share>()
  /** Shares with `held > 0`, in no order (swap-removed). */
  private readonly active: Share[] = []
  private lastShare: Share | undefined
  private readonly listeners = new Set<Listener>()
  /** Event names seen, each the one copy entries share (`internName`). */
  private readonly names = new Map<string, string>()
  private readonly resetListeners = new Set<() => void>()
  private pending: LogEntry[] = []
  private scheduled = false
  private resetPending = false
  /** Entries were dropped since the pending batch began: filter it before delivery. */
  private droppedSinceFlush = false
  private readonly schedule: (flush: () => void) => void
  private readonly deliverDropped: boolean
  private readonly flushBound = (): void => this.flush()

  constructor(limits?: LogLimits, options?: EventLogOptions) {
    const maxEntries = Math.max(1, Math.floor(limits?.maxEntries ?? DEFAULT_LOG_LIMITS.maxEntries))
    const maxBytes = Math.max(1, limits?.maxBytes ?? DEFAULT_LOG_LIMITS.maxBytes)
    this.limits = Object.freeze({ maxEntries, maxBytes })
    this.maxEntries = maxEntries
    this.maxBytes = maxBytes
    // A quarter more slots than entries: holes left by per-session drops are compacted once per
    // maxEntries/4 appends at most (and one slot for the entry appended before a drop).
    this.cap = maxEntries + Math.max(64, Math.ceil(maxEntries / 4))
    // Preallocated once (holey array of `cap` slots); entries are written in place, never spliced.
    this.ring = Array.from({ length: this.cap })
    this.slotIds = new Float64Array(this.cap)
    this.schedule = options?.schedule ?? (flush => setTimeout(flush, 0))
    this.deliverDropped = options?.deliverDropped ?? false
  }

  get size(): number { return this.live }
  get bytes(): number { return this.heldBytes }
  get dropped(): Readonly<DropCounts> { return { ...this.dropCounts } }
  /** Id of the oldest entry held (or the next id when empty). */
  get firstId(): number { return this.live > 0 ? this.slotIds[this.head] : this.nextId }
  /** Id the next appended entry will get. */
  get nextEntryId(): number { return this.nextId }

  statsFor(sessionId: string): SessionLogStats {
    const s = this.shares.get(sessionId)
    return s ? { held: s.held, bytes: s.bytes, dropped: { ...s.dropped } } : EMPTY_STATS
  }

  /** Every session the log has seen (held entries or drops), with its stats. */
  sessionStats(): Map<string, SessionLogStats> {
    const out = new Map<string, SessionLogStats>()
    for (const s of this.shares.values()) out.set(s.sessionId, { held: s.held, bytes: s.bytes, dropped: { ...s.dropped } })
    return out
  }

  append<E extends LogEntry>(entry: NewEntry<E>): E {
    const full = entry as unknown as { id: number, name?: unknown }
    const id = this.nextId++
    full.id = id
    // Event names repeat, and in Node 20 every parsed packet or imported line brings its own copy of the
    // string (its V8 internalizes only very short JSON strings): ≈ 30 B an entry, measured. Keep one.
    // (Chromium's newer V8 already shares them: no change in the browser's heap per entry.)
    if (typeof full.name === 'string')
      full.name = this.internName(full.name)
    const frozen = Object.freeze(full) as unknown as E
    const size = entryBytes(frozen)
    const share = this.shareOf(frozen.sessionId)
    if (this.used === this.cap)
      this.compact()
    let at = this.head + this.used
    if (at >= this.cap)
      at -= this.cap
    this.ring[at] = frozen
    this.slotIds[at] = id
    this.used++
    this.live++
    this.heldBytes += size
    this.enqueue(share, id)
    share.bytes += size
    if (this.live > this.maxEntries)
      this.dropFor(share, false)
    // Keep at least the entry just appended, even when it alone is over the byte budget.
    while (this.heldBytes > this.maxBytes && this.live > 1) {
      if (!this.dropFor(share, true))
        break
    }
    if (this.listeners.size > 0) {
      this.pending.push(frozen)
      // Bound the pending batch if nobody flushes for a long time (e.g. a paused scheduler).
      if (this.pending.length > this.maxEntries * 2 && !this.deliverDropped)
        this.pending = this.pending.slice(this.pending.length - this.maxEntries)
      this.requestFlush()
    }
    return frozen
  }

  /** One string per event name (bounded: a stream of unique names is kept as it comes). */
  private internName(name: string): string {
    const known = this.names.get(name)
    if (known !== undefined)
      return known
    if (this.names.size < MAX_INTERNED_NAMES && name.length <= MAX_INTERNED_NAME_LENGTH)
      this.names.set(name, name)
    return name
  }

  private shareOf(sessionId: string): Share {
    const last = this.lastShare
    if (last && last.sessionId === sessionId)
      return last
    let s = this.shares.get(sessionId)
    if (!s) {
      s = { sessionId, held: 0, bytes: 0, dropped: { entries: 0, bytes: 0 }, queue: new Float64Array(16), qHead: 0, activeAt: -1 }
      this.shares.set(sessionId, s)
    }
    this.lastShare = s
    return s
  }

  private enqueue(s: Share, id: number): void {
    let q = s.queue
    if (s.held === q.length) {
      // Double, unwrapping the ring (amortised: a session grows to its share once).
      const next = new Float64Array(q.length * 2)
      for (let i = 0; i < s.held; i++) next[i] = q[(s.qHead + i) & (q.length - 1)]
      q = next
      s.queue = q
      s.qHead = 0
    }
    q[(s.qHead + s.held) & (q.length - 1)] = id
    if (s.held === 0) {
      s.activeAt = this.active.length
      this.active.push(s)
    }
    s.held++
  }

  /**
   * Drop one entry to get back under a limit after `appender` appended: see the class comment for who
   * gives it up. Returns false when no session other than the appender is over its share and the
   * appender holds only the entry just appended (one entry bigger than its byte share: kept, alone).
   */
  private dropFor(appender: Share, byBytes: boolean): boolean {
    const shareLimit = (byBytes ? this.maxBytes : this.maxEntries) / this.active.length
    if ((byBytes ? appender.bytes : appender.held) > shareLimit && appender.held > 1) {
      this.dropOldestOf(appender)
      return true
    }
    // The session holding the most, over its share (there is one when the appender is under its own:
    // the total is over the limit). O(sessions holding entries), only when an appender under its share
    // meets a full log. Never the entry just appended.
    let victim: Share | undefined
    let most = shareLimit
    for (const s of this.active) {
      if (s === appender && s.held === 1)
        continue
      const v = byBytes ? s.bytes : s.held
      if (v > most) {
        most = v
        victim = s
      }
    }
    if (!victim)
      return false
    this.dropOldestOf(victim)
    return true
  }

  private dropOldestOf(s: Share): void {
    const q = s.queue
    const id = q[s.qHead]
    s.qHead = (s.qHead + 1) & (q.length - 1)
    s.held--
    if (s.held === 0) {
      s.qHead = 0
      // A session that holds nothing (a closed tab flooded out) keeps its counts, not its grown queue.
      if (s.queue.length > 16)
        s.queue = new Float64Array(16)
      const last = this.active.pop()!
      if (last !== s) {
        this.active[s.activeAt] = last
        last.activeAt = s.activeAt
      }
      s.activeAt = -1
    }
    const off = this.offsetOf(id)
    const at = this.slot(off)
    const e = this.ring[at]!
    this.ring[at] = undefined
    this.live--
    const b = entryBytes(e)
    this.heldBytes -= b
    s.bytes -= b
    s.dropped.entries++
    s.dropped.bytes += b
    this.dropCounts.entries++
    this.dropCounts.bytes += b
    if (off === 0) {
      // Trim holes at the front: the head is always a held entry (at(0), firstId are O(1)).
      while (this.used > 0 && this.ring[this.head] === undefined) {
        this.head = this.head + 1 === this.cap ? 0 : this.head + 1
        this.used--
      }
      this.version++
    }
    else if (off === this.used - 1) {
      while (this.used > 0 && this.ring[this.slot(this.used - 1)] === undefined) this.used--
    }
    this.droppedSinceFlush = true
    if (!this.resetPending) {
      this.resetPending = true
      this.requestFlush()
    }
  }

  /** Ring position of the slot `off` places after the head. */
  private slot(off: number): number {
    const at = this.head + off
    return at >= this.cap ? at - this.cap : at
  }

  /**
   * Offset (from the head) of the first slot whose id is ≥ `id`, searching from offset `from`; `used` when
   * none. An id is at most `id - slotIds[head]` slots after the head (ids grow by one per slot, holes
   * compacted away make the distance shorter): the dense case needs one comparison.
   */
  private lowerBound(id: number, from = 0): number {
    if (this.used === 0)
      return 0
    const ids = this.slotIds
    let lo = from
    if (lo >= this.used || ids[this.slot(lo)] >= id)
      return lo
    let hi = Math.min(this.used, lo + (id - ids[this.slot(lo)]) + 1)
    if (hi - 1 > lo && hi - 1 < this.used && ids[this.slot(hi - 1)] === id)
      return hi - 1
    // Invariant: ids[lo] < id, and ids[hi] ≥ id (or hi = used).
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1
      if (ids[this.slot(mid)] < id)
        lo = mid
      else hi = mid
    }
    return hi
  }

  /** Offset of the slot holding `id`, or -1. */
  private offsetOf(id: number): number {
    if (this.used === 0)
      return -1
    const off = this.lowerBound(id)
    return off < this.used && this.slotIds[this.slot(off)] === id ? off : -1
  }

  /** Close the holes, in place (one pass over the used slots; no allocation). */
  private compact(): void {
    if (this.used === this.live)
      return
    let w = 0
    for (let r = 0; r < this.used; r++) {
      const from = this.slot(r)
      const e = this.ring[from]
      if (e === undefined)
        continue
      if (w !== r) {
        const to = this.slot(w)
        this.ring[to] = e
        this.slotIds[to] = this.slotIds[from]
        this.ring[from] = undefined
      }
      w++
    }
    this.used = w
    this.version++
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
    if (this.pending.length === 0) {
      this.droppedSinceFlush = false
      return
    }
    let batch = this.pending
    this.pending = []
    const dropped = this.droppedSinceFlush
    this.droppedSinceFlush = false
    if (dropped && !this.deliverDropped) {
      // Entries dropped before the batch went out are not delivered. A session's drops are its oldest
      // entries, so an entry is held exactly when its id is at least its session's oldest held id.
      let keep: LogEntry[] | undefined
      for (let i = 0; i < batch.length; i++) {
        const held = this.isHeld(batch[i])
        if (!held && !keep)
          keep = batch.slice(0, i)
        else if (held && keep)
          keep.push(batch[i])
      }
      if (keep)
        batch = keep
    }
    if (batch.length === 0)
      return
    Object.freeze(batch)
    for (const l of [...this.listeners]) safeCall(() => l(batch))
  }

  private isHeld(e: LogEntry): boolean {
    const s = this.shares.get(e.sessionId)
    return !!s && s.held > 0 && e.id >= s.queue[s.qHead]
  }

  get(id: number): LogEntry | undefined {
    if (!Number.isInteger(id))
      return undefined
    const off = this.offsetOf(id)
    return off < 0 ? undefined : this.ring[this.slot(off)]
  }

  at(index: number): LogEntry | undefined {
    if (index < 0)
      index += this.live
    if (!Number.isInteger(index) || index < 0 || index >= this.live)
      return undefined
    if (this.used !== this.live) {
      // Head and tail are always held entries; any other position needs the holes closed first.
      if (index === this.live - 1)
        return this.ring[this.slot(this.used - 1)]
      if (index !== 0)
        this.compact()
    }
    return this.ring[this.slot(index)]
  }

  [Symbol.iterator](): IterableIterator<LogEntry> {
    return this.range(1)
  }

  /**
   * Held entries with ids in `[fromId, toId)`, oldest first. Safe while the log changes between steps
   * (across awaits): it goes on from the last id it gave, so it neither repeats nor skips a held entry.
   */
  * range(fromId: number, toId: number = Number.POSITIVE_INFINITY): Generator<LogEntry> {
    let version = this.version
    let off = this.lowerBound(fromId)
    let lastId = fromId - 1
    for (;;) {
      if (version !== this.version) {
        version = this.version
        off = this.lowerBound(lastId + 1)
      }
      if (off >= this.used)
        return
      const at = this.slot(off)
      if (this.slotIds[at] >= toId)
        return
      const e = this.ring[at]
      off++
      if (e) {
        lastId = e.id
        yield e
      }
    }
  }

  filterHeld(sortedIds: number[]): number[] {
    let kept: number[] | undefined
    let off = 0
    for (let i = 0; i < sortedIds.length; i++) {
      const id = sortedIds[i]
      off = this.lowerBound(id, off)
      const held = off < this.used && this.slotIds[this.slot(off)] === id && this.ring[this.slot(off)] !== undefined
      if (!held && !kept)
        kept = sortedIds.slice(0, i)
      else if (held && kept)
        kept.push(id)
    }
    return kept ?? sortedIds
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

  /** Remove every entry. Ids keep counting (never reused); the drop counts are not changed. */
  clear(): void {
    this.ring.fill(undefined)
    this.names.clear()
    this.head = 0
    this.used = 0
    this.live = 0
    this.heldBytes = 0
    this.version++
    for (const s of this.active) {
      s.held = 0
      s.bytes = 0
      s.qHead = 0
      s.activeAt = -1
      s.queue = new Float64Array(16)
    }
    this.active.length = 0
    this.pending = []
    this.resetPending = false
    this.droppedSinceFlush = false
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
