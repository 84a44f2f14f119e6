import type { CaptureReader } from './export/format'
import type { CreateSessionOptions } from './session/create'
import type { Disposer, LogEntry, LogLimits, NewEntry, SessionOptions, SessionSource, SocketIdRecord } from './types'
import { openCapture, importCapture as readCapture } from './export/format'
import { EventLog } from './log/event-log'
import { createSessionSource } from './session/create'
import { ManagerPool } from './session/manager-pool'
import { ReplaySession } from './session/replay-session'
import { TimeSlice, yieldToEventLoop } from './util/yield'

/** Result of `importCaptureAsync`. */
export type ImportProgressResult
  = | { ok: true, sessionIds: string[], entries: number }
  /** Nothing stays imported (sessions opened for the first slices are removed again). */
    | { ok: false, error: string, sessionIds: string[], entries: number }

export interface ImportAsyncOptions {
  maxBytes?: number
  /**
   * Called once, when the sessions exist and the first slice of entries is in the log (a view can show
   * them while the rest is read). Not called when nothing was imported.
   */
  onSessions?: (sessionIds: string[]) => void
  /** Called with each slice of entries right after it is appended (frozen, with their new ids). */
  onEntries?: (entries: readonly LogEntry[]) => void
  /** Milliseconds of parsing per slice between two yields to the event loop. @default 8 */
  sliceMs?: number
}

export interface InspectorEvents {
  sessions: (list: SessionSource[]) => void
}

/**
 * One merged log and many sessions (live or imported). Session ids are short and unique: `s1`, `s2`, …
 *
 * `limits` bound the whole log; each session holding entries has a fair share of them (`EventLog`): a
 * session that floods (a server sending 50,000 pings) drops its own oldest entries, never another
 * session's, and what each session lost is in `log.statsFor(sessionId).dropped` (an imported session
 * included: a file bigger than its share keeps its newest entries, and says how many went).
 *
 * @example
 * const inspector = new Inspector({ limits: { maxEntries: 50_000 } })
 * const s = inspector.createSession({ url: 'http://localhost:3000/namespace1' })
 * inspector.log.subscribe(batch => render(batch))
 * s.connect()
 * inspector.log.statsFor(s.id).dropped.entries // 0 until this session holds more than its share
 * // …
 * inspector.dispose()
 */
export class Inspector {
  readonly log: EventLog
  private readonly sessions = new Map<string, SessionSource>()
  private readonly pool = new ManagerPool()
  private readonly listeners = new Set<InspectorEvents['sessions']>()
  private counter = 0
  /** How many sessions each replaced tab has had (for their correlation prefixes). */
  private readonly generations = new Map<string, number>()
  private disposed = false

  constructor(options: { limits?: LogLimits } = {}) {
    this.log = new EventLog(options.limits)
  }

  private nextId(): string {
    let id: string
    do id = `s${++this.counter}`
    while (this.sessions.has(id))
    return id
  }

  /**
   * A live session on this inspector's log (not connected yet: call `connect()`). Sessions created with
   * `forceNew: false` share one connection per origin + path.
   * @example inspector.createSession({ url: 'http://localhost:3000/', auth: { token: 'abc' } }).connect()
   */
  createSession(options: SessionOptions | CreateSessionOptions): SessionSource {
    if (this.disposed)
      throw new Error('Inspector is disposed')
    // v4 in this runtime, v2 (`client: 'v2'`), or either through the relay (`via: 'relay'`).
    const session = createSessionSource(options, { log: this.log, id: this.nextId(), managers: this.pool })
    this.sessions.set(session.id, session)
    this.emitSessions()
    return session
  }

  /**
   * Connect a tab again with other options: a new session under the same id, so the tab keeps its place,
   * its log (entries are keyed by session id) and its socket-id history. The old session is disconnected
   * (a `disconnect` entry when it was connected) and disposed; the new one is not connected yet. Its
   * correlation ids start with `<id>~<n>`, so they never repeat the old session's in the log.
   * Throws (and leaves the old session as it was) for an unknown id, an imported capture, or invalid options.
   * @example
   * const s = inspector.createSession({ url: 'http://localhost:3000/' })
   * s.connect() // fails: the server runs socket.io 2
   * inspector.replaceSession(s.id, { url: 'http://localhost:3000/', client: 'v2' }).connect()
   */
  replaceSession(id: string, options: SessionOptions | CreateSessionOptions): SessionSource {
    if (this.disposed)
      throw new Error('Inspector is disposed')
    const old = this.sessions.get(id)
    if (!old)
      throw new Error(`replaceSession: no session "${id}"`)
    if (old.snapshot().readonly)
      throw new Error(`replaceSession: "${id}" is an imported capture (read-only); it cannot connect`)
    const generation = (this.generations.get(id) ?? 1) + 1
    const before = old.snapshot()
    // Built before the old one goes: invalid options throw here and change nothing. A session connects
    // only on `connect()`, so the two never hold a connection at once.
    const session = createSessionSource(options, {
      log: this.log,
      id,
      managers: this.pool,
      carry: { idHistory: endedHistory(before.idHistory), correlationPrefix: `${id}~${generation}` },
    })
    if (before.status !== 'idle' && before.status !== 'disconnected')
      old.disconnect() // a direct session logs its `disconnect` entry now
    old.dispose()
    this.generations.set(id, generation)
    this.sessions.set(id, session) // same key: the session keeps its place in `list()`
    this.emitSessions()
    return session
  }

