import type {
  Disposer,
  EmitOptions,
  EmitResult,
  EnginePacketType,
  EntrySink,
  EventEntry,
  Fault,
  FrameEntry,
  LogEntry,
  NewEntry,
  PendingServerAck,
  SessionCarryOver,
  SessionEvents,
  SessionSnapshot,
  SessionSource,
  SessionStatus,
  SocketIdRecord,
  TransportName,
} from '../types'
import type { AckAnswer, ClientAdapter, ClientEngine, ClientOptions, ClientReports, ConnectInfo } from './clients/adapter'
import type { EngineFault, EnginePacketLike } from './engine-guard'
import type { ManagerPool } from './manager-pool'
import type { Emitterish } from './shared'
import { estimateBytes, previewArgs } from '../log/preview'
import { ClientV2 } from './clients/client-v2'
import { ClientV4 } from './clients/client-v4'
import { describeFault, guardEngine } from './engine-guard'
import { explainConnectError, explainDisconnect, explainUpgradeError, isAbandonedUpgrade } from './explain'
import { FAULT_REFUSALS, FaultBook, faultDisconnectExplanation, offlineError, parseFault } from './faults'
import { HeartbeatWatch } from './heartbeat'
import { watchProbeFrames } from './probe-frames'
import { DEFAULT_ACK_TIMEOUT_MS, DEFAULT_SERVER_ACK_TIMEOUT_MS, DISPOSED_ERROR, emitRefusal, ENTRY_OVERHEAD, errorMessage, noPendingAckError, notSentError, on, plainDetail, StateListeners, utf8Length } from './shared'

export type { SessionTlsOptions } from './clients/adapter'
export { loadSocketIoClientV2 } from './clients/client-v2'
export { ManagerPool } from './manager-pool'

/** Shared by every entry without arguments (entries are immutable, so one frozen array serves all). */
const NO_ARGS: readonly unknown[] = Object.freeze([])

/**
 * Wall clock of an entry, derived from its monotonic time: one clock read per entry instead of two
 * (`Date.now()` and `performance.now()` cost ~100 ns each on the bench machine).
 */
const timeOrigin = performance.timeOrigin

interface PendingServer {
  readonly correlationId: string
  readonly name: string
  readonly entryId: number
  readonly receivedAt: number
  readonly receivedMono: number
  readonly expiresAt: number
  readonly answer: AckAnswer
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

export interface LiveSessionDeps {
  /** Where entries go: the page's log, or the relay's stream (any `EntrySink`). */
  log: EntrySink
  /** Session id (unique within the log). @default a random short id */
  id?: string
  /** Needed for `forceNew: false` (a shared Manager, v4); without it every session gets its own Manager. */
  managers?: ManagerPool
  /** Taken over from the session this one replaces in its tab (`Inspector.replaceSession`). */
  carry?: SessionCarryOver
}

let anonymous = 0

/** An entry without the fields the session fills in (id, sessionId, time, mono). */
type EntryFields = LogEntry extends infer E ? E extends LogEntry ? Omit<E, 'id' | 'sessionId' | 'time' | 'mono'> : never : never

/** Frame packets as both engine.io-client versions emit them. */
interface PacketLike { type: EnginePacketType, data?: unknown }

/**
 * One Socket.IO connection to a namespace, recorded into an entry sink (an `InspectorLog`, or the relay's
 * stream). One state machine for every client library: socket.io-client 4.x (`client: 'v4'`, the default,
 * `parser: 'msgpack'` too) and 2.x (`client: 'v2'`, for socket.io 2 servers and `allowEIO3`), each behind a
 * small adapter (./clients/). The session makes every entry (one clock read each, no `undefined` fields),
 * words every refusal, keeps the ack bookkeeping both ways and the snapshot, and watches the engine
 * (engine-guard, heartbeat, raw frames including the upgrade probe).
 *
 * Captures lifecycle, every incoming event with all its arguments, its own emits, acks both ways (with
 * correlation ids, latency and timeouts), and raw Engine.IO frames (the handshake included, on every new
 * engine). Frames are stored as they came (text or bytes); decoding happens on demand (`decodeFrame`).
 *
 * Nothing answers a server's ack request for the user: it stays pending until `answerAck`, its timeout, or
 * the disconnect (the server forgets it then).
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
  readonly options: Readonly<ClientOptions>
  readonly url: string
  readonly namespace: string
  private readonly log: EntrySink
  private readonly client: ClientAdapter
  /** Subscriptions on the current engine (replaced on every new engine). */
  private engineSubs: Disposer[] = []
  private attachedEngine: ClientEngine | undefined
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
  private readonly protocol: 3 | 4
  private readonly binaryFrameExtra: number
  /** Incoming binary attachments logged as frames: their events do not count those bytes again. */
  private readonly framedBinary = new WeakSet<object>()
  /** Engine.IO v4: the server pings; EIO3 (v2): the client does. A state event only when lateness changes. */
  private readonly heartbeat: HeartbeatWatch
  /** Injected faults in force and our emits in socket.io's send buffer (./faults.ts). */
  private readonly faults = new FaultBook(() => this.onBackOnline())

