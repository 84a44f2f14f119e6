/**
 * The server model under the live tree: servers (from `server_stats`) and namespaces → rooms → sockets
 * (from `all_sockets` and the incremental events). Plain TypeScript, no framework.
 *
 * Sized for 5,000 sockets in 500 rooms: everything is a Map/Set keyed by id, every protocol event is an
 * O(1) (or O(rooms of one socket)) update, and nothing is rebuilt per event. Change notifications are
 * batched: `subscribe(cb)` fires at most once per macrotask, however many events arrived in it. The UI
 * calls `flatten()` (O(visible rows)) when notified, at its own pace.
 *
 * Private rooms (the room named after each socket's id) are kept on the socket only, never in the
 * namespace's room map, so 5,000 connects don't churn the sorted room list.
 */
import type { Disposer } from '../types'
import type { NamespaceDetails, SerializedSocket, ServerStats } from './protocol'

export interface SocketInfo {
  readonly id: string
  readonly nsp: string
  clientId: string | undefined
  transport: string | undefined
  /** ms since the epoch (`handshake.issued`), when the server sent it. */
  handshakeAt: number | undefined
  address: string | undefined
  query: Record<string, unknown> | undefined
  headers: Record<string, unknown> | undefined
  /** `socket.data` without admin-ui's `_admin` field. */
  data: unknown
  /**
   * The node the socket lives on, from `socket.data.node` (the demo cluster sets it; admin-ui itself
   * doesn't say which node reported a socket). Undefined when the server doesn't set it.
   */
  node: string | undefined
  /** Every room, the private one (= id) included when the server reports it. */
  readonly rooms: Set<string>
}

export interface RoomInfo {
  readonly name: string
  readonly nsp: string
  /** Socket ids, in join order. */
  readonly members: Set<string>
}

export interface NamespaceInfo {
  readonly name: string
  readonly sockets: Map<string, SocketInfo>
  /** Public rooms only (see the module comment). */
  readonly rooms: Map<string, RoomInfo>
}

export interface ServerInfo extends ServerStats {
  /** When the last `server_stats` of this server arrived (ms since the epoch). */
  lastSeen: number
}

export type TreeRowKind = 'server' | 'namespace' | 'room' | 'group' | 'socket'

interface RowBase {
  /** Stable key (for the virtual list and the expanded state). */
  readonly key: string
  readonly depth: number
}
export interface ServerRow extends RowBase {
  readonly kind: 'server'
  readonly id: string
  readonly hostname: string
  readonly pid: number
  readonly uptime: number
  readonly clientsCount: number
  readonly pollingClientsCount: number
  /**
   * Several servers (a cluster): how many sockets say they live on this node (`data.node` = its
   * `serverId`); expanding the row lists them. Undefined for a single server (it is the tree's root).
   */
  readonly nodeSockets: number | undefined
  /**
   * Several servers: ms since this node's last `server_stats` when it is overdue (admin-ui sends one every
   * 2 s; past `SILENT_AFTER_MS` the node has probably stopped, and the sockets it listed may be gone: a
   * node that dies never reports their disconnection). Undefined while it reports.
   */
  readonly silentMs: number | undefined
  readonly expanded: boolean
  readonly expandable: boolean
}
export interface NamespaceRow extends RowBase {
  readonly kind: 'namespace'
  readonly name: string
  /** Sockets the model holds (may lag `statsCount` in `production` mode, where no socket detail is sent). */
  readonly socketsCount: number
  /** Sum of the `server_stats` counts over servers, when any server reported this namespace. */
  readonly statsCount: number | undefined
  readonly roomsCount: number
  readonly expanded: boolean
}
export interface RoomRow extends RowBase {
  readonly kind: 'room'
  readonly nsp: string
  readonly name: string
  readonly size: number
  readonly expanded: boolean
}
/** The sockets of a namespace that are in no public room. */
export interface GroupRow extends RowBase {
  readonly kind: 'group'
  readonly nsp: string
  readonly size: number
  readonly expanded: boolean
}
export interface SocketRow extends RowBase {
  readonly kind: 'socket'
  readonly nsp: string
  /** The room this row is listed under (undefined: the "no room" group, or a node). */
  readonly room: string | undefined
  /** The server (node) row this row is listed under, in a cluster's node listing. */
  readonly underNode: string | undefined
  /** `data.node` of the socket (see `SocketInfo.node`). */
  readonly node: string | undefined
  readonly id: string
  readonly transport: string | undefined
  readonly address: string | undefined
  readonly handshakeAt: number | undefined
  readonly clientId: string | undefined
  /** Public rooms of the socket. */
  readonly roomCount: number
}
export type TreeRow = ServerRow | NamespaceRow | RoomRow | GroupRow | SocketRow

