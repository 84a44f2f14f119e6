/**
 * `AdminClient`: speaks the `@socket.io/admin-ui` 0.5 protocol to an instrumented server and keeps a
 * `ServerModel` up to date. Framework-free (socket.io-client only); runs in Node and in browsers.
 *
 * Flow (admin-ui's `dist/index.js`):
 * 1. connect to `<url><namespace>` with `auth: { username, password }` (or none for `auth: false`);
 *    a wrong pair gives `connect_error "invalid credentials"`; a server without `instrument()` has no
 *    such namespace and gives `connect_error "Invalid namespace"`.
 * 2. the auth middleware emits `session` (before the CONNECT; socket.io-client buffers it until `connect`).
 *    We keep it and send `{ sessionId }` on automatic reconnections, as admin-ui's UI does.
 * 3. on connection the server emits `config` at once, then `all_sockets` after `fetchSockets()` (only in
 *    `mode: "development"`, the default unless NODE_ENV is set to something else), and `server_stats`
 *    every 2 s (so the first one may take up to 2 s).
 * 4. then `socket_connected` / `socket_updated` / `socket_disconnected` / `room_joined` / `room_left`
 *    (sent on the next tick, after the socket is gone when it disconnects) / `event_received` / `event_sent`.
 */
import type { Socket } from 'socket.io-client'
import type { Disposer } from '../types'
import type { AdminClientEvents, AdminFeature, AdminServerEvents, SerializedSocket } from './protocol'
import { io } from 'socket.io-client'
import { ServerEventFeed } from './events'
import { ServerModel } from './model'
import { isAdminConfig, isSerializedSocket, isServerStats, isSocketUpdate } from './protocol'

export type AdminStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'error'

/**
 * - `auth`: wrong username or password.
 * - `not-instrumented`: the Socket.IO server answers but has no admin namespace there.
 * - `not-socketio`: the URL answers HTTP but not as a Socket.IO server.
 * - `unreachable`: nothing answered (or the browser blocked it).
 * - `protocol`: connected, but the server doesn't speak admin-ui 0.5 (no `config`, unexpected shapes).
 * - `server`: any other `connect_error` from a middleware.
 */
export type AdminErrorKind = 'auth' | 'not-instrumented' | 'not-socketio' | 'unreachable' | 'protocol' | 'server'

export interface AdminError {
  readonly kind: AdminErrorKind
  /** One sentence for the user. */
  readonly message: string
  /** What the server or the transport said, verbatim. */
  readonly detail?: string
}

export interface AdminClientOptions {
  /** `http(s)://host:port` of the instrumented server (a path, if any, is ignored: the namespace is separate). */
  url: string
  /** @default '/admin' */
  namespace?: string
  /** Leave both empty for a server instrumented with `auth: false`. */
  username?: string
  password?: string
  /** Handshake path. @default '/socket.io' */
  path?: string
  /** @default ['websocket', 'polling'] (WebSocket needs no CORS from a browser; polling as a fallback) */
  transports?: ('polling' | 'websocket')[]
  /** How long to wait for `config` after connecting before calling the protocol unknown, ms. @default 3000 */
  configTimeoutMs?: number
  /** Connection timeout, ms. @default 10000 */
  timeout?: number
  /** Events the event feed keeps (oldest dropped). @default SERVER_EVENT_CAPACITY (5,000) */
  eventCapacity?: number
}

export interface AdminState {
  readonly status: AdminStatus
  readonly url: string
  readonly namespace: string
  /** Our own socket id in the admin namespace (it shows up in the tree too). */
  readonly socketId: string | undefined
  readonly features: readonly AdminFeature[]
  readonly error: AdminError | undefined
  /** Shapes we didn't understand (counted, the last one kept). */
  readonly warnings: number
  readonly lastWarning: string | undefined
  /** ms from `connect()` to the first `all_sockets` (the first full tree). */
  readonly firstTreeMs: number | undefined
}

export type ActionResult
  = | { ok: true, message: string, /** the change was seen coming back from the server */ observed: boolean, latencyMs: number }
    | { ok: false, error: string }

export interface AdminActivity {
  readonly direction: 'received' | 'sent'
  readonly nsp: string
  readonly socketId: string
  readonly args: readonly unknown[]
  readonly time: number
}