  constructor(options: ClientOptions, deps: LiveSessionDeps) {
    this.options = Object.freeze({ ...options })
    this.log = deps.log
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
    if (options.client !== undefined && options.client !== 'v4' && options.client !== 'v2')
      throw new TypeError(`Unknown client ${JSON.stringify(options.client)} (use "v4" or "v2")`)
    if (options.parser !== undefined && options.parser !== 'default' && options.parser !== 'msgpack')
      throw new TypeError(`Unknown parser ${JSON.stringify(options.parser)} (use "default" or "msgpack")`)
    if (options.parser === 'msgpack' && options.client === 'v2')
      throw new TypeError('The msgpack parser needs client "v4" (socket.io-client 2.x has no parser option here)')
    this.namespace = decodeURIComponent(parsed.pathname || '/') || '/'
    this.url = `${parsed.origin}${this.namespace === '/' ? '' : this.namespace}`
    const target = { origin: parsed.origin, namespace: this.namespace, url: this.url, sessionId: this.id }
    this.client = options.client === 'v2'
      ? new ClientV2(this.options, target, this.reports)
      : new ClientV4(this.options, target, this.reports, deps.managers)
    this.protocol = this.client.protocol
    this.binaryFrameExtra = this.client.binaryFrameExtra
    this.heartbeat = new HeartbeatWatch(this.client.kind === 'v2' ? 'client' : 'server', () => this.publish())
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
    const snap: SessionSnapshot = {
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
      faults: this.faults.state(this.client.faults.reconnection()),
      // Only when not the default encoding (frames decode with it; captures record it).
      ...(this.options.parser === 'msgpack' ? { parser: 'msgpack' as const } : {}),
    }
    return Object.freeze(snap)
  }

  private publish(): void {
    if (this.disposed)
      return
    this.snap = this.buildSnapshot()
    this.stateListeners.emit(this.snap)
  }

  /**
   * Lifecycle and other rare entries: one clock read (`mono`, given when the caller measured a latency with
   * it), and fields whose value is `undefined` left out (an entry has no `undefined` placeholders).
   */
  private add(fields: EntryFields, mono: number = performance.now()): LogEntry {
    const entry: Record<string, unknown> = { id: 0 }
    for (const k in fields) {
      const v = (fields as Record<string, unknown>)[k]
      if (v !== undefined)
        entry[k] = v
    }
    entry.sessionId = this.id
    entry.time = timeOrigin + mono
    entry.mono = mono
    return this.log.append(entry as unknown as NewEntry)
  }

  private note(level: 'info' | 'warn' | 'error', message: string): void {
    this.add({ kind: 'note', direction: 'local', level, message })
  }

  private setStatus(status: SessionStatus): void {
    this.st.status = status
    this.publish()
  }

