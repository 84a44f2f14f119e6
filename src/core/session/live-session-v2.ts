import type { EnginePacketV2, EngineV2, ManagerOptionsV2, PacketV2, SocketV2 } from 'socket.io-client-v2'
/// <reference path="./socket.io-client-v2.d.ts" />
/**
 * A live session over socket.io-client 2.x (`socket.io-client-v2`), for socket.io 2.x servers and v3/v4
 * servers started with `allowEIO3: true`. It records exactly the entries a v4 `LiveSession` records, mapped
 * from v2's API:
 *
 * - Lifecycle: v2 emits every event on the Socket (the Manager forwards `connect_error`,
 *   `reconnect_attempt`, `reconnect`, `reconnect_error`, `reconnect_failed` with `emitAll`). A namespace
 *   middleware's refusal arrives as an `error` (ERROR packet) before `connect`: it is logged as `connect_error`.
 * - Incoming events: v2 has no `onAny`, so the socket's `onevent(packet)` is wrapped; it sees every EVENT
 *   and BINARY_EVENT packet with all arguments, and `packet.id` when the server asked for an ack. Nobody
 *   answers that ack for the user: `answerAck` builds the answer with the socket's own `ack(id)`.
 * - Our acks: v2 has no `socket.timeout()`; the timeout is a timer that removes the pending callback
 *   from `socket.acks`, as v4's `timeout()` does, so a late answer is ignored.
 * - Raw frames: the engine's `packet` / `packetCreate` (engine.io-client 3.x, EIO3: the client pings),
 *   re-attached to the new engine on every (re)connection, with `protocol: 3` on each FrameEntry.
 *
 * @example
 * const log = new EventLog()
 * const s = new LiveSessionV2({ url: 'http://localhost:3002/namespace1', client: 'v2' }, { log })
 * s.on('state', snap => console.log(snap.status, snap.socketId))
 * s.connect()
 * s.emit('echo', ['hi'], { ack: true })
 * s.dispose()
 */
import type {
  AckEntry,
  ConnectEntry,
  ConnectErrorEntry,
  ConnectingEntry,
  DisconnectEntry,
  DisconnectReason,
  Disposer,
  EmitOptions,
  EmitResult,
  EnginePacketType,
  EventEntry,
  FrameEntry,
  InspectorLog,
  LogEntry,
  NewEntry,
  NoteEntry,
  PendingServerAck,
  ReconnectAttemptEntry,
  ReconnectEntry,
  ReconnectErrorEntry,
  ReconnectFailedEntry,
  SessionCarryOver,
  SessionEvents,
  SessionOptions,
  SessionSnapshot,
  SessionSource,
  SessionStatus,
  SocketIdRecord,
  TransportName,
  UpgradeEntry,
} from '../types'
import type { EngineFault, EnginePacketLike } from './engine-guard'
import { estimateBytes, isBinary } from '../log/preview'
import { describeFault, guardEngine } from './engine-guard'
import { explainConnectError, explainDisconnect, explainUpgradeError, isAbandonedUpgrade } from './explain'
import { HeartbeatWatch } from './heartbeat'
import { watchProbeFrames } from './probe-frames'
import { DEFAULT_ACK_TIMEOUT_MS, DEFAULT_SERVER_ACK_TIMEOUT_MS, DISPOSED_ERROR, emitRefusal, ENTRY_OVERHEAD, errorMessage, plainDetail, StateListeners, utf8Length } from './shared'

/** Node-only connection options the relay adds (socket.io-client 2.x passes them to engine.io-client 3.x). */
export interface NodeConnectionOptions {
  extraHeaders?: Record<string, string>
  ca?: string | string[]
  rejectUnauthorized?: boolean
}

type IoV2 = typeof import('socket.io-client-v2').default

let ioV2: IoV2 | undefined
let ioV2Loading: Promise<IoV2> | undefined

/**
 * socket.io-client 2.x is loaded on the first `connect()` of a v2 session (a dynamic import), so a bundle
 * that never opens a v2 session does not carry it in its initial chunk. Resolves at once when loaded.
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

interface PendingOwnAck {
  name: string
  sentMono: number
  timer: ReturnType<typeof setTimeout>
  ackId: number
}

interface PendingServerAckState extends PendingServerAck {
  packetId: number
  mono: number
  timer: ReturnType<typeof setTimeout>
}

type Listener = (...args: any[]) => void

/** Bytes of a Buffer/ArrayBuffer/typed array as a Uint8Array of its own (engine buffers may be pooled). */
function copyBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof ArrayBuffer)
    return new Uint8Array(data.slice(0))
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)
}

