/**
 * Which node of a cluster each session is connected to, as the server's `welcome` event names it (the demo
 * cluster's `{ id, namespace, rooms, node }`; issue 18). Fed with log entries; costs two comparisons for any
 * entry that is neither a `connect` nor an event named `welcome`.
 */
import type { LogEntry } from '../types'
import { nodeOfData } from './model'

/** The node a `welcome` event's first argument names, if any (a non-empty string of bounded length). */
export function welcomeNode(entry: { readonly args: readonly unknown[] }): string | undefined {
  return nodeOfData(entry.args[0])
}

/**
 * @example
 * const nodes = new SessionNodes()
 * log.subscribe(batch => { for (const e of batch) nodes.note(e) })
 * nodes.get(sessionId) // 'node-2'
 */
export class SessionNodes {
  private readonly bySession = new Map<string, string>()

  /**
   * Take one log entry into account. An incoming `welcome` sets (or, naming no node, clears) its session's
   * node; a `connect` clears it, since a new connection may land on another node and only its own welcome
   * says which. Returns whether the session's node changed.
   */
  note(entry: LogEntry): boolean {
    if (entry.kind === 'connect')
      return this.set(entry.sessionId, undefined)
    if (entry.kind === 'event' && entry.name === 'welcome' && entry.direction === 'in')
      return this.set(entry.sessionId, welcomeNode(entry))
    return false
  }

  get(sessionId: string): string | undefined {
    return this.bySession.get(sessionId)
  }

  /** A copy, for a view to hold. */
  snapshot(): ReadonlyMap<string, string> {
    return new Map(this.bySession)
  }

  private set(sessionId: string, node: string | undefined): boolean {
    if (this.bySession.get(sessionId) === node)
      return false
    if (node === undefined)
      this.bySession.delete(sessionId)
    else this.bySession.set(sessionId, node)
    return true
  }
}
