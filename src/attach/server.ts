/**
 * `attachServer(io, options)`: mirror a socket.io 4.x server's namespaces to the inspector, as one attached
 * "server" whose entries carry `peer` (the server-side socket id) and `peerNamespace` (attach/protocol.ts).
 *
 * Per socket of every namespace (those there at attach time and each `new_namespace` after):
 * - `connect` (listened ahead of the app's `connect`/`connection` listeners, so what the app emits in them
 *   is mirrored too) and `disconnect` with its reason;
 * - incoming events with every argument (`socket.onAny`, ack callback removed);
 * - outgoing events (`socket.onAnyOutgoing`): `socket.emit`, and broadcasts (`io.emit`, `io.to(room).emit`,
 *   `socket.broadcast.emit`) — socket.io-adapter ≥ 2.5 (socket.io 4.7+) calls each local recipient's
 *   outgoing listeners from `broadcast()`. An adapter that does not (older or custom ones) is found out on
 *   its first broadcast with local recipients, and from then on its recipients are listed with
 *   `adapter.apply(opts, fn)` (the in-memory adapter's own walk): one entry per recipient, either way.
 *
 * Read-only: the inspector cannot emit through a server.
 */
import type { AttachStats } from './mirror'
import type { MirrorEntry } from './shared'
import { ATTACH_MAX_NAME } from '../core/attach/protocol'
import { DEFAULT_MAX_BUFFER, Mirror } from './mirror'
import { errorMessage, noteEntry, plainDetail, randomId, runtime, timeOrigin } from './shared'

export interface AttachServerOptions {
  /** The inspector's URL, e.g. `http://localhost:5173`. */
  inspector: string
  /** The attach token the inspector printed at start. */
  token: string
  /** The label of this server in the inspector (1–80 characters; longer is cut). */
  name: string
  /** Entries kept while the inspector is unreachable. @default 10000 */
  maxBuffer?: number
  /** Called once when attaching cannot work (refused token, bad options). @default one `console.warn` line */
  onError?: (message: string) => void
}

/** Stops mirroring the server and restores every listener and adapter method. Idempotent. */
export interface ServerDetach {
  (): void
  stats: () => AttachStats
}

/**
 * A socket.io 4.x `Server` (structural, so this entry's types need neither socket.io's nor Node's).
 * @example attachServer(io, { inspector: 'http://localhost:5173', token, name: 'api' })
 */
export interface AttachableServer {
  of: (...args: any[]) => unknown
  on: (...args: any[]) => unknown
}

interface EmitterLike {
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off?: (event: string, fn: (...args: any[]) => void) => unknown
  removeListener?: (event: string, fn: (...args: any[]) => void) => unknown
  prependListener?: (event: string, fn: (...args: any[]) => void) => unknown
}
interface ServerSocketLike extends EmitterLike {
  id: string
  recovered?: boolean
  connected?: boolean
  conn?: { id?: string, transport?: { name?: string } }
  onAny: (fn: (...args: any[]) => void) => unknown
  offAny: (fn?: (...args: any[]) => void) => unknown
  onAnyOutgoing: (fn: (...args: any[]) => void) => unknown
  offAnyOutgoing: (fn?: (...args: any[]) => void) => unknown
  /** socket.io 4.x internals the ack correlation wraps (per instance, restored on detach); absent → no acks. */
  _onpacket?: (packet: AckPacketLike) => unknown
  packet?: (packet: AckPacketLike, opts?: unknown) => unknown
}
interface PacketLike { data?: unknown }
/** A socket.io packet as the server socket handles it (socket.io-parser's PacketType numbers). */
interface AckPacketLike { type?: number, id?: number, data?: unknown }

// socket.io-parser's PacketType (the wire's numbers: stable since protocol 4).
const EVENT = 2
const ACK = 3
const BINARY_EVENT = 5
const BINARY_ACK = 6
/** Ack requests remembered per socket, each way: a client that never answers cannot grow them. */
const MAX_PENDING_ACKS = 1000

interface PendingAck { readonly correlationId: string, readonly name: string, readonly mono: number }

