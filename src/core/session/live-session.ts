import type { ManagerOptions, Socket } from 'socket.io-client'
import type {
  Disposer,
  EmitOptions,
  EmitResult,
  EnginePacketType,
  EventEntry,
  FrameEntry,
  InspectorLog,
  LogEntry,
  NewEntry,
  PendingServerAck,
  SessionCarryOver,
  SessionEvents,
  SessionOptions,
  SessionSnapshot,
  SessionSource,
  SessionStatus,
  SocketIdRecord,
  TransportName,
} from '../types'
import type { EngineFault, EnginePacketLike } from './engine-guard'
import { Manager } from 'socket.io-client'
import { estimateBytes } from '../log/preview'
import { describeFault, guardEngine } from './engine-guard'
import { explainConnectError, explainDisconnect, explainUpgradeError, isAbandonedUpgrade } from './explain'
import { HeartbeatWatch } from './heartbeat'
import { ManagerPool } from './manager-pool'
import { watchProbeFrames } from './probe-frames'
import { DEFAULT_ACK_TIMEOUT_MS, DEFAULT_SERVER_ACK_TIMEOUT_MS, DISPOSED_ERROR, emitRefusal, ENTRY_OVERHEAD, errorMessage, plainDetail, StateListeners, utf8Length } from './shared'

type Engine = Manager['engine']

/** Minimal emitter shape shared by socket.io-client's Manager, Socket and engine.io-client's Socket. */
interface Emitterish {
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off: (event: string, fn?: (...args: any[]) => void) => unknown
}

function on(emitter: Emitterish, event: string, fn: (...args: any[]) => void): Disposer {
  emitter.on(event, fn)
  return () => {
    emitter.off(event, fn)
  }
}

/** Shared by every entry without arguments (entries are immutable, so one frozen array serves all). */
const NO_ARGS: readonly unknown[] = Object.freeze([])

/**
 * Engine.IO packet data as the log keeps it: text as is; bytes as the object received when it is a
 * Uint8Array (a Node Buffer included: no copy, no new view, so the event's argument and the frame share one
 * object), otherwise a Uint8Array view over it.
 */
function frameData(data: unknown): string | Uint8Array | undefined {
  if (typeof data === 'string' || data === undefined)
    return data
  if (data instanceof Uint8Array)
    return data
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (data instanceof ArrayBuffer)
    return new Uint8Array(data)
  return undefined
}

/**
 * Wall clock of an entry, derived from its monotonic time: one clock read per entry instead of two
 * (`Date.now()` and `performance.now()` cost ~100 ns each on the bench machine).
 */
const timeOrigin = performance.timeOrigin

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

interface PendingServer {
  readonly correlationId: string
  readonly name: string
  readonly entryId: number
  readonly receivedAt: number
  readonly receivedMono: number
  readonly expiresAt: number
  readonly answer: (...args: unknown[]) => void
  readonly timer: ReturnType<typeof setTimeout>
}

interface MutableState {
  status: SessionStatus
  socketId: string | undefined
  engineId: string | undefined
  transport: TransportName | undefined
  reconnectAttempt: number
  lastError: string | undefined
  idHistory: SocketIdRecord[]
}

/**
 * TLS options for `https`/`wss` servers, passed to the Manager (engine.io-client's Node transports use them;
 * browsers ignore them: the page's certificate store decides). The relay sets them for the page.
 */
export interface SessionTlsOptions {
  /** PEM of the CA(s) (or self-signed certificate) to trust. */
  ca?: string | string[]
  /** `false` accepts any certificate (self-signed development servers). @default true */
  rejectUnauthorized?: boolean
}

export interface LiveSessionDeps {
  log: InspectorLog
  /** Session id (unique within the log). @default a random short id */
  id?: string
  /** Needed for `forceNew: false` (a shared Manager); without it every session gets its own Manager. */
  managers?: ManagerPool
  /** Taken over from the session this one replaces in its tab (`Inspector.replaceSession`). */
  carry?: SessionCarryOver
}