export interface AdminClientEventsMap {
  state: (state: AdminState) => void
  activity: (activity: AdminActivity) => void
}

type Observer = (event: string, args: readonly unknown[]) => void

const DEFAULT_NAMESPACE = '/admin'

/** Turn a `connect_error` (plus an optional HTTP probe) into a kind and a sentence. */
export function classifyConnectError(err: { message?: string, description?: unknown, data?: unknown }, ctx: { url: string, namespace: string }): AdminError {
  const msg = String(err.message ?? 'unknown error')
  if (msg === 'invalid credentials') {
    return {
      kind: 'auth',
      message: `Wrong username or password for ${ctx.namespace} (the server said "invalid credentials").`,
      detail: msg,
    }
  }
  if (msg === 'Invalid namespace') {
    return {
      kind: 'not-instrumented',
      message: `${ctx.url} is a Socket.IO server, but it has no ${ctx.namespace} namespace: it is not instrumented with @socket.io/admin-ui (instrument(io, …)), or uses another namespace.`,
      detail: msg,
    }
  }
  if (msg === 'xhr poll error' || msg === 'websocket error' || msg === 'timeout' || msg === 'xhr post error') {
    return {
      kind: 'unreachable',
      message: `No Socket.IO server answered at ${ctx.url} (${msg}).`,
      detail: describe(err.description),
    }
  }
  return {
    kind: 'server',
    message: `The server refused the connection to ${ctx.namespace}: ${msg}`,
    detail: describe(err.data ?? err.description),
  }
}

function describe(v: unknown): string | undefined {
  if (v === undefined || v === null)
    return undefined
  if (typeof v === 'string' || typeof v === 'number')
    return String(v)
  if (v instanceof Error)
    return v.message
  try {
    return JSON.stringify(v)
  }
  catch {
    return String(v)
  }
}

/**
 * After a transport error, ask the URL for an Engine.IO handshake over plain HTTP to tell "nothing there"
 * from "something that isn't Socket.IO" from "a Socket.IO server of another protocol version".
 */
export async function probeSocketIo(url: string, path = '/socket.io', timeoutMs = 3000): Promise<AdminError | undefined> {
  let target: string
  try {
    const u = new URL(url)
    target = `${u.origin}${path.replace(/\/$/, '')}/?EIO=4&transport=polling&t=probe`
  }
  catch {
    return { kind: 'unreachable', message: `"${url}" is not a valid URL.` }
  }
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const res = await fetch(target, { signal: controller.signal })
    const body = (await res.text()).slice(0, 300)
    if (res.ok && body.startsWith('0{'))
      return undefined // a Socket.IO v3/v4 server: the transport error was something else
    if (res.status === 400 && /protocol|Transport unknown|Unsupported/i.test(body)) {
      return {
        kind: 'protocol',
        message: `${url} speaks an older Socket.IO protocol (v2?): the admin view needs a Socket.IO 3/4 server with @socket.io/admin-ui 0.5.`,
        detail: body,
      }
    }
    return {
      kind: 'not-socketio',
      message: `${url} answers HTTP ${res.status} at ${path}/ but not as a Socket.IO server (wrong URL or path?).`,
      detail: body,
    }
  }
  catch (e) {
    return {
      kind: 'unreachable',
      message: `Nothing answered at ${url} (server down, wrong port, or blocked by the browser).`,
      detail: e instanceof Error ? e.message : String(e),
    }
  }
  finally {
    clearTimeout(timer)
  }
}

/**
 * @example
 * const client = new AdminClient({ url: 'http://localhost:3000', username: 'admin', password })
 * const res = await client.connect()
 * if (!res.ok) console.error(res.error.message)
 * client.model.subscribe(() => console.log(client.model.totalSockets))
 * await client.join('/', 'room1', someSocketId)
 */
export class AdminClient {
  readonly model = new ServerModel()
  /** `event_received` / `event_sent` (admin-ui in development mode), bounded: the server view's event feed. */
  readonly events: ServerEventFeed
  private readonly opts: Required<Omit<AdminClientOptions, 'username' | 'password' | 'eventCapacity'>> & { username?: string, password?: string }
  private socket: Socket<AdminServerEvents, AdminClientEvents> | undefined
  private sessionId: string | undefined
  private current: AdminState
  private readonly listeners: { [K in keyof AdminClientEventsMap]: Set<AdminClientEventsMap[K]> } = { state: new Set(), activity: new Set() }
  private readonly observers = new Set<Observer>()
  private configTimer: ReturnType<typeof setTimeout> | undefined
  private startedAt = 0
  private everConnected = false
  private pendingConnect: ((r: { ok: true } | { ok: false, error: AdminError }) => void) | undefined

