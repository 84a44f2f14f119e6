/**
 * attach() in the page (issue 19): the lobby of attached apps (`AttachLobby`, core), a tab per attached
 * client socket (opened through the sessions store, so every tab view works unchanged), the Attach panel's
 * state, and the per-socket logs of attached servers (`attachServer`), which are not tabs: the server view
 * shows them.
 *
 * Core objects (the lobby, each server's session source and its log) live at module scope, outside Vue's
 * reactivity (STYLE 3); the store publishes the lobby's list and one small view per attached server (its
 * sockets and counts), at most every 100 ms under traffic.
 */
import type { AttachedInfo, Disposer, LogEntry, NewEntry, RelayEndpoint, SessionSource } from '#core'
import { AttachLobby, createSessionSource } from '#core'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { loadRuntimeConfig } from '../config'
import { t } from '../i18n'
import { relayEndpoint, useSessionsStore } from './sessions'

/** Entries kept per attached server, all its sockets together (the oldest go first). */
export const SERVER_LOG_MAX_ENTRIES = 50_000
/** Entries kept per socket of an attached server (a chatty socket drops its own oldest, not others'). */
export const SERVER_LOG_MAX_PER_SOCKET = 10_000
/** Sockets remembered per attached server (past this, the sockets gone longest are forgotten). */
export const SERVER_LOG_MAX_SOCKETS = 5_000
/** Server views are republished at most this often, ms. */
export const SERVER_PUBLISH_EVERY_MS = 100

/** An entry of an attached server's log: the core's entry with this log's own id. */
export type ServerLogEntry = LogEntry

/** One socket of an attached server, as the server view lists it. */
export interface AttachedSocketRow {
  /** Stable small number of this socket in its server's log (the socket list's row id). */
  readonly ordinal: number
  /** The server-side socket id (`peer` of its entries). */
  readonly peer: string
  readonly namespace: string
  /** A `connect` came and no `disconnect` after it. */
  readonly connected: boolean
  /** Entries held now. */
  readonly entries: number
  /** Entries of this socket dropped to stay inside the bounds. */
  readonly dropped: number
  readonly lastTime: number
}

interface PeerLog {
  readonly ordinal: number
  readonly peer: string
  namespace: string
  connected: boolean
  /** Entry ids of this socket, oldest first, from `start` on (the ones before it are gone). */
  ids: number[]
  start: number
  dropped: number
  lastTime: number
}

/**
 * The bounded log of one attached server, split by socket (`peer`). An `EntrySink`: its session source
 * appends every entry the hub streams. Entries get this log's own ids (1, 2, …; never the page log's).
 *
 * Bounds: `maxEntries` over the whole server (oldest first), `maxPerSocket` per socket, `maxSockets`
 * sockets remembered (disconnected ones forgotten first). Entries without a `peer` (notes about the server)
 * are kept under the peer `''`.
 */
export class AttachedServerLog {
  private readonly entries = new Map<number, ServerLogEntry>()
  /** Every id still held or dropped per socket but not yet passed by the global trim, oldest first. */
  private fifo: number[] = []
  private fifoStart = 0
  private nextId = 1
  private nextOrdinal = 1
  private readonly peers = new Map<string, PeerLog>()
  private readonly byOrdinal = new Map<number, PeerLog>()
  /** Bumped on every change (the store republishes on it). */
  version = 0
  dropped = 0
  private readonly listeners = new Set<() => void>()

  constructor(private readonly limits: { maxEntries: number, maxPerSocket: number, maxSockets: number } = {
    maxEntries: SERVER_LOG_MAX_ENTRIES,
    maxPerSocket: SERVER_LOG_MAX_PER_SOCKET,
    maxSockets: SERVER_LOG_MAX_SOCKETS,
  }) {}