  // ------------------------------------------------------------------ adapter reports

  private readonly reports: ClientReports = {
    connect: info => this.onConnect(info),
    connectError: (err, data, willRetry) => this.onConnectError(err, data, willRetry),
    disconnect: (reason, details, willReconnect) => this.onDisconnect(reason, details, willReconnect),
    event: (name, args, answer, offset) => this.onIncoming(name, args, answer, offset),
    reconnectAttempt: (attempt) => {
      this.add({ kind: 'reconnect_attempt', direction: 'local', attempt })
      this.st.reconnectAttempt = attempt
      this.setStatus('reconnecting')
    },
    reconnectError: err => this.add({ kind: 'reconnect_error', direction: 'local', message: errorMessage(err) }),
    reconnect: attempt => this.add({ kind: 'reconnect', direction: 'local', attempt }),
    reconnectFailed: () => {
      this.add({ kind: 'reconnect_failed', direction: 'local' })
      this.setStatus('disconnected')
    },
    engine: engine => this.attachEngine(engine),
    note: (level, message) => this.note(level, message),
    failed: (message) => {
      this.note('error', message)
      this.st.lastError = message
      this.setStatus('disconnected')
    },
  }

  private onConnect(info: ConnectInfo): void {
    this.everConnected = true
    const { socketId, engineId, transport, recovered, stateRecovery } = info
    this.add({ kind: 'connect', direction: 'in', socketId, engineId, transport, recovered, stateRecovery })
    Object.assign(this.st, {
      status: 'connected',
      socketId,
      engineId,
      transport,
      reconnectAttempt: 0,
      lastError: undefined,
    } satisfies Partial<MutableState>)
    this.st.idHistory.push({ socketId, engineId, transport, recovered, connectedAt: Date.now() })
    this.publish()
  }

  private onConnectError(err: unknown, data: unknown, willRetry: boolean): void {
    this.connectErrors++
    const e = (err !== null && typeof err === 'object' ? err : {}) as { description?: unknown }
    const message = errorMessage(err)
    this.add({
      kind: 'connect_error',
      direction: 'in',
      message,
      data: plainDetail(data),
      description: e.description === undefined ? explainConnectError(err) : plainDetail(e.description),
      willRetry,
    })
    this.st.status = willRetry ? 'reconnecting' : 'disconnected'
    this.st.lastError = message
    this.publish()
  }