function remember(map: Map<number, PendingAck>, id: number, pending: PendingAck): void {
  if (map.size >= MAX_PENDING_ACKS)
    map.delete(map.keys().next().value as number)
  map.set(id, pending)
}
interface AdapterLike {
  broadcast?: (packet: PacketLike, opts: unknown) => unknown
  broadcastWithAck?: (packet: PacketLike, opts: unknown, ...rest: unknown[]) => unknown
  apply?: (opts: unknown, fn: (socket: ServerSocketLike) => void) => void
}
interface NamespaceLike extends EmitterLike {
  name: string
  sockets: Map<string, ServerSocketLike>
  adapter?: AdapterLike
}
interface ServerInternals extends EmitterLike {
  _nsps?: Map<string, NamespaceLike>
  httpServer?: { address?: () => unknown }
}

const NO_ARGS: readonly unknown[] = Object.freeze([])
/** Disconnect reasons after which a socket.io client reconnects by itself (the others end the session). */
const CLIENT_RECONNECTS = new Set(['transport close', 'transport error', 'ping timeout', 'parse error'])

function warnOnce(message: string): void {
  try {
    console.warn(`socketio-inspector attachServer: ${message}`)
  }
  catch {}
}

function off(em: EmitterLike, event: string, fn: (...args: any[]) => void): void {
  if (typeof em.off === 'function')
    em.off(event, fn)
  else
    em.removeListener?.(event, fn)
}

/** `http://localhost:3000` for a listening server, '' otherwise. */
function describeServer(io: ServerInternals): string {
  try {
    const a = io.httpServer?.address?.() as { port?: unknown } | string | null | undefined
    if (a && typeof a === 'object' && typeof a.port === 'number')
      return `http://localhost:${a.port}`
  }
  catch {}
  return ''
}

/**
 * Mirror a socket.io 4.x server's namespaces to the inspector: every socket's incoming and outgoing events
 * with their arguments, connects and disconnects. Never throws into the server; detach restores everything.
 * @example
 * import { Server } from 'socket.io'
 * import { attachServer } from 'socketio-inspector/attach'
 * const io = new Server(3000)
 * const detach = attachServer(io, { inspector: 'http://localhost:5173', token: 'TOKEN', name: 'api' })
 */
export function attachServer(io: AttachableServer, options: AttachServerOptions): ServerDetach {
  const onError = typeof options?.onError === 'function' ? options.onError : warnOnce
  const inert = (): ServerDetach => {
    const d = (() => {}) as ServerDetach
    d.stats = () => ({ dropped: 0, buffered: 0, sent: 0, failures: 0, connected: false })
    return d
  }
  try {
    const s = io as unknown as ServerInternals
    let problem: string | undefined
    if (!s || typeof s.on !== 'function' || !(s._nsps instanceof Map))
      problem = 'attachServer(io, options): `io` must be a socket.io 4.x Server'
    else if (!options || typeof options.inspector !== 'string' || options.inspector === '')
      problem = 'attachServer(): `inspector` must be the inspector\'s URL, e.g. http://localhost:5173'
    else if (typeof options.token !== 'string' || options.token === '')
      problem = 'attachServer(): `token` must be the attach token the inspector printed at start'
    else if (typeof options.name !== 'string' || options.name.trim() === '')
      problem = 'attachServer(): `name` must be a non-empty string'
    if (problem !== undefined) {
      try {
        onError(problem)
      }
      catch {}
      return inert()
    }
    const m = new ServerMirror(s, options, onError)
    const detach = (() => m.detach()) as ServerDetach
    detach.stats = () => m.stats()
    return detach
  }
  catch (err) {
    try {
      onError(`attachServer() failed: ${errorMessage(err)}`)
    }
    catch {}
    return inert()
  }
}

class ServerMirror {
  private readonly mirror: Mirror
  private readonly namespaces = new Map<NamespaceLike, () => void>()
  private readonly sockets = new Map<ServerSocketLike, () => void>()
  private observing = false
  private detached = false
  /** Outgoing-listener calls so far (an adapter's broadcast that made none did not notify: see `wrapAdapter`). */
  private notified = 0
  /** Correlation ids of the acks (`s.i…` the clients asked, `s.o…` the server asked). */
  private ackSeq = 0