  constructor(options: AdminClientOptions) {
    let ns = options.namespace?.trim() || DEFAULT_NAMESPACE
    if (!ns.startsWith('/'))
      ns = `/${ns}`
    this.opts = {
      url: options.url.trim().replace(/\/+$/, ''),
      namespace: ns,
      username: options.username,
      password: options.password,
      path: options.path ?? '/socket.io',
      transports: options.transports ?? ['websocket', 'polling'],
      configTimeoutMs: options.configTimeoutMs ?? 3000,
      timeout: options.timeout ?? 10_000,
    }
    this.events = new ServerEventFeed({ capacity: options.eventCapacity })
    this.current = {
      status: 'idle',
      url: this.opts.url,
      namespace: ns,
      socketId: undefined,
      features: [],
      error: undefined,
      warnings: 0,
      lastWarning: undefined,
      firstTreeMs: undefined,
    }
  }

  state(): AdminState {
    return this.current
  }

  on<E extends keyof AdminClientEventsMap>(event: E, listener: AdminClientEventsMap[E]): Disposer {
    const set = this.listeners[event] as Set<AdminClientEventsMap[E]>
    set.add(listener)
    return () => set.delete(listener)
  }

  has(feature: AdminFeature): boolean {
    return this.current.features.includes(feature)
  }

  /**
   * Connect and resolve once the server sent `config` (ok), or with the first error. Later drops are
   * handled by socket.io-client's reconnection (status `reconnecting`).
   */
  connect(): Promise<{ ok: true } | { ok: false, error: AdminError }> {
    this.close()
    this.model.clear()
    this.events.reset()
    this.everConnected = false
    this.startedAt = performance.now()
    this.set({ status: 'connecting', error: undefined, features: [], socketId: undefined, firstTreeMs: undefined, warnings: 0, lastWarning: undefined })
    let base: URL
    try {
      base = new URL(this.opts.url)
      if (base.protocol !== 'http:' && base.protocol !== 'https:' && base.protocol !== 'ws:' && base.protocol !== 'wss:')
        throw new Error('protocol')
    }
    catch {
      const error: AdminError = { kind: 'unreachable', message: `"${this.opts.url}" is not a valid http(s) URL.` }
      this.set({ status: 'error', error })
      return Promise.resolve({ ok: false, error })
    }
    const result = new Promise<{ ok: true } | { ok: false, error: AdminError }>((resolve) => {
      this.pendingConnect = resolve
    })
    const auth: Record<string, string> = {}
    if (this.opts.username || this.opts.password) {
      auth.username = this.opts.username ?? ''
      auth.password = this.opts.password ?? ''
    }
    const socket: Socket<AdminServerEvents, AdminClientEvents> = io(`${base.origin}${this.opts.namespace}`, {
      path: this.opts.path,
      transports: this.opts.transports,
      tryAllTransports: this.opts.transports.length > 1,
      forceNew: true,
      timeout: this.opts.timeout,
      reconnectionDelayMax: 5000,
      // A function: socket.io-client calls it on every (re)connection, so a session id received later is used.
      auth: (cb: (data: object) => void) => cb(this.sessionId ? { sessionId: this.sessionId } : auth),
    })
    this.socket = socket
    this.attach(socket)
    return result
  }

  /** Close the admin connection (the model keeps its last state until the next `connect`). */
  disconnect(): void {
    this.close()
    if (this.current.status !== 'error')
      this.set({ status: 'disconnected' })
  }

  dispose(): void {
    this.close()
    this.listeners.state.clear()
    this.listeners.activity.clear()
    this.observers.clear()
  }

