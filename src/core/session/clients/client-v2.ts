import type { ManagerOptionsV2, PacketV2, SocketV2 } from 'socket.io-client-v2'
import type { Disposer, TransportName } from '../../types'
import type { AckAnswer, ClientAdapter, ClientEmitOptions, ClientFaults, ClientOptions, ClientReports, ClientTarget, EmitDisposition } from './adapter'
import { isBinary } from '../../log/preview'
import { explainDisconnect } from '../explain'
import { errorMessage } from '../shared'
/// <reference path="../socket.io-client-v2.d.ts" />
/**
 * socket.io-client 2.x (`socket.io-client-v2`) behind `ClientAdapter` (./adapter.ts), for socket.io 2.x
 * servers and v3/v4 servers started with `allowEIO3: true`. What differs from 4.x, mapped here:
 *
 * - Lifecycle: v2 emits every event on the Socket (the Manager forwards `connect_error`, `reconnect*` with
 *   `emitAll`). A namespace middleware's refusal arrives as an `error` (ERROR packet) before `connect`:
 *   reported as a connect error.
 * - Incoming events: v2 has no `onAny`, so the socket's `onevent(packet)` is wrapped; it sees every EVENT
 *   and BINARY_EVENT with all arguments, and `packet.id` when the server asked for an ack. The answer is the
 *   ACK packet the socket's own `ack(id)` would send, with our binary check.
 * - Own acks: v2 has no `socket.timeout()`; a timer removes the pending callback from `socket.acks`, as v4's
 *   `timeout()` does, so a late answer is ignored.
 * - Binary: `has-binary2` knows Buffer and ArrayBuffer but not typed arrays (a lone Uint8Array would go out
 *   as JSON `{"0":1}`): the adapter decides and tells the socket (`binary(true)` / a BINARY_ACK).
 * - Frames: engine.io-client 3.x (EIO3: the client pings), bytes copied (engine buffers may be pooled).
 * - The library is loaded on the first `connect()` (a dynamic import), so a bundle that never opens a v2
 *   session does not carry it in its initial chunk.
 */
import { InjectedOutage } from './outage'
import { hookSendBufferFlush } from './send-buffer'

type IoV2 = typeof import('socket.io-client-v2').default

let ioV2: IoV2 | undefined
let ioV2Loading: Promise<IoV2> | undefined

/**
 * Load socket.io-client 2.x (once; resolves at once when loaded). A v2 session calls it on its first
 * `connect()` (state `connecting` meanwhile).
 * @example await loadSocketIoClientV2() // optional: preload before the user clicks "connect"
 */
export function loadSocketIoClientV2(): Promise<IoV2> {
  ioV2Loading ??= import('socket.io-client-v2').then((m) => {
    const mod = m as unknown as { default?: IoV2 } & IoV2
    ioV2 = (typeof mod.default === 'function' ? mod.default : mod) as IoV2
    return ioV2
  }, (err: unknown) => {
    ioV2Loading = undefined // let a later connect() try again
    throw err
  })
  return ioV2Loading
}

/** socket.io-parser 3.x packet types the adapter writes itself. */
const ACK = 3
const BINARY_ACK = 6

/** Whether `value` holds binary at any depth (see the file comment). */
export function containsBinary(value: unknown): boolean {
  const stack: unknown[] = [value]
  const seen = new Set<object>()
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object')
      continue
    if (isBinary(v))
      return true
    if (seen.has(v))
      continue
    seen.add(v)
    if (Array.isArray(v))
      stack.push(...v)
    else
      stack.push(...Object.values(v))
  }
  return false
}

/** Bytes of a Buffer/ArrayBuffer/typed array as a Uint8Array of its own (engine buffers may be pooled). */
function copyFrameData(data: unknown): string | Uint8Array | undefined {
  if (typeof data === 'string' || data === undefined || data === null)
    return data ?? undefined
  if (data instanceof ArrayBuffer)
    return new Uint8Array(data.slice(0))
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)
  return undefined
}

/** v2 middleware errors arrive as the ERROR packet's data itself: a string, or the object given as `err.data`. */
function refusalData(err: unknown): unknown {
  if (err && typeof err === 'object' && !(err instanceof Error))
    return err
  return (err as { data?: unknown } | null | undefined)?.data
}

type Listener = (...args: any[]) => void

