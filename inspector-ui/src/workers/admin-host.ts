/**
 * The server view's admin side, off the page's main thread: one `AdminClient` (the admin-ui socket and
 * its `ServerModel`), the tree's open/closed choices, the flatten, and a batch of the feed's events.
 * Runs in a Worker (./admin-worker.ts) or, where none can start, in the page (./admin-transport.ts);
 * it only talks through `post` and `receive`, so both run the same code.
 *
 * Why here: during a 5,000-socket churn the admin namespace sends thousands of WebSocket messages a
 * second. Decoding them, updating the model and flattening 5,000 rows is all done here; the page
 * receives one `publish` per `PUBLISH_EVERY_MS` (the first full tree at once) and only renders.
 */
import type { ActionResult, AdminClientOptions, AdminState, ExpandedFn, TreeRow } from '#core'
import type { AdminAction, FeedItem, FromAdminHost, ToAdminHost, TreePublish, TreeTotals, WatchedSocket } from './admin-protocol'
import { AdminClient, rowKey, SERVER_EVENT_CAPACITY } from '#core'
import { PUBLISH_EVERY_MS, SMALL_TREE_ROWS } from './admin-protocol'

export interface AdminHost {
  receive: (message: ToAdminHost) => void
  /** Close the admin socket and stop every timer. */
  dispose: () => void
}

export interface AdminHostOptions {
  /** Run in the page (no heap of its own to report). */
  inline: boolean
}

/** What of a state the page must see at once; the rest (warning counts) rides with the next publish. */
function urgentChange(a: AdminState | undefined, b: AdminState): boolean {
  return !a || a.status !== b.status || a.error !== b.error || a.features !== b.features || a.socketId !== b.socketId
    || a.firstTreeMs !== b.firstTreeMs || a.url !== b.url || a.namespace !== b.namespace
}

/** After a full GC when the browser exposes `gc()` (Chromium `--js-flags=--expose-gc`, as the bench runs it). */
function usedHeap(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  const memory = (performance as Performance & { memory?: { usedJSHeapSize?: number } }).memory
  return typeof memory?.usedJSHeapSize === 'number' ? memory.usedJSHeapSize : null
}

/**
 * @example
 * const host = createAdminHost(message => self.postMessage(message), { inline: false })
 * self.addEventListener('message', e => host.receive(e.data))
 */