  /** Make one socket (or every socket of a room, `filter`) join `room`. Needs feature `JOIN`. */
  async join(nsp: string, room: string, socketIdOrRoom: string): Promise<ActionResult> {
    const pre = this.precheck('JOIN', nsp, room)
    if (pre)
      return pre
    const target = this.model.getSocket(nsp, socketIdOrRoom)
    if (target?.rooms.has(room))
      return { ok: true, message: `${socketIdOrRoom} is already in ${room}.`, observed: true, latencyMs: 0 }
    const started = performance.now()
    const seen = this.waitFor('room_joined', args => args[0] === nsp && args[1] === room && (!target || args[2] === socketIdOrRoom))
    this.socket!.emit('join', nsp, room, socketIdOrRoom)
    const ok = await seen
    return this.result(ok, started, `${socketIdOrRoom}${this.onNode(nsp, socketIdOrRoom)} joined ${room} in ${nsp}.`, `Asked ${socketIdOrRoom} to join ${room}; no room_joined came back in time.`)
  }

  /** Make one socket (or every socket of a room) leave `room`. Needs feature `LEAVE`. */
  async leave(nsp: string, room: string, socketIdOrRoom: string): Promise<ActionResult> {
    const pre = this.precheck('LEAVE', nsp, room)
    if (pre)
      return pre
    const target = this.model.getSocket(nsp, socketIdOrRoom)
    if (target && !target.rooms.has(room))
      return { ok: true, message: `${socketIdOrRoom} is not in ${room}.`, observed: true, latencyMs: 0 }
    const started = performance.now()
    const seen = this.waitFor('room_left', args => args[0] === nsp && args[1] === room && (!target || args[2] === socketIdOrRoom))
    this.socket!.emit('leave', nsp, room, socketIdOrRoom)
    const ok = await seen
    return this.result(ok, started, `${socketIdOrRoom}${this.onNode(nsp, socketIdOrRoom)} left ${room} in ${nsp}.`, `Asked ${socketIdOrRoom} to leave ${room}; no room_left came back in time.`)
  }

  /**
   * Disconnect one socket (or a room's sockets). `close: true` also closes the underlying connection
   * (`disconnectSockets(true)`), otherwise only the namespace. Needs feature `DISCONNECT`.
   */
  async disconnectSocket(nsp: string, socketIdOrRoom: string, close = false): Promise<ActionResult> {
    const pre = this.precheck('DISCONNECT', nsp, socketIdOrRoom)
    if (pre)
      return pre
    const started = performance.now()
    const where = this.onNode(nsp, socketIdOrRoom)
    let reason = ''
    const seen = this.waitFor('socket_disconnected', (args) => {
      if (args[0] === nsp && (args[1] === socketIdOrRoom || !this.model.getSocket(nsp, socketIdOrRoom))) {
        reason = String(args[2])
        return true
      }
      return false
    })
    this.socket!.emit('_disconnect', nsp, close, socketIdOrRoom)
    const ok = await seen
    return this.result(ok, started, `${socketIdOrRoom}${where} disconnected (server reason: "${reason}").`, `Asked the server to disconnect ${socketIdOrRoom}; no socket_disconnected came back in time.`)
  }

  /**
   * Emit `event` with `args` from the server to a socket id or a room (`filter`; empty = the whole
   * namespace). Resolves when `event_sent` was seen for every targeted socket the model knows, or after
   * 1.5 s with the count seen. Needs feature `EMIT`.
   */
  async emitTo(nsp: string, filter: string | undefined, event: string, args: readonly unknown[]): Promise<ActionResult> {
    const pre = this.precheck('EMIT', nsp, event)
    if (pre)
      return pre
    const ns = this.model.namespaces.get(nsp)
    let expected = 0
    if (!filter)
      expected = ns?.sockets.size ?? 0
    else if (ns?.sockets.has(filter))
      expected = 1
    else expected = ns?.rooms.get(filter)?.members.size ?? 0
    const started = performance.now()
    const canObserve = this.has('ALL_EVENTS')
    let seenCount = 0
    const done = canObserve && expected > 0
      ? this.waitFor('event_sent', (a) => {
          if (a[0] === nsp && Array.isArray(a[2]) && a[2][0] === event)
            seenCount++
          return seenCount >= expected
        }, 1500)
      : Promise.resolve(false)
    this.socket!.emit('emit', nsp, filter || undefined, event, ...args)
    await done
    const target = filter ? `${filter}` : `every socket of ${nsp}`
    return {
      ok: true,
      observed: seenCount > 0,
      latencyMs: Math.round(performance.now() - started),
      message: canObserve
        ? `Sent "${event}" to ${target}: delivered to ${seenCount} of ${expected} socket(s).`
        : `Sent "${event}" to ${target} (this server doesn't report events, so delivery can't be seen).`,
    }
  }

