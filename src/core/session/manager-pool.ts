import type { ManagerOptions } from 'socket.io-client'
import { Manager } from 'socket.io-client'

interface PoolEntry {
  manager: Manager
  /** Session ids using this Manager, in order of arrival; the first one records engine-level frames. */
  members: string[]
  /** Namespace → session id: one socket per namespace per Manager (socket.io caches them by name). */
  namespaces: Map<string, string>
}

/**
 * Shares one socket.io-client `Manager` (one Engine.IO connection) per origin + handshake path between
 * sessions created with `forceNew: false`, so two namespaces ride one connection.
 *
 * A namespace can be held by one session per Manager (socket.io-client keeps one Socket per namespace);
 * a second session asking for the same namespace gets a Manager of its own.
 *
 * @example
 * const pool = new ManagerPool()
 * const a = new LiveSession({ url: 'http://localhost:3000/namespace1', forceNew: false }, { log, managers: pool })
 * const b = new LiveSession({ url: 'http://localhost:3000/namespace2', forceNew: false }, { log, managers: pool })
 */
export class ManagerPool {
  private readonly entries = new Map<string, PoolEntry>()

  /** The Manager for `origin` + `opts.path`, created on first use; `shared: false` when it could not be shared. */
  acquire(sessionId: string, origin: string, namespace: string, opts: Partial<ManagerOptions>): { manager: Manager, shared: boolean } {
    const key = `${origin}|${opts.path ?? '/socket.io'}`
    let entry = this.entries.get(key)
    if (entry && entry.namespaces.has(namespace))
      return { manager: new Manager(origin, opts), shared: false }
    if (!entry) {
      entry = { manager: new Manager(origin, opts), members: [], namespaces: new Map() }
      this.entries.set(key, entry)
    }
    entry.members.push(sessionId)
    entry.namespaces.set(namespace, sessionId)
    return { manager: entry.manager, shared: true }
  }

  /** Whether `sessionId` records the engine-level frames (open, ping, pong…) of its shared connection. */
  isPrimary(manager: Manager, sessionId: string): boolean {
    for (const e of this.entries.values()) {
      if (e.manager === manager)
        return e.members[0] === sessionId
    }
    return true
  }

  /** Give the Manager back; returns true when nobody uses it any more (the caller closes it). */
  release(manager: Manager, sessionId: string): boolean {
    for (const [key, e] of this.entries) {
      if (e.manager !== manager)
        continue
      e.members = e.members.filter(m => m !== sessionId)
      for (const [nsp, id] of e.namespaces) {
        if (id === sessionId)
          e.namespaces.delete(nsp)
      }
      if (e.members.length === 0) {
        this.entries.delete(key)
        return true
      }
      return false
    }
    return true
  }

  /** Managers currently shared. */
  get size(): number { return this.entries.size }
}