/**
 * Whether a node is open. `kind` and `size` (children count) let a caller apply defaults, e.g. "rooms open
 * when the whole tree is small".
 */
export type ExpandedFn = (key: string, kind: Exclude<TreeRowKind, 'socket'>, size: number) => boolean

export const rowKey = {
  server: (id: string) => `s:${id}`,
  namespace: (nsp: string) => `n:${nsp}`,
  room: (nsp: string, room: string) => `r:${nsp}\u0000${room}`,
  group: (nsp: string) => `g:${nsp}`,
  socket: (nsp: string, room: string | undefined, id: string) => `k:${nsp}\u0000${room ?? ''}\u0000${id}`,
  /** A socket listed under its node (several servers). */
  nodeSocket: (serverId: string, nsp: string, id: string) => `m:${serverId}\u0000${nsp}\u0000${id}`,
}

/** A cluster node whose `server_stats` (every 2 s) is this late is shown as silent. */
export const SILENT_AFTER_MS = 6000

/** Longest node name kept (a server's `data` is data: a huge string is not a node name). */
export const MAX_NODE_NAME = 200

/** `data.node` when it is a usable name (a non-empty string up to `MAX_NODE_NAME` characters). */
export function nodeOfData(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null)
    return undefined
  const node = (data as Record<string, unknown>).node
  return typeof node === 'string' && node.length > 0 && node.length <= MAX_NODE_NAME ? node : undefined
}

function compareNamespaces(a: string, b: string): number {
  if (a === b)
    return 0
  if (a === '/')
    return -1
  if (b === '/')
    return 1
  return a < b ? -1 : 1
}

/** `room-2` before `room-10`. One collator: `localeCompare` with options builds one per call. */
const roomCollator = new Intl.Collator('en', { numeric: true })

const EMPTY_SET: ReadonlySet<SocketInfo> = new Set()

function publicRoomCount(s: SocketInfo): number {
  return s.rooms.size - (s.rooms.has(s.id) ? 1 : 0)
}

/**
 * @example
 * const model = new ServerModel()
 * model.subscribe(() => render(model.flatten(() => true)))
 * model.reset(allSockets) // then addSocket / joinRoom / leaveRoom / removeSocket as events arrive
 */
export class ServerModel {
  /** Incremented on every change. */
  version = 0
  readonly servers = new Map<string, ServerInfo>()
  readonly namespaces = new Map<string, NamespaceInfo>()
  /** Whether an `all_sockets` snapshot arrived since the last `reset`/`clear`. */
  hasSnapshot = false
  private socketCount = 0
  /** Sum over public rooms of their member counts (= socket rows when every room is open). */
  private membershipCount = 0
  private readonly listeners = new Set<() => void>()
  private scheduled: ReturnType<typeof setTimeout> | undefined
  private sortedNamespaces: string[] | undefined
  private readonly sortedRooms = new Map<string, string[]>()
  private sortedServers: string[] | undefined
  /** Node name (`data.node`) → the sockets that say they live there, over every namespace. */
  private readonly byNode = new Map<string, Set<SocketInfo>>()

  get totalSockets(): number {
    return this.socketCount
  }

  /** Rows of a fully expanded tree (servers + namespaces + rooms + groups + socket rows), upper bound. */
  get estimatedRows(): number {
    let rows = this.servers.size + this.namespaces.size * 2 + this.membershipCount
    // Several servers: each node row lists its sockets too.
    if (this.servers.size > 1) {
      for (const id of this.servers.keys()) rows += this.byNode.get(id)?.size ?? 0
    }
    for (const ns of this.namespaces.values()) rows += ns.rooms.size
    for (const ns of this.namespaces.values()) {
      // Sockets in no public room are listed once under the group row.
      if (ns.sockets.size > 0)
        rows += ns.sockets.size
    }
    return rows
  }