  private onDisconnect(reason: string, details: unknown, willReconnect: boolean): void {
    const ex = explainDisconnect(reason)
    let explanation = ex.willReconnect && !willReconnect
      ? ex.explanation.replace(/; socket\.io reconnects by itself\.$/, '; reconnection is off, so the session stays disconnected.')
      : ex.explanation
    // An injected fault caused it: say which (the reason is socket.io's own).
    const cause = this.faults.pendingCause
    this.faults.pendingCause = undefined
    if (cause !== undefined && reason !== 'io client disconnect')
      explanation = faultDisconnectExplanation(cause, this.heartbeat.state()?.pinger ?? (this.client.kind === 'v2' ? 'client' : 'server'), reason, willReconnect)
    else if (this.faults.heartbeatHeld && /^(?:ping timeout|transport close|transport error)$/.test(reason))
      explanation = faultDisconnectExplanation('heartbeat', this.client.kind === 'v2' ? 'client' : 'server', reason, willReconnect)
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

  // ------------------------------------------------------------------ engine

  /** Listen to one engine (a new one is made on every (re)connection). */
  private attachEngine(engine: ClientEngine): void {
    if (engine === this.attachedEngine || this.disposed)
      return
    for (const d of this.engineSubs) d()
    this.engineSubs = []
    this.attachedEngine = engine
    const em = engine as Emitterish
    // First: what the server sends must not throw out of engine.io-client (a malformed open packet).
    this.engineSubs.push(guardEngine(engine, (fault, packet) => this.onEngineFault(engine, fault, packet)))
    this.engineSubs.push(this.heartbeat.watch(em))
    if (this.captureFrames) {
      this.engineSubs.push(
        on(em, 'packet', (p: PacketLike) => this.onFrame(engine, 'in', p)),
        on(em, 'packetCreate', (p: PacketLike) => this.onFrame(engine, 'out', p)),
        // The upgrade probe (`2probe`/`3probe`) and the `5` upgrade packet cross a transport the engine does
        // not report (probe-frames.ts).
        watchProbeFrames(engine, (direction, p, transport, probe) =>
          this.onFrame(engine, direction, p as PacketLike, { transport: transport as TransportName | undefined, probe })),
      )
    }
    this.engineSubs.push(
      // The engine's id and transport are known at the handshake, before the socket connects.
      on(em, 'handshake', (data: { sid?: unknown } | undefined) => {
        if (typeof data?.sid !== 'string')
          return
        this.st.engineId = data.sid
        this.st.transport = (engine.transport?.name ?? undefined) as TransportName | undefined
        this.publish()
      }),
      on(em, 'upgrading', (t: { name?: TransportName } | undefined) => {
        this.add({ kind: 'upgrading', direction: 'local', transport: t?.name })
      }),
      on(em, 'upgrade', (t: { name?: TransportName } | undefined) => {
        this.add({ kind: 'upgrade', direction: 'local', transport: t?.name })
        this.st.transport = t?.name
        this.publish()
      }),
      on(em, 'upgradeError', (err: unknown) => {
        const message = errorMessage(err)
        if (!isAbandonedUpgrade(message)) {
          this.add({ kind: 'upgrade_error', direction: 'local', message })
          return
        }
        // The engine closed under the upgrade probe. On a refusal (CONNECT_ERROR) socket.io-client closes the
        // engine first and emits connect_error right after, in the same call: explain the row once that is known.
        const refusalsBefore = this.connectErrors
        queueMicrotask(() => {
          if (!this.disposed)
            this.add({ kind: 'upgrade_error', direction: 'local', message: explainUpgradeError(message, this.connectErrors > refusalsBefore) })
        })
      }),
    )
  }

  /**
   * The engine met a malformed open packet, or the library threw while handling a packet (engine-guard.ts):
   * record why and close the socket. No reconnection: the same server would send the same packet.
   */
  private onEngineFault(engine: ClientEngine, fault: EngineFault, packet: EnginePacketLike): void {
    if (this.disposed || engine !== this.attachedEngine)
      return
    // The bad open packet never reached the library, so its `packet` event did not log it: log it here.
    if (fault.kind === 'malformed-open' && this.captureFrames)
      this.onFrame(engine, 'in', packet as PacketLike)
    const report = describeFault(fault, packet)
    if (this.client.connected)
      this.note('error', report.description)
    else
      this.add({ kind: 'connect_error', direction: 'in', message: report.message, data: report.data, description: report.description, willRetry: false })
    this.st.lastError = report.message
    // Destroys the socket (no reconnection); the library then closes the engine. A connected socket reports
    // its own `disconnect` (io client disconnect) on the way.
    this.client.disconnect()
    this.st.socketId = undefined
    this.setStatus('disconnected')
  }

  // ------------------------------------------------------------------ capture (hot paths)

  /** `via`: a packet of a probe transport (probe-frames.ts): its transport, and whether it was the probe. */
  private onFrame(engine: ClientEngine, direction: 'in' | 'out', packet: PacketLike, via?: { transport: TransportName | undefined, probe: boolean }): void {
    const data = this.client.frameData(packet.data)
    const keep = this.client.frameFilter
    if (keep !== undefined && !keep(direction, packet.type, data))
      return
    let size: number
    let bytes: number
    if (typeof data === 'string') {
      size = utf8Length(data) + 1
      bytes = ENTRY_OVERHEAD + data.length * 2
    }
    else if (data) {
      size = data.byteLength + this.binaryFrameExtra
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
    const transport = via ? via.transport : engine.transport?.name as TransportName | undefined
    const mono = performance.now()
    // `id: 0` is overwritten by the sink: the object keeps one shape (no property added after creation).
    // The common frame has data and a transport; the others (ping without data, probe frames) are rare.
    if (data !== undefined && transport !== undefined && via?.probe !== true) {
      this.log.append({
        id: 0,
        kind: 'frame',
        sessionId: this.id,
        time: timeOrigin + mono,
        mono,
        direction,
        transport,
        engineType: packet.type,
        data,
        size,
        bytes,
        protocol: this.protocol,
      } as NewEntry<FrameEntry>)
      return
    }
    this.add({ kind: 'frame', direction, transport, engineType: packet.type, data, size, bytes, protocol: this.protocol, probe: via?.probe === true ? true : undefined }, mono)
  }

  /**
   * The hot path: one per incoming event. One clock read, one entry object with only the fields it needs
   * (no `undefined` placeholders), the args array the adapter gave (no copy).
   */
  private onIncoming(name: string, args: unknown[], answer: AckAnswer | undefined, recoveryOffset: string | undefined): void {
    // Binary that arrived as an attachment frame is counted by that frame already (see onFrame).
    const bytes = ENTRY_OVERHEAD + estimateBytes(args, this.captureFrames ? this.framedBinary : undefined)
    const mono = performance.now()
    if (answer === undefined && recoveryOffset === undefined) {
      // `id: 0` is overwritten by the sink (same shape, no property added after creation).
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
    if (answer !== undefined) {
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

  // ------------------------------------------------------------------ server ack requests

  private addPendingServerAck(correlationId: string, name: string, entryId: number, receivedAt: number, receivedMono: number, answer: AckAnswer): void {
    const timer = setTimeout(() => {
      if (!this.pendingServer.delete(correlationId))
        return
      this.expiredAck(correlationId, name, receivedMono, `not answered within ${this.serverAckTimeoutMs} ms`)
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

  private expiredAck(correlationId: string, name: string, receivedMono: number, error: string): void {
    const mono = performance.now()
    this.add({ kind: 'ack', direction: 'out', correlationId, name, args: NO_ARGS, latencyMs: mono - receivedMono, timedOut: true, error, bytes: ENTRY_OVERHEAD }, mono)
  }

  /** The server forgets its ack callbacks when the socket goes: expire what is still pending. */
  private expirePendingServerAcks(reason: string): void {
    if (this.pendingServer.size === 0)
      return
    for (const p of this.pendingServer.values()) {
      clearTimeout(p.timer)
      this.expiredAck(p.correlationId, p.name, p.receivedMono, reason)
    }
    this.pendingServer.clear()
  }

  // ------------------------------------------------------------------ commands

  /** Open the connection (no-op when connected, connecting, or disposed). */
  connect(): void {
    if (this.disposed || this.client.active)
      return
    this.add({ kind: 'connecting', direction: 'local', url: this.url, namespace: this.namespace })
    this.setStatus('connecting')
    this.client.connect()
  }

  /** Close like `socket.disconnect()` (reason `io client disconnect`); stops a reconnection loop too. */
  disconnect(): void {
    if (this.disposed)
      return
    const outcome = this.client.disconnect()
    if (outcome !== 'disconnected' && outcome !== 'no-socket' && this.st.status !== 'disconnected' && this.st.status !== 'idle') {
      this.note('info', outcome === 'stopped-loading'
        ? 'Stopped connecting (disconnect() before the client library was loaded).'
        : 'Stopped connecting (socket.disconnect() while not connected).')
      this.setStatus('disconnected')
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
    const refusal = emitRefusal(this.disposed, name, this.client.kind)
    if (refusal)
      return { ok: false, error: refusal }
    // Queue while offline (opt-in): socket.io keeps the emit in its send buffer and flushes it on reconnect.
    const queue = !this.client.connected && this.faults.queueWhileOffline && this.client.canQueue
    if (!this.client.connected && !queue)
      return { ok: false, error: notSentError(this.everConnected, this.st.status) }
    const list = [...args]
    const correlationId = options.ack ? `${this.corr}.o${++this.seq}` : undefined
    // Logged before the emit so that the entry precedes its frames (packetCreate fires synchronously).
    const sentMono = performance.now()
    const out: Record<string, unknown> = {
      id: 0,
      kind: 'event',
      sessionId: this.id,
      time: timeOrigin + sentMono,
      mono: sentMono,
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
    if (queue)
      out.queued = true
    const entry = this.log.append(out as unknown as NewEntry<EventEntry>)
    let disposition
    try {
      disposition = this.client.emit(name, list, {
        volatile: options.volatile,
        compress: options.compress,
        onFlushed: () => this.onFlushed(entry.id, name),
        ack: correlationId === undefined
          ? undefined
          : {
              timeoutMs: options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,
              callback: (err, res) => {
                if (this.disposed)
                  return
                // Its ack timed out while it waited in the send buffer: socket.io drops it from there.
                if (err && this.faults.takeQueued(entry.id)) {
                  this.note('warn', `queued emit "${name}" was dropped from socket.io's send buffer: its ack timed out before a reconnection`)
                  this.publish()
                }
                const mono = performance.now()
                this.add({
                  kind: 'ack',
                  direction: 'in',
                  correlationId,
                  name,
                  args: err || res.length === 0 ? NO_ARGS : res,
                  latencyMs: mono - sentMono,
                  timedOut: !!err,
                  error: err ? err.message : undefined,
                  bytes: ENTRY_OVERHEAD + (err ? 0 : estimateBytes(res)),
                }, mono)
              },
            },
      })
    }
    catch (err) {
      this.note('error', `emit "${name}" failed: ${errorMessage(err)}`)
      return { ok: false, error: errorMessage(err) }
    }
    if (disposition === 'queued') {
      this.faults.addQueued({
        name,
        preview: previewArgs(list, 120),
        ...(correlationId !== undefined ? { correlationId } : {}),
        entryId: entry.id,
        queuedAt: entry.time,
      })
      this.publish()
    }
    else if (disposition === 'discarded') {
      this.note('warn', `volatile emit "${name}" was discarded by socket.io: the transport is not writable (volatile packets are never buffered)`)
    }
    return correlationId ? { ok: true, correlationId } : { ok: true }
  }

  /** socket.io flushes a queued emit from its send buffer (on reconnect): its frames follow this note. */
  private onFlushed(entryId: number, name: string): void {
    const q = this.faults.takeQueued(entryId)
    if (this.disposed || !q)
      return
    this.note('info', `queued emit "${name}"${q.correlationId ? ` (${q.correlationId})` : ''} sent now, on reconnect, after ${((Date.now() - q.queuedAt) / 1000).toFixed(1)} s in socket.io's send buffer`)
    this.publish()
  }

  // ------------------------------------------------------------------ faults (./faults.ts)

  /**
   * Inject a fault: socket.io reacts by itself (its own `disconnect`, `reconnect_attempt`, … entries follow).
   * @example s.injectFault({ kind: 'offline', seconds: 5 }) // { ok: true }
   */
  injectFault(fault: Fault): EmitResult {
    if (this.disposed)
      return { ok: false, error: DISPOSED_ERROR }
    let f: Fault
    try {
      f = parseFault(fault)
    }
    catch (err) {
      return { ok: false, error: errorMessage(err) }
    }
    const faults = this.client.faults
    switch (f.kind) {
      case 'drop-transport': {
        const drop = faults.dropTransport()
        if (!drop)
          return { ok: false, error: FAULT_REFUSALS.noTransport }
        this.note('info', 'Injected fault: the transport is dropped (engine.transport.close(), as a network loss would).')
        this.faults.pendingCause = 'drop'
        drop()
        return { ok: true }
      }
      case 'stop-pings': {
        if (this.faults.heartbeatHeld === f.on)
          return { ok: true }
        this.faults.heartbeatHeld = f.on
        faults.holdHeartbeat(f.on)
        this.note('info', f.on
          ? (this.client.kind === 'v2'
              ? 'Injected fault: the client stops sending its pings (EIO3: the client pings), so the heartbeat times out.'
              : 'Injected fault: our pongs are held (the server pings; it ends the session with ping timeout when no pong comes).')
          : 'Fault ended: the heartbeat is answered again.')
        this.publish()
        return { ok: true }
      }
      case 'offline': {
        const drop = faults.dropTransport()
        this.note('info', `Injected outage: offline for ${f.seconds} s; every connection attempt fails like an unreachable network until then.`)
        this.faults.goOffline(f.seconds)
        faults.setOffline(() => offlineError(this.faults.secondsLeft()))
        if (drop) {
          this.faults.pendingCause = 'offline'
          drop()
        }
        this.publish()
        return { ok: true }
      }
      case 'online':
        this.faults.goOnline()
        return { ok: true }
    }
  }

  /** The offline window ended: engines get their transports back; socket.io's next attempt reconnects. */
  private onBackOnline(): void {
    if (this.disposed)
      return
    this.client.faults.setOffline(undefined)
    this.note('info', 'The injected outage ended: the network is back; socket.io\'s next reconnection attempt connects.')
    this.publish()
  }

  /**
   * socket.io's automatic reconnection, at runtime (the Manager's `reconnection(bool)`): disconnects
   * explain themselves by it (`willReconnect`).
   */
  setReconnection(on: boolean): EmitResult {
    if (this.disposed)
      return { ok: false, error: DISPOSED_ERROR }
    if (typeof on !== 'boolean')
      return { ok: false, error: 'setReconnection: on must be a boolean' }
    this.client.faults.setReconnection(on)
    this.note('info', `Reconnection switched ${on ? 'on' : 'off'} (manager.reconnection(${on})).`)
    if (!on && this.st.status === 'reconnecting') {
      this.note('info', 'socket.io stops its reconnection loop: the session stays disconnected (connect to try again).')
      this.setStatus('disconnected')
      return { ok: true }
    }
    this.publish()
    return { ok: true }
  }

  /** Off (the default): emits while disconnected are refused. On: they wait in socket.io's send buffer. */
  setQueueWhileOffline(on: boolean): EmitResult {
    if (this.disposed)
      return { ok: false, error: DISPOSED_ERROR }
    if (typeof on !== 'boolean')
      return { ok: false, error: 'setQueueWhileOffline: on must be a boolean' }
    if (this.faults.queueWhileOffline !== on) {
      this.faults.queueWhileOffline = on
      this.publish()
    }
    return { ok: true }
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
      return { ok: false, error: noPendingAckError(correlationId) }
    this.pendingServer.delete(correlationId)
    clearTimeout(p.timer)
    const list = [...args]
    const mono = performance.now()
    this.add({
      kind: 'ack',
      direction: 'out',
      correlationId,
      name: p.name,
      args: list.length === 0 ? NO_ARGS : Object.freeze([...list]),
      latencyMs: mono - p.receivedMono,
      timedOut: false,
      bytes: ENTRY_OVERHEAD + estimateBytes(list),
    }, mono)
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

  /** Remove every listener this session added, close its socket (and its connection unless shared). */
  dispose(): void {
    if (this.disposed)
      return
    for (const p of this.pendingServer.values()) clearTimeout(p.timer)
    this.pendingServer.clear()
    this.faults.dispose()
    for (const d of this.engineSubs) d()
    this.engineSubs = []
    this.attachedEngine = undefined
    this.disposed = true
    this.stateListeners.clear()
    this.client.dispose()
  }

  /** Whether `dispose()` ran. */
  get isDisposed(): boolean { return this.disposed }
}
