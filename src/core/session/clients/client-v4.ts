import type { ManagerOptions, Socket } from 'socket.io-client'
import type { Disposer, EnginePacketType, TransportName } from '../../types'
import type { ManagerPool } from '../manager-pool'
import type { Emitterish } from '../shared'
import type { AckAnswer, ClientAdapter, ClientEmitOptions, ClientFaults, ClientOptions, ClientReports, ClientTarget, EmitDisposition } from './adapter'
import { Manager } from 'socket.io-client'
import * as msgpackParser from 'socket.io-msgpack-parser'
import { frameData } from '../../util/frame-data'
import { on } from '../shared'
/**
 * socket.io-client 4.x behind `ClientAdapter` (./adapter.ts): a Manager (own, or shared through a
 * `ManagerPool` for `forceNew: false`) and one Socket for the namespace. Lifecycle comes from the Socket
 * (`connect`, `connect_error`, `disconnect`) and the Manager (`reconnect*`: since v3 they are not forwarded to
 * the Socket), incoming events from `onAny` (all arguments, the ack callback last), own acks from
 * `socket.timeout(ms)`. `parser: 'msgpack'` gives the Manager `socket.io-msgpack-parser`.
 */
import { InjectedOutage } from './outage'
import { hookSendBufferFlush } from './send-buffer'

/** Namespace of a Socket.IO packet's text (`2["x"]` → `/`, `51-/chat,…` → `/chat`), read without decoding. */
function packetNamespace(text: string): string {
  let i = 1
  const t = text.charCodeAt(0)
  if (t === 53 || t === 54) { // '5' | '6': skip the attachment count and '-'
    const dash = text.indexOf('-', 1)
    if (dash < 0)
      return '/'
    i = dash + 1
  }
  if (text.charCodeAt(i) !== 47) // '/'
    return '/'
  const comma = text.indexOf(',', i)
  return comma < 0 ? text.slice(i) : text.slice(i, comma)
}

/** The Manager's and engine's internals the faults use (socket.io-client 4.8, engine.io-client 6.6). */
interface ManagerInternals {
  opts: { transports?: unknown }
  skipReconnect?: boolean
  _reconnecting?: boolean
  _readyState?: string
  backoff?: { reset: () => void }
}
interface EngineInternals {
  readyState?: string
  transport?: { close: () => void } | null
  _sendPacket?: (type: string, ...rest: unknown[]) => void
}
interface SocketInternals {
  sendBuffer: unknown[]
  emitBuffered: () => void
}
/** The Manager options of a session (query parameters in the URL count as `query`; the option wins). */
export function managerOptionsV4(o: ClientOptions): Partial<ManagerOptions> {
  const opts: Partial<ManagerOptions> = {
    autoConnect: false,
    path: o.path ?? '/socket.io',
    transports: o.transports ?? ['polling', 'websocket'],
    upgrade: o.upgrade ?? true,
    withCredentials: o.withCredentials ?? false,
    timeout: o.timeout ?? 20_000,
    reconnection: o.reconnection ?? true,
    reconnectionAttempts: o.reconnectionAttempts ?? Infinity,
    reconnectionDelay: o.reconnectionDelay ?? 1000,
    reconnectionDelayMax: o.reconnectionDelayMax ?? 5000,
  }
  const query: Record<string, string> = {}
  for (const [k, v] of new URL(o.url).searchParams) query[k] = v
  Object.assign(query, o.query)
  if (Object.keys(query).length)
    opts.query = query
  if (o.extraHeaders)
    opts.extraHeaders = { ...o.extraHeaders }
  if (o.ca !== undefined)
    opts.ca = Array.isArray(o.ca) ? [...o.ca] : o.ca
  if (o.rejectUnauthorized !== undefined)
    opts.rejectUnauthorized = o.rejectUnauthorized
  if (o.parser === 'msgpack')
    opts.parser = msgpackParser as unknown as ManagerOptions['parser']
  return opts
}

/**
 * @example
 * const client = new ClientV4(options, { origin, namespace, url, sessionId: 's1' }, reports, pool)
 * client.connect()
 */
export class ClientV4 implements ClientAdapter {
  readonly kind = 'v4'
  readonly protocol = 4
  readonly binaryFrameExtra = 0
  frameFilter: ClientAdapter['frameFilter'] = undefined
  readonly frameData = frameData
  private manager: Manager | undefined
  private socket: Socket | undefined
  private shared = false
  private subs: Disposer[] = []
  private lastEngine: unknown
  /** Binary attachments follow the header of their packet: remember whether that header was ours. */
  private inMine = true
  private outMine = true
  private disposed = false
  /** Fault injection (../faults.ts). */
  private heartbeatHeld = false
  private readonly heldEngines = new WeakSet<object>()
  private readonly outage = new InjectedOutage()
  /** Our emits waiting in the socket's send buffer → what to call when socket.io flushes them. */
  private readonly queued = new Map<unknown, () => void>()
  /** `setReconnection` before the Manager exists: applied when it is made. */
  private reconnectionWanted: boolean | undefined

