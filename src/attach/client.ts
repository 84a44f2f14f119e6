/**
 * `attach(socket, options)`: mirror an app's own socket.io-client v4 socket to the inspector.
 *
 * How it observes without changing what the socket sends or receives (socket.io-client 4.8, socket.js):
 * - **in**: the Manager's `packet` event (decoded packets, every namespace; ours filtered by `nsp`), listened
 *   to ahead of the Socket's own listener (shared.ts `onFirst`), so the packet is seen as decoded: EVENT /
 *   BINARY_EVENT with every argument (and the id when the server asks for an ack), ACK / BINARY_ACK answering
 *   the app's own emits.
 * - **out**: an own `packet` property on the socket instance that logs, then calls the method it hides (the
 *   prototype's); removed on detach. Every EVENT and ACK the socket sends goes through `packet()`: `emit`
 *   (flags still set: `socket.flags.timeout ?? _opts.ackTimeout` is the ack's deadline), `emitWithAck`,
 *   `timeout()`, the send-buffer flush on connect (`emitBuffered`), `retries` (`_drainQueue`), and the ack
 *   callbacks it hands to listeners (`ack(id)`). A volatile emit discarded by socket.io never reaches it
 *   (it never went on the wire).
 * - **lifecycle**: the socket's `connect`/`disconnect`/`connect_error`, the Manager's `reconnect_*`; the
 *   engine's `upgrade`, and with `frames: true` its `packet`/`packetCreate` (every new engine, re-hooked).
 *
 * Cost per event: one clock read, one small array copy (`slice`, see `incomingEvent`), one object and one
 * push. Encoding happens at flush (mirror.ts).
 */
import type { Socket } from 'socket.io-client'
import type { AttachAppState, AttachEmitOptions } from '../core/attach/protocol'
import type { EmitResult, SocketIdRecord, TransportName } from '../core/types'
import type { AttachStats } from './mirror'
import type { MirrorEntry } from './shared'
import { ATTACH_MAX_NAME } from '../core/attach/protocol'
import { decodeTagged } from '../core/export/encoding'
import { frameData } from '../core/util/frame-data'
import { DEFAULT_MAX_BUFFER, Mirror } from './mirror'
import { errorMessage, isFirst, noteEntry, on, onFirst, plainDetail, quietTimer, randomId, runtime, timeOrigin, utf8Length } from './shared'

export interface AttachOptions {
  /** The inspector's URL, e.g. `http://localhost:5173` (what it printed at start). */
  inspector: string
  /** The attach token the inspector printed at start and shows in its Attach panel. */
  token: string
  /** The tab's label in the inspector (1–80 characters; longer is cut). */
  name: string
  /** Let the inspector's composer emit through this socket. @default false (read-only) */
  allowEmit?: boolean
  /** Mirror the Engine.IO frames too. @default false */
  frames?: boolean
  /** Entries kept while the inspector is unreachable; the oldest are dropped past it. @default 10000 */
  maxBuffer?: number
  /**
   * Called once when attaching cannot work (the inspector refused the token, bad options). Never throws
   * into the app. @default one `console.warn` line
   */
  onError?: (message: string) => void
}

/** Stops mirroring: removes every listener and the wrapper, sends what is pending, closes the mirror. Idempotent. */
export interface Detach {
  (): void
  /** The mirror's counters now (dropped, buffered, sent, failures). */
  stats: () => AttachStats
}

/** The ack answer of an emit the app's socket asked for. */
interface PendingOut {
  readonly correlationId: string
  readonly name: string
  readonly mono: number
  /** ms: socket.io's deadline for it (`timeout()` / `ackTimeout`), when there is one. */
  readonly timeout: number | undefined
  /** socket.io calls this callback with an error first (`timeout()`, `emitWithAck`): an answer gets a `null` in front. */
  readonly withError: boolean
  timer: ReturnType<typeof setTimeout> | undefined
}

/** A server's ack request the app has not answered yet. */
interface PendingIn {
  readonly correlationId: string
  readonly name: string
  readonly mono: number
}

