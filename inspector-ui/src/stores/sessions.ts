/**
 * Sessions: the tabs of the inspector. The core's `Inspector` and its sessions live at module scope,
 * outside Vue's reactivity (STYLE 3); the store holds snapshots (immutable, replaced on change) in
 * `shallowRef`s, and ids.
 */
import type { RelayEndpoint } from '../../../src/core'
import type { EmitOptions, EmitResult, SessionSnapshot, SessionSource } from '../../../src/core/types'
import type { ConnectOptions } from '../lib/connect-form'
import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef } from 'vue'
import { Inspector } from '../../../src/core'
import { loadRuntimeConfig } from '../config'
import { pageLogLimits } from '../lib/log-limits'

export type ActiveView = 'session' | 'timeline' | 'server' | 'tutorial'

let inspector: Inspector | undefined

/** The one engine of the page (not reactive). */
export function getInspector(): Inspector {
  if (!inspector)
    inspector = markRaw(new Inspector({ limits: pageLogLimits() }))
  return inspector
}

/** Tests: dispose every session and start over with a fresh engine. */
export function resetInspector(): void {
  if (inspector) {
    for (const session of inspector.list())
      inspector.remove(session.id)
  }
  inspector = undefined
}

/**
 * Where this page reaches the relay, or undefined when it was not served with one (`npm run dev:ui`).
 * The page's own origin, not the configured URL: the relay accepts the origins the page may be opened
 * under (`localhost` and `127.0.0.1`), and a WebSocket to the page's own origin always carries it.
 */
export function relayEndpoint(): RelayEndpoint | undefined {
  const relay = loadRuntimeConfig().relay
  if (!relay?.token)
    return undefined
  const origin = globalThis.location?.origin
  return { url: origin && origin !== 'null' ? origin : relay.url, token: relay.token }
}

/** The tab state the UI shows (`data-state`): the core's `idle` reads as disconnected. */
export function tabState(snapshot: SessionSnapshot): 'connecting' | 'connected' | 'disconnected' | 'reconnecting' {
  return snapshot.status === 'idle' ? 'disconnected' : snapshot.status
}

export const useSessionsStore = defineStore('sessions', () => {
  const tabs = shallowRef<SessionSnapshot[]>([])
  const activeId = ref<string | undefined>()
  const activeView = ref<ActiveView>('session')
  /** Options each live tab was opened with (to tell "connect again" from "connect somewhere else"). */
  const optionsById = shallowRef<Record<string, ConnectOptions>>({})

  const order: string[] = []
  const stateSubs = new Map<string, () => void>()
  const engine = getInspector()

  function publish(): void {
    const next: SessionSnapshot[] = []
    for (const id of order) {
      const session = engine.get(id)
      if (session)
        next.push(session.snapshot())
    }
    tabs.value = next
  }

  /** Follow the engine's list (imports add sessions too): keep tab order, watch each one's state. */
  function sync(): void {
    const present = new Set<string>()
    for (const session of engine.list() as SessionSource[]) {
      present.add(session.id)
      if (!stateSubs.has(session.id)) {
        stateSubs.set(session.id, session.on('state', () => publish()))
        if (!order.includes(session.id))
          order.push(session.id)
      }
    }
    for (const [id, off] of stateSubs) {
      if (!present.has(id)) {
        off()
        stateSubs.delete(id)
        const at = order.indexOf(id)
        if (at >= 0)
          order.splice(at, 1)
      }
    }
    if (activeId.value && !present.has(activeId.value))
      activeId.value = order.at(-1)
    publish()
  }
  engine.on('sessions', () => sync())
  sync()

  function activate(id: string): void {
    activeId.value = id
    activeView.value = 'session'
  }

  function openSession(options: ConnectOptions, opts: { connect?: boolean, activate?: boolean } = {}): string {
    const relay = options.via === 'relay' ? relayEndpoint() : undefined
    if (options.via === 'relay' && !relay)
      throw new Error('The relay is not available: this page was not served by the inspector\'s server')
    const session = engine.createSession(relay ? { ...options, relay } : options)
    optionsById.value = { ...optionsById.value, [session.id]: options }
    sync()
    if (opts.activate ?? true)
      activate(session.id)
    if (opts.connect ?? true)
      session.connect()
    return session.id
  }

  /**
   * Replace a tab's session with a new one at the same place in the tab order (the connect bar uses it
   * when the user changes the URL or options of a disconnected tab).
   */
  function replaceSession(id: string, options: ConnectOptions, opts: { connect?: boolean } = {}): string {
    const at = order.indexOf(id)
    const wasActive = activeId.value === id
    const newId = openSession(options, { connect: false, activate: false })
    if (at >= 0) {
      order.splice(order.indexOf(newId), 1)
      order.splice(at + 1, 0, newId)
    }
    closeSession(id)
    if (wasActive)
      activate(newId)
    if (opts.connect ?? true)
      engine.get(newId)?.connect()
    publish()
    return newId
  }

  function closeSession(id: string): void {
    const at = order.indexOf(id)
    engine.remove(id)
    const { [id]: _gone, ...rest } = optionsById.value
    optionsById.value = rest
    sync()
    if (activeId.value === id || (activeId.value && !engine.get(activeId.value)))
      activeId.value = order[Math.min(at, order.length - 1)]
  }

  function connect(id: string): void {
    engine.get(id)?.connect()
  }
  function disconnect(id: string): void {
    engine.get(id)?.disconnect()
  }
  function reconnect(id: string): void {
    engine.get(id)?.reconnect()
  }

  function emit(id: string, name: string, args: unknown[], options?: EmitOptions): EmitResult {
    const session = engine.get(id)
    if (!session)
      return { ok: false, error: 'This tab has no session' }
    return session.emit(name, args, options)
  }

  function answerAck(id: string, correlationId: string, args: unknown[]): EmitResult {
    const session = engine.get(id)
    if (!session)
      return { ok: false, error: 'This tab has no session' }
    return session.answerAck(correlationId, args)
  }

  function snapshotOf(id: string): SessionSnapshot | undefined {
    return tabs.value.find(tab => tab.id === id) ?? engine.get(id)?.snapshot()
  }

  return {
    tabs,
    activeId,
    activeView,
    optionsById,
    openSession,
    replaceSession,
    closeSession,
    connect,
    disconnect,
    reconnect,
    emit,
    answerAck,
    snapshotOf,
    activate,
  }
})