  constructor(
    private readonly options: ClientOptions,
    private readonly target: ClientTarget,
    private readonly reports: ClientReports,
    private readonly pool: ManagerPool | undefined,
  ) {}

  get connected(): boolean { return this.socket?.connected === true }
  get active(): boolean {
    const socket = this.socket
    if (!socket || !(socket.connected || socket.active))
      return false
    // After a transport close with reconnection off (an option, or switched at runtime) the socket stays
    // `active` but nothing will open it again: `connect()` must.
    const m = this.manager as unknown as ManagerInternals | undefined
    return socket.connected || !m || m._reconnecting === true || m._readyState !== 'closed'
  }

  get canQueue(): boolean { return !!this.socket }

  connect(): void {
    const socket = this.ensureSocket()
    socket.connect()
    // `socket.connect()` opens the Manager synchronously: its engine exists now, before the handshake.
    this.reportEngine()
  }

  emit(name: string, args: unknown[], options: ClientEmitOptions): EmitDisposition {
    const buffer = (this.socket as unknown as SocketInternals).sendBuffer
    const before = buffer.length
    this.send(name, args, options)
    if (this.socket!.connected && buffer.length === before)
      return 'sent'
    // socket.io buffered it (not connected), or discarded it (volatile while the transport is not writable).
    const now = (this.socket as unknown as SocketInternals).sendBuffer
    if (now.length > before) {
      if (options.onFlushed)
        this.queued.set(now[now.length - 1], options.onFlushed)
      return 'queued'
    }
    return this.socket!.connected ? 'sent' : 'discarded'
  }

  private send(name: string, args: unknown[], options: ClientEmitOptions): void {
    let s: Socket = this.socket!
    if (options.volatile)
      s = s.volatile
    if (options.compress !== undefined)
      s = s.compress(options.compress)
    const ack = options.ack
    if (ack)
      s.timeout(ack.timeoutMs).emit(name, ...args, (err: Error | null, ...res: unknown[]) => ack.callback(err, res))
    else
      s.emit(name, ...args)
  }

  disconnect(): ReturnType<ClientAdapter['disconnect']> {
    const socket = this.socket
    if (!socket)
      return 'no-socket'
    const wasConnected = socket.connected
    socket.disconnect()
    // A socket that was not connected (still connecting, or in a reconnection loop) emits no `disconnect`.
    return wasConnected ? 'disconnected' : 'stopped-connecting'
  }

  readonly faults: ClientFaults = {
    dropTransport: () => {
      const engine = this.manager?.engine as unknown as EngineInternals | undefined
      const transport = engine?.readyState === 'open' ? engine.transport : undefined
      // As a network loss would: the transport closes, the engine closes with `transport close`, socket.io reconnects.
      return transport ? () => transport.close() : undefined
    },
    holdHeartbeat: (on) => {
      this.heartbeatHeld = on
      if (on && this.manager?.engine)
        this.holdPongs(this.manager.engine)
    },
    setOffline: (error) => {
      this.outage.set(error, this.transportOptions())
    },
    setReconnection: (on) => {
      this.reconnectionWanted = on
      const manager = this.manager
      if (!manager)
        return
      const m = manager as unknown as ManagerInternals
      manager.reconnection(on)
      if (on && m._readyState !== 'closed') {
        // `reconnection(false)` set `skipReconnect`, which only `open()` clears: a later drop would not reconnect.
        m.skipReconnect = false
      }
      if (!on && m._reconnecting && !this.socket?.connected) {
        // socket.io ends its loop before the next attempt but stays "reconnecting": leave the Manager as its own
        // `reconnect_failed` path does, so that a later connect() opens it.
        m._reconnecting = false
        m.backoff?.reset()
      }
    },
    reconnection: () => this.manager ? this.manager.reconnection() : (this.reconnectionWanted ?? this.options.reconnection ?? true),
  }

  /** v4: the server pings and waits for our pong; swallow the pongs of this engine while held. */
  private holdPongs(engine: unknown): void {
    const e = engine as EngineInternals
    if (this.heldEngines.has(e) || typeof e._sendPacket !== 'function')
      return
    this.heldEngines.add(e)
    const original = e._sendPacket
    // eslint-disable-next-line ts/no-this-alias
    const adapter = this
    e._sendPacket = function (this: unknown, type: string, ...rest: unknown[]) {
      if (type === 'pong' && adapter.heartbeatHeld)
        return // no `packetCreate`, nothing written: the server waits in vain
      return original.call(this, type, ...rest)
    }
  }

  /** The Manager's options the outage changes (./outage.ts), once the Manager exists. */
  private transportOptions(): { transports?: unknown } | undefined {
    return (this.manager as unknown as ManagerInternals | undefined)?.opts as { transports?: unknown } | undefined
  }