/** socket.io-client 2.x internals the faults use (not in its type declaration). */
interface SocketV2Internals { sendBuffer: { id?: number }[], emitBuffered: () => void }
interface ManagerV2Internals { skipReconnect?: boolean, backoff?: { reset: () => void } }
interface EngineV2Internals { readyState?: string, transport?: { close: () => void } | null, ping?: () => void }

/**
 * @example
 * const client = new ClientV2({ url, client: 'v2' }, { origin, namespace, url, sessionId: 's1' }, reports)
 * client.connect()
 */
export class ClientV2 implements ClientAdapter {
  readonly kind = 'v2'
  readonly protocol = 3
  readonly binaryFrameExtra = 1
  readonly frameFilter = undefined
  readonly frameData = copyFrameData
  private socket: SocketV2 | undefined
  private subs: Disposer[] = []
  private originalOnevent: ((packet: PacketV2) => void) | undefined
  private readonly ownAckTimers = new Set<ReturnType<typeof setTimeout>>()
  /** `connect()` waits for the dynamic import of socket.io-client 2.x. */
  private loadPending = false
  private attempts = 0
  private warnedVolatile = false
  private disposed = false
  /** Fault injection (../faults.ts). */
  private heartbeatHeld = false
  private readonly heldEngines = new WeakSet<object>()
  private readonly outage = new InjectedOutage()
  /** Our emits waiting in the socket's send buffer → what to call when socket.io flushes them. */
  private readonly queued = new Map<unknown, () => void>()
  /** `setReconnection` before the socket exists: applied when it is made. */
  private reconnectionWanted: boolean | undefined

  constructor(private readonly options: ClientOptions, private readonly target: ClientTarget, private readonly reports: ClientReports) {}

  get connected(): boolean { return this.socket?.connected === true }

  get canQueue(): boolean { return !!this.socket }

  get active(): boolean {
    if (this.loadPending)
      return true
    const s = this.socket
    // On its way (first attempt or socket.io's own reconnection loop): like v4's `socket.active`.
    return !!s && (s.connected || s.io.reconnecting || s.io.readyState === 'opening')
  }

  connect(): void {
    if (this.socket || ioV2) {
      this.open(ioV2!)
      return
    }
    // First connect in this runtime: load socket.io-client 2.x, then open.
    this.loadPending = true
    loadSocketIoClientV2().then((io) => {
      if (!this.loadPending || this.disposed)
        return // disconnected or disposed meanwhile
      this.loadPending = false
      this.open(io)
    }, (err: unknown) => {
      if (!this.loadPending || this.disposed)
        return
      this.loadPending = false
      this.reports.failed(`Could not load socket.io-client 2.x: ${errorMessage(err)}`)
    })
  }

  emit(name: string, args: unknown[], options: ClientEmitOptions): EmitDisposition {
    const buffer = (this.socket as unknown as SocketV2Internals).sendBuffer
    const before = buffer.length
    this.send(name, args, options)
    const now = (this.socket as unknown as SocketV2Internals).sendBuffer
    if (now.length <= before)
      return 'sent'
    // Not connected: socket.io 2 keeps it in its send buffer until the next connect.
    if (options.onFlushed)
      this.queued.set(now[now.length - 1], options.onFlushed)
    return 'queued'
  }

  private send(name: string, args: unknown[], options: ClientEmitOptions): void {
    const socket = this.socket!
    if (options.volatile && !this.warnedVolatile) {
      this.warnedVolatile = true
      this.reports.note('warn', 'socket.io-client 2.x has no volatile emits: sent as a normal emit')
    }
    if (options.compress !== undefined)
      socket.compress(options.compress)
    socket.binary(containsBinary(args))
    const ack = options.ack
    if (!ack) {
      socket.emit(name, ...args)
      return
    }
    const ackId = socket.ids
    let done = false
    const timer = setTimeout(() => {
      this.ownAckTimers.delete(timer)
      if (done)
        return
      done = true
      // Like v4's `socket.timeout()`: forget the callback, a late answer is ignored, and a packet still
      // waiting in the send buffer is not sent any more.
      delete socket.acks[ackId]
      const buffer = (socket as unknown as SocketV2Internals).sendBuffer
      const at = buffer.findIndex(p => p.id === ackId)
      if (at >= 0) {
        this.queued.delete(buffer[at])
        buffer.splice(at, 1)
      }
      ack.callback(new Error('operation has timed out'), [])
    }, ack.timeoutMs)
    ;(timer as { unref?: () => void }).unref?.()
    this.ownAckTimers.add(timer)
    socket.emit(name, ...args, (...answer: unknown[]) => {
      if (done)
        return
      done = true
      clearTimeout(timer)
      this.ownAckTimers.delete(timer)
      ack.callback(null, answer)
    })
  }

