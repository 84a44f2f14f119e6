/**
 * `ServerEventFeed`: the server view's event feed, i.e. the `event_received` / `event_sent` messages that
 * `@socket.io/admin-ui` 0.5 streams, kept as plain frozen data in a bounded ring. Framework-free.
 *
 * What admin-ui sends (its `dist/index.js`, `registerVerboseListeners`):
 * - only with `instrument(io, { mode: 'development' })`; the default mode is `process.env.NODE_ENV ||
 *   'development'`, so a server started with NODE_ENV=production (or `test`, under vitest) sends none.
 *   Whether it does is announced in `config.supportedFeatures` (`ALL_EVENTS`), so the feed knows it at once.
 * - to every client of the admin namespace (`adminNamespace.emit`): there is nothing to subscribe to.
 * - `event_received (nsp, socketId, [event, ...args], date)` from `socket.onAny` (an ack callback, the
 *   last argument, is dropped by admin-ui), and `event_sent (nsp, socketId, [event, ...args], date)` from
 *   `socket.onAnyOutgoing`, which also sees broadcasts (the adapter notifies each target socket). Acks are
 *   never reported (catch-all listeners don't see them); the admin namespace's own traffic is excluded.
 *
 * A busy server can send thousands a second: `push` is O(1) (a ring of fixed capacity; the oldest entry is
 * overwritten and counted), change notifications are batched to one per macrotask, and nothing is
 * formatted on arrival (previews are the viewer's job, for the rows on screen).
 */
import type { Disposer } from '../types'
import type { AdminFeature } from './protocol'

/** From the server's point of view: `in` = `event_received` (client → server), `out` = `event_sent`. */
export type ServerEventDirection = 'in' | 'out'

export interface ServerEvent {
  /** 1, 2, 3… in arrival order, never reused (also after `clear`): a stable row id. */
  readonly seq: number
  readonly direction: ServerEventDirection
  readonly nsp: string
  readonly socketId: string
  readonly name: string
  /** The event's arguments, without its name. Server data: shown as text, never as HTML. */
  readonly args: readonly unknown[]
  /** ms since the epoch, from admin-ui's timestamp (the arrival time when it has none). */
  readonly time: number
}

/**
 * - `unknown`: not connected yet (no `config`).
 * - `enabled`: the server reports every event (`ALL_EVENTS`: admin-ui in development mode).
 * - `disabled`: connected, but the server sends aggregates only (production mode): no event will come.
 */
export type ServerEventSupport = 'unknown' | 'enabled' | 'disabled'

/** What to do on the server so that the feed fills (shown when `support` is `disabled`). */
export const ENABLE_EVENTS_HINT = 'instrument(io, { auth, mode: "development" })'

export interface ServerEventFilter {
  /** Substring (case-insensitive) of the event name, the socket id or the namespace. Empty: everything. */
  readonly text?: string
  /** @default 'all' */
  readonly direction?: ServerEventDirection | 'all'
}

export interface ServerEventFeedStats {
  readonly support: ServerEventSupport
  /** Events held now (≤ capacity). */
  readonly size: number
  readonly capacity: number
  /** Events received since the feed started (or since the last `reset`), kept or not. */
  readonly total: number
  /** Oldest events overwritten because the ring was full (since the last `clear`). */
  readonly dropped: number
  /** Events that arrived while paused and were not kept. */
  readonly skipped: number
  readonly paused: boolean
}

/** Default ring size: enough for a few seconds of a busy server; 5,000 small objects. */
export const SERVER_EVENT_CAPACITY = 5000

/** Longest event name kept as is (a server's data is data: a name is cut, never trusted to be small). */
export const MAX_EVENT_NAME = 200

/**
 * Whether `e` passes `filter`. `needle` is `filter.text` lowercased (callers filtering many events
 * lowercase it once).
 * @example matchServerEvent(e, { direction: 'in' }, 'chat')
 */
export function matchServerEvent(e: ServerEvent, filter: ServerEventFilter, needle = (filter.text ?? '').trim().toLowerCase()): boolean {
  const direction = filter.direction ?? 'all'
  if (direction !== 'all' && e.direction !== direction)
    return false
  if (!needle)
    return true
  return e.name.toLowerCase().includes(needle) || e.socketId.toLowerCase().includes(needle) || e.nsp.toLowerCase().includes(needle)
}

/**
 * @example
 * const feed = new ServerEventFeed({ capacity: 1000 })
 * feed.setFeatures(config.supportedFeatures)
 * feed.subscribe(() => render(feed.ids({ text: 'chat', direction: 'in' }).map(seq => feed.get(seq)!)))
 * feed.push('in', '/', socketId, ['chat', 'hello'], '2026-01-01T00:00:00.000Z')
 */