  append<E extends LogEntry>(entry: NewEntry<E>): E {
    const id = this.nextId++
    const full = Object.freeze({ ...entry, id }) as unknown as E
    const peerId = full.peer ?? ''
    let peer = this.peers.get(peerId)
    if (!peer) {
      this.forgetSockets()
      peer = { ordinal: this.nextOrdinal++, peer: peerId, namespace: full.peerNamespace ?? '', connected: false, ids: [], start: 0, dropped: 0, lastTime: full.time }
      this.peers.set(peerId, peer)
      this.byOrdinal.set(peer.ordinal, peer)
    }
    if (full.peerNamespace)
      peer.namespace = full.peerNamespace
    if (full.kind === 'connect')
      peer.connected = true
    else if (full.kind === 'disconnect')
      peer.connected = false
    peer.lastTime = full.time
    peer.ids.push(id)
    this.entries.set(id, full)
    this.fifo.push(id)
    // A socket over its own share drops its oldest (the global FIFO skips ids already gone).
    if (peer.ids.length - peer.start > this.limits.maxPerSocket)
      this.dropOldestOf(peer)
    while (this.entries.size > this.limits.maxEntries) {
      const oldest = this.fifo[this.fifoStart++]
      const gone = this.entries.get(oldest)
      if (gone)
        this.dropOldestOf(this.peers.get(gone.peer ?? '')!)
    }
    if (this.fifoStart > 4096 && this.fifoStart * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.fifoStart)
      this.fifoStart = 0
    }
    this.changed()
    return full
  }

  private dropOldestOf(peer: PeerLog): void {
    const id = peer.ids[peer.start++]
    this.entries.delete(id)
    peer.dropped++
    this.dropped++
    if (peer.start > 1024 && peer.start * 2 > peer.ids.length) {
      peer.ids = peer.ids.slice(peer.start)
      peer.start = 0
    }
  }

  /** Before a new socket: past `maxSockets`, forget the socket gone longest (else the oldest one). */
  private forgetSockets(): void {
    while (this.peers.size >= this.limits.maxSockets) {
      let victim: PeerLog | undefined
      for (const p of this.peers.values()) {
        if (!victim || (p.connected === victim.connected ? p.lastTime < victim.lastTime : !p.connected))
          victim = p
      }
      if (!victim)
        return
      for (let i = victim.start; i < victim.ids.length; i++) this.entries.delete(victim.ids[i])
      this.dropped += victim.ids.length - victim.start
      this.peers.delete(victim.peer)
      this.byOrdinal.delete(victim.ordinal)
    }
  }

  private changed(): void {
    this.version++
    for (const listener of [...this.listeners]) listener()
  }

  /** Called after every append. */
  subscribe(listener: () => void): Disposer {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  get(id: number): ServerLogEntry | undefined {
    return this.entries.get(id)
  }

  get size(): number {
    return this.entries.size
  }

  /** The sockets, first seen first. */
  sockets(): AttachedSocketRow[] {
    const out: AttachedSocketRow[] = []
    for (const p of this.peers.values()) {
      out.push({ ordinal: p.ordinal, peer: p.peer, namespace: p.namespace, connected: p.connected, entries: p.ids.length - p.start, dropped: p.dropped, lastTime: p.lastTime })
    }
    return out
  }

  /** The entry ids of one socket, oldest first (a copy: the view keeps it). */
  idsOf(peer: string): number[] {
    const p = this.peers.get(peer)
    return p ? p.ids.slice(p.start) : []
  }

  peerOfOrdinal(ordinal: number): string | undefined {
    return this.byOrdinal.get(ordinal)?.peer
  }
}

/** What the server view shows of one attached server (republished as a whole; small). */
export interface AttachedServerView {
  readonly attachId: string
  readonly name: string
  readonly url: string
  readonly runtime: 'node' | 'browser'
  readonly present: boolean
  /** Entries the app's mirror dropped (its buffer was full while the inspector was away). */
  readonly droppedByApp: number
  /** Entries this page dropped to stay inside its bounds. */
  readonly droppedHere: number
  readonly entries: number
  readonly sockets: readonly AttachedSocketRow[]
  /** Bumped when the log changed (the per-socket log re-reads its ids). */
  readonly version: number
  /** Watching failed (the hub refused): why. */
  readonly error?: string
}