  // ---------------------------------------------------------------------------------------------------

  /**
   * " on node-2" for a socket of a cluster whose node is known: the action went through the node we are
   * connected to and reached the socket's node through the adapter (admin-ui uses `socketsJoin`,
   * `socketsLeave`, `disconnectSockets` and `in(filter).emit`, which span every node).
   */
  private onNode(nsp: string, id: string): string {
    if (this.model.servers.size < 2)
      return ''
    const node = this.model.getSocket(nsp, id)?.node
    return node ? ` on ${node}` : ''
  }

  private precheck(feature: AdminFeature, nsp: string, what: string): ActionResult | undefined {
    if (!this.socket?.connected || this.current.status !== 'connected')
      return { ok: false, error: 'Not connected to the admin namespace.' }
    if (!this.has(feature))
      return { ok: false, error: `This server doesn't allow ${feature} (instrumented read-only?).` }
    if (!nsp.startsWith('/') || !what)
      return { ok: false, error: 'Missing namespace or target.' }
    return undefined
  }

  private result(ok: boolean, started: number, yes: string, no: string): ActionResult {
    return { ok: true, observed: ok, message: ok ? yes : no, latencyMs: Math.round(performance.now() - started) }
  }

  private waitFor(event: string, match: (args: readonly unknown[]) => boolean, timeoutMs = 3000): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const obs: Observer = (ev, args) => {
        if (ev === event && match(args)) {
          clearTimeout(timer)
          this.observers.delete(obs)
          resolve(true)
        }
      }
      timer = setTimeout(() => {
        this.observers.delete(obs)
        resolve(false)
      }, timeoutMs)
      this.observers.add(obs)
    })
  }

  private observe(event: string, args: readonly unknown[]): void {
    for (const o of [...this.observers]) o(event, args)
  }

  private warn(message: string): void {
    this.set({ warnings: this.current.warnings + 1, lastWarning: message })
  }

  private fail(error: AdminError): void {
    this.settle({ ok: false, error })
    this.close()
    this.set({ status: 'error', error })
  }

  private settle(r: { ok: true } | { ok: false, error: AdminError }): void {
    const p = this.pendingConnect
    this.pendingConnect = undefined
    p?.(r)
  }

  private attach(socket: Socket<AdminServerEvents, AdminClientEvents>): void {
    const ctx = { url: this.opts.url, namespace: this.opts.namespace }
    socket.on('connect', () => {
      this.everConnected = true
      this.set({ status: 'connecting', socketId: socket.id, error: undefined })
      clearTimeout(this.configTimer)
      this.configTimer = setTimeout(() => {
        if (this.current.features.length === 0 && this.current.status !== 'connected') {
          this.fail({
            kind: 'protocol',
            message: `Connected to ${this.opts.namespace}, but the server sent no admin-ui "config" within ${this.opts.configTimeoutMs} ms: it is not @socket.io/admin-ui 0.5, or an older/unknown version of it.`,
          })
        }
      }, this.opts.configTimeoutMs)
    })
    socket.on('connect_error', (err) => {
      const e = err as Error & { description?: unknown, data?: unknown }
      // A stale session id (server restarted): forget it and retry once with the credentials.
      if (e.message === 'invalid credentials' && this.sessionId) {
        this.sessionId = undefined
        socket.connect()
        return
      }
      if (this.everConnected && socket.active) {
        this.set({ status: 'reconnecting', error: classifyConnectError(e, ctx) })
        return
      }
      const error = classifyConnectError(e, ctx)
      if (error.kind === 'unreachable') {
        socket.io.reconnection(false)
        void probeSocketIo(this.opts.url, this.opts.path).then(probed => this.fail(probed ?? error))
        return
      }
      this.fail(error)
    })
    socket.on('disconnect', (reason) => {
      clearTimeout(this.configTimer)
      this.set({ status: socket.active ? 'reconnecting' : 'disconnected', socketId: undefined })
      if (!socket.active)
        this.set({ error: { kind: 'server', message: `The admin connection was closed (${reason}).`, detail: reason } })
    })
    socket.on('session', (id) => {
      if (typeof id === 'string')
        this.sessionId = id
      else this.warn('session: expected a string')
    })
    socket.on('config', (config) => {
      if (!isAdminConfig(config)) {
        this.fail({ kind: 'protocol', message: 'The server sent a "config" this client doesn\'t understand (unknown admin-ui version).', detail: describe(config) })
        return
      }
      clearTimeout(this.configTimer)
      this.set({ status: 'connected', features: [...config.supportedFeatures] })
      this.events.setFeatures(config.supportedFeatures)
      this.settle({ ok: true })
    })
    socket.on('server_stats', (stats) => {
      if (!isServerStats(stats))
        return this.warn('server_stats: unexpected shape')
      this.model.setServerStats(stats)
    })
    socket.on('all_sockets', (sockets) => {
      if (!Array.isArray(sockets))
        return this.warn('all_sockets: expected an array')
      const valid: SerializedSocket[] = []
      for (const s of sockets) {
        if (isSerializedSocket(s))
          valid.push(s)
      }
      if (valid.length !== sockets.length)
        this.warn(`all_sockets: ${sockets.length - valid.length} socket(s) with an unexpected shape skipped`)
      this.model.reset(valid)
      if (this.current.firstTreeMs === undefined)
        this.set({ firstTreeMs: Math.round(performance.now() - this.startedAt) })
    })
    socket.on('socket_connected', (s) => {
      if (!isSerializedSocket(s))
        return this.warn('socket_connected: unexpected shape')
      this.model.addSocket(s)
      this.observe('socket_connected', [s])
    })
    socket.on('socket_updated', (u) => {
      if (!isSocketUpdate(u))
        return this.warn('socket_updated: unexpected shape')
      this.model.updateSocket(u)
    })
    socket.on('socket_disconnected', (nsp, id, reason) => {
      if (typeof nsp !== 'string' || typeof id !== 'string')
        return this.warn('socket_disconnected: unexpected shape')
      this.model.removeSocket(nsp, id)
      this.observe('socket_disconnected', [nsp, id, reason])
    })
    socket.on('room_joined', (nsp, room, id) => {
      if (typeof nsp !== 'string' || typeof room !== 'string' || typeof id !== 'string')
        return this.warn('room_joined: unexpected shape')
      this.model.joinRoom(nsp, room, id)
      this.observe('room_joined', [nsp, room, id])
    })
    socket.on('room_left', (nsp, room, id) => {
      if (typeof nsp !== 'string' || typeof room !== 'string' || typeof id !== 'string')
        return this.warn('room_left: unexpected shape')
      this.model.leaveRoom(nsp, room, id)
      this.observe('room_left', [nsp, room, id])
    })
    socket.on('event_received', (nsp, id, args, ts) => this.activity('received', nsp, id, args, ts))
    socket.on('event_sent', (nsp, id, args, ts) => this.activity('sent', nsp, id, args, ts))
  }

  private activity(direction: 'received' | 'sent', nsp: unknown, id: unknown, args: unknown, ts: unknown): void {
    if (typeof nsp !== 'string' || typeof id !== 'string' || !Array.isArray(args))
      return this.warn(`event_${direction}: unexpected shape`)
    this.observe(direction === 'sent' ? 'event_sent' : 'event_received', [nsp, id, args])
    // The feed keeps it (or only counts it while paused). A payload without a string event name is not
    // admin-ui's: counted as a warning, never shown.
    if (!this.events.push(direction === 'sent' ? 'out' : 'in', nsp, id, args, ts) && typeof args[0] !== 'string')
      this.warn(`event_${direction}: no event name`)
    if (this.listeners.activity.size === 0)
      return
    const a: AdminActivity = { direction, nsp, socketId: id, args, time: typeof ts === 'string' ? Date.parse(ts) || Date.now() : Date.now() }
    for (const l of [...this.listeners.activity]) l(a)
  }

  private close(): void {
    clearTimeout(this.configTimer)
    // A connect() still waiting resolves instead of hanging.
    this.settle({ ok: false, error: { kind: 'server', message: 'Connection attempt cancelled.' } })
    const s = this.socket
    this.socket = undefined
    if (s) {
      s.removeAllListeners()
      s.disconnect()
      s.io.engine?.close()
    }
  }

  private set(patch: Partial<AdminState>): void {
    this.current = { ...this.current, ...patch }
    const snapshot = this.current
    for (const l of [...this.listeners.state]) l(snapshot)
  }
}