  /** Change notification, at most once per macrotask. Returns an unsubscribe function. */
  subscribe(listener: () => void): Disposer {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSocket(nsp: string, id: string): SocketInfo | undefined {
    return this.namespaces.get(nsp)?.sockets.get(id)
  }

  /** The sockets whose `data.node` is `node` (every namespace), in arrival order. */
  socketsOnNode(node: string): ReadonlySet<SocketInfo> {
    return this.byNode.get(node) ?? EMPTY_SET
  }

  /** Server ids, sorted by name (`node-2` before `node-10`): reports arrive in any order. */
  serverIds(): readonly string[] {
    if (!this.sortedServers)
      this.sortedServers = [...this.servers.keys()].sort(roomCollator.compare)
    return this.sortedServers
  }

  /** Replace every socket with a snapshot (`all_sockets`). Servers are kept. */
  reset(sockets: readonly SerializedSocket[]): void {
    for (const ns of this.namespaces.values()) {
      ns.sockets.clear()
      ns.rooms.clear()
    }
    this.sortedRooms.clear()
    this.byNode.clear()
    this.socketCount = 0
    this.membershipCount = 0
    for (const s of sockets) this.addSocket(s)
    this.hasSnapshot = true
    this.changed()
  }

  /** Forget everything (disconnect from the admin namespace). */
  clear(): void {
    this.namespaces.clear()
    this.servers.clear()
    this.sortedRooms.clear()
    this.byNode.clear()
    this.sortedNamespaces = undefined
    this.sortedServers = undefined
    this.socketCount = 0
    this.membershipCount = 0
    this.hasSnapshot = false
    this.changed()
  }

  setServerStats(stats: ServerStats, now = Date.now()): void {
    const known = this.servers.get(stats.serverId)
    const namespaces: NamespaceDetails[] = stats.namespaces.map(n => ({ name: n.name, socketsCount: Number(n.socketsCount) || 0 }))
    this.servers.set(stats.serverId, {
      serverId: stats.serverId,
      hostname: String(stats.hostname ?? ''),
      pid: Number(stats.pid) || 0,
      uptime: Number(stats.uptime) || 0,
      clientsCount: Number(stats.clientsCount) || 0,
      pollingClientsCount: Number(stats.pollingClientsCount) || 0,
      namespaces,
      lastSeen: now,
    })
    for (const n of namespaces) this.ensureNamespace(n.name)
    if (!known) {
      this.sortedNamespaces = undefined
      this.sortedServers = undefined
    }
    this.changed()
  }

  /** Add (or refresh) a socket: `socket_connected` or one entry of `all_sockets`. */
  addSocket(s: SerializedSocket): void {
    const ns = this.ensureNamespace(s.nsp)
    let info = ns.sockets.get(s.id)
    if (!info) {
      info = {
        id: s.id,
        nsp: s.nsp,
        clientId: undefined,
        transport: undefined,
        handshakeAt: undefined,
        address: undefined,
        query: undefined,
        headers: undefined,
        data: undefined,
        node: undefined,
        rooms: new Set(),
      }
      ns.sockets.set(s.id, info)
      this.socketCount++
    }
    info.clientId = typeof s.clientId === 'string' ? s.clientId : undefined
    info.transport = typeof s.transport === 'string' ? s.transport : undefined
    const hs = typeof s.handshake === 'object' && s.handshake !== null ? s.handshake : {}
    info.handshakeAt = typeof hs.issued === 'number' ? hs.issued : (typeof hs.time === 'string' ? Date.parse(hs.time) || undefined : undefined)
    info.address = typeof hs.address === 'string' ? hs.address : undefined
    info.query = typeof hs.query === 'object' && hs.query !== null ? hs.query : undefined
    info.headers = typeof hs.headers === 'object' && hs.headers !== null ? hs.headers : undefined
    info.data = s.data
    this.setNode(info, nodeOfData(s.data))
    for (const room of s.rooms) this.addMembership(ns, info, room)
    this.changed()
  }

  /** `socket_updated`: a partial socket (transport after an upgrade, or `data`). */
  updateSocket(update: Partial<SerializedSocket> & { id: string, nsp: string }): boolean {
    const info = this.getSocket(update.nsp, update.id)
    if (!info)
      return false
    if (typeof update.transport === 'string')
      info.transport = update.transport
    if ('data' in update) {
      info.data = update.data
      this.setNode(info, nodeOfData(update.data))
    }
    this.changed()
    return true
  }

  /** `socket_disconnected`. */
  removeSocket(nsp: string, id: string): boolean {
    const ns = this.namespaces.get(nsp)
    const info = ns?.sockets.get(id)
    if (!ns || !info)
      return false
    for (const room of info.rooms) this.dropMembership(ns, info, room)
    this.setNode(info, undefined)
    ns.sockets.delete(id)
    this.socketCount--
    this.changed()
    return true
  }

  /**
   * `room_joined`. Ignored for sockets the model doesn't know: the server reports the private room's
   * join before `socket_connected`, whose `rooms` already carries it.
   */
  joinRoom(nsp: string, room: string, id: string): boolean {
    const ns = this.namespaces.get(nsp)
    const info = ns?.sockets.get(id)
    if (!ns || !info || info.rooms.has(room))
      return false
    this.addMembership(ns, info, room)
    this.changed()
    return true
  }

  /**
   * `room_left`. Ignored for unknown sockets: admin-ui sends `room_left` on the next tick, after
   * `socket_disconnected` already removed the socket.
   */
  leaveRoom(nsp: string, room: string, id: string): boolean {
    const ns = this.namespaces.get(nsp)
    const info = ns?.sockets.get(id)
    if (!ns || !info || !info.rooms.has(room))
      return false
    this.dropMembership(ns, info, room)
    this.changed()
    return true
  }

  /** Namespace names, `/` first, then by name. */
  namespaceNames(): readonly string[] {
    if (!this.sortedNamespaces)
      this.sortedNamespaces = [...this.namespaces.keys()].sort(compareNamespaces)
    return this.sortedNamespaces
  }

  /** Public room names of a namespace, sorted (cached until a room appears or disappears). */
  roomNames(nsp: string): readonly string[] {
    let names = this.sortedRooms.get(nsp)
    if (!names) {
      const ns = this.namespaces.get(nsp)
      names = ns ? [...ns.rooms.keys()].sort(roomCollator.compare) : []
      this.sortedRooms.set(nsp, names)
    }
    return names
  }

  /** Sum of `server_stats` socket counts for a namespace over every server. */
  statsCount(nsp: string): number | undefined {
    let total: number | undefined
    for (const server of this.servers.values()) {
      for (const n of server.namespaces) {
        if (n.name === nsp)
          total = (total ?? 0) + n.socketsCount
      }
    }
    return total
  }

  /**
   * The rows of the tree, depth first. O(rows produced) (+ a sort of room names when rooms changed).
   *
   * One server: server → namespaces → rooms → sockets. Several servers (a cluster): the server rows come
   * first, each listing the sockets that live on it when open (admin-ui doesn't say which node reported a
   * socket: the demo cluster's sockets say it in `data.node`), then the namespaces at the top level, where
   * every socket row carries its node.
   */
  flatten(expanded: ExpandedFn, now = Date.now()): TreeRow[] {
    const rows: TreeRow[] = []
    const single = this.servers.size === 1
    let nsDepth = 0
    let showNamespaces = true
    for (const id of this.serverIds()) {
      const s = this.servers.get(id)!
      const key = rowKey.server(s.serverId)
      const onNode = single ? undefined : this.byNode.get(s.serverId)
      const open = single ? expanded(key, 'server', this.namespaces.size) : (onNode !== undefined && onNode.size > 0 && expanded(key, 'server', onNode.size))
      rows.push({
        kind: 'server',
        key,
        depth: 0,
        id: s.serverId,
        hostname: s.hostname,
        pid: s.pid,
        uptime: s.uptime,
        clientsCount: s.clientsCount,
        pollingClientsCount: s.pollingClientsCount,
        nodeSockets: single ? undefined : onNode?.size ?? 0,
        silentMs: !single && now - s.lastSeen > SILENT_AFTER_MS ? now - s.lastSeen : undefined,
        expanded: open,
        expandable: single || (onNode !== undefined && onNode.size > 0),
      })
      if (single) {
        nsDepth = 1
        showNamespaces = open
      }
      else if (open && onNode) {
        for (const info of onNode) rows.push(this.socketRow(info, undefined, 1, s.serverId))
      }
    }
    if (!showNamespaces)
      return rows
    for (const nsp of this.namespaceNames()) {
      const ns = this.namespaces.get(nsp)!
      const key = rowKey.namespace(nsp)
      const open = expanded(key, 'namespace', ns.rooms.size + ns.sockets.size)
      rows.push({
        kind: 'namespace',
        key,
        depth: nsDepth,
        name: nsp,
        socketsCount: ns.sockets.size,
        statsCount: this.statsCount(nsp),
        roomsCount: ns.rooms.size,
        expanded: open,
      })
      if (!open)
        continue
      for (const name of this.roomNames(nsp)) {
        const room = ns.rooms.get(name)
        if (!room)
          continue
        const rkey = rowKey.room(nsp, name)
        const ropen = expanded(rkey, 'room', room.members.size)
        rows.push({ kind: 'room', key: rkey, depth: nsDepth + 1, nsp, name, size: room.members.size, expanded: ropen })
        if (ropen) {
          for (const id of room.members) {
            const info = ns.sockets.get(id)
            if (info)
              rows.push(this.socketRow(info, name, nsDepth + 2))
          }
        }
      }
      let alone = 0
      for (const info of ns.sockets.values()) {
        if (publicRoomCount(info) === 0)
          alone++
      }
      if (alone > 0) {
        const gkey = rowKey.group(nsp)
        const gopen = expanded(gkey, 'group', alone)
        rows.push({ kind: 'group', key: gkey, depth: nsDepth + 1, nsp, size: alone, expanded: gopen })
        if (gopen) {
          for (const info of ns.sockets.values()) {
            if (publicRoomCount(info) === 0)
              rows.push(this.socketRow(info, undefined, nsDepth + 2))
          }
        }
      }
    }
    return rows
  }

  private socketRow(info: SocketInfo, room: string | undefined, depth: number, underNode?: string): SocketRow {
    return {
      kind: 'socket',
      key: underNode === undefined ? rowKey.socket(info.nsp, room, info.id) : rowKey.nodeSocket(underNode, info.nsp, info.id),
      depth,
      nsp: info.nsp,
      room,
      underNode,
      node: info.node,
      id: info.id,
      transport: info.transport,
      address: info.address,
      handshakeAt: info.handshakeAt,
      clientId: info.clientId,
      roomCount: publicRoomCount(info),
    }
  }

  /** Move a socket to another node's set (undefined: none). */
  private setNode(info: SocketInfo, node: string | undefined): void {
    if (info.node === node)
      return
    if (info.node !== undefined) {
      const set = this.byNode.get(info.node)
      set?.delete(info)
      if (set?.size === 0)
        this.byNode.delete(info.node)
    }
    info.node = node
    if (node !== undefined) {
      let set = this.byNode.get(node)
      if (!set) {
        set = new Set()
        this.byNode.set(node, set)
      }
      set.add(info)
    }
  }

  private ensureNamespace(name: string): NamespaceInfo {
    let ns = this.namespaces.get(name)
    if (!ns) {
      ns = { name, sockets: new Map(), rooms: new Map() }
      this.namespaces.set(name, ns)
      this.sortedNamespaces = undefined
    }
    return ns
  }

  private addMembership(ns: NamespaceInfo, info: SocketInfo, room: string): void {
    if (info.rooms.has(room))
      return
    info.rooms.add(room)
    if (room === info.id)
      return
    let r = ns.rooms.get(room)
    if (!r) {
      r = { name: room, nsp: ns.name, members: new Set() }
      ns.rooms.set(room, r)
      this.sortedRooms.delete(ns.name)
    }
    r.members.add(info.id)
    this.membershipCount++
  }

  private dropMembership(ns: NamespaceInfo, info: SocketInfo, room: string): void {
    info.rooms.delete(room)
    if (room === info.id)
      return
    const r = ns.rooms.get(room)
    if (!r || !r.members.delete(info.id))
      return
    this.membershipCount--
    if (r.members.size === 0) {
      ns.rooms.delete(room)
      this.sortedRooms.delete(ns.name)
    }
  }

  private changed(): void {
    this.version++
    if (this.scheduled !== undefined || this.listeners.size === 0)
      return
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined
      for (const l of [...this.listeners]) l()
    }, 0)
  }
}
