/**
 * A session whose connection runs in the inspector's Node process (the relay, inspector-ui/server/relay.ts)
 * instead of the page. It talks to the relay over socket.io-client v4 and appends every entry the relay
 * streams into the page's own log (the log gives them its ids), and mirrors the relayed session's
 * snapshots, so the UI cannot tell it from a direct session.
 *
 * Use it when the browser cannot connect by itself: headers on WebSocket (`Authorization`), cookies of
 * another site, a server that checks `Origin` or has no CORS for the inspector, self-signed TLS.
 *
 * Emits and ack answers are checked here first (state, reserved names), so `emit` can answer at once with
 * a correlation id the page chose; the relay rewrites its session's id to it in what it streams back.
 *
 * **Watch mode** (`deps.watch`: an attach id; `createSessionSource({ via: 'attach' })`, attach/protocol.ts):
 * the tab mirrors a developer's own app socket through the inspector's attach hub. `connect()` sends `watch`
 * instead of `open` (the hub replays the app's backlog, then streams it live); the session never sends a
 * connect, disconnect or reconnect command (the app's own code does those); `emit` goes through the app's
 * socket when the app attached with `allowEmit`; faults and ack answers are refused.
 *
 * @example
 * const s = new RelaySession(
 *   { url: 'https://api.example.test/chat', extraHeaders: { Authorization: 'Bearer x' }, tls: { rejectUnauthorized: false } },
 *   { log, relay: loadRuntimeConfig().relay! },
 * )
 * s.connect()
 */
import type { Socket } from 'socket.io-client'
import type { AttachedInfo, AttachedMark } from '../attach/protocol'
import type { FaultCommand } from '../session/faults'
import type {
  ConnectErrorEntry,
  Disposer,
  EmitOptions,
  EmitResult,
  EntrySink,
  Fault,
  LogEntry,
  NewEntry,
  NoteEntry,
  SessionCarryOver,
  SessionEvents,
  SessionSnapshot,
  SessionSource,
  SessionStatus,
} from '../types'
import type { RelayClientEvents, RelayOpenOptions, RelayResult, RelayServerEvents } from './protocol'
import { io } from 'socket.io-client'
import { ATTACH_ABSENT_ERROR, ATTACH_MIRROR_NOTE, ATTACH_NO_ANSWER_ERROR, ATTACH_NO_FAULTS_ERROR, ATTACH_READ_ONLY_ERROR } from '../attach/lobby'
import { FAULT_REFUSALS, parseFault } from '../session/faults'
import { DISPOSED_ERROR, emitRefusal, noPendingAckError, notSentError, StateListeners } from '../session/shared'
import { RELAY_PATH } from './protocol'
import { decodeEntries, decodeWire, encodeWire } from './wire'

/** Where the relay is: what the inspector's server put into the page's config. */
export interface RelayEndpoint {
  /** The inspector's origin (`http://localhost:5173`). */
  url: string
  token: string
  /** @default '/relay/socket.io' */
  path?: string
  /**
   * Headers on the connection to the relay. Node only (tests): a browser sends its own `Origin` and
   * cannot set headers on a WebSocket.
   */
  extraHeaders?: Record<string, string>
}

export interface RelaySessionDeps {
  /** Where the relayed entries go (the page's log). */
  log: EntrySink
  relay: RelayEndpoint
  id?: string
  /** Taken over from the session this one replaces in its tab (`Inspector.replaceSession`). */
  carry?: SessionCarryOver
  /**
   * Watch this attached app socket (`AttachedInfo.attachId`) instead of opening a relayed session: see the
   * module comment ("Watch mode").
   */
  watch?: string
  /**
   * Watch mode: what the lobby said of the app (`AttachLobby.list`), so the snapshot is marked `attached` (and
   * read-only or not) from the start, before the hub's first state arrives.
   */
  watchInfo?: AttachedInfo
}

let anonymous = 0

function markOf(info: AttachedInfo): AttachedMark {
  const { attachId, name, role, allowEmit, runtime, present, dropped } = info
  return Object.freeze({ attachId, name, role, allowEmit, runtime, present, dropped })
}

function namespaceOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname || '/') || '/'
  }
  catch {
    return '/'
  }
}