  constructor(private readonly io: ServerInternals, options: AttachServerOptions, onError: (message: string) => void) {
    const attachId = randomId()
    const name = options.name.trim().slice(0, ATTACH_MAX_NAME)
    const rt = runtime()
    this.mirror = new Mirror({
      inspector: options.inspector,
      token: options.token,
      maxBuffer: typeof options.maxBuffer === 'number' && options.maxBuffer >= 1 ? options.maxBuffer : DEFAULT_MAX_BUFFER,
      onError,
      handshake: () => ({ attachId, name, role: 'server', allowEmit: false, frames: false, url: describeServer(io), namespace: '*', runtime: rt }),
      onEmit: (_n, _a, _o, ack) => ack({ ok: false, error: 'attachServer() is read-only: the inspector cannot emit through a server' }),
      onRefused: () => this.stop(),
    })
    if (this.mirror.stopped)
      return
    this.observing = true
    this.mirror.setState({ status: 'connected', reconnectAttempt: 0, idHistory: [] })
    for (const nsp of io._nsps!.values()) this.watchNamespace(nsp)
    io.on('new_namespace', this.onNewNamespace)
  }

  stats(): AttachStats {
    return this.mirror.stats()
  }

  detach(): void {
    if (this.detached)
      return
    this.detached = true
    this.stop()
    try {
      this.mirror.push(noteEntry('info', 'detach(): the server stopped mirroring'))
    }
    catch {}
    this.mirror.close()
  }

  private stop(): void {
    if (!this.observing)
      return
    this.observing = false
    off(this.io, 'new_namespace', this.onNewNamespace)
    for (const d of [...this.sockets.values(), ...this.namespaces.values()]) {
      try {
        d()
      }
      catch {}
    }
    this.sockets.clear()
    this.namespaces.clear()
  }

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

  private readonly onNewNamespace = (nsp: NamespaceLike): void => {
    this.guard('the namespace observer', () => this.watchNamespace(nsp))
  }

  private watchNamespace(nsp: NamespaceLike): void {
    if (this.namespaces.has(nsp) || !nsp || typeof nsp.on !== 'function')
      return
    // `connect` fires before `connection` (namespace.js `_doConnect`); listened first, so the app's own
    // listeners' emits to the new socket are mirrored.
    const onConnect = (socket: ServerSocketLike): void => this.guard('the connect observer', () => this.watchSocket(nsp, socket))
    if (typeof nsp.prependListener === 'function')
      nsp.prependListener('connect', onConnect)
    else
      nsp.on('connect', onConnect)
    const unwrap = this.wrapAdapter(nsp)
    this.namespaces.set(nsp, () => {
      off(nsp, 'connect', onConnect)
      unwrap()
    })
    for (const socket of nsp.sockets.values()) this.watchSocket(nsp, socket)
  }