let anonymous = 0

/** An entry without the fields the session fills in (id, sessionId, time, mono). */
type EntryFields = LogEntry extends infer E ? E extends LogEntry ? Omit<E, 'id' | 'sessionId' | 'time' | 'mono'> : never : never

/**
 * One socket.io-client v4 connection to a namespace, recorded into an `InspectorLog`.
 *
 * Captures lifecycle (socket, Manager and engine events), every incoming event with all its arguments
 * (`onAny`), its own emits, acks both ways (with correlation ids, latency and timeouts), and raw Engine.IO
 * frames (`packet`/`packetCreate`, the handshake included, on every new engine). Frames are stored as they
 * came (text or bytes); decoding happens on demand (`decodeFrame`).
 *
 * Nothing answers a server's ack request for the user: it stays pending until `answerAck` or its timeout.
 *
 * @example
 * const log = new EventLog()
 * const s = new LiveSession({ url: 'http://localhost:3000/namespace1', auth: { token: 'x' } }, { log, id: 's1' })
 * s.on('state', snap => console.log(snap.status, snap.socketId))
 * s.connect()
 * // later, once connected:
 * const r = s.emit('enter', ['room1'], { ack: true, ackTimeoutMs: 5000 })
 * s.dispose()
 */
export class LiveSession implements SessionSource {
  readonly id: string
  readonly options: Readonly<SessionOptions & SessionTlsOptions>
  readonly url: string
  readonly namespace: string
  private readonly origin: string
  private readonly log: InspectorLog
  private readonly pool: ManagerPool | undefined
  private manager: Manager | undefined
  private socket: Socket | undefined
  private shared = false
  /** Subscriptions on the Manager and the Socket, for the session's lifetime. */
  private subs: Disposer[] = []
  /** Subscriptions on the current engine (replaced on every new engine). */
  private engineSubs: Disposer[] = []
  private attachedEngine: Engine | undefined
  private disposed = false
  /** connect_errors so far (an abandoned upgrade probe's row says whether one came with it). */
  private connectErrors = 0
  private everConnected = false
  private seq = 0
  /** Start of this session's correlation ids: its id, or the prefix a replaced tab's session was given. */
  private readonly corr: string
  private readonly pendingServer = new Map<string, PendingServer>()
  private readonly stateListeners = new StateListeners()
  private readonly st: MutableState = {
    status: 'idle',
    socketId: undefined,
    engineId: undefined,
    transport: undefined,
    reconnectAttempt: 0,
    lastError: undefined,
    idHistory: [],
  }

  private snap: SessionSnapshot
  private readonly captureFrames: boolean
  private readonly serverAckTimeoutMs: number
  /** Binary attachments follow the header of their packet: remember whether that header was ours. */
  private inAttachmentsMine = true
  private outAttachmentsMine = true
  /** Incoming binary attachments logged as frames: their events do not count those bytes again. */
  private readonly framedBinary = new WeakSet<object>()
  /** Engine.IO v4: the server pings; a state event only when the heartbeat becomes late or on time again. */
  private readonly heartbeat = new HeartbeatWatch('server', () => this.publish())

  constructor(options: SessionOptions & SessionTlsOptions, deps: LiveSessionDeps) {
    this.options = Object.freeze({ ...options })
    this.log = deps.log
    this.pool = deps.managers
    this.id = deps.id ?? `live${++anonymous}`
    this.corr = deps.carry?.correlationPrefix ?? this.id
    if (deps.carry)
      this.st.idHistory.push(...deps.carry.idHistory)
    let parsed: URL
    try {
      parsed = new URL(options.url)
    }
    catch {
      throw new TypeError(`Invalid URL: ${JSON.stringify(options.url)} (expected http(s)://host:port/namespace)`)
    }
    if (!/^(?:https?|wss?):$/.test(parsed.protocol))
      throw new TypeError(`Unsupported URL scheme ${parsed.protocol} (use http, https, ws or wss)`)
    this.origin = parsed.origin
    this.namespace = decodeURIComponent(parsed.pathname || '/') || '/'
    this.url = `${parsed.origin}${this.namespace === '/' ? '' : this.namespace}`
    this.captureFrames = options.captureFrames !== false
    this.serverAckTimeoutMs = options.serverAckTimeoutMs ?? DEFAULT_SERVER_ACK_TIMEOUT_MS
    this.snap = this.buildSnapshot()
  }