export function createAdminHost(post: (message: FromAdminHost) => void, options: AdminHostOptions): AdminHost {
  let client: AdminClient | undefined
  let gen = 0
  let offClient: (() => void)[] = []

  /** The user's open/closed choices by row key (kept across connections, as the page always did). */
  let overrides = new Map<string, boolean>()
  let overridesChanged = false
  let rows: readonly TreeRow[] = []
  let treeDirty = false
  /** Whether the rows last published came from a model holding an `all_sockets` snapshot. */
  let shownSnapshot = false
  let snapshotSent = false
  let watched: { nsp: string, id: string } | undefined
  /** The watched socket's info as last posted (JSON), to post it only when it changed. */
  let watchedSent: string | undefined

  let feed: FeedItem[] = []
  let feedCut = 0
  let lastState: AdminState | undefined
  let pendingState: AdminState | undefined

  let timer: ReturnType<typeof setTimeout> | undefined
  let lastPublish = 0

  /**
   * Defaults: one server's row (the tree's root) and namespaces open; rooms, groups and a cluster's node
   * rows (each lists its sockets, a second listing of the same sockets) open only in a small tree.
   */
  function expandedFn(small: boolean, cluster: boolean): ExpandedFn {
    const map = overrides
    return (key, kind) => {
      const own = map.get(key)
      if (own !== undefined)
        return own
      if (kind === 'server')
        return !cluster || small
      return kind === 'namespace' || small
    }
  }

  function flatten(): TreePublish {
    const model = client!.model
    shownSnapshot = model.hasSnapshot
    const t0 = performance.now()
    rows = model.flatten(expandedFn(model.estimatedRows <= SMALL_TREE_ROWS, model.servers.size > 1))
    const flattenMs = Math.round((performance.now() - t0) * 10) / 10
    let rooms = 0
    for (const ns of model.namespaces.values()) rooms += ns.rooms.size
    const totals: TreeTotals = { sockets: model.totalSockets, rooms, namespaces: model.namespaces.size, servers: model.servers.size }
    const tree: TreePublish = { rows, totals, flattenMs, hasSnapshot: model.hasSnapshot, ...(overridesChanged ? { overrides } : {}) }
    overridesChanged = false
    return tree
  }

  function watchedInfo(force: boolean): WatchedSocket | undefined {
    if (!watched)
      return undefined
    const info = client?.model.getSocket(watched.nsp, watched.id)
    // One socket's info (query, headers, data): cheap to compare, and the page re-renders only on change.
    const json = info ? JSON.stringify({ ...info, rooms: [...info.rooms] }) : ''
    if (!force && json === watchedSent)
      return undefined
    watchedSent = json
    return { ...watched, info }
  }

  /** One message: the tree (when it changed, or `forceTree`), the feed's new events, the state. */
  function publishNow(forceTree = false): void {
    clearTimeout(timer)
    timer = undefined
    lastPublish = Date.now()
    if (!client)
      return
    const tree = treeDirty || forceTree ? flatten() : undefined
    treeDirty = false
    const watchedNow = tree ? watchedInfo(false) : undefined
    const batch = feed.length || feedCut ? { items: feed, cut: feedCut } : undefined
    feed = []
    feedCut = 0
    const state = pendingState
    pendingState = undefined
    if (!tree && !batch && !state)
      return
    send({ type: 'publish', gen, ...(tree ? { tree } : {}), ...(batch ? { feed: batch } : {}), ...(state ? { state } : {}), ...(watchedNow ? { watched: watchedNow } : {}) })
  }

  function send(message: FromAdminHost): void {
    try {
      post(message)
    }
    catch (error) {
      // A payload the structured clone refuses (admin-ui sends decoded JSON and binary, which it
      // accepts): drop the batch rather than the rows, and say how many were lost.
      if (message.type === 'publish' && message.feed) {
        post({ ...message, feed: { items: [], cut: message.feed.items.length + message.feed.cut } })
        return
      }
      throw error
    }
  }

  function schedule(): void {
    if (!shownSnapshot && client?.model.hasSnapshot) {
      // The first full tree: show it now (the model notifies at most once per macrotask anyway).
      publishNow()
      return
    }
    if (timer !== undefined)
      return
    timer = setTimeout(publishNow, Math.max(0, PUBLISH_EVERY_MS - (Date.now() - lastPublish)))
  }

  function detach(): void {
    for (const off of offClient) off()
    offClient = []
    client?.dispose()
    client = undefined
    clearTimeout(timer)
    timer = undefined
  }

  function connect(nextGen: number, clientOptions: AdminClientOptions): void {
    detach()
    gen = nextGen
    rows = []
    treeDirty = false
    shownSnapshot = false
    snapshotSent = false
    watchedSent = undefined
    feed = []
    feedCut = 0
    lastState = undefined
    pendingState = undefined
    // The page keeps the feed's ring; this client's own ring only has to exist.
    const c = new AdminClient({ ...clientOptions, eventCapacity: 1 })
    client = c
    offClient.push(c.on('state', (s) => {
      if (client !== c)
        return
      if (urgentChange(lastState, s)) {
        pendingState = undefined
        send({ type: 'publish', gen, state: s })
      }
      else {
        pendingState = s
        schedule()
      }
      lastState = s
    }))
    offClient.push(c.model.subscribe(() => {
      if (client !== c)
        return
      if (!snapshotSent && c.model.hasSnapshot) {
        snapshotSent = true
        send({ type: 'snapshot', gen, at: performance.timeOrigin + performance.now() })
      }
      treeDirty = true
      schedule()
    }))
    offClient.push(c.on('activity', (a) => {
      if (client !== c)
        return
      feed.push({ direction: a.direction === 'sent' ? 'out' : 'in', nsp: a.nsp, socketId: a.socketId, payload: a.args, time: a.time })
      // More than the page's ring holds in one batch: only the newest would survive there anyway.
      if (feed.length >= 2 * SERVER_EVENT_CAPACITY) {
        feedCut += feed.length - SERVER_EVENT_CAPACITY
        feed = feed.slice(-SERVER_EVENT_CAPACITY)
      }
      schedule()
    }))
    const thisGen = gen
    void c.connect().then((result) => {
      send({ type: 'connected', gen: thisGen, ok: result.ok })
      if (client === c) {
        treeDirty = true
        schedule()
      }
    })
  }

  function setAllRooms(open: boolean): void {
    const next = new Map<string, boolean>()
    for (const r of rows) {
      if (r.kind === 'namespace' || (r.kind === 'server' && r.nodeSockets === undefined))
        next.set(r.key, true)
      // A cluster's node rows keep the user's choice (they are not rooms).
      else if (r.kind === 'server' && overrides.has(r.key))
        next.set(r.key, overrides.get(r.key)!)
    }
    if (client) {
      for (const ns of client.model.namespaces.values()) {
        for (const room of ns.rooms.keys()) next.set(rowKey.room(ns.name, room), open)
        next.set(rowKey.group(ns.name), open)
      }
    }
    overrides = next
    overridesChanged = true
    publishNow(true)
  }

  /** Open what lists the socket (its first public room, or its namespace's group); its row's key. */
  function reveal(nsp: string, id: string): string | undefined {
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
    const next = new Map(overrides)
    const servers = client!.model.servers
    // One server: its row is the tree's root. A cluster's node rows are a second listing: left alone.
    if (servers.size === 1)
      next.set(rowKey.server(servers.keys().next().value!), true)
    next.set(rowKey.namespace(nsp), true)
    next.set(room === undefined ? rowKey.group(nsp) : rowKey.room(nsp, room), true)
    overrides = next
    overridesChanged = true
    publishNow(true)
    const key = rowKey.socket(nsp, room, id)
    return rows.some(r => r.key === key) ? key : undefined
  }

  async function act(action: AdminAction): Promise<ActionResult> {
    const c = client
    if (!c)
      return { ok: false, error: 'Not connected to the admin namespace.' }
    switch (action.kind) {
      case 'join': return c.join(action.nsp, action.room, action.target)
      case 'leave': return c.leave(action.nsp, action.room, action.target)
      case 'disconnect': return c.disconnectSocket(action.nsp, action.target, action.close)
      case 'emit': return c.emitTo(action.nsp, action.filter, action.event, action.args)
    }
  }

  function receive(message: ToAdminHost): void {
    switch (message.type) {
      case 'connect':
        connect(message.gen, message.options)
        return
      case 'disconnect':
        if (message.gen === gen)
          client?.disconnect()
        return
      case 'toggle':
        overrides = new Map(overrides).set(message.key, message.open)
        overridesChanged = true
        publishNow(true)
        return
      case 'set-all-rooms':
        setAllRooms(message.open)
        return
      case 'reveal': {
        const key = reveal(message.nsp, message.id)
        send({ type: 'revealed', req: message.req, key })
        return
      }
      case 'watch': {
        watched = message.socket
        watchedSent = undefined
        const info = watchedInfo(true)
        if (info)
          send({ type: 'publish', gen, watched: info })
        return
      }
      case 'action':
        void act(message.action).then(result => send({ type: 'action-result', req: message.req, result }))
        return
      case 'heap':
        send({ type: 'heap', req: message.req, usedJSHeapSize: options.inline ? null : usedHeap() })
        return
      default: {
        const unknown: never = message
        throw new Error(`admin host: unknown message ${JSON.stringify(unknown)}`)
      }
    }
  }

  return {
    receive,
    dispose: detach,
  }
}
