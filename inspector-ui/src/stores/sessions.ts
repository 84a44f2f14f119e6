/**
 * Sessions: the tabs of the inspector. The core's `Inspector` and its sessions live at module scope,
 * outside Vue's reactivity (STYLE 3); the store holds snapshots (immutable, replaced on change) in
 * `shallowRef`s, and ids.
 */
import type { AttachedInfo, EmitOptions, EmitResult, Fault, RelayEndpoint, SessionSnapshot, SessionSource } from '#core'
import type { ConnectOptions } from '../lib/connect-form'
import { Inspector } from '#core'
import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef } from 'vue'
import { loadRuntimeConfig } from '../config'
import { t } from '../i18n'
import { pageLogLimits } from '../lib/log-limits'

export type ActiveView = 'session' | 'timeline' | 'server' | 'tutorial' | 'scenario' | 'catalog'

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

export type TabState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'imported'

/**
 * An imported capture: read-only and not live. A tab mirroring an app's socket (`attach()`) is read-only too
 * unless the app allowed emits, but it is live: it shows the app's socket state, not "imported".
 */
export function isImportedCapture(snapshot: SessionSnapshot): boolean {
  return snapshot.readonly && !snapshot.attached
}

/**
 * The tab state the UI shows (`data-state`): the core's `idle` reads as disconnected, and an imported
 * capture is `imported` whatever state it was recorded in (it is not a live connection).
 */
export function tabState(snapshot: SessionSnapshot): TabState {
  if (isImportedCapture(snapshot))
    return 'imported'
  return snapshot.status === 'idle' ? 'disconnected' : snapshot.status
}

/**
 * The colour of a tab's dot: a session that never connected and did not fail (a new tab, or one stopped
 * while connecting) is `never` (grey), not the red of a failure (`failed`: the last attempt failed, or the
 * server or the network ended the connection); one the user disconnected (`io client disconnect`, no error
 * since) is `closed`, grey too: nothing went wrong. `data-ever-connected` says whether it ever had a socket id.
 */
export type TabDot = 'connected' | 'connecting' | 'reconnecting' | 'failed' | 'never' | 'closed' | 'imported'

export function tabDot(snapshot: SessionSnapshot): TabDot {
  const state = tabState(snapshot)
  if (state !== 'disconnected')
    return state
  if (snapshot.lastError !== undefined)
    return 'failed'
  const last = snapshot.idHistory.at(-1)
  if (!last)
    return 'never'
  return last.reason === 'io client disconnect' ? 'closed' : 'failed'
}

/** `localhost:3000` of a URL (the text itself when it is not one). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url
  }
  catch {
    return url
  }
}

/** What a tab is called unless renamed: its own label when one was given, else `host:port /namespace`. */
export function defaultTabLabel(snapshot: SessionSnapshot): string {
  // An attached socket is called what the app named it (`attach(socket, { name })`), even `/`.
  if (snapshot.attached)
    return snapshot.attached.name
  if (snapshot.label && snapshot.label !== snapshot.namespace)
    return snapshot.label
  return `${hostOf(snapshot.url)} ${snapshot.namespace}`
}

/** Where an imported tab came from (the notice of an imported capture). */
export interface ImportedInfo {
  fileName: string
  /** Time of the capture's first and last entry of this session (ms since the epoch), when it has entries. */
  from?: number
  to?: number
}