  disconnect(): ReturnType<ClientAdapter['disconnect']> {
    if (this.loadPending) {
      this.loadPending = false
      return 'stopped-loading'
    }
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
      const engine = this.socket?.io.engine as unknown as EngineV2Internals | undefined
      const transport = engine?.readyState === 'open' ? engine.transport : undefined
      // As a network loss would: the transport closes, the engine closes with `transport close`, socket.io reconnects.
      return transport ? () => transport.close() : undefined
    },
    holdHeartbeat: (on) => {
      this.heartbeatHeld = on
      if (on && this.socket?.io.engine)
        this.holdPings(this.socket.io.engine)
    },
    setOffline: (error) => {
      this.outage.set(error, this.transportOptions())
    },
    setReconnection: (on) => {
      this.reconnectionWanted = on
      const manager = this.socket?.io
      if (!manager)
        return
      manager.reconnection(on)
      const m = manager as unknown as ManagerV2Internals
      if (!on && manager.reconnecting && !this.socket?.connected) {
        // socket.io 2 would go on with a loop already started: stop it before its next attempt, as 4.x does.
        m.skipReconnect = true
        manager.reconnecting = false
        m.backoff?.reset()
      }
    },
    reconnection: () => this.reconnectionNow(),
  }

  private reconnectionNow(): boolean {
    return this.socket ? this.socket.io.reconnection() : (this.reconnectionWanted ?? this.options.reconnection ?? true)
  }

  /** EIO3: the client pings; while held this engine sends none, so the heartbeat times out. */
  private holdPings(engine: unknown): void {
    const e = engine as EngineV2Internals
    if (this.heldEngines.has(e) || typeof e.ping !== 'function')
      return
    this.heldEngines.add(e)
    const original = e.ping
    // eslint-disable-next-line ts/no-this-alias
    const adapter = this
    e.ping = function (this: unknown) {
      if (adapter.heartbeatHeld)
        return // no `packetCreate`, nothing written: no pong comes back
      return original.call(this)
    }
  }

  /** The Manager's options the outage changes (./outage.ts), once the Manager exists. */
  private transportOptions(): { transports?: unknown } | undefined {
    return this.socket?.io.opts as { transports?: unknown } | undefined
  }

  dispose(): void {
    if (this.disposed)
      return
    this.disposed = true
    this.queued.clear()
    this.outage.set(undefined, this.transportOptions())
    this.loadPending = false
    for (const t of this.ownAckTimers) clearTimeout(t)
    this.ownAckTimers.clear()
    for (const d of this.subs.splice(0)) d()
    const socket = this.socket
    if (socket) {
      if (this.originalOnevent)
        socket.onevent = this.originalOnevent
      socket.disconnect()
      // `disconnect()` closes the Manager once no socket uses it; make sure of it (a shared Manager
      // created with forceNew: false keeps serving the other sessions' sockets).
      if (this.options.forceNew !== false)
        socket.io.close()
    }
    this.socket = undefined
  }

  // --- internals -------------------------------------------------------------------------------------

  private open(io: IoV2): void {
    if (!this.socket)
      this.createSocket(io)
    this.socket!.open()
    this.reportEngine()
  }

  private reportEngine(): void {
    const engine = this.socket?.io.engine
    if (engine && !this.disposed) {
      if (this.heartbeatHeld)
        this.holdPings(engine)
      this.reports.engine(engine)
    }
  }

  private willRetry(): boolean {
    if (this.disposed || !this.reconnectionNow())
      return false
    return this.attempts < (this.options.reconnectionAttempts ?? Infinity)
  }

  private createSocket(io: IoV2): void {
    const o = this.options
    if (o.auth && Object.keys(o.auth).length > 0)
      this.reports.note('warn', 'socket.io 2.x has no auth payload: the `auth` option is not sent (use `query` instead)')
    // Query parameters written in the URL count as `query` (the option wins), as for v4.
    const query: Record<string, string> = {}
    for (const [k, v] of new URL(o.url).searchParams) query[k] = v
    Object.assign(query, o.query)
    const opts: ManagerOptionsV2 = {
      autoConnect: false,
      forceNew: o.forceNew !== false,
      path: o.path ?? '/socket.io',
      transports: o.transports ?? ['polling', 'websocket'],
      upgrade: o.upgrade ?? true,
      reconnection: o.reconnection ?? true,
      reconnectionAttempts: o.reconnectionAttempts ?? Infinity,
      reconnectionDelay: o.reconnectionDelay ?? 1000,
      reconnectionDelayMax: o.reconnectionDelayMax ?? 5000,
      timeout: o.timeout ?? 20_000,
      withCredentials: o.withCredentials ?? false,
      ...(Object.keys(query).length ? { query } : {}),
      ...(o.extraHeaders && Object.keys(o.extraHeaders).length > 0 ? { extraHeaders: { ...o.extraHeaders } } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
    }
    const socket = io(this.target.url, opts)
    this.socket = socket
    if (this.reconnectionWanted !== undefined)
      socket.io.reconnection(this.reconnectionWanted)
    this.outage.apply(this.transportOptions())
    this.wrapOnevent(socket)
    // socket.io flushes its send buffer here (after `connect`): tell the session which queued emits go now.
    hookSendBufferFlush(socket, this.queued)
    const r = this.reports
    const on = (event: string, listener: Listener): void => {
      socket.on(event, listener)
      this.subs.push(() => socket.off(event, listener))
    }
    on('connect', () => {
      this.attempts = 0
      this.reportEngine()
      const engine = socket.io.engine
      r.connect({
        socketId: socket.id ?? '',
        engineId: engine?.id || undefined,
        transport: (engine?.transport?.name ?? undefined) as TransportName | undefined,
        recovered: false,
        stateRecovery: false,
      })
    })
    on('connect_error', (err: unknown) => {
      const e = this.outage.reported(err)
      r.connectError(e, refusalData(e), this.willRetry())
    })
    on('error', (data: unknown) => {
      // Before `connect`: a namespace middleware refused us (ERROR packet); v4 calls that `connect_error`.
      if (!socket.connected) {
        // socket.io 2 sends `err.data` instead of the message when a middleware gives one: say so rather
        // than show "[object Object]".
        const err = data !== null && typeof data === 'object' && typeof (data as { message?: unknown }).message !== 'string'
          ? new Error('refused by a namespace middleware (socket.io 2.x sends only its err.data)')
          : data
        r.connectError(err, refusalData(data), false)
        return
      }
      r.note('error', `socket error: ${errorMessage(data)}`)
    })
    on('disconnect', (reason: string) => {
      const willReconnect = explainDisconnect(reason).willReconnect && this.reconnectionNow() && !this.disposed
      r.disconnect(reason, undefined, willReconnect)
    })
    on('reconnect_attempt', (attempt: number) => {
      this.attempts = attempt
      r.reconnectAttempt(attempt)
      // The Manager makes the new engine right after emitting this event: report it in a microtask.
      queueMicrotask(() => this.reportEngine())
    })
    on('reconnect_error', (err: unknown) => r.reconnectError(this.outage.reported(err)))
    on('reconnect', (attempt: number) => r.reconnect(attempt))
    on('reconnect_failed', () => r.reconnectFailed())
  }

  /** Replace the socket's `onevent` to see every incoming EVENT/BINARY_EVENT with its ack id. */
  private wrapOnevent(socket: SocketV2): void {
    const original = socket.onevent
    this.originalOnevent = original
    socket.onevent = (packet: PacketV2) => {
      try {
        const data: unknown[] = Array.isArray(packet.data) ? packet.data : []
        // Copy before the socket pushes its ack callback onto `packet.data`.
        const id = packet.id
        let answer: AckAnswer | undefined
        if (id !== undefined && id !== null) {
          answer = (...list: unknown[]) => {
            // What the socket's own `ack(id)` sends, with the binary check of `containsBinary`.
            socket.packet({ type: containsBinary(list) ? BINARY_ACK : ACK, id, data: list, nsp: socket.nsp })
          }
        }
        this.reports.event(String(data[0]), data.slice(1), answer, undefined)
      }
      catch (err) {
        this.reports.note('error', `could not record an incoming event: ${errorMessage(err)}`)
      }
      original.call(socket, packet)
    }
  }
}
