/**
 * The server view's state: one `AdminClient` (core, not reactive, module scope) and what the panel
 * shows of it. The model is a plain class updated in place (5,000 sockets, O(1) per event); this store
 * publishes a new `shallowRef` array of rows when the model says it changed, at most every 100 ms, so a
 * burst of admin-ui events costs one flatten and one render. The first full tree (the `all_sockets`
 * snapshot) is published at once, not after the throttle.
 */
import type { ActionResult, AdminState, ExpandedFn, ServerEvent, ServerEventDirection, ServerEventFeedStats, SocketInfo, TreeRow } from '#core'
import type { ViewIds } from '../lib/log-projection'
import { AdminClient, rowKey } from '#core'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { loadRuntimeConfig } from '../config'
import { t } from '../i18n'
import { useSessionsStore } from './sessions'

/** Below this many rows (everything open), rooms and groups start open: small servers show every socket. */
export const SMALL_TREE_ROWS = 200
/** Rows are republished at most this often, ms. */
export const PUBLISH_EVERY_MS = 100

let client: AdminClient | undefined
let offModel: (() => void) | undefined
let offState: (() => void) | undefined
let offFeed: (() => void) | undefined

/** The live admin client of the page, if any (tests, the tutorial). */
export function getAdminClient(): AdminClient | undefined {
  return client
}

export interface ActionRecord {
  readonly label: string
  readonly result: ActionResult
  readonly at: number
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
  /** User's open/closed choices by row key; everything else follows the defaults. */
  const overrides = shallowRef<ReadonlyMap<string, boolean>>(new Map())
  const totals = shallowRef({ sockets: 0, rooms: 0, namespaces: 0, servers: 0 })
  const lastAction = shallowRef<ActionRecord | undefined>()
  const busy = ref(false)
  /** ms the last flatten took (shown in the footer; for the 5,000-socket budget). */
  const flattenMs = ref(0)

  // The event feed (issue 16): the core ring (`client.events`) holds the events; the store publishes the
  // seqs that pass the filter (sorted, for VirtualList) at most every PUBLISH_EVERY_MS, so 1,000 events/s
  // cost ten scans of at most 5,000 entries and ten renders of the visible rows a second.
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

  let timer: ReturnType<typeof setTimeout> | undefined
  let lastPublish = 0
  /** Whether the rows last published came from a model holding an `all_sockets` snapshot. */
  let shownSnapshot = false

  /**
   * Defaults: one server's row (the tree's root) and namespaces open; rooms, groups and a cluster's node
   * rows (each lists its sockets, a second listing of the same sockets) open only in a small tree.
   */
  function expandedFn(small: boolean, cluster: boolean): ExpandedFn {
    const map = overrides.value
    return (key, kind) => {
      const own = map.get(key)
      if (own !== undefined)
        return own
      if (kind === 'server')
        return !cluster || small
      return kind === 'namespace' || small
    }
  }

  function publishNow(): void {
    timer = undefined
    lastPublish = Date.now()
    const c = client
    if (!c) {
      shownSnapshot = false
      rows.value = []
      return
    }
    const model = c.model
    shownSnapshot = model.hasSnapshot
    const t0 = performance.now()
    rows.value = Object.freeze(model.flatten(expandedFn(model.estimatedRows <= SMALL_TREE_ROWS, model.servers.size > 1)))
    flattenMs.value = Math.round((performance.now() - t0) * 10) / 10
    let rooms = 0
    for (const ns of model.namespaces.values()) rooms += ns.rooms.size
    totals.value = { sockets: model.totalSockets, rooms, namespaces: model.namespaces.size, servers: model.servers.size }
  }

  function schedule(): void {
    if (!shownSnapshot && client?.model.hasSnapshot) {
      // The first full tree: show it now (the model notifies at most once per macrotask anyway).
      clearTimeout(timer)
      publishNow()
      return
    }
    if (timer !== undefined)
      return
    const wait = Math.max(0, PUBLISH_EVERY_MS - (Date.now() - lastPublish))
    timer = setTimeout(publishNow, wait)
  }

  let feedTimer: ReturnType<typeof setTimeout> | undefined
  let lastFeedPublish = 0

  function publishFeedNow(): void {
    clearTimeout(feedTimer)
    feedTimer = undefined
    lastFeedPublish = Date.now()
    const feed = client?.events
    const ids = feed ? feed.ids({ text: feedText.value, direction: feedDirection.value }) : []
    feedView.value = Object.freeze({ ids, length: ids.length })
    feedStats.value = feed?.stats()
  }

  function scheduleFeed(): void {
    if (feedTimer !== undefined)
      return
    feedTimer = setTimeout(publishFeedNow, Math.max(0, PUBLISH_EVERY_MS - (Date.now() - lastFeedPublish)))
  }

  // A new filter is applied at once (a scan of at most the ring's capacity).
  watch([feedText, feedDirection], publishFeedNow)