export const useSessionsStore = defineStore('sessions', () => {
  const tabs = shallowRef<SessionSnapshot[]>([])
  const activeId = ref<string | undefined>()
  const activeView = ref<ActiveView>('session')
  /** Options each live tab was opened with (to tell "connect again" from "connect somewhere else"). */
  const optionsById = shallowRef<Record<string, ConnectOptions>>({})
  /** Names the user gave tabs (double-click on the label). */
  const names = shallowRef<Record<string, string>>({})
  /** Labels of tabs closed since, so the timeline's rows of a closed tab keep saying whose they are. */
  const closedLabels = shallowRef<Record<string, string>>({})
  /** When each tab last connected again with other options (older failures are not this session's). */
  const replacedAt = shallowRef<Record<string, number>>({})
  /** File name and recorded time of each imported tab. */
  const importedById = shallowRef<Record<string, ImportedInfo>>({})
  /** The tab of each attached app socket (`attach()`): attach id → session id; one tab per attach id. */
  const attachedTabs = shallowRef<Record<string, string>>({})

  const order: string[] = []
  /** Each tab's `state` subscription, with the session it is on (a replaced tab has a new one). */
  const stateSubs = new Map<string, { session: SessionSource, off: () => void }>()
  const engine = getInspector()

  function publish(): void {
    const next: SessionSnapshot[] = []
    for (const id of order) {
      const session = engine.get(id)
      if (!session)
        continue
      next.push(session.snapshot())
    }
    tabs.value = next
  }

  /** Follow the engine's list (imports add sessions too): keep tab order, watch each one's state. */
  function sync(): void {
    const present = new Set<string>()
    for (const session of engine.list() as SessionSource[]) {
      present.add(session.id)
      const sub = stateSubs.get(session.id)
      if (sub?.session !== session) {
        sub?.off()
        stateSubs.set(session.id, { session, off: session.on('state', () => publish()) })
        if (!order.includes(session.id))
          order.push(session.id)
      }
    }
    for (const [id, sub] of stateSubs) {
      if (!present.has(id)) {
        sub.off()
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
      throw new Error(t('session.noRelay'))
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
   * The tab mirroring an attached app socket (issue 19), opened like any other tab (same engine, same log,
   * so the log, lifecycle, frames and heartbeat views work unchanged): its session watches the attached
   * socket through the hub (`via: 'attach'`). One tab per attach id: a second call returns the open one.
   * Not activated unless asked (an app attaching must not pull the user away from the tab they look at).
   */
  function openAttached(info: AttachedInfo, relay: RelayEndpoint, opts: { activate?: boolean } = {}): string {
    const open = attachedTabs.value[info.attachId]
    if (open && engine.get(open)) {
      if (opts.activate)
        activate(open)
      return open
    }
    // With the lobby's info: the tab is marked attached (read-only or not) before the hub's first state.
    const session = engine.createSession({ via: 'attach', attach: info, url: info.url, label: info.name, relay })
    attachedTabs.value = { ...attachedTabs.value, [info.attachId]: session.id }
    sync()
    if (opts.activate)
      activate(session.id)
    session.connect()
    return session.id
  }

  /** The open tab of an attached app socket, if any. */
  function tabOfAttached(attachId: string): string | undefined {
    const id = attachedTabs.value[attachId]
    return id && engine.get(id) ? id : undefined
  }

  /**
   * Connect a tab again with other options (issue 11 item 5): the core replaces its session under the
   * same id, so the tab keeps its place, its name, its log and its socket-id history. Returns the id.
   */
  function replaceSession(id: string, options: ConnectOptions, opts: { connect?: boolean } = {}): string {
    const relay = options.via === 'relay' ? relayEndpoint() : undefined
    if (options.via === 'relay' && !relay)
      throw new Error(t('session.noRelay'))
    const session = engine.replaceSession(id, relay ? { ...options, relay } : options)
    optionsById.value = { ...optionsById.value, [id]: options }
    replacedAt.value = { ...replacedAt.value, [id]: Date.now() }
    sync()
    if (opts.connect ?? true)
      session.connect()
    return id
  }

  /** The tab's name: the user's, else its default (`localhost:3000 /chat`). */
  function labelOf(snapshot: SessionSnapshot): string {
    return names.value[snapshot.id] ?? defaultTabLabel(snapshot)
  }

  /** Rename a tab; an empty name gives it back its default label. */
  function rename(id: string, name: string): void {
    const trimmed = name.trim().slice(0, 120)
    const { [id]: _old, ...rest } = names.value
    names.value = trimmed ? { ...rest, [id]: trimmed } : rest
  }

  /** Label of any session the log has entries of: open tabs by name, closed ones marked so. */
  function labelForId(id: string): string | undefined {
    const tab = tabs.value.find(t => t.id === id)
    if (tab)
      return labelOf(tab)
    const closed = closedLabels.value[id]
    return closed === undefined ? undefined : t('session.closedLabel', { label: closed })
  }

  function noteImported(ids: readonly string[], info: ImportedInfo): void {
    const next = { ...importedById.value }
    for (const id of ids) next[id] = { ...info }
    importedById.value = next
  }

  function closeSession(id: string): void {
    const at = order.indexOf(id)
    const snapshot = engine.get(id)?.snapshot()
    if (snapshot)
      closedLabels.value = { ...closedLabels.value, [id]: labelOf(snapshot) }
    engine.remove(id)
    const { [id]: _gone, ...rest } = optionsById.value
    optionsById.value = rest
    const { [id]: _name, ...otherNames } = names.value
    names.value = otherNames
    const attachId = Object.keys(attachedTabs.value).find(key => attachedTabs.value[key] === id)
    if (attachId !== undefined) {
      const { [attachId]: _tab, ...otherAttached } = attachedTabs.value
      attachedTabs.value = otherAttached
    }
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
      return { ok: false, error: t('session.noSession') }
    return session.emit(name, args, options)
  }

  function answerAck(id: string, correlationId: string, args: unknown[]): EmitResult {
    const session = engine.get(id)
    if (!session)
      return { ok: false, error: t('session.noSession') }
    return session.answerAck(correlationId, args)
  }

  /** Fault injection (the Faults panel): the session carries it out, socket.io reacts. */
  function injectFault(id: string, fault: Fault): EmitResult {
    return engine.get(id)?.injectFault(fault) ?? { ok: false, error: t('session.noSession') }
  }
  function setReconnection(id: string, on: boolean): EmitResult {
    return engine.get(id)?.setReconnection(on) ?? { ok: false, error: t('session.noSession') }
  }
  function setQueueWhileOffline(id: string, on: boolean): EmitResult {
    return engine.get(id)?.setQueueWhileOffline(on) ?? { ok: false, error: t('session.noSession') }
  }

  function snapshotOf(id: string): SessionSnapshot | undefined {
    return tabs.value.find(tab => tab.id === id) ?? engine.get(id)?.snapshot()
  }

  return {
    tabs,
    activeId,
    activeView,
    optionsById,
    names,
    closedLabels,
    replacedAt,
    importedById,
    attachedTabs,
    labelOf,
    labelForId,
    rename,
    noteImported,
    openSession,
    openAttached,
    tabOfAttached,
    replaceSession,
    closeSession,
    connect,
    disconnect,
    reconnect,
    emit,
    answerAck,
    injectFault,
    setReconnection,
    setQueueWhileOffline,
    snapshotOf,
    activate,
  }
})
