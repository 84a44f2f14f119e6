/**
 * The server view's state. The admin socket, its model and the flatten run in an admin host off the main
 * thread (a Worker: ../workers/admin-host.ts, or the same code in the page where no Worker starts); this
 * store sends it the user's actions and keeps what it publishes: at most one message per 100 ms (the
 * first full tree at once) with the new rows, the totals, the state and the feed's new events. During a
 * 5,000-socket churn the page then decodes ~10 messages a second instead of thousands of admin events.
 *
 * Kept here, on the main thread: the feed's ring (`ServerEventFeed`, fed with the host's batches, so that
 * `feedEvent(seq)` stays synchronous for the rows on screen and a filter applies at once), a mirror of the
 * open/closed choices, and the info of the one socket whose details are shown (`socketInfo`).
 */
import type { ActionResult, AdminState, ServerEvent, ServerEventDirection, ServerEventFeedStats, SocketInfo, TreeRow } from '#core'
import type { ViewIds } from '../lib/log-projection'
import type { AdminAction, AdminTransportKind, FeedBatch, FromAdminHost, ToAdminHost, TreeTotals, WatchedSocket } from '../workers/admin-protocol'
import type { AdminTransport } from '../workers/admin-transport'
import { ServerEventFeed } from '#core'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { loadRuntimeConfig } from '../config'
import { t } from '../i18n'
import { PUBLISH_EVERY_MS, SMALL_TREE_ROWS } from '../workers/admin-protocol'
import { startAdminTransport } from '../workers/admin-transport'
import { useSessionsStore } from './sessions'

export { PUBLISH_EVERY_MS, SMALL_TREE_ROWS }

/** One admin host per page (as there was one admin client): a new connect resets it, never adds one. */
let transport: AdminTransport | undefined
/** The store listening to the host (the last one that connected). */
let offHost: (() => void) | undefined
/** Bumped on every connect: the host's messages about an older connection are dropped. */
let generation = 0
let nextRequest = 0
/** Requests waiting for the host's answer, with what they resolve to if the host goes first. */
const requests = new Map<number, { answer: (message: FromAdminHost) => void, cancelled: FromAdminHost }>()
/** Which transport runs the host, for the store (`transport`) and the tests. */
const transportKind = ref<AdminTransportKind | undefined>()
const transportError = ref<string | undefined>()

function hostTransport(): AdminTransport {
  if (!transport) {
    const tr = startAdminTransport({
      onReady: (kind) => {
        transportKind.value = kind
      },
      onError: (message) => {
        transportError.value = message
      },
    })
    tr.subscribe((message) => {
      if (message.type === 'revealed' || message.type === 'action-result' || message.type === 'heap') {
        const pending = requests.get(message.req)
        requests.delete(message.req)
        pending?.answer(message)
      }
    })
    transport = tr
  }
  return transport
}

type Answer<K extends FromAdminHost['type']> = Extract<FromAdminHost, { type: K }>

/** Ask the host and resolve with its answer (or with `cancelled`, if the host is disposed first). */
function request<T extends FromAdminHost>(build: (req: number) => ToAdminHost, cancelled: T): Promise<T> {
  const req = ++nextRequest
  return new Promise<T>((resolve) => {
    requests.set(req, { answer: message => resolve(message as T), cancelled })
    hostTransport().send(build(req))
  })
}

/**
 * Terminate the admin host (its Worker, and the admin socket with it). The next `connect` starts a new
 * one. For tests and teardown; the page keeps its host for its lifetime.
 */
export function disposeServerHost(): void {
  offHost?.()
  offHost = undefined
  transport?.dispose()
  transport = undefined
  transportKind.value = undefined
  transportError.value = undefined
  const waiting = [...requests.values()]
  requests.clear()
  for (const pending of waiting) pending.answer(pending.cancelled)
}

export interface ActionRecord {
  readonly label: string
  readonly result: ActionResult
  readonly at: number
}

/** What `AdminClient` shows before the host's first state arrives (same URL/namespace normalisation). */
function connectingState(url: string, namespace: string): AdminState {
  let ns = namespace.trim() || '/admin'
  if (!ns.startsWith('/'))
    ns = `/${ns}`
  return { status: 'connecting', url: url.trim().replace(/\/+$/, ''), namespace: ns, socketId: undefined, features: [], error: undefined, warnings: 0, lastWarning: undefined, firstTreeMs: undefined }
}

