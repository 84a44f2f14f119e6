import type { CreateSessionOptions } from './session/create'
import type { Disposer, LogEntry, LogLimits, NewEntry, SessionOptions, SessionSource } from './types'
import { importCapture as readCapture } from './export/format'
import { EventLog } from './log/event-log'
import { createSessionSource } from './session/create'
import { ManagerPool } from './session/manager-pool'
import { ReplaySession } from './session/replay-session'

export interface InspectorEvents {
  sessions: (list: SessionSource[]) => void
}

/**
 * One merged log and many sessions (live or imported). Session ids are short and unique: `s1`, `s2`, …
 *
 * @example
 * const inspector = new Inspector({ limits: { maxEntries: 50_000 } })
 * const s = inspector.createSession({ url: 'http://localhost:3000/namespace1' })
 * inspector.log.subscribe(batch => render(batch))
 * s.connect()
 * // …
 * inspector.dispose()
 */
export class Inspector {
  readonly log: EventLog
  private readonly sessions = new Map<string, SessionSource>()
  private readonly pool = new ManagerPool()
  private readonly listeners = new Set<InspectorEvents['sessions']>()
  private counter = 0
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
    for (const e of r.entries) {
      const { id: _old, ...rest } = e as LogEntry
      this.log.append({ ...rest, sessionId: idMap.get(e.sessionId) ?? e.sessionId } as NewEntry)
    }
    this.emitSessions()
    return { ok: true, sessionIds }
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