export class RelaySession implements SessionSource {
  readonly id: string
  private readonly options: RelayOpenOptions
  private readonly log: EntrySink
  private readonly relay: RelayEndpoint
  private readonly stateListeners = new StateListeners()
  private socket: Socket<RelayServerEvents, RelayClientEvents> | undefined
  private snap: SessionSnapshot
  private disposed = false
  private seq = 0
  /** The relay refused or lost us: no relayed session exists any more. */
  private broken = false
  /** The relayed session was connected once (the refusal of an emit says so, as a direct session's does). */
  private everConnected = false
  /**
   * Start of the correlation ids, the page's (`.r`) and the relayed session's (`.i`, `.o`: the relay names
   * its session so): the id, or a replaced tab's own prefix, so they never repeat the earlier session's.
   */
  private readonly corr: string
  /** Socket ids of the sessions this tab had before this one (the relay reports only its own). */
  private readonly earlierIds: SessionSnapshot['idHistory']
  /** Runtime switches set before the relay connection exists: sent right after `open`. */
  private readonly pendingSwitches = new Map<'reconnection' | 'queue', FaultCommand>()
  /** Watch mode: the attach id this tab mirrors. */
  private readonly watchId: string | undefined
  /**
   * Watch mode: the highest hub entry id appended. Watching again (after a lost relay connection) replays the
   * hub's backlog from its start: what this tab already has is skipped, so nothing shows twice.
   */
  private lastHubId = 0

  constructor(options: RelayOpenOptions, deps: RelaySessionDeps) {
    this.options = { ...options }
    this.log = deps.log
    this.relay = deps.relay
    this.id = deps.id ?? `relay${++anonymous}`
    this.corr = deps.carry?.correlationPrefix ?? this.id
    this.earlierIds = Object.freeze([...(deps.carry?.idHistory ?? [])])
    this.watchId = deps.watch
    const namespace = namespaceOf(options.url)
    this.snap = Object.freeze({
      id: this.id,
      label: options.label ?? namespace,
      url: options.url,
      namespace,
      status: 'idle',
      // An attached tab is read-only until the hub's first state (or the lobby's word) says the app allows emits.
      readonly: this.watchId !== undefined && deps.watchInfo?.allowEmit !== true,
      socketId: undefined,
      engineId: undefined,
      transport: undefined,
      reconnectAttempt: 0,
      lastError: undefined,
      idHistory: this.earlierIds,
      pendingServerAcks: Object.freeze([]),
      ...(this.watchId !== undefined && deps.watchInfo ? { attached: markOf(deps.watchInfo) } : {}),
    })
  }

  snapshot(): SessionSnapshot {
    return this.snap
  }