export class ServerEventFeed {
  readonly capacity: number
  /** Incremented on every change. */
  version = 0
  private readonly ring: (ServerEvent | undefined)[]
  /** Seq of the last event pushed (0: none yet). */
  private lastSeq = 0
  private size = 0
  private total = 0
  private dropped = 0
  private skipped = 0
  private paused = false
  private support: ServerEventSupport = 'unknown'
  private readonly listeners = new Set<() => void>()
  private scheduled: ReturnType<typeof setTimeout> | undefined

  constructor(options: { capacity?: number } = {}) {
    const capacity = Math.floor(options.capacity ?? SERVER_EVENT_CAPACITY)
    this.capacity = Number.isFinite(capacity) && capacity > 0 ? capacity : SERVER_EVENT_CAPACITY
    this.ring = Array.from({ length: this.capacity })
  }

  stats(): ServerEventFeedStats {
    return {
      support: this.support,
      size: this.size,
      capacity: this.capacity,
      total: this.total,
      dropped: this.dropped,
      skipped: this.skipped,
      paused: this.paused,
    }
  }

  /** Change notification, at most once per macrotask. Returns an unsubscribe function. */
  subscribe(listener: () => void): Disposer {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** From `config.supportedFeatures`: `ALL_EVENTS` is there exactly when admin-ui sends the events. */
  setFeatures(features: readonly AdminFeature[] | undefined): void {
    const support: ServerEventSupport = features === undefined ? 'unknown' : features.includes('ALL_EVENTS') ? 'enabled' : 'disabled'
    if (support === this.support)
      return
    this.support = support
    this.changed()
  }

  /**
   * Pause: events that arrive are counted (`skipped`) but not kept, so what is on screen stays put while
   * the user reads it. Resume keeps the next ones.
   */
  setPaused(paused: boolean): void {
    if (paused === this.paused)
      return
    this.paused = paused
    this.changed()
  }

  /**
   * One `event_received` (`in`) or `event_sent` (`out`) as admin-ui sends it: `payload` is `[event,
   * ...args]`. Returns the stored event, or `undefined` (paused, or a payload without an event name, which
   * admin-ui never sends: the caller counts it as a warning).
   */
  push(direction: ServerEventDirection, nsp: string, socketId: string, payload: readonly unknown[], timestamp?: unknown, now = Date.now()): ServerEvent | undefined {
    const first = payload[0]
    if (typeof first !== 'string')
      return undefined
    this.total++
    if (this.paused) {
      this.skipped++
      this.changed()
      return undefined
    }
    const parsed = typeof timestamp === 'string' ? Date.parse(timestamp) : typeof timestamp === 'number' ? timestamp : Number.NaN
    const event: ServerEvent = Object.freeze({
      seq: ++this.lastSeq,
      direction,
      nsp,
      socketId,
      name: first.length > MAX_EVENT_NAME ? `${first.slice(0, MAX_EVENT_NAME)}…` : first,
      args: Object.freeze(payload.slice(1)),
      time: Number.isFinite(parsed) ? parsed : now,
    })
    if (this.size === this.capacity)
      this.dropped++
    else this.size++
    this.ring[event.seq % this.capacity] = event
    this.changed()
    return event
  }

  /** The event with this seq, while the ring still holds it. O(1). */
  get(seq: number): ServerEvent | undefined {
    if (!Number.isInteger(seq) || seq <= this.lastSeq - this.size || seq > this.lastSeq)
      return undefined
    return this.ring[seq % this.capacity]
  }

  /** Seqs of the held events that pass `filter`, oldest first (sorted: a stable id list for a virtual list). */
  ids(filter: ServerEventFilter = {}): number[] {
    const needle = (filter.text ?? '').trim().toLowerCase()
    const all = !needle && (filter.direction ?? 'all') === 'all'
    const out: number[] = []
    for (let seq = this.lastSeq - this.size + 1; seq <= this.lastSeq; seq++) {
      const e = this.ring[seq % this.capacity]
      if (e && (all || matchServerEvent(e, filter, needle)))
        out.push(seq)
    }
    return out
  }

  /** The held events, oldest first. */
  events(filter: ServerEventFilter = {}): ServerEvent[] {
    return this.ids(filter).map(seq => this.get(seq)!)
  }

  /** Drop every held event and the dropped/skipped counts; seqs keep growing (rows never reuse an id). */
  clear(): void {
    this.ring.fill(undefined)
    this.size = 0
    this.dropped = 0
    this.skipped = 0
    this.changed()
  }

  /** `clear`, and forget the server's support and the total: a new admin connection. */
  reset(): void {
    this.support = 'unknown'
    this.total = 0
    this.paused = false
    this.clear()
  }

  private changed(): void {
    this.version++
    if (this.scheduled !== undefined || this.listeners.size === 0)
      return
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined
      for (const l of [...this.listeners]) l()
    }, 0)
  }
}