  private watchSocket(nsp: NamespaceLike, socket: ServerSocketLike): void {
    if (this.sockets.has(socket))
      return
    const peer = socket.id
    const peerNamespace = nsp.name
    const push = (fields: Record<string, unknown>, direction: 'in' | 'out'): void => {
      const mono = performance.now()
      const entry: Record<string, unknown> = { ...fields, time: timeOrigin + mono, mono, direction, peer, peerNamespace }
      this.mirror.push(entry as unknown as MirrorEntry)
    }
    // Acks (both ways): the socket's own `_onpacket` and `packet` see the ids onAny/onAnyOutgoing do not. The
    // incoming packet comes first (its id is remembered, then onAny logs the event with the correlation id); an
    // emit's outgoing listeners run just before `packet()` (the event entry is still unsent: it gets its id).
    const asked = new Map<number, PendingAck>()
    const askedByUs = new Map<number, PendingAck>()
    let nextInCorrelation: string | undefined
    let lastOut: Record<string, unknown> | undefined
    const ackEntry = (direction: 'in' | 'out', p: PendingAck, data: unknown): void => {
      const mono = performance.now()
      const args = Array.isArray(data) ? (data.length === 0 ? NO_ARGS : data) : NO_ARGS
      this.mirror.push({ kind: 'ack', time: timeOrigin + mono, mono, direction, correlationId: p.correlationId, name: p.name, args, latencyMs: mono - p.mono, timedOut: false, peer, peerNamespace } as unknown as MirrorEntry)
    }
    const onPacketIn = (packet: AckPacketLike): void => {
      const id = packet?.id
      if (typeof id !== 'number')
        return
      if (packet.type === EVENT || packet.type === BINARY_EVENT) {
        const data = packet.data
        const correlationId = `s.i${++this.ackSeq}`
        remember(asked, id, { correlationId, name: Array.isArray(data) ? String(data[0]) : '', mono: performance.now() })
        nextInCorrelation = correlationId
      }
      else if (packet.type === ACK || packet.type === BINARY_ACK) {
        const p = askedByUs.get(id)
        if (p !== undefined) {
          askedByUs.delete(id)
          ackEntry('in', p, packet.data)
        }
      }
    }
    const onPacketOut = (packet: AckPacketLike): void => {
      const id = packet?.id
      const out = lastOut
      lastOut = undefined
      if (typeof id !== 'number')
        return
      if (packet.type === EVENT || packet.type === BINARY_EVENT) {
        if (out === undefined || !Array.isArray(packet.data) || out.name !== String(packet.data[0]))
          return
        const correlationId = `s.o${++this.ackSeq}`
        out.correlationId = correlationId
        remember(askedByUs, id, { correlationId, name: out.name as string, mono: out.mono as number })
      }
      else if (packet.type === ACK || packet.type === BINARY_ACK) {
        const p = asked.get(id)
        if (p !== undefined) {
          asked.delete(id)
          ackEntry('out', p, packet.data)
        }
      }
    }
    const unwrapAcks = this.wrapSocketPackets(socket, onPacketIn, onPacketOut)
    const onIn = (name: unknown, ...args: unknown[]): void => {
      if (!this.observing)
        return
      try {
        // socket.io hands the client's ack callback last; its arguments are the rest.
        const asks = args.length > 0 && typeof args[args.length - 1] === 'function'
        const end = asks ? args.length - 1 : args.length
        const correlationId = asks ? nextInCorrelation : undefined
        nextInCorrelation = undefined
        this.event(peer, peerNamespace, 'in', name, end === 0 ? NO_ARGS : end === args.length ? args : args.slice(0, end), correlationId)
      }
      catch (err) {
        this.mirror.fail('the incoming-event observer', err)
      }
    }
    const onOut = (name: unknown, ...args: unknown[]): void => {
      if (!this.observing)
        return
      this.notified++
      try {
        lastOut = this.event(peer, peerNamespace, 'out', name, args.length === 0 ? NO_ARGS : args)
      }
      catch (err) {
        this.mirror.fail('the outgoing-event observer', err)
      }
    }
    const onDisconnect = (reason: unknown, details?: unknown): void => this.guard('the disconnect observer', () => {
      const r = typeof reason === 'string' ? reason : String(reason)
      const fields: Record<string, unknown> = { kind: 'disconnect', socketId: peer, reason: r, willReconnect: CLIENT_RECONNECTS.has(r) }
      if (details !== undefined)
        fields.description = plainDetail(details)
      push(fields, r.startsWith('server ') ? 'out' : 'in')
      this.sockets.get(socket)?.()
      this.sockets.delete(socket)
    })
    socket.onAny(onIn)
    socket.onAnyOutgoing(onOut)
    socket.on('disconnect', onDisconnect)
    this.sockets.set(socket, () => {
      socket.offAny(onIn)
      socket.offAnyOutgoing(onOut)
      off(socket, 'disconnect', onDisconnect)
      unwrapAcks()
      asked.clear()
      askedByUs.clear()
    })
    const fields: Record<string, unknown> = { kind: 'connect', socketId: peer, recovered: socket.recovered === true }
    if (socket.conn?.id)
      fields.engineId = socket.conn.id
    if (socket.conn?.transport?.name)
      fields.transport = socket.conn.transport.name
    push(fields, 'in')
  }

  /** The hot path: one event entry (the arguments by reference; encoded at flush, as the client's). */
  private event(peer: string, peerNamespace: string, direction: 'in' | 'out', name: unknown, args: readonly unknown[], correlationId?: string): Record<string, unknown> {
    const mono = performance.now()
    const entry: Record<string, unknown> = { kind: 'event', time: timeOrigin + mono, mono, direction, name: String(name), args, peer, peerNamespace }
    if (correlationId !== undefined)
      entry.correlationId = correlationId
    this.mirror.push(entry as unknown as MirrorEntry)
    return entry
  }

