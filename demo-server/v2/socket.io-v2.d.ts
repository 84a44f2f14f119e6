/**
 * Local type declaration for `socket.io-v2` (an npm alias of socket.io@2.5.1, which ships no types of its
 * own in this install). Only what the v2 demo server uses; names follow socket.io 2.x's `lib/`.
 */
declare module 'socket.io-v2' {
  import type http from 'node:http'

  type Listener = (...args: any[]) => void

  export interface ServerOptionsV2 {
    path?: string
    serveClient?: boolean
    /** `'*:*'` by default: every origin. */
    origins?: string | string[]
    pingInterval?: number
    pingTimeout?: number
    maxHttpBufferSize?: number
    transports?: string[]
    cookie?: boolean | string
  }

  export interface HandshakeV2 {
    headers: http.IncomingHttpHeaders
    query: Record<string, string>
    address: string
    time: string
    issued: number
    url: string
  }

  export interface AdapterV2 {
    /** Room name → `{ sockets: { [id]: true }, length }`. */
    rooms: Record<string, { sockets: Record<string, boolean>, length: number } | undefined>
    /** Socket id → `{ [room]: true }`. */
    sids: Record<string, Record<string, boolean> | undefined>
  }

  export interface BroadcastOperatorV2 {
    emit(event: string, ...args: any[]): boolean | this
    to(room: string): this
    in(room: string): this
  }

  export interface SocketV2Server {
    id: string
    nsp: NamespaceV2
    server: ServerV2
    adapter: AdapterV2
    /** Rooms the socket is in (room name → room name); includes its own id room. */
    rooms: Record<string, string>
    connected: boolean
    disconnected: boolean
    handshake: HandshakeV2
    /** The engine.io socket under this socket (shared by the client's namespaces). */
    conn: { id: string, close(): void }
    broadcast: BroadcastOperatorV2
    on(event: string, listener: Listener): this
    once(event: string, listener: Listener): this
    emit(event: string, ...args: any[]): this
    to(room: string): BroadcastOperatorV2
    in(room: string): BroadcastOperatorV2
    join(room: string | string[], fn?: (err?: Error | null) => void): this
    leave(room: string, fn?: (err?: Error | null) => void): this
    leaveAll(): void
    /** Sends a raw socket.io-parser packet (`{ type, data, id? }`) to this socket. */
    packet(packet: { type: number, data?: unknown, id?: number }, opts?: Record<string, unknown>): void
    disconnect(close?: boolean): this
    compress(compress: boolean): this
    binary(binary: boolean): this
  }

  export interface NamespaceV2 {
    name: string
    adapter: AdapterV2
    /** Connected sockets by id. */
    connected: Record<string, SocketV2Server>
    sockets: Record<string, SocketV2Server>
    on(event: 'connection' | 'connect', listener: (socket: SocketV2Server) => void): this
    use(fn: (socket: SocketV2Server, next: (err?: Error) => void) => void): this
    to(room: string): this
    in(room: string): this
    emit(event: string, ...args: any[]): boolean
    /** Ids of the sockets in the namespace (or in the rooms chosen with `to`/`in`). */
    clients(fn: (err: Error | null, ids: string[]) => void): this
  }

  export interface ServerV2 {
    nsps: Record<string, NamespaceV2>
    sockets: NamespaceV2
    engine: { close(): void, clientsCount: number }
    of(name: string): NamespaceV2
    close(fn?: (err?: Error) => void): void
    attach(srv: http.Server, opts?: ServerOptionsV2): this
  }

  interface ServerFactoryV2 {
    (srv?: http.Server, opts?: ServerOptionsV2): ServerV2
    new (srv?: http.Server, opts?: ServerOptionsV2): ServerV2
  }

  const Server: ServerFactoryV2
  export default Server
}