  /** An event of the feed by seq (the rows' ids), while the ring still holds it. */
  function feedEvent(seq: number): ServerEvent | undefined {
    return client?.events.get(seq)
  }

  function setFeedPaused(paused: boolean): void {
    client?.events.setPaused(paused)
    publishFeedNow()
  }

  function clearFeed(): void {
    client?.events.clear()
    publishFeedNow()
  }

  function detach(): void {
    offModel?.()
    offState?.()
    offFeed?.()
    offModel = offState = offFeed = undefined
    client?.dispose()
    client = undefined
  }

  /** Connect (again) with the form's values. Resolves when connected or failed. */
  async function connect(): Promise<void> {
    detach()
    autoConnect.value = false
    const c = new AdminClient({
      url: url.value,
      namespace: namespace.value,
      username: username.value || undefined,
      password: password.value || undefined,
    })
    client = c
    offState = c.on('state', (s) => {
      if (client === c)
        state.value = s
    })
    offModel = c.model.subscribe(() => {
      if (client === c)
        schedule()
    })
    offFeed = c.events.subscribe(() => {
      if (client === c)
        scheduleFeed()
    })
    state.value = c.state()
    shownSnapshot = false
    rows.value = []
    lastAction.value = undefined
    publishFeedNow()
    busy.value = true
    try {
      await c.connect()
    }
    finally {
      if (client === c)
        busy.value = false
      schedule()
    }
  }

  function disconnect(): void {
    client?.disconnect()
  }

  function isOpen(row: TreeRow): boolean {
    return row.kind !== 'socket' && row.expanded
  }

  function toggle(row: TreeRow): void {
    if (row.kind === 'socket')
      return
    const next = new Map(overrides.value)
    next.set(row.key, !isOpen(row))
    overrides.value = next
    publishNow()
  }

  /** Open or close every room and group (servers and namespaces stay open). */
  function setAllRooms(open: boolean): void {
    const next = new Map<string, boolean>()
    for (const r of rows.value) {
      if (r.kind === 'namespace' || (r.kind === 'server' && r.nodeSockets === undefined))
        next.set(r.key, true)
      // A cluster's node rows keep the user's choice (they are not rooms).
      else if (r.kind === 'server' && overrides.value.has(r.key))
        next.set(r.key, overrides.value.get(r.key)!)
    }
    const c = client
    if (c) {
      for (const ns of c.model.namespaces.values()) {
        for (const room of ns.rooms.keys()) next.set(`r:${ns.name}\u0000${room}`, open)
        next.set(`g:${ns.name}`, open)
      }
    }
    overrides.value = next
    publishNow()
  }

  /**
   * Open what the socket is listed under (its first public room, or its namespace's "in no room" group)
   * and return the key of its row, to select it (the event feed's socket ids). Undefined when the tree
   * doesn't hold the socket (gone since the event).
   */
  function revealSocket(nsp: string, id: string): string | undefined {
    const info = client?.model.getSocket(nsp, id)
    if (!info)
      return undefined
    let room: string | undefined
    for (const r of info.rooms) {
      if (r !== info.id) {
        room = r
        break
      }
    }
    const next = new Map(overrides.value)
    const servers = client!.model.servers
    // One server: its row is the tree's root. A cluster's node rows are a second listing: left alone.
    if (servers.size === 1)
      next.set(rowKey.server(servers.keys().next().value!), true)
    next.set(rowKey.namespace(nsp), true)
    next.set(room === undefined ? rowKey.group(nsp) : rowKey.room(nsp, room), true)
    overrides.value = next
    publishNow()
    const key = rowKey.socket(nsp, room, id)
    return rows.value.some(r => r.key === key) ? key : undefined
  }

  function socketInfo(nsp: string, id: string): SocketInfo | undefined {
    return client?.model.getSocket(nsp, id)
  }

  async function act(label: string, run: (c: AdminClient) => Promise<ActionResult>): Promise<ActionResult> {
    const c = client
    const result: ActionResult = c ? await run(c) : { ok: false, error: t('server.action.notConnected') }
    lastAction.value = { label, result, at: Date.now() }
    return result
  }

  const join = (nsp: string, room: string, target: string) => act(t('server.action.join', { target, room }), c => c.join(nsp, room, target))
  const leave = (nsp: string, room: string, target: string) => act(t('server.action.leave', { target, room }), c => c.leave(nsp, room, target))
  const disconnectSocket = (nsp: string, target: string, close = false) => act(t('server.action.disconnect', { target }), c => c.disconnectSocket(nsp, target, close))
  const emitTo = (nsp: string, filter: string | undefined, event: string, args: unknown[]) => act(t('server.action.emit', { event, target: filter || nsp }), c => c.emitTo(nsp, filter, event, args))

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
    mine,
    connect,
    disconnect,
    toggle,
    setAllRooms,
    socketInfo,
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