  /**
   * Wrap the socket instance's `_onpacket` (incoming packets, before socket.io handles them) and `packet`
   * (outgoing ones) for the ack ids: own properties calling the prototype's, removed by the returned function.
   * An observer that throws is reported, never thrown into socket.io. A socket without them: no ack rows.
   */
  private wrapSocketPackets(socket: ServerSocketLike, onIn: (packet: AckPacketLike) => void, onOut: (packet: AckPacketLike) => void): () => void {
    const undo: (() => void)[] = []
    const wrap = (key: '_onpacket' | 'packet', observe: (packet: AckPacketLike) => void, where: string): void => {
      const hidden = socket[key]
      if (typeof hidden !== 'function')
        return
      const own = Object.prototype.hasOwnProperty.call(socket, key)
      const mirror = this.mirror
      const active = (): boolean => this.observing
      const wrapper = function (this: unknown, packet: AckPacketLike, ...rest: unknown[]): unknown {
        if (active()) {
          try {
            observe(packet)
          }
          catch (err) {
            mirror.fail(where, err)
          }
        }
        return (hidden as (...a: unknown[]) => unknown).call(this, packet, ...rest)
      }
      ;(socket as unknown as Record<string, unknown>)[key] = wrapper
      undo.push(() => {
        if ((socket as unknown as Record<string, unknown>)[key] !== wrapper)
          return // wrapped again by someone else since: leave their wrapper (it calls ours, which passes through)
        if (own)
          (socket as unknown as Record<string, unknown>)[key] = hidden
        else
          delete (socket as unknown as Record<string, unknown>)[key]
      })
    }
    wrap('_onpacket', onIn, 'the incoming-ack observer')
    wrap('packet', onOut, 'the outgoing-ack observer')
    return () => {
      for (const u of undo) u()
    }
  }

  /**
   * An adapter whose `broadcast` does not call the recipients' outgoing listeners (socket.io-adapter < 2.5,
   * or a custom one) would hide every broadcast. Wrapped until its first synchronous broadcast with local
   * recipients tells: it notified (then unwrapped: no cost from then on), or it did not (then each broadcast's
   * local recipients are listed with `apply`). An asynchronous broadcast (the cluster adapters) is taken as
   * notifying: they all build on the in-memory adapter's.
   */
  private wrapAdapter(nsp: NamespaceLike): () => void {
    const adapter = nsp.adapter as (AdapterLike & Record<string, unknown>) | undefined
    if (!adapter || typeof adapter.broadcast !== 'function' || typeof adapter.apply !== 'function')
      return () => {}
    const observing = (): boolean => this.observing
    const notified = (): number => this.notified
    const fail = (err: unknown): void => this.mirror.fail('the broadcast observer', err)
    const wrapped: Partial<Record<'broadcast' | 'broadcastWithAck', { hidden: (...a: any[]) => unknown, own: boolean, wrapper: (...a: any[]) => unknown }>> = {}
    let verdict: 'unknown' | 'notifies' | 'silent' = 'unknown'
    const unnotified = (packet: PacketLike, opts: unknown): void => this.unnotified(nsp, adapter, packet, opts, () => {
      verdict = 'silent'
    })
    const restore = (): void => {
      for (const key of ['broadcast', 'broadcastWithAck'] as const) {
        const w = wrapped[key]
        if (!w)
          continue
        if (adapter[key] === w.wrapper) {
          if (w.own)
            adapter[key] = w.hidden
          else
            delete adapter[key]
        }
        delete wrapped[key]
      }
    }
    for (const key of ['broadcast', 'broadcastWithAck'] as const) {
      const hidden = adapter[key]
      if (typeof hidden !== 'function')
        continue
      const own = Object.prototype.hasOwnProperty.call(adapter, key)
      const wrapper = function (this: unknown, packet: PacketLike, opts: unknown, ...rest: unknown[]): unknown {
        if (verdict === 'notifies' || !observing())
          return hidden.call(this, packet, opts, ...rest)
        const before = notified()
        const result = hidden.call(this, packet, opts, ...rest)
        try {
          if (notified() === before && !(result && typeof (result as { then?: unknown }).then === 'function'))
            unnotified(packet, opts)
          else if (verdict === 'unknown' && notified() !== before)
            verdict = 'notifies'
          if (verdict === 'notifies')
            restore()
        }
        catch (err) {
          fail(err)
        }
        return result
      }
      wrapped[key] = { hidden: hidden as (...a: any[]) => unknown, own, wrapper }
      adapter[key] = wrapper
    }
    return restore
  }

  /** A broadcast that notified nobody: its local recipients (none, or an adapter that does not notify). */
  private unnotified(nsp: NamespaceLike, adapter: AdapterLike, packet: PacketLike, opts: unknown, silent: () => void): void {
    const data = packet.data
    if (!Array.isArray(data) || data.length === 0 || typeof adapter.apply !== 'function')
      return
    const name = data[0]
    const args = data.length === 1 ? NO_ARGS : data.slice(1)
    adapter.apply(opts, (socket) => {
      silent()
      if (this.sockets.has(socket))
        this.event(socket.id, nsp.name, 'out', name, args)
    })
  }
}