  dispose(): void {
    if (this.disposed)
      return
    this.disposed = true
    this.queued.clear()
    this.outage.set(undefined, this.transportOptions())
    for (const d of this.subs.splice(0)) d()
    const socket = this.socket
    const manager = this.manager
    if (socket) {
      socket.disconnect()
      socket.removeAllListeners()
    }
    if (manager) {
      const last = this.shared && this.pool ? this.pool.release(manager, this.target.sessionId) : true
      // socket.io-client caches one Socket per namespace on its Manager; forget ours.
      delete (manager as unknown as { nsps: Record<string, unknown> }).nsps[this.target.namespace]
      if (last)
        (manager as unknown as { _close: () => void })._close()
    }
    this.socket = undefined
    this.manager = undefined
  }

  // --- internals -------------------------------------------------------------------------------------

  private reportEngine(): void {
    const engine = this.manager?.engine
    if (!engine || this.disposed)
      return
    if (engine !== this.lastEngine) {
      this.lastEngine = engine
      this.inMine = true
      this.outMine = true
    }
    if (this.heartbeatHeld)
      this.holdPongs(engine)
    this.reports.engine(engine as unknown as Parameters<ClientReports['engine']>[0])
  }

  private willReconnect(): boolean {
    return !!this.socket?.active && this.manager?.reconnection() !== false
  }

  /**
   * The hot path: one incoming event. socket.io-client hands the ack callback last; with connection state
   * recovery (`_pid` set) a non-ack event ends with the server's offset.
   * TODO: a volatile server event (no offset) whose last argument is a string is misread as an offset.
   */
  private readonly onAny = (name: string, ...args: unknown[]): void => {
    const last = args.length ? args[args.length - 1] : undefined
    if (typeof last === 'function') {
      const answer = args.pop() as AckAnswer
      this.reports.event(name, args, answer, undefined)
      return
    }
    if (typeof last === 'string' && (this.socket as unknown as { _pid?: string } | undefined)?._pid) {
      const offset = args.pop() as string
      this.reports.event(name, args, undefined, offset)
      return
    }
    this.reports.event(name, args, undefined, undefined)
  }

  /** One connection, several sessions: this session's frames (see `frameFilter`). */
  private readonly sharedFilter = (direction: 'in' | 'out', type: EnginePacketType, data: string | Uint8Array | undefined): boolean => {
    if (type === 'message') {
      if (typeof data === 'string') {
        const mine = packetNamespace(data) === this.target.namespace
        if (direction === 'in')
          this.inMine = mine
        else
          this.outMine = mine
        return mine
      }
      return direction === 'in' ? this.inMine : this.outMine
    }
    // Engine-level frames (handshake, ping, pong, …) go to the first session only, not logged twice.
    return !this.manager || this.pool!.isPrimary(this.manager, this.target.sessionId)
  }

  /** Create the Manager and Socket once, and subscribe to them for the adapter's lifetime. */
  private ensureSocket(): Socket {
    if (this.socket)
      return this.socket
    const opts = managerOptionsV4(this.options)
    if (this.options.forceNew === false && this.pool) {
      const got = this.pool.acquire(this.target.sessionId, this.target.origin, this.target.namespace, opts)
      this.manager = got.manager
      this.shared = got.shared
      if (got.shared)
        this.frameFilter = this.sharedFilter
    }
    else {
      this.manager = new Manager(this.target.origin, opts)
    }
    const manager = this.manager
    if (this.reconnectionWanted !== undefined)
      manager.reconnection(this.reconnectionWanted)
    const socket = manager.socket(this.target.namespace, this.options.auth ? { auth: { ...this.options.auth } } : {})
    this.socket = socket
    this.outage.apply(this.transportOptions())
    socket.onAny(this.onAny)
    // socket.io flushes its send buffer here (on connect): tell the session which of our queued emits go now.
    hookSendBufferFlush(socket, this.queued)
    const r = this.reports
    const sock = socket as unknown as Emitterish
    const man = manager as unknown as Emitterish
    this.subs.push(
      () => { socket.offAny(this.onAny) },
      on(sock, 'connect', () => {
        this.reportEngine()
        const engine = manager.engine
        r.connect({
          socketId: socket.id ?? '',
          engineId: engine?.id || undefined,
          transport: engine?.transport?.name as TransportName | undefined,
          recovered: socket.recovered === true,
          stateRecovery: !!(socket as unknown as { _pid?: string })._pid,
        })
      }),
      on(sock, 'connect_error', (err: unknown) => {
        const e = this.outage.reported(err)
        r.connectError(e, (e as { data?: unknown } | null | undefined)?.data, this.willReconnect())
      }),
      on(sock, 'disconnect', (reason: string, details?: unknown) => {
        r.disconnect(reason, details, this.willReconnect())
      }),
      on(man, 'reconnect_attempt', (attempt: number) => {
        r.reconnectAttempt(attempt)
        // The Manager creates the new engine right after emitting `reconnect_attempt` (same tick): report it
        // in a microtask so the handshake of the new engine is captured too.
        queueMicrotask(() => this.reportEngine())
      }),
      on(man, 'reconnect_error', (err: unknown) => r.reconnectError(this.outage.reported(err))),
      on(man, 'reconnect', (attempt: number) => r.reconnect(attempt)),
      on(man, 'reconnect_failed', () => r.reconnectFailed()),
    )
    return socket
  }
}