export const useServerStore = defineStore('server', () => {
  const runtime = loadRuntimeConfig()
  const url = ref(runtime.admin?.url ?? runtime.demoUrl ?? 'http://localhost:3000')
  const namespace = ref(runtime.admin?.namespace ?? '/admin')
  const username = ref(runtime.admin?.username ?? 'admin')
  const password = ref(runtime.admin?.password ?? '')
  /** Connect on first show when the page was configured with credentials (the demo server). */
  const autoConnect = ref(Boolean(runtime.admin))

  const state = shallowRef<AdminState | undefined>()
  const rows = shallowRef<readonly TreeRow[]>([])
  /** User's open/closed choices by row key (the host's, mirrored); everything else follows the defaults. */
  const overrides = shallowRef<ReadonlyMap<string, boolean>>(new Map())
  const totals = shallowRef<TreeTotals>({ sockets: 0, rooms: 0, namespaces: 0, servers: 0 })
  const lastAction = shallowRef<ActionRecord | undefined>()
  const busy = ref(false)
  /** ms the last flatten took in the host (shown in the footer; for the 5,000-socket budget). */
  const flattenMs = ref(0)
  /** `performance.now()` of this page when the host's model first held the `all_sockets` snapshot. */
  const snapshotAt = ref<number | undefined>()
  /** Whether the admin socket runs in a Worker or in the page (undefined until the host has started). */
  const transportUsed = computed(() => transportKind.value)
  /** The one socket whose info the details panel shows, as the host last posted it. */
  const watched = shallowRef<WatchedSocket | undefined>()
  let watchedKey: string | undefined

  // The event feed (issue 16): the host batches the events with its publishes; this ring holds them and
  // the store publishes the seqs that pass the filter (sorted, for VirtualList) with every batch, so
  // 1,000 events/s cost ten scans of at most 5,000 entries and ten renders of the visible rows a second.
  const feed = new ServerEventFeed()
  /** Events the host cut from oversized batches (they never reached the ring): counted in the stats. */
  const cut = { total: 0, dropped: 0, skipped: 0 }
  const feedText = ref('')
  const feedDirection = ref<ServerEventDirection | 'all'>('all')
  const feedView = shallowRef<ViewIds>(Object.freeze({ ids: [], length: 0 }))
  const feedStats = shallowRef<ServerEventFeedStats | undefined>()

  const sessions = useSessionsStore()

  /** Socket id → "my tab N" (N = 1-based tab position), for every tab that has (or had) a live id. */
  const mine = computed(() => {
    const map = new Map<string, number>()
    sessions.tabs.forEach((tab, i) => {
      if (tab.socketId)
        map.set(tab.socketId, i + 1)
    })
    return map
  })

  const status = computed(() => state.value?.status ?? 'idle')
  const features = computed(() => state.value?.features ?? [])
  const error = computed(() => state.value?.error)

  watch(transportError, (message) => {
    if (message && state.value?.status === 'connecting')
      state.value = { ...state.value, status: 'error', error: { kind: 'server', message: `The server view could not start: ${message}` } }
  })

  function publishFeedNow(): void {
    const ids = feed.ids({ text: feedText.value, direction: feedDirection.value })
    feedView.value = Object.freeze({ ids, length: ids.length })
    const s = feed.stats()
    feedStats.value = cut.total ? { ...s, total: s.total + cut.total, dropped: s.dropped + cut.dropped, skipped: s.skipped + cut.skipped } : s
  }

  function pushFeed(batch: FeedBatch): void {
    for (const e of batch.items) feed.push(e.direction, e.nsp, e.socketId, e.payload, e.time)
    if (batch.cut) {
      cut.total += batch.cut
      if (feed.stats().paused)
        cut.skipped += batch.cut
      else cut.dropped += batch.cut
    }
    publishFeedNow()
  }

  // A new filter is applied at once (a scan of at most the ring's capacity).
  watch([feedText, feedDirection], publishFeedNow)

  /** An event of the feed by seq (the rows' ids), while the ring still holds it. */
  function feedEvent(seq: number): ServerEvent | undefined {
    return feed.get(seq)
  }

  function setFeedPaused(paused: boolean): void {
    feed.setPaused(paused)
    publishFeedNow()
  }

  function clearFeed(): void {
    feed.clear()
    cut.dropped = 0
    cut.skipped = 0
    publishFeedNow()
  }

  function applyState(s: AdminState): void {
    state.value = s
    // `config` sets the features with status `connected` (as `AdminClient` tells its own feed).
    if (s.status === 'connected') {
      const version = feed.version
      feed.setFeatures(s.features)
      if (feed.version !== version)
        publishFeedNow()
    }
  }

  let pendingConnects = new Map<number, () => void>()

  function onHost(message: FromAdminHost): void {
    switch (message.type) {
      case 'publish':
        if (message.gen !== generation)
          return
        if (message.state)
          applyState(message.state)
        if (message.tree) {
          rows.value = Object.freeze(message.tree.rows)
          totals.value = message.tree.totals
          flattenMs.value = message.tree.flattenMs
          if (message.tree.overrides)
            overrides.value = message.tree.overrides
        }
        if (message.watched)
          watched.value = message.watched
        if (message.feed)
          pushFeed(message.feed)
        return
      case 'connected': {
        const done = pendingConnects.get(message.gen)
        pendingConnects.delete(message.gen)
        done?.()
        return
      }
      case 'snapshot':
        if (message.gen === generation)
          snapshotAt.value = message.at - performance.timeOrigin
        return
      case 'ready':
      case 'revealed':
      case 'action-result':
      case 'heap':
        return // answered in `request`
      default: {
        const unknown: never = message
        throw new Error(`server store: unknown message ${JSON.stringify(unknown)}`)
      }
    }
  }

  /** Connect (again) with the form's values. Resolves when connected or failed. */
  async function connect(): Promise<void> {
    autoConnect.value = false
    const tr = hostTransport()
    offHost?.()
    offHost = tr.subscribe(onHost)
    for (const done of pendingConnects.values()) done()
    pendingConnects = new Map()
    const gen = ++generation
    state.value = connectingState(url.value, namespace.value)
    rows.value = []
    totals.value = { sockets: 0, rooms: 0, namespaces: 0, servers: 0 }
    snapshotAt.value = undefined
    watched.value = undefined
    watchedKey = undefined
    lastAction.value = undefined
    feed.reset()
    cut.total = cut.dropped = cut.skipped = 0
    publishFeedNow()
    busy.value = true
    const connected = new Promise<void>(resolve => pendingConnects.set(gen, resolve))
    tr.send({
      type: 'connect',
      gen,
      options: {
        url: url.value,
        namespace: namespace.value,
        username: username.value || undefined,
        password: password.value || undefined,
      },
    })
    await connected
    if (generation === gen)
      busy.value = false
  }

  function disconnect(): void {
    if (generation)
      transport?.send({ type: 'disconnect', gen: generation })
  }

  function isOpen(row: TreeRow): boolean {
    return row.kind !== 'socket' && row.expanded
  }

  /** Open or close one row; the host republishes the rows at once. */
  function toggle(row: TreeRow): void {
    if (row.kind === 'socket' || !transport)
      return
    transport.send({ type: 'toggle', key: row.key, open: !isOpen(row) })
  }

  /** Open or close every room and group (servers and namespaces stay open). */
  function setAllRooms(open: boolean): void {
    transport?.send({ type: 'set-all-rooms', open })
  }

  /**
   * Open what the socket is listed under (its first public room, or its namespace's "in no room" group)
   * and resolve with the key of its row, once the rows that show it are published, to select it (the
   * event feed's socket ids). Undefined when the tree doesn't hold the socket (gone since the event).
   */
  async function revealSocket(nsp: string, id: string): Promise<string | undefined> {
    if (!transport || !generation)
      return undefined
    const answer = await request<Answer<'revealed'>>(req => ({ type: 'reveal', req, nsp, id }), { type: 'revealed', req: 0, key: undefined })
    return answer.key
  }

  /**
   * The socket's info for the details panel. The model lives in the host: the first call for a socket
   * asks the host to watch it and returns undefined; its info then comes (reactively) with every publish
   * that changes it.
   */
  function socketInfo(nsp: string, id: string): SocketInfo | undefined {
    const w = watched.value
    if (w && w.nsp === nsp && w.id === id)
      return w.info
    const key = `${nsp}\u0000${id}`
    if (watchedKey !== key && transport && generation) {
      watchedKey = key
      transport.send({ type: 'watch', socket: { nsp, id } })
    }
    return undefined
  }

  /** The host's own JS heap (`usedJSHeapSize` of the Worker), null when inline or not reported. */
  async function hostHeap(): Promise<number | null> {
    if (!transport)
      return null
    const answer = await request<Answer<'heap'>>(req => ({ type: 'heap', req }), { type: 'heap', req: 0, usedJSHeapSize: null })
    return answer.usedJSHeapSize
  }

  async function act(label: string, action: AdminAction): Promise<ActionResult> {
    const result: ActionResult = transport && generation
      ? (await request<Answer<'action-result'>>(req => ({ type: 'action', req, action }), { type: 'action-result', req: 0, result: { ok: false, error: t('server.action.notConnected') } })).result
      : { ok: false, error: t('server.action.notConnected') }
    lastAction.value = { label, result, at: Date.now() }
    return result
  }

  const join = (nsp: string, room: string, target: string) => act(t('server.action.join', { target, room }), { kind: 'join', nsp, room, target })
  const leave = (nsp: string, room: string, target: string) => act(t('server.action.leave', { target, room }), { kind: 'leave', nsp, room, target })
  const disconnectSocket = (nsp: string, target: string, close = false) => act(t('server.action.disconnect', { target }), { kind: 'disconnect', nsp, target, close })
  const emitTo = (nsp: string, filter: string | undefined, event: string, args: unknown[]) => act(t('server.action.emit', { event, target: filter || nsp }), { kind: 'emit', nsp, filter, event, args })

  return {
    url,
    namespace,
    username,
    password,
    autoConnect,
    state,
    status,
    features,
    error,
    rows,
    overrides,
    totals,
    lastAction,
    busy,
    flattenMs,
    snapshotAt,
    transport: transportUsed,
    watched,
    mine,
    connect,
    disconnect,
    toggle,
    setAllRooms,
    socketInfo,
    hostHeap,
    join,
    leave,
    disconnectSocket,
    emitTo,
    feedText,
    feedDirection,
    feedView,
    feedStats,
    feedEvent,
    setFeedPaused,
    clearFeed,
    revealSocket,
  }
})
