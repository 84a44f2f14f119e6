/**
 * Indexes over the core log that several views need: event names seen (composer suggestions), the
 * emit ↔ ack links by correlation id, the latest connection failure per session (diagnosis), and what
 * the log's budget dropped, per session and in all (the "older entries dropped" notices).
 * The maps are plain (outside reactivity); `version` ticks at most once per animation frame so that
 * views reading them re-render.
 */
import type { AckEntry, ConnectErrorEntry, EventEntry, LogEntry } from '#core'
import { SessionNodes } from '#core'
import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { warmSearchTexts } from '../lib/search-warmup'
import { getInspector } from './sessions'

/** Names offered in the composer's datalist (most recent first). */
const MAX_NAMES = 300

/** What the log's budget dropped: in all, and per session id (only sessions that lost entries). */
export interface DroppedCounts {
  readonly total: number
  readonly bySession: ReadonlyMap<string, number>
}

export const useLogStore = defineStore('log', () => {
  const log = getInspector().log
  const version = shallowRef(0)
  const namesSeen = shallowRef<readonly string[]>([])
  /** Replaced (at most once a frame) when the counts change. */
  const dropped = shallowRef<DroppedCounts>({ total: 0, bySession: new Map() })
  /**
   * Paused views by key (`events:<session id>`, `frames:<session id>`, `timeline`): the last entry id
   * shown when the pause began. Kept here, not in the view, so a tab's pause survives switching tabs.
   */
  const pausedThrough = shallowRef<Readonly<Record<string, number>>>({})
  /** Session id → the node its server named in the last `welcome` (a cluster's demo server; issue 18). */
  const nodes = shallowRef<ReadonlyMap<string, string>>(new Map())

  const names = new Map<string, number>()
  const emitByCorrelation = new Map<string, number>()
  const ackByCorrelation = new Map<string, number>()
  const lastConnectError = new Map<string, ConnectErrorEntry>()
  const sessionNodes = new SessionNodes()
  let namesChanged = false
  let nodesChanged = false
  let dropsChanged = false
  let queued = false

  function publish(): void {
    queued = false
    if (namesChanged) {
      namesChanged = false
      namesSeen.value = [...names.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name)
    }
    if (nodesChanged) {
      nodesChanged = false
      nodes.value = sessionNodes.snapshot()
    }
    if (dropsChanged) {
      dropsChanged = false
      const total = log.dropped.entries
      if (total !== dropped.value.total) {
        const bySession = new Map<string, number>()
        for (const [id, stats] of log.sessionStats()) {
          if (stats.dropped.entries > 0)
            bySession.set(id, stats.dropped.entries)
        }
        dropped.value = { total, bySession }
      }
    }
    version.value++
  }

  function queue(): void {
    if (queued)
      return
    queued = true
    if (typeof requestAnimationFrame === 'function')
      requestAnimationFrame(publish)
    else setTimeout(publish, 16)
  }

  function index(entry: LogEntry): void {
    switch (entry.kind) {
      case 'event':
        if (!names.has(entry.name)) {
          namesChanged = true
          if (names.size >= MAX_NAMES) {
            const oldest = [...names.entries()].sort((a, b) => a[1] - b[1])[0]
            names.delete(oldest[0])
          }
        }
        names.set(entry.name, entry.id)
        if (entry.correlationId)
          emitByCorrelation.set(entry.correlationId, entry.id)
        break
      case 'ack':
        ackByCorrelation.set(entry.correlationId, entry.id)
        break
      case 'connect_error':
        lastConnectError.set(entry.sessionId, entry)
        break
      case 'connect':
        lastConnectError.delete(entry.sessionId)
        break
      default:
        break
    }
  }

  log.subscribe((batch) => {
    for (const entry of batch) {
      index(entry)
      if (sessionNodes.note(entry))
        nodesChanged = true
    }
    queue()
  })
  // Drops come with a reset (coalesced by the log, at most one per batch).
  log.onReset(() => {
    dropsChanged = true
    queue()
  })
  // The text filter's search texts, built while the page is idle (lib/search-warmup.ts).
  warmSearchTexts(log)

  function setPaused(key: string, throughId: number | undefined): void {
    const { [key]: _was, ...rest } = pausedThrough.value
    pausedThrough.value = throughId === undefined ? rest : { ...rest, [key]: throughId }
  }
  // A closed tab's pauses go with it.
  getInspector().on('sessions', (list) => {
    const present = new Set(list.map(s => s.id))
    const keys = Object.keys(pausedThrough.value)
    const kept = keys.filter(key => !key.includes(':') || present.has(key.slice(key.indexOf(':') + 1)))
    if (kept.length !== keys.length)
      pausedThrough.value = Object.fromEntries(kept.map(key => [key, pausedThrough.value[key]]))
  })

  /** The ack entry answering an emit (or a server request), if it came. */
  function ackOf(entry: EventEntry): AckEntry | undefined {
    if (!entry.correlationId)
      return undefined
    const id = ackByCorrelation.get(entry.correlationId)
    const found = id === undefined ? undefined : log.get(id)
    return found?.kind === 'ack' ? found : undefined
  }

  /** The emit an ack answers. */
  function emitOf(entry: AckEntry): EventEntry | undefined {
    const id = emitByCorrelation.get(entry.correlationId)
    const found = id === undefined ? undefined : log.get(id)
    return found?.kind === 'event' ? found : undefined
  }

  function connectErrorOf(sessionId: string): ConnectErrorEntry | undefined {
    return lastConnectError.get(sessionId)
  }

  /** The node the session's server named in its last `welcome`, if any (reactive). */
  function nodeOf(sessionId: string): string | undefined {
    return nodes.value.get(sessionId)
  }

  function entry(id: number): LogEntry | undefined {
    return log.get(id)
  }

  /** Entries of this session dropped by its budget (every session's when `sessionId` is undefined). */
  function droppedFor(sessionId: string | undefined): number {
    const counts = dropped.value
    return sessionId === undefined ? counts.total : counts.bySession.get(sessionId) ?? 0
  }

  return { version, namesSeen, dropped, pausedThrough, nodes, setPaused, ackOf, emitOf, connectErrorOf, nodeOf, entry, droppedFor }
})