let anonymous = 0

/** socket.io-parser 3.x packet types the session writes itself. */
const ACK = 3
const BINARY_ACK = 6

/**
 * Whether `value` holds binary at any depth. socket.io-client 2.x asks `has-binary2`, which knows Buffer
 * and ArrayBuffer but not typed arrays: a lone `Uint8Array` would go out as JSON (`{"0":1}`). The session
 * decides instead, and tells the socket (`binary(true)` / a BINARY_ACK), so any binary goes as bytes.
 */
function containsBinary(value: unknown): boolean {
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

export class LiveSessionV2 implements SessionSource {
  readonly id: string
  readonly url: string
  private readonly origin: string
  private readonly options: SessionOptions & NodeConnectionOptions
  private readonly log: InspectorLog
  private readonly namespace: string
  private readonly stateListeners = new StateListeners()

  private socket: SocketV2 | undefined
  private engine: EngineV2 | undefined
  /** Disposers of the socket's and manager's subscriptions (run on dispose). */
  private subs: Disposer[] = []
  /** Disposers of the current engine's subscriptions (run when a new engine replaces it). */
  private engineSubs: Disposer[] = []
  private originalOnevent: ((packet: PacketV2) => void) | undefined

  private status: SessionStatus = 'idle'
  private socketId: string | undefined
  private engineId: string | undefined
  private transport: TransportName | undefined
  private reconnectAttempt = 0
  private lastError: string | undefined
  private idHistory: SocketIdRecord[] = []
  private readonly ownAcks = new Map<string, PendingOwnAck>()
  private readonly serverAcks = new Map<string, PendingServerAckState>()
  private correlationSeq = 0
  /** Start of this session's correlation ids (see `SessionCarryOver`). */
  private readonly corr: string
  private disposed = false
  /** connect_errors so far (an abandoned upgrade probe's row says whether one came with it). */
  private connectErrors = 0
  private everConnected = false
  private warnedVolatile = false
  /** `connect()` waits for the dynamic import of socket.io-client 2.x. */
  private loadPending = false
  /** EIO3: the client pings, the server answers; a state event only when the answers become late or on time. */
  private readonly heartbeat = new HeartbeatWatch('client', () => this.publish())
  private current: SessionSnapshot

  constructor(options: SessionOptions & NodeConnectionOptions, deps: { log: InspectorLog, id?: string, carry?: SessionCarryOver }) {
    this.log = deps.log
    this.id = deps.id ?? `live-v2-${++anonymous}`
    // A replaced tab's session: the earlier socket ids stay, correlation ids get their own prefix.
    this.corr = deps.carry?.correlationPrefix ?? this.id
    if (deps.carry)
      this.idHistory = [...deps.carry.idHistory]
    let parsed: URL
    try {
      parsed = new URL(options.url)
    }
    catch {
      throw new TypeError(`Invalid URL: ${JSON.stringify(options.url)} (expected http(s)://host:port/namespace)`)
    }
    if (!/^(?:https?|wss?):$/.test(parsed.protocol))
      throw new TypeError(`Unsupported URL scheme ${parsed.protocol} (use http, https, ws or wss)`)
    this.namespace = decodeURIComponent(parsed.pathname || '/') || '/'
    this.origin = parsed.origin
    this.url = `${parsed.origin}${this.namespace === '/' ? '' : this.namespace}`
    // Query parameters written in the URL count as `query` (the option wins), as LiveSession reads them.
    const query: Record<string, string> = {}
    for (const [k, v] of parsed.searchParams) query[k] = v
    Object.assign(query, options.query)
    this.options = { ...options, ...(Object.keys(query).length ? { query } : {}) }
    this.current = this.buildSnapshot()
  }

  snapshot(): SessionSnapshot {
    return this.current
  }

  on<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): Disposer {
    return this.stateListeners.on(event, listener)
  }

  connect(): void {
    if (this.disposed)
      return
    if (this.socket?.connected)
      return
    // Already on its way (first attempt or socket.io's own reconnection loop): like v4's `socket.active`.
    if (this.socket && (this.socket.io.reconnecting || this.socket.io.readyState === 'opening'))
      return
    if (this.loadPending)
      return // the client library is on its way; the connect happens when it is loaded
    this.append<ConnectingEntry>({ kind: 'connecting', direction: 'local', url: this.url, namespace: this.namespace })
    this.setState({ status: 'connecting', lastError: undefined })
    if (this.socket || ioV2) {
      this.open(ioV2!)
      return
    }
    // First connect in this runtime: load socket.io-client 2.x, then open (state stays `connecting`).
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
      const message = `Could not load socket.io-client 2.x: ${errorMessage(err)}`
      this.note('error', message)
      this.setState({ status: 'disconnected', lastError: message })
    })
  }

  private open(io: IoV2): void {
    if (!this.socket)
      this.createSocket(io)
    this.socket!.open()
    this.attachEngine()
  }

  disconnect(): void {
    if (this.loadPending && !this.disposed) {
      this.loadPending = false
      this.note('info', 'Stopped connecting (disconnect() before the client library was loaded).')
      this.setState({ status: 'disconnected' })
      return
    }
    const socket = this.socket
    if (!socket || this.disposed)
      return
    const wasConnected = socket.connected
    socket.disconnect()
    // A socket that was still connecting emits no `disconnect`: close the status ourselves.
    if (!wasConnected && this.status !== 'disconnected' && this.status !== 'idle') {
      this.note('info', 'Stopped connecting (socket.disconnect() while not connected).')
      this.setState({ status: 'disconnected' })
    }
  }

  reconnect(): void {
    if (this.disposed)
      return
    this.disconnect()
    this.connect()
  }

  emit(name: string, args: readonly unknown[], options: EmitOptions = {}): EmitResult {
    const refusal = emitRefusal(this.disposed, name, 'v2')
    if (refusal)
      return { ok: false, error: refusal }
    const socket = this.socket
    if (!socket?.connected) {
      return {
        ok: false,
        error: this.everConnected
          ? `Not sent: the session is ${this.status}. Socket.IO would buffer it until the next connection; the inspector does not.`
          : 'Not sent: the session has never connected. Connect first.',
      }
    }
    if (options.volatile && !this.warnedVolatile) {
      this.warnedVolatile = true
      this.note('warn', 'socket.io-client 2.x has no volatile emits: sent as a normal emit')
    }
    const list = [...args]
    const correlationId = options.ack ? `${this.corr}.o${++this.correlationSeq}` : undefined
    // Logged before the emit so that the entry precedes its frames (packetCreate fires synchronously).
    this.append<EventEntry>({
      kind: 'event',
      direction: 'out',
      name,
      args: Object.freeze([...list]),
      correlationId,
      compress: options.compress,
      bytes: ENTRY_OVERHEAD + estimateBytes(list),
    })
    if (options.compress !== undefined)
      socket.compress(options.compress)
    socket.binary(containsBinary(list))
    if (correlationId) {
      const ackId = socket.ids
      const sentMono = performance.now()
      const timeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS
      const timer = setTimeout(() => {
        if (!this.ownAcks.delete(correlationId))
          return
        // Like v4's `socket.timeout()`: forget the callback, a late answer is ignored.
        if (this.socket)
          delete this.socket.acks[ackId]
        this.append<AckEntry>({
          kind: 'ack',
          direction: 'in',
          correlationId,
          name,
          args: [],
          latencyMs: performance.now() - sentMono,
          timedOut: true,
          error: 'operation has timed out',
          bytes: ENTRY_OVERHEAD,
        })
      }, timeoutMs)
      ;(timer as { unref?: () => void }).unref?.()
      this.ownAcks.set(correlationId, { name, sentMono, timer, ackId })
      socket.emit(name, ...list, (...answer: unknown[]) => {
        const pending = this.ownAcks.get(correlationId)
        if (!pending)
          return
        this.ownAcks.delete(correlationId)
        clearTimeout(pending.timer)
        this.append<AckEntry>({
          kind: 'ack',
          direction: 'in',
          correlationId,
          name,
          args: answer,
          latencyMs: performance.now() - pending.sentMono,
          timedOut: false,
          bytes: ENTRY_OVERHEAD + estimateBytes(answer),
        })
      })
      return { ok: true, correlationId }
    }
    socket.emit(name, ...list)
    return { ok: true }
  }

  answerAck(correlationId: string, args: readonly unknown[]): EmitResult {
    if (this.disposed)
      return { ok: false, error: DISPOSED_ERROR }
    const pending = this.serverAcks.get(correlationId)
    if (!pending)
      return { ok: false, error: `No pending ack request ${correlationId} (already answered, expired, or unknown).` }
    const socket = this.socket
    if (!socket?.connected)
      return { ok: false, error: 'Not sent: the session is not connected.' }
    this.serverAcks.delete(correlationId)
    clearTimeout(pending.timer)
    const list = [...args]
    this.append<AckEntry>({
      kind: 'ack',
      direction: 'out',
      correlationId,
      name: pending.name,
      args: Object.freeze([...list]),
      latencyMs: performance.now() - pending.mono,
      timedOut: false,
      bytes: ENTRY_OVERHEAD + estimateBytes(list),
    })
    try {
      // What the socket's own `ack(id)` sends, with the binary check of `containsBinary`.
      socket.packet({ type: containsBinary(list) ? BINARY_ACK : ACK, id: pending.packetId, data: list, nsp: socket.nsp })
    }
    catch (err) {
      this.note('error', `answering "${pending.name}" failed: ${errorMessage(err)}`)
      this.publish()
      return { ok: false, error: errorMessage(err) }
    }
    this.publish()
    return { ok: true, correlationId }
  }

  dispose(): void {
    if (this.disposed)
      return
    this.disposed = true
    for (const p of this.ownAcks.values()) clearTimeout(p.timer)
    this.ownAcks.clear()
    for (const p of this.serverAcks.values()) clearTimeout(p.timer)
    this.serverAcks.clear()
    const socket = this.socket
    this.detachEngine()
    for (const d of this.subs.splice(0)) d()
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
    this.stateListeners.clear()
  }

  // --- internals -------------------------------------------------------------------------------------

  private createSocket(ioV2: IoV2): void {
    const o = this.options
    if (o.auth && Object.keys(o.auth).length > 0)
      this.note('warn', 'socket.io 2.x has no auth payload: the `auth` option is not sent (use `query` instead)')
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
      ...(o.query ? { query: { ...o.query } } : {}),
      ...(o.extraHeaders && Object.keys(o.extraHeaders).length > 0 ? { extraHeaders: { ...o.extraHeaders } } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
    }
    const socket = ioV2(this.url, opts)
    this.socket = socket
    this.wrapOnevent(socket)

    const on = (event: string, listener: Listener): void => {
      socket.on(event, listener)
      this.subs.push(() => socket.off(event, listener))
    }

    on('connect', () => {
      const engine = socket.io.engine
      this.attachEngine()
      this.everConnected = true
      const record: SocketIdRecord = {
        socketId: socket.id ?? '',
        engineId: engine?.id ?? undefined,
        transport: engine?.transport?.name,
        recovered: false,
        connectedAt: Date.now(),
      }
      this.idHistory = [...this.idHistory, record]
      this.append<ConnectEntry>({
        kind: 'connect',
        direction: 'in',
        socketId: record.socketId,
        engineId: record.engineId,
        transport: record.transport,
        recovered: false,
      })
      this.setState({
        status: 'connected',
        socketId: record.socketId,
        engineId: record.engineId,
        transport: record.transport,
        reconnectAttempt: 0,
        lastError: undefined,
      })
    })

    on('connect_error', (err: unknown) => this.onConnectError(err, this.willRetry()))

    on('error', (data: unknown) => {
      // Before `connect`: a namespace middleware refused us (ERROR packet); v4 calls that `connect_error`.
      if (!socket.connected) {
        this.onConnectError(data, false)
        return
      }
      this.note('error', `socket error: ${errorMessage(data)}`)
    })

    on('disconnect', (reason: DisconnectReason) => {
      const ex = explainDisconnect(reason)
      const willReconnect = ex.willReconnect && (this.options.reconnection ?? true) && !this.disposed
      const explanation = ex.willReconnect && !willReconnect
        ? ex.explanation.replace(/; socket\.io reconnects by itself\.$/, '; reconnection is off, so the session stays disconnected.')
        : ex.explanation
      this.expirePendingServerAcks(`socket disconnected (${reason}) before the answer`)
      const socketId = this.socketId
      const now = Date.now()
      this.idHistory = this.idHistory.map((r, i) => i === this.idHistory.length - 1 && r.disconnectedAt === undefined
        ? { ...r, disconnectedAt: now, reason, explanation }
        : r)
      this.append<DisconnectEntry>({
        kind: 'disconnect',
        direction: reason === 'io client disconnect' ? 'out' : 'in',
        socketId,
        reason,
        explanation,
        willReconnect,
        description: undefined,
      })
      this.setState({ status: willReconnect ? 'reconnecting' : 'disconnected', socketId: undefined })
    })

    on('reconnect_attempt', (attempt: number) => {
      this.append<ReconnectAttemptEntry>({ kind: 'reconnect_attempt', direction: 'local', attempt })
      this.setState({ status: 'reconnecting', reconnectAttempt: attempt })
      // The Manager makes the new engine right after emitting this event: attach to it in a microtask.
      queueMicrotask(() => this.attachEngine())
    })

    on('reconnect_error', (err: unknown) => {
      this.append<ReconnectErrorEntry>({ kind: 'reconnect_error', direction: 'local', message: errorMessage(err) })
    })

    on('reconnect', (attempt: number) => {
      this.append<ReconnectEntry>({ kind: 'reconnect', direction: 'local', attempt })
    })

    on('reconnect_failed', () => {
      this.append<ReconnectFailedEntry>({ kind: 'reconnect_failed', direction: 'local' })
      this.setState({ status: 'disconnected' })
    })
  }

  private willRetry(): boolean {
    if (this.disposed || !(this.options.reconnection ?? true))
      return false
    const max = this.options.reconnectionAttempts ?? Infinity
    return this.reconnectAttempt < max
  }

  private onConnectError(err: unknown, willRetry: boolean): void {
    this.connectErrors++
    const message = errorMessage(err)
    const e = err && typeof err === 'object' ? err as { data?: unknown, description?: unknown } : undefined
    // v2 middleware errors arrive as the ERROR packet's data itself: a string (`next(new Error('x'))`
    // sends 'x'), or the object given as `err.data`.
    const data = err && typeof err === 'object' && !(err instanceof Error) ? err : e?.data
    this.append<ConnectErrorEntry>({
      kind: 'connect_error',
      direction: 'in',
      message,
      data: plainDetail(data),
      description: e?.description === undefined ? explainConnectError(err) : plainDetail(e.description),
      willRetry,
    })
    this.setState({ status: willRetry ? 'reconnecting' : 'disconnected', lastError: message })
  }

  /** Replace the socket's `onevent` to see every incoming EVENT/BINARY_EVENT with its ack id. */
  private wrapOnevent(socket: SocketV2): void {
    const original = socket.onevent
    this.originalOnevent = original
    socket.onevent = (packet: PacketV2) => {
      try {
        this.recordIncoming(packet)
      }
      catch (err) {
        this.note('error', `could not record an incoming event: ${errorMessage(err)}`)
      }
      original.call(socket, packet)
    }
  }

  private recordIncoming(packet: PacketV2): void {
    const data: unknown[] = Array.isArray(packet.data) ? packet.data : []
    // Copy before the socket pushes its ack callback onto `packet.data`.
    const name = String(data[0])
    const args = data.slice(1)
    let correlationId: string | undefined
    if (packet.id !== undefined && packet.id !== null)
      correlationId = `${this.corr}.i${++this.correlationSeq}`
    const entry = this.append<EventEntry>({
      kind: 'event',
      direction: 'in',
      name,
      args,
      correlationId,
      bytes: ENTRY_OVERHEAD + estimateBytes(args),
    })
    if (correlationId && packet.id !== undefined) {
      const mono = performance.now()
      const receivedAt = Date.now()
      const timeoutMs = this.options.serverAckTimeoutMs ?? DEFAULT_SERVER_ACK_TIMEOUT_MS
      const id = correlationId
      const timer = setTimeout(() => {
        const pending = this.serverAcks.get(id)
        if (!pending)
          return
        this.serverAcks.delete(id)
        this.append<AckEntry>({
          kind: 'ack',
          direction: 'out',
          correlationId: id,
          name,
          args: [],
          latencyMs: performance.now() - pending.mono,
          timedOut: true,
          error: `not answered within ${timeoutMs} ms`,
          bytes: ENTRY_OVERHEAD,
        })
        this.publish()
      }, timeoutMs)
      ;(timer as { unref?: () => void }).unref?.()
      this.serverAcks.set(id, {
        correlationId: id,
        name,
        entryId: entry.id,
        receivedAt,
        expiresAt: receivedAt + timeoutMs,
        packetId: packet.id,
        mono,
        timer,
      })
      this.publish()
    }
  }

  /** The server forgets its ack callbacks when the socket goes: expire what is still pending. */
  private expirePendingServerAcks(reason: string): void {
    if (this.serverAcks.size === 0)
      return
    for (const p of this.serverAcks.values()) {
      clearTimeout(p.timer)
      this.append<AckEntry>({
        kind: 'ack',
        direction: 'out',
        correlationId: p.correlationId,
        name: p.name,
        args: [],
        latencyMs: performance.now() - p.mono,
        timedOut: true,
        error: reason,
        bytes: ENTRY_OVERHEAD,
      })
    }
    this.serverAcks.clear()
  }

  /** Follow the Manager's current engine (a new one on every (re)connection). */
  private attachEngine(): void {
    const engine = this.socket?.io.engine
    if (!engine || engine === this.engine)
      return
    this.detachEngine()
    this.engine = engine
    const on = (event: string, listener: Listener): void => {
      engine.on(event, listener)
      this.engineSubs.push(() => engine.off(event, listener))
    }
    // First: what the server sends must not throw out of engine.io-client 3.x (a malformed open packet).
    this.engineSubs.push(guardEngine(engine, (fault, packet) => this.onEngineFault(engine, fault, packet)))
    this.engineSubs.push(this.heartbeat.watch(engine))
    if (this.options.captureFrames !== false) {
      on('packet', (p: EnginePacketV2) => this.recordFrame('in', p, engine))
      on('packetCreate', (p: EnginePacketV2) => this.recordFrame('out', p, engine))
      // The upgrade probe (`2probe`/`3probe`) and the `5` upgrade packet cross a transport the engine does
      // not report (probe-frames.ts).
      this.engineSubs.push(watchProbeFrames(engine, (direction, p, transport, probe) =>
        this.recordFrame(direction, p as EnginePacketV2, engine, { transport: transport as TransportName | undefined, probe })))
    }
    on('handshake', (data: { sid?: string }) => {
      if (typeof data?.sid === 'string')
        this.setState({ engineId: data.sid, transport: engine.transport?.name })
    })
    on('upgrading', (t: { name?: TransportName }) => {
      this.append<UpgradeEntry>({ kind: 'upgrading', direction: 'local', transport: t?.name })
    })
    on('upgrade', (t: { name?: TransportName }) => {
      this.append<UpgradeEntry>({ kind: 'upgrade', direction: 'local', transport: t?.name })
      this.setState({ transport: t?.name })
    })
    on('upgradeError', (err: unknown) => {
      const message = errorMessage(err)
      if (!isAbandonedUpgrade(message)) {
        this.append<UpgradeEntry>({ kind: 'upgrade_error', direction: 'local', transport: undefined, message })
        return
      }
      // The engine closed under the upgrade probe: say whether a refusal (connect_error) came with it.
      const refusalsBefore = this.connectErrors
      queueMicrotask(() => {
        if (!this.disposed)
          this.append<UpgradeEntry>({ kind: 'upgrade_error', direction: 'local', transport: undefined, message: explainUpgradeError(message, this.connectErrors > refusalsBefore) })
      })
    })
  }

  /**
   * The engine met a malformed open packet, or the library threw while handling a packet (engine-guard.ts):
   * record why and close the socket. No reconnection: the same server would send the same packet.
   */
  private onEngineFault(engine: EngineV2, fault: EngineFault, packet: EnginePacketLike): void {
    const socket = this.socket
    if (this.disposed || engine !== this.engine || !socket)
      return
    // The bad open packet never reached the library, so its `packet` event did not log it: log it here.
    if (fault.kind === 'malformed-open' && this.options.captureFrames !== false)
      this.recordFrame('in', packet as EnginePacketV2, engine)
    const report = describeFault(fault, packet)
    const wasConnected = socket.connected
    if (wasConnected)
      this.note('error', report.description)
    else
      this.append<ConnectErrorEntry>({ kind: 'connect_error', direction: 'in', message: report.message, data: report.data, description: report.description, willRetry: false })
    // Destroys the socket; the Manager closes the engine once no socket uses it (`skipReconnect`). A connected
    // socket reports its own `disconnect` (io client disconnect) on the way.
    socket.disconnect()
    this.setState({ status: 'disconnected', lastError: report.message, socketId: undefined })
  }

  private detachEngine(): void {
    for (const d of this.engineSubs.splice(0)) d()
    this.engine = undefined
  }

  /** `via`: a packet of a probe transport (probe-frames.ts): its transport, and whether it was the probe. */
  private recordFrame(direction: 'in' | 'out', packet: EnginePacketV2, engine: EngineV2, via?: { transport: TransportName | undefined, probe: boolean }): void {
    const raw = packet.data
    let data: string | Uint8Array | undefined
    let size: number
    if (raw === undefined || raw === null) {
      data = undefined
      size = 1
    }
    else if (typeof raw === 'string') {
      data = raw
      size = utf8Length(raw) + 1
    }
    else {
      data = copyBytes(raw as ArrayBuffer | ArrayBufferView)
      // EIO3 sends binary with its type byte in front (websocket) or base64 behind `b4` (polling).
      size = data.byteLength + 1
    }
    this.append<FrameEntry>({
      kind: 'frame',
      direction,
      transport: via ? via.transport : engine.transport?.name,
      engineType: packet.type as EnginePacketType,
      data,
      size,
      bytes: ENTRY_OVERHEAD + (typeof data === 'string' ? data.length * 2 : size),
      protocol: 3,
      ...(via?.probe ? { probe: true } : {}),
    })
  }

  private note(level: NoteEntry['level'], message: string): void {
    this.append<NoteEntry>({ kind: 'note', direction: 'local', level, message })
  }

  private append<E extends LogEntry>(fields: Omit<E, 'id' | 'sessionId' | 'time' | 'mono'>): E {
    const entry = { ...fields, sessionId: this.id, time: Date.now(), mono: performance.now() } as unknown as NewEntry<E>
    return this.log.append<E>(entry)
  }

  private setState(patch: Partial<{
    status: SessionStatus
    socketId: string | undefined
    engineId: string | undefined
    transport: TransportName | undefined
    reconnectAttempt: number
    lastError: string | undefined
  }>): void {
    if ('status' in patch)
      this.status = patch.status!
    if ('socketId' in patch)
      this.socketId = patch.socketId
    if ('engineId' in patch)
      this.engineId = patch.engineId
    if ('transport' in patch)
      this.transport = patch.transport
    if ('reconnectAttempt' in patch)
      this.reconnectAttempt = patch.reconnectAttempt!
    if ('lastError' in patch)
      this.lastError = patch.lastError
    this.publish()
  }

  private buildSnapshot(): SessionSnapshot {
    const pending: PendingServerAck[] = [...this.serverAcks.values()].map(p => ({
      correlationId: p.correlationId,
      name: p.name,
      entryId: p.entryId,
      receivedAt: p.receivedAt,
      expiresAt: p.expiresAt,
    }))
    return Object.freeze({
      id: this.id,
      label: this.options.label ?? this.namespace,
      url: this.url,
      namespace: this.namespace,
      status: this.status,
      readonly: false,
      socketId: this.socketId,
      engineId: this.engineId,
      transport: this.transport,
      reconnectAttempt: this.reconnectAttempt,
      lastError: this.lastError,
      idHistory: Object.freeze(this.idHistory.map(r => Object.freeze({ ...r }))),
      pendingServerAcks: Object.freeze(pending),
      heartbeat: this.heartbeat.state(),
    })
  }

  private publish(): void {
    if (this.disposed)
      return
    this.current = this.buildSnapshot()
    this.stateListeners.emit(this.current)
  }
}
