/**
 * The wire protocol of `@socket.io/admin-ui` 0.5 (its `typed-events.ts`), mirrored as plain types plus the
 * guards the client runs on everything it receives: a server is data, never trusted to have the right shape.
 */

/** `config.supportedFeatures` values (admin-ui's `Feature` enum, as strings). */
export type AdminFeature
  = | 'EMIT' | 'JOIN' | 'LEAVE' | 'DISCONNECT'
    | 'MJOIN' | 'MLEAVE' | 'MDISCONNECT'
    | 'AGGREGATED_EVENTS' | 'ALL_EVENTS'
    | (string & {})

export interface AdminConfig {
  supportedFeatures: AdminFeature[]
}

export interface NamespaceDetails {
  name: string
  socketsCount: number
}

/** `server_stats`, sent by every instrumented server every 2 s (and once at `instrument()` time). */
export interface ServerStats {
  serverId: string
  hostname: string
  pid: number
  /** Seconds (`process.uptime()`). */
  uptime: number
  /** `io.engine.clientsCount`: Engine.IO connections, not sockets. */
  clientsCount: number
  pollingClientsCount: number
  namespaces: NamespaceDetails[]
}

/** Handshake as admin-ui serialises it (auth is deliberately left out by admin-ui). */
export interface SerializedHandshake {
  address?: string
  headers?: Record<string, unknown>
  query?: Record<string, unknown>
  /** ms since the epoch. */
  issued?: number
  secure?: boolean
  /** `new Date().toString()` on the server. */
  time?: string
  url?: string
  xdomain?: boolean
}

export interface SerializedSocket {
  id: string
  clientId: string
  transport: string
  nsp: string
  data: unknown
  handshake: SerializedHandshake
  rooms: string[]
}

/** Server → UI events. Dates travel as ISO strings (JSON). */
export interface AdminServerEvents {
  session: (sessionId: string) => void
  config: (config: AdminConfig) => void
  server_stats: (stats: ServerStats) => void
  all_sockets: (sockets: SerializedSocket[]) => void
  socket_connected: (socket: SerializedSocket, timestamp: string) => void
  socket_updated: (socket: Partial<SerializedSocket> & { id: string, nsp: string }) => void
  socket_disconnected: (nsp: string, id: string, reason: string, timestamp: string) => void
  room_joined: (nsp: string, room: string, id: string, timestamp: string) => void
  room_left: (nsp: string, room: string, id: string, timestamp: string) => void
  event_received: (nsp: string, id: string, args: unknown[], timestamp: string) => void
  event_sent: (nsp: string, id: string, args: unknown[], timestamp: string) => void
}

/**
 * UI → server events. On a v4 server, `filter` is a room name (every socket sits in a room named after
 * its id, so a socket id selects one socket); missing = the whole namespace.
 */
export interface AdminClientEvents {
  emit: (nsp: string, filter: string | undefined, ev: string, ...args: unknown[]) => void
  join: (nsp: string, room: string, filter?: string) => void
  leave: (nsp: string, room: string, filter?: string) => void
  _disconnect: (nsp: string, close: boolean, filter?: string) => void
}

export type AdminServerEventName = keyof AdminServerEvents

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function isAdminConfig(v: unknown): v is AdminConfig {
  return isObject(v) && Array.isArray(v.supportedFeatures) && v.supportedFeatures.every(f => typeof f === 'string')
}

export function isServerStats(v: unknown): v is ServerStats {
  return isObject(v) && typeof v.serverId === 'string' && Array.isArray(v.namespaces)
    && v.namespaces.every(n => isObject(n) && typeof n.name === 'string')
}

export function isSerializedSocket(v: unknown): v is SerializedSocket {
  return isObject(v) && typeof v.id === 'string' && typeof v.nsp === 'string' && Array.isArray(v.rooms)
    && v.rooms.every(r => typeof r === 'string')
}

export function isSocketUpdate(v: unknown): v is Partial<SerializedSocket> & { id: string, nsp: string } {
  return isObject(v) && typeof v.id === 'string' && typeof v.nsp === 'string'
}

/** Features that change the server (absent when the server was instrumented with `readonly: true`). */
export const ACTION_FEATURES = ['EMIT', 'JOIN', 'LEAVE', 'DISCONNECT'] as const satisfies readonly AdminFeature[]