  // ------------------------------------------------------------------ state

  snapshot(): SessionSnapshot { return this.snap }

  on<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): Disposer {
    return this.stateListeners.on(event, listener)
  }

  private buildSnapshot(): SessionSnapshot {
    const pending: PendingServerAck[] = []
    for (const p of this.pendingServer.values()) {
      pending.push(Object.freeze({
        correlationId: p.correlationId,
        name: p.name,
        entryId: p.entryId,
        receivedAt: p.receivedAt,
        expiresAt: p.expiresAt,
      }))
    }
    return Object.freeze({
      id: this.id,
      label: this.options.label ?? this.namespace,
      url: this.url,
      namespace: this.namespace,
      status: this.st.status,
      readonly: false,
      socketId: this.st.socketId,
      engineId: this.st.engineId,
      transport: this.st.transport,
      reconnectAttempt: this.st.reconnectAttempt,
      lastError: this.st.lastError,
      idHistory: Object.freeze(this.st.idHistory.map(r => Object.freeze({ ...r }))),
      pendingServerAcks: Object.freeze(pending),
      heartbeat: this.heartbeat.state(),
    })
  }

  private publish(): void {
    if (this.disposed)
      return
    this.snap = this.buildSnapshot()
    this.stateListeners.emit(this.snap)
  }

  /** Lifecycle and other rare entries (not a hot path: the spread is fine here). */
  private add(entry: EntryFields): LogEntry {
    const mono = performance.now()
    return this.log.append({ id: 0, ...entry, sessionId: this.id, time: timeOrigin + mono, mono } as unknown as NewEntry)
  }

  private note(level: 'info' | 'warn' | 'error', message: string): void {
    this.add({ kind: 'note', direction: 'local', level, message })
  }

  // ------------------------------------------------------------------ wiring

  private managerOptions(): Partial<ManagerOptions> {
    const o = this.options
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
    return opts
  }

  /** Create the Manager and Socket once, and subscribe to them for the session's lifetime. */
  private ensureSocket(): Socket {
    if (this.socket)
      return this.socket
    const opts = this.managerOptions()
    if (this.options.forceNew === false && this.pool) {
      const got = this.pool.acquire(this.id, this.origin, this.namespace, opts)
      this.manager = got.manager
      this.shared = got.shared
    }
    else {
      this.manager = new Manager(this.origin, opts)
    }
    const manager = this.manager
    const socket = manager.socket(this.namespace, this.options.auth ? { auth: { ...this.options.auth } } : {})
    this.socket = socket
    socket.onAny(this.onIncoming)
    this.subs.push(
      () => { socket.offAny(this.onIncoming) },
      on(socket as unknown as Emitterish, 'connect', this.onConnect),
      on(socket as unknown as Emitterish, 'connect_error', this.onConnectError),
      on(socket as unknown as Emitterish, 'disconnect', this.onDisconnect),
      on(manager as unknown as Emitterish, 'reconnect_attempt', this.onReconnectAttempt),
      on(manager as unknown as Emitterish, 'reconnect_error', (err: unknown) => {
        this.add({ kind: 'reconnect_error', direction: 'local', message: errorMessage(err) })
      }),
      on(manager as unknown as Emitterish, 'reconnect', (attempt: number) => {
        this.add({ kind: 'reconnect', direction: 'local', attempt })
      }),
      on(manager as unknown as Emitterish, 'reconnect_failed', () => {
        this.add({ kind: 'reconnect_failed', direction: 'local' })
        this.st.status = 'disconnected'
        this.publish()
      }),
    )
    return socket
  }

  /** Listen to one engine (a new one is made on every (re)connection). */
  private attachEngine(engine: Engine | undefined): void {
    if (!engine || engine === this.attachedEngine || this.disposed)
      return
    for (const d of this.engineSubs) d()
    this.engineSubs = []
    this.attachedEngine = engine
    this.inAttachmentsMine = true
    this.outAttachmentsMine = true
    const em = engine as unknown as Emitterish
    // First: what the server sends must not throw out of engine.io-client (a malformed open packet).
    this.engineSubs.push(guardEngine(engine, (fault, packet) => this.onEngineFault(engine, fault, packet)))
    this.engineSubs.push(this.heartbeat.watch(em))
    if (this.captureFrames) {
      this.engineSubs.push(
        on(em, 'packet', (p: { type: EnginePacketType, data?: unknown }) => this.onFrame(engine, 'in', p)),
        on(em, 'packetCreate', (p: { type: EnginePacketType, data?: unknown }) => this.onFrame(engine, 'out', p)),
        // The upgrade probe (`2probe`/`3probe`) and the `5` upgrade packet cross a transport the engine does
        // not report (probe-frames.ts).
        watchProbeFrames(engine, (direction, p, transport, probe) =>
          this.onFrame(engine, direction, p as { type: EnginePacketType, data?: unknown }, { transport: transport as TransportName | undefined, probe })),
      )
    }
    this.engineSubs.push(
      on(em, 'upgrading', (t: { name?: TransportName }) => {
        this.add({ kind: 'upgrading', direction: 'local', transport: t?.name })
      }),
      on(em, 'upgrade', (t: { name?: TransportName }) => {
        this.add({ kind: 'upgrade', direction: 'local', transport: t?.name })
        this.st.transport = t?.name
        this.publish()
      }),
      on(em, 'upgradeError', (err: unknown) => {
        const message = errorMessage(err)
        if (!isAbandonedUpgrade(message)) {
          this.add({ kind: 'upgrade_error', direction: 'local', transport: undefined, message })
          return
        }
        // The engine closed under the upgrade probe. On a refusal (CONNECT_ERROR) socket.io-client closes the
        // engine first and emits connect_error right after, in the same call: explain the row once that is known.
        const refusalsBefore = this.connectErrors
        queueMicrotask(() => {
          if (!this.disposed)
            this.add({ kind: 'upgrade_error', direction: 'local', transport: undefined, message: explainUpgradeError(message, this.connectErrors > refusalsBefore) })
        })
      }),
    )
  }

  /**
   * The engine met a malformed open packet, or the library threw while handling a packet (engine-guard.ts):
   * record why and close the socket. No reconnection: the same server would send the same packet.
   */
  private onEngineFault(engine: Engine, fault: EngineFault, packet: EnginePacketLike): void {
    if (this.disposed || engine !== this.attachedEngine)
      return
    // The bad open packet never reached the library, so its `packet` event did not log it: log it here.
    if (fault.kind === 'malformed-open' && this.captureFrames)
      this.onFrame(engine, 'in', packet as { type: EnginePacketType, data?: unknown })
    const report = describeFault(fault, packet)
    const wasConnected = this.socket?.connected === true
    if (wasConnected)
      this.note('error', report.description)
    else
      this.add({ kind: 'connect_error', direction: 'in', message: report.message, data: report.data, description: report.description, willRetry: false })
    this.st.lastError = report.message
    // Destroys the socket (no reconnection); the Manager then closes the engine. A connected socket reports
    // its own `disconnect` (io client disconnect) on the way.
    this.socket?.disconnect()
    this.st.status = 'disconnected'
    this.publish()
  }

  // ------------------------------------------------------------------ capture (hot paths)

  /** `via`: a packet of a probe transport (probe-frames.ts): its transport, and whether it was the probe. */
  private onFrame(engine: Engine, direction: 'in' | 'out', packet: { type: EnginePacketType, data?: unknown }, via?: { transport: TransportName | undefined, probe: boolean }): void {
    const data = frameData(packet.data)
    if (this.shared && this.manager) {
      // One connection, several sessions: each keeps the message frames of its own namespace; engine-level
      // frames (handshake, ping, pong, …) go to the first session only, so they are not logged twice.
      if (packet.type === 'message') {
        if (typeof data === 'string') {
          const mine = packetNamespace(data) === this.namespace
          if (direction === 'in')
            this.inAttachmentsMine = mine
          else
            this.outAttachmentsMine = mine
          if (!mine)
            return
        }
        else if (!(direction === 'in' ? this.inAttachmentsMine : this.outAttachmentsMine)) {
          return
        }
      }
      else if (!this.pool!.isPrimary(this.manager, this.id)) {
        return
      }
    }
    let size: number
    let bytes: number
    if (typeof data === 'string') {
      size = utf8Length(data) + 1
      bytes = ENTRY_OVERHEAD + data.length * 2
    }
    else if (data) {
      size = data.byteLength
      bytes = ENTRY_OVERHEAD + size
      // A binary attachment: socket.io-client hands this very object to the event it belongs to. Count its
      // bytes once: here (the frame comes first and is dropped first), not again in the event entry.
      if (direction === 'in' && packet.type === 'message')
        this.framedBinary.add(data)
    }
    else {
      size = 1
      bytes = ENTRY_OVERHEAD
    }
    const mono = performance.now()
    // `id: 0` is overwritten by the log: the object keeps one shape (no property added after creation).
    const entry = {
      id: 0,
      kind: 'frame',
      sessionId: this.id,
      time: timeOrigin + mono,
      mono,
      direction,
      transport: via ? via.transport : engine.transport?.name as TransportName | undefined,
      engineType: packet.type,
      data,
      size,
      bytes,
      protocol: 4,
    } as NewEntry<FrameEntry>
    // Probe frames are a few per connection: only they carry the extra field.
    this.log.append(via?.probe ? { ...entry, probe: true } : entry)
  }

  /**
   * The hot path: one per incoming event. One clock read, one entry object with only the fields it needs
   * (no `undefined` placeholders), the args array socket.io-client's `onAny` gave us (no copy).
   */
  private readonly onIncoming = (name: string, ...args: unknown[]): void => {
    const last = args.length ? args[args.length - 1] : undefined
    // Binary that arrived as an attachment frame is counted by that frame already (see onFrame).
    const bytes = ENTRY_OVERHEAD + estimateBytes(args, this.captureFrames ? this.framedBinary : undefined)
    const mono = performance.now()
    if (typeof last !== 'function' && (typeof last !== 'string' || !(this.socket as unknown as { _pid?: string } | undefined)?._pid)) {
      // `id: 0` is overwritten by the log (same shape, no property added after creation).
      this.log.append({
        id: 0,
        kind: 'event',
        sessionId: this.id,
        time: timeOrigin + mono,
        mono,
        direction: 'in',
        name,
        args: args.length === 0 ? NO_ARGS : args,
        bytes,
      } as NewEntry<EventEntry>)
      return
    }
    if (typeof last === 'function') {
      const answer = args.pop() as (...a: unknown[]) => void
      const correlationId = `${this.corr}.i${++this.seq}`
      const time = timeOrigin + mono
      const entry = this.log.append({
        id: 0,
        kind: 'event',
        sessionId: this.id,
        time,
        mono,
        direction: 'in',
        name,
        args: args.length === 0 ? NO_ARGS : args,
        correlationId,
        bytes,
      } as NewEntry<EventEntry>)
      this.addPendingServerAck(correlationId, name, entry.id, time, mono, answer)
      return
    }
    // Connection state recovery: the server appended its offset to a non-ack, non-volatile event.
    // TODO: a volatile server event (no offset) whose last argument is a string is misread as an offset.
    const recoveryOffset = args.pop() as string
    this.log.append({
      id: 0,
      kind: 'event',
      sessionId: this.id,
      time: timeOrigin + mono,
      mono,
      direction: 'in',
      name,
      args: args.length === 0 ? NO_ARGS : args,
      recoveryOffset,
      bytes,
    } as NewEntry<EventEntry>)
  }

  private addPendingServerAck(
    correlationId: string,
    name: string,
    entryId: number,
    receivedAt: number,
    receivedMono: number,
    answer: (...a: unknown[]) => void,
  ): void {
    const timer = setTimeout(() => {
      if (!this.pendingServer.delete(correlationId))
        return
      this.add({
        kind: 'ack',
        direction: 'out',
        correlationId,
        name,
        args: [],
        latencyMs: performance.now() - receivedMono,
        timedOut: true,
        error: `not answered within ${this.serverAckTimeoutMs} ms`,
        bytes: ENTRY_OVERHEAD,
      })
      this.publish()
    }, this.serverAckTimeoutMs)
    ;(timer as { unref?: () => void }).unref?.()
    this.pendingServer.set(correlationId, {
      correlationId,
      name,
      entryId,
      receivedAt,
      receivedMono,
      expiresAt: receivedAt + this.serverAckTimeoutMs,
      answer,
      timer,
    })
    this.publish()
  }

  /** The server forgets its ack callbacks when the socket goes: expire what is still pending. */
  private expirePendingServerAcks(reason: string): void {
    if (this.pendingServer.size === 0)
      return
    for (const p of this.pendingServer.values()) {
      clearTimeout(p.timer)
      this.add({
        kind: 'ack',
        direction: 'out',
        correlationId: p.correlationId,
        name: p.name,
        args: [],
        latencyMs: performance.now() - p.receivedMono,
        timedOut: true,
        error: reason,
        bytes: ENTRY_OVERHEAD,
      })
    }
    this.pendingServer.clear()
  }

  // ------------------------------------------------------------------ lifecycle handlers

  private readonly onConnect = (): void => {
    const socket = this.socket!
    const engine = this.manager?.engine
    this.attachEngine(engine)
    this.everConnected = true
    const transport = engine?.transport?.name as TransportName | undefined
    const socketId = socket.id ?? ''
    const recovered = socket.recovered === true
    const stateRecovery = !!(socket as unknown as { _pid?: string })._pid
    this.add({ kind: 'connect', direction: 'in', socketId, engineId: engine?.id, transport, recovered, stateRecovery })
    Object.assign(this.st, {
      status: 'connected',
      socketId,
      engineId: engine?.id,
      transport,
      reconnectAttempt: 0,
      lastError: undefined,
    } satisfies Partial<MutableState>)
    this.st.idHistory.push({ socketId, engineId: engine?.id, transport, recovered, connectedAt: Date.now() })
    this.publish()
  }

  private readonly onConnectError = (err: unknown): void => {
    this.connectErrors++
    const e = (err ?? {}) as { message?: unknown, data?: unknown, description?: unknown }
    const willRetry = this.willReconnect()
    const message = errorMessage(err)
    this.add({
      kind: 'connect_error',
      direction: 'in',
      message,
      data: plainDetail(e.data),
      description: e.description === undefined ? explainConnectError(err) : plainDetail(e.description),
      willRetry,
    })
    this.st.status = willRetry ? 'reconnecting' : 'disconnected'
    this.st.lastError = message
    this.publish()
  }

  private readonly onDisconnect = (reason: string, details?: unknown): void => {
    const willReconnect = this.willReconnect()
    const ex = explainDisconnect(reason)
    const explanation = ex.willReconnect && !willReconnect
      ? ex.explanation.replace(/; socket\.io reconnects by itself\.$/, '; reconnection is off, so the session stays disconnected.')
      : ex.explanation
    this.expirePendingServerAcks(`socket disconnected (${reason}) before the answer`)
    this.add({
      kind: 'disconnect',
      direction: reason === 'io client disconnect' ? 'out' : 'in',
      socketId: this.st.socketId,
      reason,
      explanation,
      willReconnect,
      description: plainDetail(details),
    })
    const rec = this.st.idHistory[this.st.idHistory.length - 1]
    if (rec && rec.disconnectedAt === undefined)
      this.st.idHistory[this.st.idHistory.length - 1] = { ...rec, disconnectedAt: Date.now(), reason, explanation }
    this.st.status = willReconnect ? 'reconnecting' : 'disconnected'
    this.st.socketId = undefined
    this.publish()
  }

  private readonly onReconnectAttempt = (attempt: number): void => {
    this.add({ kind: 'reconnect_attempt', direction: 'local', attempt })
    this.st.status = 'reconnecting'
    this.st.reconnectAttempt = attempt
    this.publish()
    // The Manager creates the new engine right after emitting `reconnect_attempt` (same tick): attach in a
    // microtask so the handshake of the new engine is captured too.
    queueMicrotask(() => this.attachEngine(this.manager?.engine))
  }

  private willReconnect(): boolean {
    return !!this.socket?.active && this.manager?.reconnection() !== false
  }

  // ------------------------------------------------------------------ commands

  /** Open the connection (no-op when connected, connecting, or disposed). */
  connect(): void {
    if (this.disposed)
      return
    if (this.options.client === 'v2') {
      this.note('error', 'The socket.io-client v2 session is not implemented in this build; use client "v4".')
      return
    }
    const socket = this.ensureSocket()
    if (socket.connected || socket.active)
      return
    this.add({ kind: 'connecting', direction: 'local', url: this.url, namespace: this.namespace })
    this.st.status = 'connecting'
    this.publish()
    socket.connect()
    // `socket.connect()` opens the Manager synchronously: its engine exists now, before the handshake.
    this.attachEngine(this.manager?.engine)
  }

  /** Close like `socket.disconnect()` (reason `io client disconnect`); stops a reconnection loop too. */
  disconnect(): void {
    if (this.disposed || !this.socket)
      return
    const wasConnected = this.socket.connected
    this.socket.disconnect()
    if (!wasConnected && this.st.status !== 'disconnected' && this.st.status !== 'idle') {
      // No `disconnect` event fires when the socket was not connected (e.g. while reconnecting).
      this.note('info', 'Stopped connecting (socket.disconnect() while not connected).')
      this.st.status = 'disconnected'
      this.publish()
    }
  }

  /** Disconnect, then connect again; the log is kept. */
  reconnect(): void {
    if (this.disposed)
      return
    this.disconnect()
    this.connect()
  }

  /**
   * Emit exactly `args`. With `{ ack: true }` the server is asked for an ack: the returned correlation id
   * links the `event` entry to its `ack` entry (with latency, or `timedOut` after `ackTimeoutMs`).
   * Refuses (result, not throw) when disposed, not connected (socket.io would buffer the packet and send it
   * later: the inspector refuses so the user sees it was not sent), or for reserved names.
   * @example s.emit('chat', ['hello'], { ack: true }) // { ok: true, correlationId: 's1.o1' }
   */
  emit(name: string, args: readonly unknown[], options: EmitOptions = {}): EmitResult {
    const refusal = emitRefusal(this.disposed, name, 'v4')
    if (refusal)
      return { ok: false, error: refusal }
    const socket = this.socket
    if (!socket || !socket.connected) {
      return {
        ok: false,
        error: this.everConnected
          ? `Not sent: the session is ${this.st.status}. Socket.IO would buffer it until the next connection; the inspector does not.`
          : 'Not sent: the session has never connected. Connect first.',
      }
    }
    const list = [...args]
    const correlationId = options.ack ? `${this.corr}.o${++this.seq}` : undefined
    let s: Socket = socket
    if (options.volatile)
      s = s.volatile
    if (options.compress !== undefined)
      s = s.compress(options.compress)
    // Logged before the emit so that the entry precedes its frames (packetCreate fires synchronously).
    const mono = performance.now()
    const out: Record<string, unknown> = {
      id: 0,
      kind: 'event',
      sessionId: this.id,
      time: timeOrigin + mono,
      mono,
      direction: 'out',
      name,
      args: list.length === 0 ? NO_ARGS : Object.freeze([...list]),
      bytes: ENTRY_OVERHEAD + estimateBytes(list),
    }
    // Only the options that were given (an entry has no `undefined` placeholders).
    if (correlationId !== undefined)
      out.correlationId = correlationId
    if (options.volatile !== undefined)
      out.volatile = options.volatile
    if (options.compress !== undefined)
      out.compress = options.compress
    this.log.append(out as unknown as NewEntry<EventEntry>)
    try {
      if (correlationId) {
        const sentMono = performance.now()
        const timeout = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS
        s.timeout(timeout).emit(name, ...list, (err: Error | null, ...res: unknown[]) => {
          if (this.disposed)
            return
          this.add({
            kind: 'ack',
            direction: 'in',
            correlationId,
            name,
            args: err ? [] : res,
            latencyMs: performance.now() - sentMono,
            timedOut: !!err,
            error: err ? err.message : undefined,
            bytes: ENTRY_OVERHEAD + (err ? 0 : estimateBytes(res)),
          })
        })
      }
      else {
        s.emit(name, ...list)
      }
    }
    catch (err) {
      this.note('error', `emit "${name}" failed: ${errorMessage(err)}`)
      return { ok: false, error: errorMessage(err) }
    }
    return correlationId ? { ok: true, correlationId } : { ok: true }
  }

  /**
   * Answer a server's ack request (an incoming event whose `correlationId` is pending) with `args`, once.
   * @example s.answerAck(s.snapshot().pendingServerAcks[0].correlationId, ['42'])
   */
  answerAck(correlationId: string, args: readonly unknown[]): EmitResult {
    if (this.disposed)
      return { ok: false, error: DISPOSED_ERROR }
    const p = this.pendingServer.get(correlationId)
    if (!p)
      return { ok: false, error: `No pending ack request ${correlationId} (already answered, expired, or unknown).` }
    this.pendingServer.delete(correlationId)
    clearTimeout(p.timer)
    const list = [...args]
    this.add({
      kind: 'ack',
      direction: 'out',
      correlationId,
      name: p.name,
      args: Object.freeze([...list]),
      latencyMs: performance.now() - p.receivedMono,
      timedOut: false,
      bytes: ENTRY_OVERHEAD + estimateBytes(list),
    })
    try {
      p.answer(...list)
    }
    catch (err) {
      this.note('error', `answering "${p.name}" failed: ${errorMessage(err)}`)
      this.publish()
      return { ok: false, error: errorMessage(err) }
    }
    this.publish()
    return { ok: true, correlationId }
  }

  /** Remove every listener this session added, close its socket (and its Manager unless shared). */
  dispose(): void {
    if (this.disposed)
      return
    for (const p of this.pendingServer.values()) clearTimeout(p.timer)
    this.pendingServer.clear()
    for (const d of this.engineSubs) d()
    this.engineSubs = []
    for (const d of this.subs) d()
    this.subs = []
    this.attachedEngine = undefined
    const socket = this.socket
    const manager = this.manager
    this.disposed = true
    this.stateListeners.clear()
    if (socket) {
      socket.disconnect()
      socket.removeAllListeners()
    }
    if (manager) {
      const last = this.shared && this.pool ? this.pool.release(manager, this.id) : true
      // socket.io-client caches one Socket per namespace on its Manager; forget ours.
      delete (manager as unknown as { nsps: Record<string, unknown> }).nsps[this.namespace]
      if (last)
        (manager as unknown as { _close: () => void })._close()
    }
    this.socket = undefined
    this.manager = undefined
  }

  /** Whether `dispose()` ran. */
  get isDisposed(): boolean { return this.disposed }
}

export { ManagerPool }