interface ServerWatch {
  info: AttachedInfo
  readonly log: AttachedServerLog
  readonly source: SessionSource
  readonly off: Disposer[]
}

let lobby: AttachLobby | undefined
let offLobby: Disposer | undefined
const servers = new Map<string, ServerWatch>()

/** The page's lobby, if started (tests). */
export function getAttachLobby(): AttachLobby | undefined {
  return lobby
}

/** The log of an attached server (the server view reads entries by id). */
export function attachedServerLog(attachId: string): AttachedServerLog | undefined {
  return servers.get(attachId)?.log
}

/** Tests: stop the lobby and every server watch. */
export function resetAttach(): void {
  offLobby?.()
  offLobby = undefined
  lobby?.close()
  lobby = undefined
  for (const watch of servers.values()) {
    for (const off of watch.off) off()
    watch.source.dispose()
  }
  servers.clear()
}

export const useAttachStore = defineStore('attach', () => {
  const sessions = useSessionsStore()
  const config = loadRuntimeConfig().attach
  /** The attached apps now (the lobby's list). */
  const list = shallowRef<readonly AttachedInfo[]>([])
  const panelOpen = ref(false)
  /** Why the lobby could not start (no relay), when it could not. */
  const startError = ref<string>()
  /** The lobby's relay connection is down (it retries by itself): why. */
  const lobbyError = ref<string>()
  const serverViews = shallowRef<readonly AttachedServerView[]>([])
  /**
   * Attach ids this page opened a tab for once: a tab the user closed is not opened again by itself (the
   * panel's list opens it on request).
   */
  const opened = new Set<string>()
  let endpoint: RelayEndpoint | undefined

  /** Attach is on for this page: the server handed it the token (absent for other machines, or attach off). */
  const available = computed(() => Boolean(config?.token))
  const token = computed(() => config?.token)
  /** The URL an app passes as `inspector` (the hub's origin). */
  const inspectorUrl = computed(() => config?.url)

  const clients = computed(() => list.value.filter(info => info.role === 'client'))

  /**
   * Watch the lobby (once per page): every attached client socket gets a tab, every attached server a
   * per-socket log. `relay`: where the page's relay is (tests pass one with an `Origin` header).
   */
  function start(relay: RelayEndpoint | undefined = relayEndpoint()): void {
    if (lobby)
      return
    if (!config?.token)
      return
    if (!relay) {
      startError.value = t('attach.relayUnavailable')
      return
    }
    endpoint = relay
    startError.value = undefined
    const l = new AttachLobby(relay)
    lobby = l
    offLobby = l.on('change', (next) => {
      lobbyError.value = l.status === 'error' ? l.error : undefined
      onList(next)
    })
    onList(l.list)
  }

  function onList(next: readonly AttachedInfo[]): void {
    list.value = Object.freeze([...next])
    const relay = endpoint
    if (!relay)
      return
    for (const info of next) {
      if (info.role === 'client') {
        if (!opened.has(info.attachId)) {
          opened.add(info.attachId)
          // The first tab of a page with none becomes active; otherwise the user's tab stays in front.
          sessions.openAttached(info, relay, { activate: sessions.activeId === undefined })
        }
      }
      else {
        watchServer(info, relay)
      }
    }
    publishServers()
  }

  /** Open (or show) the tab of an attached client socket: the list's button, or a tab closed earlier. */
  function showClient(attachId: string): void {
    const info = list.value.find(i => i.attachId === attachId)
    const relay = endpoint
    const open = sessions.tabOfAttached(attachId)
    if (open) {
      sessions.activate(open)
    }
    else if (info && relay) {
      opened.add(attachId)
      sessions.openAttached(info, relay, { activate: true })
    }
    panelOpen.value = false
  }

  // --- attached servers -------------------------------------------------------------------------------

  let timer: ReturnType<typeof setTimeout> | undefined
  let lastPublish = 0
  const errors = new Map<string, string>()

  function watchServer(info: AttachedInfo, relay: RelayEndpoint): void {
    const known = servers.get(info.attachId)
    if (known) {
      known.info = info
      return
    }
    const log = new AttachedServerLog()
    const source = createSessionSource({ via: 'attach', attach: info.attachId, url: info.url, label: info.name, relay }, { log, id: `attached-server-${info.attachId}` })
    const watch: ServerWatch = { info, log, source, off: [] }
    servers.set(info.attachId, watch)
    watch.off.push(log.subscribe(() => schedulePublish()))
    watch.off.push(source.on('state', (snap) => {
      if (snap.lastError && snap.status === 'disconnected')
        errors.set(info.attachId, snap.lastError)
      else
        errors.delete(info.attachId)
      schedulePublish()
    }))
    source.connect()
  }

  function publishServers(): void {
    clearTimeout(timer)
    timer = undefined
    lastPublish = Date.now()
    const views: AttachedServerView[] = []
    for (const [attachId, watch] of servers) {
      const info = list.value.find(i => i.attachId === attachId) ?? watch.info
      const mark = watch.source.snapshot().attached
      views.push(Object.freeze({
        attachId,
        name: info.name,
        url: info.url,
        runtime: info.runtime,
        present: info.present,
        droppedByApp: Math.max(info.dropped, mark?.dropped ?? 0),
        droppedHere: watch.log.dropped,
        entries: watch.log.size,
        sockets: Object.freeze(watch.log.sockets()),
        version: watch.log.version,
        error: errors.get(attachId),
      }))
    }
    serverViews.value = Object.freeze(views)
  }

  function schedulePublish(): void {
    if (timer !== undefined)
      return
    timer = setTimeout(publishServers, Math.max(0, SERVER_PUBLISH_EVERY_MS - (Date.now() - lastPublish)))
  }

  // --- the panel ---------------------------------------------------------------------------------------

  function openPanel(): void {
    panelOpen.value = true
  }
  function closePanel(): void {
    panelOpen.value = false
  }

  return {
    list,
    clients,
    panelOpen,
    startError,
    lobbyError,
    serverViews,
    available,
    token,
    inspectorUrl,
    start,
    showClient,
    openPanel,
    closePanel,
  }
})

/**
 * The snippets the Attach panel shows, filled with this inspector's URL and token.
 *
 * @example attachSnippets('http://localhost:5173', 'abc').node
 */
export function attachSnippets(url: string, token: string): { node: string, browser: string, server: string } {
  const u = JSON.stringify(url).slice(1, -1).replace(/'/g, '\\\'')
  const t = JSON.stringify(token).slice(1, -1).replace(/'/g, '\\\'')
  return {
    node: `import { io } from 'socket.io-client'\nimport { attach } from 'socketio-inspector/attach'\n\nconst socket = io('http://localhost:3000')\nconst detach = attach(socket, { inspector: '${u}', token: '${t}', name: 'my-app' })`,
    browser: `// In your web app (bundled by Vite, webpack, esbuild…): the same import\nimport { io } from 'socket.io-client'\nimport { attach } from 'socketio-inspector/attach'\n\nconst socket = io()\nconst detach = attach(socket, { inspector: '${u}', token: '${t}', name: 'my-web-app' })`,
    server: `import { Server } from 'socket.io'\nimport { attachServer } from 'socketio-inspector/attach'\n\nconst io = new Server(3000)\nconst detach = attachServer(io, { inspector: '${u}', token: '${t}', name: 'my-server' })`,
  }
}