/** The socket.io-client 4.8 internals the mirror reads (never writes, but for `packet` and a failed emit's flags). */
interface PacketLike {
  type: number
  nsp?: string
  id?: number
  data?: unknown
  options?: { compress?: boolean }
}
interface SocketInternals {
  nsp: string
  packet: (packet: PacketLike) => unknown
  flags: { timeout?: number, volatile?: boolean }
  _opts?: { ackTimeout?: number }
  acks: Record<number, { withError?: boolean } | undefined>
  sendBuffer: PacketLike[]
  _pid?: string
  recovered?: boolean
}
interface EngineLike {
  id?: string
  transport?: { name?: string }
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off: (event: string, fn?: (...args: any[]) => void) => unknown
}
interface ManagerLike {
  engine?: EngineLike
  uri?: string
  _reconnecting?: boolean
  reconnection: () => boolean
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off: (event: string, fn?: (...args: any[]) => void) => unknown
}

const CONNECT = 0
const EVENT = 2
const ACK = 3
const BINARY_EVENT = 5
const BINARY_ACK = 6
/** socket.io-client refuses these names in `emit` (socket.js RESERVED_EVENTS). */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'])
/** Ack bookkeeping is bounded: past this many unanswered, the oldest is forgotten (its answer is logged without a match). */
const MAX_PENDING = 10_000
/** Socket ids kept in the state's `idHistory` (the newest). */
const MAX_ID_HISTORY = 100
/** `EmitOptions.ackTimeoutMs`'s default. */
const DEFAULT_ACK_TIMEOUT_MS = 10_000

const NO_ARGS: readonly unknown[] = Object.freeze([])