  /**
   * Import a capture file: its sessions become read-only `ReplaySession`s with new ids, and its entries are
   * appended to this log (new entry ids, session ids mapped). Nothing is added when the file is invalid.
   * @example
   * const r = inspector.importCapture(text)
   * if (!r.ok) console.error(r.error)
   */
  importCapture(text: string, opts?: { maxBytes?: number }): { ok: true, sessionIds: string[] } | { ok: false, error: string } {
    if (this.disposed)
      return { ok: false, error: 'Inspector is disposed' }
    const r = readCapture(text, opts)
    if (!r.ok)
      return r
    const idMap = new Map<string, string>()
    const sessionIds: string[] = []
    for (const snap of r.sessions) {
      const id = this.nextId()
      idMap.set(snap.id, id)
      const replay = new ReplaySession(snap, { id })
      this.sessions.set(id, replay)
      sessionIds.push(id)
    }
    this.appendImported(r.entries, idMap)
    this.emitSessions()
    return { ok: true, sessionIds }
  }

  /**
   * Import a capture a slice at a time: the file's layout and header are checked first (a truncated or cut
   * file adds nothing), then entries are parsed, validated and appended ~8 ms at a time with the event
   * loop free in between; `onSessions` fires as soon as the first slice is in the log, so a view shows
   * the first rows long before a 100,000-entry file is read. A file read whole within the first slice
   * is validated completely before anything is added (as `importCapture`). A damaged entry further in
   * stops the import with its error; the entries before it stay (their sessions are in the result).
   * @example
   * const r = await inspector.importCaptureAsync(text, { onSessions: ids => show(ids[0]) })
   * if (!r.ok) console.error(r.error)
   */
  async importCaptureAsync(text: string, opts: ImportAsyncOptions = {}): Promise<ImportProgressResult> {
    if (this.disposed)
      return { ok: false, error: 'Inspector is disposed', sessionIds: [], entries: 0 }
    const opened = openCapture(text, { maxBytes: opts.maxBytes })
    if (!opened.ok)
      return { ok: false, error: opened.error, sessionIds: [], entries: 0 }
    const reader: CaptureReader = opened.reader
    const slice = new TimeSlice(opts.sliceMs ?? 8)
    const stop = (): boolean => slice.expired()
    const idMap = new Map<string, string>()
    const sessionIds: string[] = []
    let imported = 0
    let started = false
    for (;;) {
      const part = reader.next(stop)
      if (!part.ok) {
        // A damaged file is refused as a whole, as `importCapture` refuses it: the tabs opened for its first
        // slices go (their entries stay in the log, as a closed tab's do).
        for (const id of sessionIds) this.remove(id)
        return { ok: false, error: part.error, sessionIds: [], entries: 0 }
      }
      if (this.disposed)
        return { ok: false, error: 'Inspector is disposed', sessionIds, entries: imported }
      // Sessions first (the file's, then any an entry named that the file did not describe).
      const before = sessionIds.length
      for (let i = idMap.size; i < reader.sessions.length; i++) {
        const snap = reader.sessions[i]
        const id = this.nextId()
        idMap.set(snap.id, id)
        this.sessions.set(id, new ReplaySession(snap, { id }))
        sessionIds.push(id)
      }
      this.appendImported(part.entries, idMap)
      imported += part.entries.length
      opts.onEntries?.(part.entries)
      if (sessionIds.length > before)
        this.emitSessions()
      if (!started && sessionIds.length > 0) {
        started = true
        opts.onSessions?.([...sessionIds])
      }
      if (part.done)
        return { ok: true, sessionIds, entries: imported }
      await yieldToEventLoop()
      slice.start()
    }
  }

  /** Append parsed entries (plain objects owned by the caller) under new ids and mapped session ids. */
  private appendImported(entries: readonly LogEntry[], idMap: Map<string, string>): void {
    for (const e of entries) {
      // The parsed object itself becomes the entry (no copy): the log assigns the new id and freezes it.
      const entry = e as { sessionId: string }
      entry.sessionId = idMap.get(e.sessionId) ?? e.sessionId
      this.log.append(entry as unknown as NewEntry)
    }
  }

  get(id: string): SessionSource | undefined {
    return this.sessions.get(id)
  }

  /** Sessions in creation order. */
  list(): SessionSource[] {
    return [...this.sessions.values()]
  }

  /** Dispose a session and forget it (its entries stay in the log). */
  remove(id: string): boolean {
    const s = this.sessions.get(id)
    if (!s)
      return false
    this.sessions.delete(id)
    this.generations.delete(id)
    s.dispose()
    this.emitSessions()
    return true
  }

  on<E extends keyof InspectorEvents>(event: E, listener: InspectorEvents[E]): Disposer {
    if (event !== 'sessions')
      return () => {}
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  private emitSessions(): void {
    const list = this.list()
    for (const l of [...this.listeners]) {
      try {
        l(list)
      }
      catch (err) {
        console.error('[sio-inspector] sessions listener failed:', err)
      }
    }
  }

  /** Dispose every session and drop every listener. The log stays readable. */
  dispose(): void {
    if (this.disposed)
      return
    this.disposed = true
    for (const s of this.sessions.values()) s.dispose()
    this.sessions.clear()
    this.emitSessions()
    this.listeners.clear()
  }
}

/**
 * The socket ids a replaced session leaves to its successor, every one ended: one still open (a relayed
 * session's disconnect arrives after it is gone) ends now, closed by the inspector.
 */
function endedHistory(history: readonly SocketIdRecord[]): SocketIdRecord[] {
  const now = Date.now()
  return history.map(r => r.disconnectedAt !== undefined
    ? r
    : { ...r, disconnectedAt: now, reason: 'io client disconnect', explanation: 'Closed by the inspector: the tab connected again with other options.' })
}
