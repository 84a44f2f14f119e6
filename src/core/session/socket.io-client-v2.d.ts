/**
 * Local type declaration for `socket.io-client-v2` (an npm alias of socket.io-client@2.5.0, which ships
 * no types). Only what the v2 client adapter (clients/client-v2.ts) uses; names and shapes follow socket.io-client 2.x's `lib/`.
 */
declare module 'socket.io-client-v2' {
  type Listener = (...args: any[]) => void

  /** component-emitter, mixed into Socket, Manager and the engine. */
  interface EmitterV2 {
    on(event: string, listener: Listener): this
    once(event: string, listener: Listener): this
    off(event?: string, listener?: Listener): this
    removeListener(event: string, listener: Listener): this
    emit(event: string, ...args: any[]): this
    listeners(event: string): Listener[]
    hasListeners(event: string): boolean
  }

  /** socket.io-parser 3.x packet (types: CONNECT 0, DISCONNECT 1, EVENT 2, ACK 3, ERROR 4, BINARY_EVENT 5, BINARY_ACK 6). */
  export interface PacketV2 {
    type: number
    nsp: string
    id?: number
    data?: any
    attachments?: number
    query?: string
    options?: { compress?: boolean }
  }

  /** engine.io-parser 2.x packet as the engine reports it on `packet` / `packetCreate`. */
  export interface EnginePacketV2 {
    type: 'open' | 'close' | 'ping' | 'pong' | 'message' | 'upgrade' | 'noop' | 'error'
    data?: string | ArrayBuffer | Uint8Array
    options?: { compress?: boolean }
  }

  /** engine.io-client 3.x Socket. */
  export interface EngineV2 extends EmitterV2 {
    id: string | null
    readyState: 'opening' | 'open' | 'closing' | 'closed'
    transport: { name: 'polling' | 'websocket' } | null
    upgrades: string[]
    close(): this
  }

  export interface ManagerOptionsV2 {
    path?: string
    transports?: string[]
    upgrade?: boolean
    query?: Record<string, string> | string
    forceNew?: boolean
    multiplex?: boolean
    reconnection?: boolean
    reconnectionAttempts?: number
    reconnectionDelay?: number
    reconnectionDelayMax?: number
    randomizationFactor?: number
    timeout?: number | false
    autoConnect?: boolean
    withCredentials?: boolean
    /** Node only (polling and websocket). */
    extraHeaders?: Record<string, string>
    /** Node only: TLS options handed to `https`/`ws`. */
    ca?: string | string[]
    rejectUnauthorized?: boolean
    forceNode?: boolean
  }

  export interface ManagerV2 extends EmitterV2 {
    engine: EngineV2 | undefined
    readyState: 'closed' | 'opening' | 'open'
    reconnecting: boolean
    nsps: Record<string, SocketV2>
    opts: ManagerOptionsV2
    uri: string
    open(fn?: (err?: Error) => void): this
    close(): this
    reconnection(v: boolean): this
    reconnection(): boolean
    socket(nsp: string, opts?: ManagerOptionsV2): SocketV2
  }

  export interface SocketV2 extends EmitterV2 {
    io: ManagerV2
    nsp: string
    /** Server-side id: `engineId` for `/`, `nsp#engineId` otherwise. Set on `connect`. */
    id: string | undefined
    connected: boolean
    disconnected: boolean
    ids: number
    acks: Record<number, Listener>
    flags: { compress?: boolean, binary?: boolean }
    /** Called by the socket for EVENT and BINARY_EVENT packets; `packet.id` is set when the server wants an ack. */
    onevent(packet: PacketV2): void
    /** Called for ACK and BINARY_ACK packets. */
    onack(packet: PacketV2): void
    /** Builds the ack callback for a server request (sends ACK/BINARY_ACK once). */
    ack(id: number): Listener
    /** Writes a packet on this socket's namespace (sets `packet.nsp`). */
    packet(packet: PacketV2): void
    open(): this
    connect(): this
    close(): this
    disconnect(): this
    compress(compress: boolean): this
    binary(binary: boolean): this
  }

  interface LookupV2 {
    (uri: string, opts?: ManagerOptionsV2): SocketV2
    connect: LookupV2
    Manager: new (uri: string, opts?: ManagerOptionsV2) => ManagerV2
    /** socket.io protocol revision (4 for 2.x). */
    protocol: number
  }

  const io: LookupV2
  export default io
}