/** `http://host:port` of a Manager's uri (which may hold the namespace as its path), plus the namespace. */
function socketUrl(uri: string | undefined, nsp: string): string {
  const origin = typeof uri === 'string' ? (/^[a-z][\w+.-]*:\/\/[^/?#]*/i.exec(uri)?.[0] ?? uri) : ''
  return nsp === '/' ? origin : `${origin}${nsp}`
}

function warnOnce(message: string): void {
  try {
    console.warn(`socketio-inspector attach: ${message}`)
  }
  catch {}
}

/**
 * Mirror an app's socket.io-client v4 socket to the inspector (its tab is labelled `name`). Never throws;
 * never changes what the socket sends or receives; bounded while the inspector is away.
 * @example
 * import { io } from 'socket.io-client'
 * import { attach } from 'socketio-inspector/attach'
 * const socket = io('http://localhost:3000')
 * const detach = attach(socket, { inspector: 'http://localhost:5173', token: 'TOKEN', name: 'my app' })
 * // … later: detach()
 */
export function attach(socket: Socket<any, any>, options: AttachOptions): Detach {
  const onError = typeof options?.onError === 'function' ? options.onError : warnOnce
  try {
    const problem = optionsProblem(socket, options)
    if (problem !== undefined) {
      safeCall(onError, problem)
      return inert()
    }
    const mirror = new ClientMirror(socket, options, onError)
    const detach = (() => mirror.detach()) as Detach
    detach.stats = () => mirror.stats()
    return detach
  }
  catch (err) {
    safeCall(onError, `attach() failed: ${errorMessage(err)}`)
    return inert()
  }
}

function optionsProblem(socket: unknown, options: AttachOptions | undefined): string | undefined {
  const s = socket as { io?: { on?: unknown }, nsp?: unknown, packet?: unknown } | null
  if (!s || typeof s.packet !== 'function' || typeof s.nsp !== 'string' || typeof s.io?.on !== 'function')
    return 'attach(socket, options): `socket` must be a socket.io-client v4 Socket'
  if (!options || typeof options !== 'object')
    return 'attach(socket, options): `options` must be an object ({ inspector, token, name })'
  if (typeof options.inspector !== 'string' || options.inspector === '')
    return 'attach(): `inspector` must be the inspector\'s URL, e.g. http://localhost:5173'
  if (typeof options.token !== 'string' || options.token === '')
    return 'attach(): `token` must be the attach token the inspector printed at start'
  if (typeof options.name !== 'string' || options.name.trim() === '')
    return 'attach(): `name` must be a non-empty string (the tab\'s label)'
  return undefined
}

function safeCall(fn: (message: string) => void, message: string): void {
  try {
    fn(message)
  }
  catch {}
}

function inert(): Detach {
  const detach = (() => {}) as Detach
  detach.stats = () => ({ dropped: 0, buffered: 0, sent: 0, failures: 0, connected: false })
  return detach
}

class ClientMirror {
  private readonly mirror: Mirror
  private readonly internals: SocketInternals
  private readonly manager: ManagerLike
  private readonly allowEmit: boolean
  private readonly frames: boolean
  private readonly subs: (() => void)[] = []
  private engineSubs: (() => void)[] = []
  private engine: EngineLike | undefined
  private observing = false
  private detached = false
  /** The `packet` method our wrapper hides, and whether it was the instance's own property. */
  private hidden: ((packet: PacketLike) => unknown) | undefined
  private hadOwnPacket = false
  private wrapper: ((packet: PacketLike) => unknown) | undefined

  private outSeq = 0
  private inSeq = 0
  private readonly pendingOut = new Map<number, PendingOut>()
  private readonly pendingIn = new Map<number, PendingIn>()
  /** An emit run for the page: its correlation id, taken by the next EVENT that asks for an ack. */
  private pageCorrelation: string | undefined
  private usedCorrelation: string | undefined
  /** `runEmit` is inside `socket.emit` now. */
  private emitting = false
  /** socket.io's send buffer being flushed on connect, and how far (see `outgoing`). */
  private flushBuffer: PacketLike[] | undefined
  private flushIndex = 0

  private st: {
    status: AttachAppState['status']
    socketId?: string
    engineId?: string
    transport?: TransportName
    reconnectAttempt: number
    lastError?: string
    idHistory: SocketIdRecord[]
  }

  private lastSocketId: string | undefined
  /** The socket id whose `connect` entry is out (undefined after a disconnect). */
  private connectLogged: string | undefined

  constructor(private readonly socket: Socket<any, any>, options: AttachOptions, onError: (message: string) => void) {
    this.internals = socket as unknown as SocketInternals
    this.manager = socket.io as unknown as ManagerLike
    this.allowEmit = options.allowEmit === true
    this.frames = options.frames === true
    const max = typeof options.maxBuffer === 'number' && options.maxBuffer >= 1 ? options.maxBuffer : DEFAULT_MAX_BUFFER
    const attachId = randomId()
    const name = options.name.trim().slice(0, ATTACH_MAX_NAME)
    const rt = runtime()
    const m = this.manager
    this.st = {
      status: socket.connected ? 'connected' : !socket.active ? 'disconnected' : m._reconnecting ? 'reconnecting' : 'connecting',
      reconnectAttempt: 0,
      idHistory: [],
    }
    this.mirror = new Mirror({
      inspector: options.inspector,
      token: options.token,
      maxBuffer: max,
      onError,
      handshake: () => ({
        attachId,
        name,
        role: 'client',
        allowEmit: this.allowEmit,
        frames: this.frames,
        url: socketUrl(m.uri, this.internals.nsp),
        namespace: this.internals.nsp,
        runtime: rt,
      }),
      onEmit: (n, argsText, opts, ack) => this.runEmit(n, argsText, opts, ack),
      onRefused: () => this.stopObserving(),
    })
    if (this.mirror.stopped)
      return
    this.observe()
    if (socket.connected)
      this.guard('the connect observer', () => this.connectEvent())
    else
      this.publish()
  }

  stats(): AttachStats {
    return this.mirror.stats()
  }

  detach(): void {
    if (this.detached)
      return
    this.detached = true
    this.stopObserving()
    try {
      this.mirror.push(noteEntry('info', 'detach(): the app stopped mirroring this socket'))
    }
    catch {}
    this.mirror.close()
  }

  // ------------------------------------------------------------------ observers

  private observe(): void {
    this.observing = true
    const socket = this.socket
    const m = this.manager
    this.subs.push(
      onFirst(m, 'packet', this.onPacket),
      on(socket, 'connect', () => this.guard('the connect observer', () => this.connectEvent())),
      on(socket, 'disconnect', (reason: string, details?: unknown) => this.guard('the disconnect observer', () => this.onDisconnect(reason, details))),
      on(socket, 'connect_error', (err: unknown) => this.guard('the connect_error observer', () => this.onConnectError(err))),
      on(m, 'reconnect_attempt', (attempt: number) => this.guard('the reconnect observer', () => {
        this.lifecycle({ kind: 'reconnect_attempt', attempt })
        this.st.reconnectAttempt = attempt
        this.st.status = 'reconnecting'
        this.publish()
        // The Manager makes the new engine right after this event (same tick): hook it before its handshake.
        queueMicrotask(() => this.guard('the engine observer', () => this.hookEngine()))
      })),
      on(m, 'reconnect', (attempt: number) => this.guard('the reconnect observer', () => this.lifecycle({ kind: 'reconnect', attempt }))),
      on(m, 'reconnect_error', (err: unknown) => this.guard('the reconnect observer', () => this.lifecycle({ kind: 'reconnect_error', message: errorMessage(err) }))),
      on(m, 'reconnect_failed', () => this.guard('the reconnect observer', () => {
        this.lifecycle({ kind: 'reconnect_failed' })
        this.st.status = 'disconnected'
        this.publish()
      })),
      // A Manager opened again by `socket.connect()` after a close: its engine is known from here on.
      on(m, 'open', () => this.guard('the engine observer', () => this.hookEngine())),
    )
    this.hookEngine()
    this.wrapPacket()
  }

  private stopObserving(): void {
    if (!this.observing)
      return
    this.observing = false
    for (const d of this.subs.splice(0)) {
      try {
        d()
      }
      catch {}
    }
    this.unhookEngine()
    this.unwrapPacket()
    for (const p of this.pendingOut.values()) {
      if (p.timer !== undefined)
        clearTimeout(p.timer)
    }
    this.pendingOut.clear()
    this.pendingIn.clear()
  }

  /** Run an observer; a failure is counted and reported once, never thrown into the app. */
  private guard(where: string, fn: () => void): void {
    if (!this.observing)
      return
    try {
      fn()
    }
    catch (err) {
      this.mirror.fail(where, err)
    }
  }

  private wrapPacket(): void {
    const target = this.socket as unknown as Record<string, unknown>
    this.hadOwnPacket = Object.prototype.hasOwnProperty.call(target, 'packet')
    const hidden = this.internals.packet
    this.hidden = hidden
    const outgoing = (packet: PacketLike): Record<string, unknown> | undefined => this.observing ? this.outgoing(packet) : undefined
    const unsend = (seen: Record<string, unknown>, packet: PacketLike): void => this.unsend(seen, packet)
    const wrapper = function (this: unknown, packet: PacketLike): unknown {
      const seen = outgoing(packet)
      if (seen === undefined)
        return hidden.call(this, packet)
      try {
        return hidden.call(this, packet)
      }
      catch (err) {
        // socket.io threw on the way out (e.g. its encoder on a BigInt): nothing was sent, so nothing is logged.
        unsend(seen, packet)
        throw err
      }
    }
    this.wrapper = wrapper
    target.packet = wrapper
  }

  private unwrapPacket(): void {
    const target = this.socket as unknown as Record<string, unknown>
    if (this.wrapper === undefined)
      return
    if (target.packet === this.wrapper) {
      if (this.hadOwnPacket)
        target.packet = this.hidden
      else
        delete target.packet
    }
    // Someone wrapped ours since: it stays in their chain, and passes packets through (`observing` is off).
    this.wrapper = undefined
  }

  private hookEngine(): void {
    const engine = this.manager.engine
    if (!engine || engine === this.engine || !this.observing)
      return
    this.unhookEngine()
    this.engine = engine
    this.engineSubs.push(
      on(engine, 'upgrading', (t: { name?: TransportName } | undefined) => this.guard('the engine observer', () => {
        this.lifecycle({ kind: 'upgrading', transport: t?.name })
      })),
      on(engine, 'upgrade', (t: { name?: TransportName } | undefined) => this.guard('the engine observer', () => {
        this.lifecycle({ kind: 'upgrade', transport: t?.name })
        this.st.transport = t?.name
        this.publish()
      })),
      on(engine, 'upgradeError', (err: unknown) => this.guard('the engine observer', () => {
        this.lifecycle({ kind: 'upgrade_error', message: errorMessage(err) })
      })),
    )
    if (this.frames) {
      this.engineSubs.push(
        on(engine, 'packet', (p: { type: string, data?: unknown }) => this.frame(engine, 'in', p)),
        on(engine, 'packetCreate', (p: { type: string, data?: unknown }) => this.frame(engine, 'out', p)),
      )
    }
  }

  private unhookEngine(): void {
    for (const d of this.engineSubs.splice(0)) {
      try {
        d()
      }
      catch {}
    }
    this.engine = undefined
  }

  // ------------------------------------------------------------------ hot paths

  private readonly onPacket = (packet: PacketLike): void => {
    if (!this.observing)
      return
    try {
      if (packet.nsp !== this.internals.nsp)
        return
      switch (packet.type) {
        case CONNECT:
          this.connectPacket(packet)
          break
        case EVENT:
        case BINARY_EVENT:
          this.incomingEvent(packet)
          break
        case ACK:
        case BINARY_ACK:
          this.incomingAck(packet)
          break
      }
    }
    catch (err) {
      this.mirror.fail('the incoming-packet observer', err)
    }
  }

  /**
   * One incoming event. `args` is a shallow copy of the decoded data (the Socket pushes its ack callback onto
   * that array): the values themselves are kept by reference and encoded at flush, so an app that changes a
   * received object in place within the next ~25 ms is mirrored with the changed value. A deep copy per
   * event would cost as much as the encoding the flush defers.
   */
  private incomingEvent(packet: PacketLike): void {
    const data = packet.data
    if (!Array.isArray(data) || data.length === 0)
      return
    let end = data.length
    const asks = packet.id !== undefined && packet.id !== null
    // Listened after the Socket (not first in line): it has pushed its ack callback already.
    if (asks && end > 1 && typeof data[end - 1] === 'function')
      end--
    let recoveryOffset: string | undefined
    // Connection state recovery: the server appends its offset to every event without an ack id (the
    // core's adapters read it the same way; a volatile event ending with a string is misread likewise).
    if (!asks && this.internals._pid && end > 1 && typeof data[end - 1] === 'string')
      recoveryOffset = data[--end] as string
    const name = String(data[0])
    const mono = performance.now()
    const entry: Record<string, unknown> = {
      kind: 'event',
      time: timeOrigin + mono,
      mono,
      direction: 'in',
      name,
      args: end <= 1 ? NO_ARGS : data.slice(1, end),
    }
    if (asks) {
      const correlationId = `a.i${++this.inSeq}`
      entry.correlationId = correlationId
      bounded(this.pendingIn).set(packet.id!, { correlationId, name, mono })
    }
    if (recoveryOffset !== undefined)
      entry.recoveryOffset = recoveryOffset
    this.mirror.push(entry as unknown as MirrorEntry)
  }

  private incomingAck(packet: PacketLike): void {
    const id = packet.id
    if (id === undefined || id === null)
      return
    const pending = this.pendingOut.get(id)
    if (pending === undefined)
      return // not an emit the mirror saw go out (before attach, or forgotten past MAX_PENDING)
    this.pendingOut.delete(id)
    if (pending.timer !== undefined)
      clearTimeout(pending.timer)
    const data = Array.isArray(packet.data) ? packet.data : []
    // After the Socket (not first in line), a callback with an error first got a `null` put in front.
    const from = pending.withError && data[0] === null && !isFirst(this.manager, 'packet', this.onPacket) ? 1 : 0
    const mono = performance.now()
    const latencyMs = mono - pending.mono
    // socket.io's own timer (started just before ours) fired already: the app's callback got the timeout.
    const late = pending.timeout !== undefined && latencyMs >= pending.timeout
    const entry: Record<string, unknown> = {
      kind: 'ack',
      time: timeOrigin + mono,
      mono,
      direction: 'in',
      correlationId: pending.correlationId,
      name: pending.name,
      args: data.length <= from ? NO_ARGS : data.slice(from),
      latencyMs,
      timedOut: late,
    }
    if (late)
      entry.error = 'operation has timed out (the answer came after the deadline)'
    this.mirror.push(entry as unknown as MirrorEntry)
  }

  /** One packet the socket sends; returns what was recorded for it, to take back if socket.io throws. */
  private outgoing(packet: PacketLike): Record<string, unknown> | undefined {
    try {
      if (packet.type === EVENT || packet.type === BINARY_EVENT)
        return this.outgoingEvent(packet)
      if (packet.type === ACK || packet.type === BINARY_ACK)
        return this.outgoingAck(packet)
    }
    catch (err) {
      this.mirror.fail('the outgoing-packet observer', err)
    }
    return undefined
  }

  private outgoingEvent(packet: PacketLike): Record<string, unknown> | undefined {
    const data = packet.data
    if (!Array.isArray(data) || data.length === 0)
      return undefined
    const s = this.internals
    const name = String(data[0])
    const mono = performance.now()
    const entry: Record<string, unknown> = {
      kind: 'event',
      time: timeOrigin + mono,
      mono,
      direction: 'out',
      name,
      args: data.length === 1 ? NO_ARGS : data.slice(1),
    }
    // socket.io flushes its send buffer on connect (`emitBuffered`), in order: this emit waited there.
    const sb = s.sendBuffer
    if (sb !== this.flushBuffer) {
      this.flushBuffer = sb
      this.flushIndex = 0
    }
    const queued = Array.isArray(sb) && sb[this.flushIndex] === packet
    if (queued)
      this.flushIndex++
    const id = packet.id
    if (id !== undefined && id !== null) {
      const correlationId = this.pageCorrelation ?? `a.o${++this.outSeq}`
      this.pageCorrelation = undefined
      // The emit the page asked for (`runEmit`) went out synchronously: its answer names this id.
      if (this.emitting && this.usedCorrelation === undefined)
        this.usedCorrelation = correlationId
      entry.correlationId = correlationId
      // Readable now: `emit` resets the flags after `packet()`. A buffered emit's flags are gone at flush;
      // its deadline is then the socket's `ackTimeout` (socket.io's timer for it started at the emit).
      const t = s.flags?.timeout ?? s._opts?.ackTimeout
      const timeout = typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : undefined
      const pending: PendingOut = { correlationId, name, mono, timeout, withError: s.acks?.[id]?.withError === true, timer: undefined }
      if (timeout !== undefined)
        pending.timer = quietTimer(() => this.guard('the ack-timeout observer', () => this.ackTimedOut(id, pending)), timeout)
      const prev = bounded(this.pendingOut).get(id)
      if (prev?.timer !== undefined)
        clearTimeout(prev.timer)
      this.pendingOut.set(id, pending)
    }
    if (s.flags?.volatile)
      entry.volatile = true
    if (packet.options?.compress === false)
      entry.compress = false
    if (queued)
      entry.queued = true
    this.mirror.push(entry as unknown as MirrorEntry)
    return entry
  }

  private outgoingAck(packet: PacketLike): Record<string, unknown> | undefined {
    const id = packet.id
    if (id === undefined || id === null)
      return undefined
    const req = this.pendingIn.get(id)
    if (req === undefined)
      return undefined
    this.pendingIn.delete(id)
    const data = Array.isArray(packet.data) ? packet.data : []
    const mono = performance.now()
    const entry: Record<string, unknown> = {
      kind: 'ack',
      time: timeOrigin + mono,
      mono,
      direction: 'out',
      correlationId: req.correlationId,
      name: req.name,
      args: data.length === 0 ? NO_ARGS : data.slice(),
      latencyMs: mono - req.mono,
      timedOut: false,
    }
    this.mirror.push(entry as unknown as MirrorEntry)
    return entry
  }

  /** socket.io threw while sending `packet`: it did not go out. */
  private unsend(entry: Record<string, unknown>, packet: PacketLike): void {
    try {
      this.mirror.retract(entry as unknown as MirrorEntry)
      const id = packet.id
      if (entry.kind === 'event' && id !== undefined && id !== null) {
        const p = this.pendingOut.get(id)
        if (p !== undefined && p.correlationId === entry.correlationId) {
          if (p.timer !== undefined)
            clearTimeout(p.timer)
          this.pendingOut.delete(id)
        }
      }
      if (this.usedCorrelation !== undefined && this.usedCorrelation === entry.correlationId)
        this.usedCorrelation = undefined
    }
    catch (err) {
      this.mirror.fail('the outgoing-packet observer', err)
    }
  }

  private ackTimedOut(id: number, pending: PendingOut): void {
    if (this.pendingOut.get(id) !== pending)
      return
    this.pendingOut.delete(id)
    this.ackFailed(pending, 'operation has timed out')
  }

  private ackFailed(pending: PendingOut, error: string): void {
    if (pending.timer !== undefined)
      clearTimeout(pending.timer)
    const mono = performance.now()
    this.mirror.push({
      kind: 'ack',
      time: timeOrigin + mono,
      mono,
      direction: 'in',
      correlationId: pending.correlationId,
      name: pending.name,
      args: NO_ARGS,
      latencyMs: mono - pending.mono,
      timedOut: true,
      error,
    })
  }

  private frame(engine: EngineLike, direction: 'in' | 'out', p: { type: string, data?: unknown }): void {
    if (!this.observing)
      return
    try {
      const data = frameData(p.data)
      const mono = performance.now()
      const entry: Record<string, unknown> = {
        kind: 'frame',
        time: timeOrigin + mono,
        mono,
        direction,
        engineType: p.type,
        size: typeof data === 'string' ? utf8Length(data) + 1 : data !== undefined ? data.byteLength : 1,
        protocol: 4,
      }
      const transport = engine.transport?.name
      if (transport !== undefined)
        entry.transport = transport
      if (data !== undefined)
        entry.data = data
      this.mirror.push(entry as unknown as MirrorEntry)
    }
    catch (err) {
      this.mirror.fail('the frame observer', err)
    }
  }

  // ------------------------------------------------------------------ lifecycle

  private lifecycle(fields: Record<string, unknown>, direction: 'in' | 'out' | 'local' = 'local'): void {
    const mono = performance.now()
    const entry: Record<string, unknown> = { ...fields, time: timeOrigin + mono, mono, direction }
    for (const k of Object.keys(entry)) {
      if (entry[k] === undefined)
        delete entry[k]
    }
    this.mirror.push(entry as unknown as MirrorEntry)
  }

  /**
   * The socket's CONNECT arrived (seen first in line, before the Socket handles it): logged now, so the
   * entry precedes what the Socket sends right away on connect (its send buffer, `retries`' queue).
   */
  private connectPacket(packet: PacketLike): void {
    const data = packet.data as { sid?: unknown, pid?: unknown } | undefined
    if (!this.socket.active || typeof data?.sid !== 'string' || !isFirst(this.manager, 'packet', this.onPacket))
      return
    const pid = typeof data.pid === 'string' ? data.pid : undefined
    // As socket.js `onconnect` will decide, from the session it had (`_pid`, not yet replaced).
    this.onConnect(data.sid, pid !== undefined && this.internals._pid === pid, pid !== undefined)
  }

  /** The socket's `connect` event: logs the connection unless its CONNECT packet did. */
  private connectEvent(): void {
    if (this.connectLogged === undefined || this.connectLogged !== this.socket.id)
      this.onConnect(this.socket.id ?? '', this.internals.recovered === true, !!this.internals._pid)
  }

  private onConnect(socketId: string, recovered: boolean, stateRecovery: boolean): void {
    this.hookEngine()
    const engine = this.manager.engine
    const engineId = engine?.id || undefined
    const transport = engine?.transport?.name as TransportName | undefined
    this.lifecycle({
      kind: 'connect',
      socketId,
      engineId,
      transport,
      recovered,
      stateRecovery: stateRecovery ? true : undefined,
    }, 'in')
    this.connectLogged = socketId
    this.lastSocketId = socketId
    this.st = {
      ...this.st,
      status: 'connected',
      socketId,
      engineId,
      transport,
      reconnectAttempt: 0,
      lastError: undefined,
      idHistory: [...this.st.idHistory, { socketId, engineId, transport, recovered, connectedAt: Date.now() }].slice(-MAX_ID_HISTORY),
    }
    this.publish()
  }

  private onDisconnect(reason: string, details: unknown): void {
    // `active`: socket.io reconnects by itself (a transport close); not after `io client/server disconnect`.
    const willReconnect = this.socket.active && this.manager.reconnection() !== false
    this.connectLogged = undefined
    this.lifecycle({
      kind: 'disconnect',
      socketId: this.lastSocketId,
      reason,
      willReconnect,
      description: details === undefined ? undefined : plainDetail(details),
    }, reason === 'io client disconnect' ? 'out' : 'in')
    const history = this.st.idHistory.slice()
    const last = history[history.length - 1]
    if (last && last.disconnectedAt === undefined)
      history[history.length - 1] = { ...last, disconnectedAt: Date.now(), reason }
    this.st = { ...this.st, status: willReconnect ? 'reconnecting' : 'disconnected', socketId: undefined, idHistory: history }
    this.publish()
    // socket.io drops every callback still waiting (socket.js `_clearAcks`): those with an error first are
    // called with "socket has been disconnected", the others never.
    const pending = [...this.pendingOut.values()]
    this.pendingOut.clear()
    for (const p of pending)
      this.ackFailed(p, p.withError ? 'socket has been disconnected' : 'socket has been disconnected (socket.io drops this callback: it is never called)')
    this.pendingIn.clear()
  }

  private onConnectError(err: unknown): void {
    const e = err as { message?: unknown, data?: unknown, description?: unknown } | null | undefined
    const message = typeof e?.message === 'string' ? e.message : errorMessage(err)
    this.lifecycle({
      kind: 'connect_error',
      message,
      data: e?.data === undefined ? undefined : plainDetail(e.data),
      description: e?.description === undefined ? undefined : plainDetail(e.description),
      willRetry: this.socket.active,
    }, 'in')
    this.st = {
      ...this.st,
      lastError: message,
      status: !this.socket.active ? 'disconnected' : this.st.status === 'reconnecting' ? 'reconnecting' : 'connecting',
    }
    this.publish()
  }

  private publish(): void {
    const st = this.st
    const out: Record<string, unknown> = { status: st.status, reconnectAttempt: st.reconnectAttempt, idHistory: st.idHistory }
    if (st.socketId !== undefined)
      out.socketId = st.socketId
    if (st.engineId !== undefined)
      out.engineId = st.engineId
    if (st.transport !== undefined)
      out.transport = st.transport
    if (st.lastError !== undefined)
      out.lastError = st.lastError
    this.mirror.setState(out as unknown as Omit<AttachAppState, 'dropped'>)
  }

  // ------------------------------------------------------------------ emits for the page

  private runEmit(name: unknown, argsText: unknown, options: AttachEmitOptions, ack: (r: EmitResult) => void): void {
    const answer = (r: EmitResult): void => {
      try {
        ack(r)
      }
      catch {}
    }
    if (!this.allowEmit)
      return answer({ ok: false, error: 'this app attached read-only (allowEmit is off)' })
    if (!this.observing)
      return answer({ ok: false, error: 'this app is no longer attached' })
    if (typeof name !== 'string' || name === '')
      return answer({ ok: false, error: 'the event name must be a non-empty string' })
    if (RESERVED.has(name))
      return answer({ ok: false, error: `"${name}" is a reserved event name` })
    if (!this.socket.connected)
      return answer({ ok: false, error: 'the app\'s socket is not connected' })
    let args: unknown
    try {
      if (typeof argsText !== 'string')
        throw new TypeError('not text')
      args = decodeTagged(argsText)
    }
    catch (err) {
      return answer({ ok: false, error: `the arguments could not be decoded: ${errorMessage(err)}` })
    }
    if (!Array.isArray(args))
      return answer({ ok: false, error: 'the arguments must be an array' })
    const wantsAck = options?.ack === true
    this.pageCorrelation = wantsAck && typeof options.pageCorrelationId === 'string' ? options.pageCorrelationId : undefined
    this.usedCorrelation = undefined
    this.emitting = true
    const s = this.socket
    try {
      let target: Socket<any, any> = s
      if (options?.volatile === true)
        target = target.volatile
      if (typeof options?.compress === 'boolean')
        target = target.compress(options.compress)
      if (wantsAck) {
        const ms = typeof options.ackTimeoutMs === 'number' && options.ackTimeoutMs >= 0 ? options.ackTimeoutMs : DEFAULT_ACK_TIMEOUT_MS
        // The answer (or the timeout) is logged by the packet observer; the app's own listeners see every
        // event the server sends in return.
        target.timeout(ms).emit(name, ...args, () => {})
      }
      else {
        target.emit(name, ...args)
      }
    }
    catch (err) {
      // socket.io threw before it reset its flags: the app's next emit must not inherit ours.
      this.internals.flags = {}
      return answer({ ok: false, error: `the app's socket refused the emit: ${errorMessage(err)}` })
    }
    finally {
      this.pageCorrelation = undefined
      this.emitting = false
    }
    const correlationId = this.usedCorrelation
    this.usedCorrelation = undefined
    answer(correlationId !== undefined ? { ok: true, correlationId } : { ok: true })
  }
}

/** Forget the oldest past MAX_PENDING (a server that never answers must not grow the map forever). */
function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= MAX_PENDING) {
    const first = map.keys().next()
    if (!first.done) {
      const v = map.get(first.value) as { timer?: ReturnType<typeof setTimeout> } | undefined
      if (v?.timer !== undefined)
        clearTimeout(v.timer)
      map.delete(first.value)
    }
  }
  return map
}