  on<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): Disposer {
    return this.stateListeners.on(event, listener)
  }

  connect(): void {
    if (this.disposed)
      return
    if (this.broken) {
      // The relay dropped the previous relayed session: open a new one.
      this.broken = false
      this.socket?.disconnect()
      this.socket = undefined
    }
    if (this.watchId !== undefined) {
      // Watch mode: start watching (or watch again after a lost relay connection); nothing else to do.
      if (this.socket)
        return
      if (this.snap.status === 'idle' || this.snap.status === 'disconnected')
        this.patch({ status: 'connecting' })
      this.ensureRelay()
      return
    }
    const socket = this.ensureRelay()
    if (this.snap.status === 'idle' || this.snap.status === 'disconnected')
      this.patch({ status: 'connecting' })
    socket.emit('command', 'connect')
  }

  disconnect(): void {
    if (this.disposed || !this.socket || this.broken)
      return
    if (this.watchId !== undefined) {
      this.note('info', ATTACH_MIRROR_NOTE)
      return
    }
    this.socket.emit('command', 'disconnect')
  }

  reconnect(): void {
    if (this.disposed)
      return
    if (!this.socket || this.broken) {
      this.connect()
      return
    }
    if (this.watchId !== undefined) {
      this.note('info', ATTACH_MIRROR_NOTE)
      return
    }
    this.socket.emit('command', 'reconnect')
  }

  emit(name: string, args: readonly unknown[], options: EmitOptions = {}): EmitResult {
    const refusal = emitRefusal(this.disposed, name, this.options.client === 'v2' ? 'v2' : 'v4')
    if (refusal)
      return { ok: false, error: refusal }
    if (this.watchId !== undefined)
      return this.emitThroughApp(name, args, options)
    const socket = this.socket
    // Queue while offline (opt-in): the relayed session puts it into socket.io's send buffer.
    const queue = this.snap.faults?.queueWhileOffline === true && this.everConnected && !this.broken
    if (!socket || (this.snap.status !== 'connected' && !queue))
      return { ok: false, error: notSentError(this.everConnected, this.snap.status) }
    let text: string
    try {
      text = encodeWire([...args])
    }
    catch (err) {
      return { ok: false, error: `cannot send these arguments through the relay: ${err instanceof Error ? err.message : String(err)}` }
    }
    const correlationId = options.ack ? `${this.corr}.r${++this.seq}` : undefined
    socket.emit('emit', name, text, { ...options, ...(correlationId ? { pageCorrelationId: correlationId } : {}) }, (result) => {
      if (!result.ok)
        this.note('error', `emit "${name}" failed in the relay: ${result.error}`)
    })
    return correlationId ? { ok: true, correlationId } : { ok: true }
  }

  /** Watch mode: the app runs the emit on its own socket (its mirror logs it, with our correlation id). */
  private emitThroughApp(name: string, args: readonly unknown[], options: EmitOptions): EmitResult {
    const mark = this.snap.attached
    if (!mark?.allowEmit)
      return { ok: false, error: ATTACH_READ_ONLY_ERROR }
    const socket = this.socket
    if (!socket || this.broken || !mark.present)
      return { ok: false, error: ATTACH_ABSENT_ERROR }
    let text: string
    try {
      text = encodeWire([...args])
    }
    catch (err) {
      return { ok: false, error: `cannot send these arguments to the app: ${err instanceof Error ? err.message : String(err)}` }
    }
    const correlationId = options.ack ? `${this.corr}.r${++this.seq}` : undefined
    socket.emit('emit', name, text, { ...options, ...(correlationId ? { pageCorrelationId: correlationId } : {}) }, (result) => {
      if (!result.ok)
        this.note('error', `emit "${name}" failed in your app: ${result.error}`)
    })
    return correlationId ? { ok: true, correlationId } : { ok: true }
  }

  answerAck(correlationId: string, args: readonly unknown[]): EmitResult {
    if (this.disposed)
      return { ok: false, error: DISPOSED_ERROR }
    if (this.watchId !== undefined)
      return { ok: false, error: ATTACH_NO_ANSWER_ERROR }
    if (!this.snap.pendingServerAcks.some(p => p.correlationId === correlationId))
      return { ok: false, error: noPendingAckError(correlationId) }
    const socket = this.socket
    if (!socket)
      return { ok: false, error: 'Not sent: the relay is not connected.' }
    let text: string
    try {
      text = encodeWire([...args])
    }
    catch (err) {
      return { ok: false, error: `cannot send these arguments through the relay: ${err instanceof Error ? err.message : String(err)}` }
    }
    socket.emit('answerAck', correlationId, text, (result) => {
      if (!result.ok)
        this.note('error', `answering "${correlationId}" failed in the relay: ${result.error}`)
    })
    return { ok: true, correlationId }
  }

  /** Run by the relayed session (the relay checks it first); a failure there arrives as an error note. */
  injectFault(fault: Fault): EmitResult {
    if (this.watchId !== undefined && !this.disposed)
      return { ok: false, error: ATTACH_NO_FAULTS_ERROR }
    let f: Fault
    try {
      f = parseFault(fault)
    }
    catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) }
    }
    if (f.kind === 'drop-transport' && this.snap.status !== 'connected')
      return this.disposed ? { ok: false, error: DISPOSED_ERROR } : { ok: false, error: FAULT_REFUSALS.noTransport }
    return this.sendFault({ t: 'inject', fault: f }, `fault ${f.kind}`)
  }

  setReconnection(on: boolean): EmitResult {
    return this.sendFault({ t: 'reconnection', on }, 'reconnection')
  }

  setQueueWhileOffline(on: boolean): EmitResult {
    return this.sendFault({ t: 'queue', on }, 'queue while offline')
  }

  private sendFault(command: FaultCommand, what: string): EmitResult {
    if (this.disposed)
      return { ok: false, error: DISPOSED_ERROR }
    if (this.watchId !== undefined)
      return { ok: false, error: ATTACH_NO_FAULTS_ERROR }
    const socket = this.socket
    // The switches' latest values go to every relayed session this one opens (after a lost relay too).
    if (command.t !== 'inject')
      this.pendingSwitches.set(command.t, command)
    if (!socket || this.broken)
      return command.t === 'inject' ? { ok: false, error: FAULT_REFUSALS.notLive } : { ok: true }
    socket.emit('fault', command, (result) => {
      if (!result.ok)
        this.note('error', `${what} failed in the relay: ${result.error}`)
    })
    return { ok: true }
  }

  dispose(): void {
    if (this.disposed)
      return
    this.disposed = true
    const socket = this.socket
    this.socket = undefined
    if (socket) {
      // A watch ends with its relay connection (the hub forgets this page); a relayed session is disposed.
      if (this.watchId === undefined)
        socket.emit('command', 'dispose')
      socket.disconnect()
      socket.removeAllListeners()
    }
    this.stateListeners.clear()
  }

  // --- internals -------------------------------------------------------------------------------------

  private ensureRelay(): Socket<RelayServerEvents, RelayClientEvents> {
    if (this.socket)
      return this.socket
    const socket: Socket<RelayServerEvents, RelayClientEvents> = io(this.relay.url, {
      path: this.relay.path ?? RELAY_PATH,
      // WebSocket only: its handshake always carries the page's Origin, which the relay checks.
      transports: ['websocket'],
      auth: { token: this.relay.token },
      forceNew: true,
      // A relayed session lives as long as its relay connection: no silent reconnection to a new one.
      reconnection: false,
      ...(this.relay.extraHeaders ? { extraHeaders: { ...this.relay.extraHeaders } } : {}),
    })
    this.socket = socket

    socket.on('entries', (text, sentMono) => {
      if (socket !== this.socket)
        return
      let entries: LogEntry[]
      try {
        entries = decodeEntries(text)
      }
      catch (err) {
        this.note('error', `the relay sent entries that could not be read: ${err instanceof Error ? err.message : String(err)}`)
        return
      }
      // The relay's monotonic clock is not ours: shift its times so latencies within a batch hold and the
      // entries sort with this page's own.
      const offset = typeof sentMono === 'number' ? performance.now() - sentMono : 0
      for (const e of entries) {
        if (this.watchId !== undefined && e.id > 0) {
          // The hub numbers an attached app's entries: after watching again, skip what this tab has.
          if (e.id <= this.lastHubId)
            continue
          this.lastHubId = e.id
        }
        const { id: _id, ...rest } = e
        this.log.append({ ...rest, sessionId: this.id, mono: e.mono + offset } as NewEntry)
      }
    })

    socket.on('state', (text) => {
      if (socket !== this.socket)
        return
      try {
        const snap = decodeWire(text) as SessionSnapshot
        if (snap && typeof snap === 'object' && typeof snap.status === 'string') {
          this.setSnapshot({
            ...snap,
            id: this.id,
            label: this.options.label ?? snap.label,
            idHistory: this.earlierIds.length > 0 && Array.isArray(snap.idHistory) ? Object.freeze([...this.earlierIds, ...snap.idHistory]) : snap.idHistory,
          })
        }
      }
      catch (err) {
        this.note('error', `the relay sent a state that could not be read: ${err instanceof Error ? err.message : String(err)}`)
      }
    })

    socket.on('connect_error', (err) => {
      if (socket !== this.socket)
        return
      this.fail(`The relay refused the connection or could not be reached: ${err.message}`, err.message)
    })

    socket.on('disconnect', (reason) => {
      if (socket !== this.socket || this.disposed)
        return
      this.fail(this.watchId !== undefined
        ? `The connection to the inspector closed (${reason}): this tab no longer mirrors the app; Connect watches it again.`
        : `The connection to the relay closed (${reason}): the relayed connection is gone.`, `relay: ${reason}`)
    })

    if (this.watchId !== undefined) {
      socket.emit('watch', this.watchId, this.id, (result: RelayResult) => {
        if (!result.ok && socket === this.socket)
          this.fail(`The inspector cannot show this attached app: ${result.error}`, result.error)
      })
      return socket
    }
    const options: RelayOpenOptions = { ...this.options }
    socket.emit('open', options, this.corr, (result: RelayResult) => {
      if (!result.ok && socket === this.socket)
        this.fail(`The relay could not open the session: ${result.error}`, result.error)
    })
    // Messages of one socket arrive in order: these run after `open` (and before `connect`).
    for (const command of this.pendingSwitches.values()) {
      socket.emit('fault', command, (result) => {
        if (!result.ok)
          this.note('error', `${command.t} failed in the relay: ${result.error}`)
      })
    }
    return socket
  }

  /** The relay refused or lost us: show it as a connection error and mark the session disconnected. */
  private fail(description: string, message: string): void {
    if (this.broken)
      return
    this.broken = true
    this.append<ConnectErrorEntry>({
      kind: 'connect_error',
      direction: 'local',
      message,
      description,
      willRetry: false,
    })
    this.patch({ status: 'disconnected', lastError: message, socketId: undefined, pendingServerAcks: Object.freeze([]), heartbeat: undefined })
    // An attached tab's app is out of reach now, whatever its own socket does (its emits are refused).
    if (this.snap.attached?.present)
      this.setSnapshot({ ...this.snap, attached: Object.freeze({ ...this.snap.attached, present: false }) })
  }

  private note(level: NoteEntry['level'], message: string): void {
    this.append<NoteEntry>({ kind: 'note', direction: 'local', level, message })
  }

  private append<E extends LogEntry>(fields: Omit<E, 'id' | 'sessionId' | 'time' | 'mono'>): void {
    const mono = performance.now()
    this.log.append({ ...fields, sessionId: this.id, time: performance.timeOrigin + mono, mono } as unknown as NewEntry<E>)
  }

  private patch(p: Partial<{ status: SessionStatus, lastError: string | undefined, socketId: string | undefined, pendingServerAcks: SessionSnapshot['pendingServerAcks'], heartbeat: SessionSnapshot['heartbeat'] }>): void {
    this.setSnapshot({ ...this.snap, ...p })
  }

  private setSnapshot(s: SessionSnapshot): void {
    if (this.disposed)
      return
    if (s.status === 'connected')
      this.everConnected = true
    this.snap = Object.freeze(s)
    this.stateListeners.emit(this.snap)
  }
}
