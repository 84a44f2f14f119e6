/**
 * The attach hub (issue 19, src/core/attach/protocol.ts): developers' own apps (`attach(socket, …)`,
 * `attachServer(io, …)`) push a mirror of their socket here; pages watch it over their relay connection
 * (./relay.ts: `attachList`, `watch`).
 *
 *   app ──ATTACH_PATH (socket.io, polling + WebSocket, any Origin)──▶ hub ──relay connection──▶ page tab
 *
 * Gate, per handshake (a refusal is the app's `connect_error` with the message; nothing is created):
 * the inspector's Host rule (guardHost in ./index.ts runs in front of this path too), the peer's address
 * (this machine only, unless the inspector hands its secrets to other machines: `exposeSecrets`, as the
 * relay), the protocol version, the attach token (constant time), then the handshake's fields. CORS is
 * open (`origin: true`, no cookies): an app served from another origin is the normal case, and the token,
 * which only lets an app push its mirror, is the gate.
 *
 * Per attached socket the hub keeps a record: its info, the app's last state and a bounded backlog (20,000
 * entries or 32 MB of their wire text, oldest dropped and counted into `dropped`), so a page that watches
 * later sees the history. Each `entries` batch is checked entry by entry (the capture validator; an item
 * that is not an entry is dropped and counted, with a note), shifted into the hub's clock and completed
 * (`sessionId`, `bytes`, a disconnect's `explanation`), numbered, kept as wire text and streamed to the
 * watching pages. A malformed message (not the contract's shape) ends that app's connection with a note
 * saying why; nothing an app sends can throw out of here.
 *
 * A record outlives its app's connection (`present: false`: the mirror reconnects with the same attachId and
 * continues it) until no page watches it and 10 minutes passed, or a 65th record needs its place.
 *
 * @example
 * const hub = attachHub(httpServer, { token: attachToken })
 * const off = hub.onChange(list => console.log(list.map(a => a.name)))
 * await hub.close()
 */
import type {
  AttachAppEvents,
  AttachAppState,
  AttachedInfo,
  AttachedMark,
  AttachEmitOptions,
  AttachHandshake,
  AttachHubEvents,
  AttachRole,
  Disposer,
  EmitResult,
  LogEntry,
  NoteEntry,
  SessionSnapshot,
  SocketIdRecord,
} from '#core'
import type http from 'node:http'
import type { Socket } from 'socket.io'
import {
  ATTACH_ABSENT_ERROR,
  ATTACH_MAX_NAME,
  ATTACH_PATH,
  ATTACH_PROTOCOL,
  ATTACH_READ_ONLY_ERROR,
  decodeWire,
  encodeEntry,
  encodeWire,
  ENTRY_OVERHEAD,
  entryProblem,
  estimateBytes,
  explainDisconnect,
  WIRE_MAX_ENTRY_CHARS,
} from '#core'
import { Server } from 'socket.io'
import { secretsAllowedFor, tokenMatches } from '../../src/shared/host-check'

/** Batches arrive as UTF-8 bytes (protocol.ts `entries`); `fatal`: invalid bytes are the app's mistake, said so. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

export interface AttachHubLimits {
  /** Apps attached at once (and records kept, present or not). @default 64 */
  maxAttached?: number
  /** Entries kept per attached socket. @default 20_000 */
  maxEntries?: number
  /** Wire text kept per attached socket, in characters (about bytes). @default 32 MB */
  maxBytes?: number
  /** How long a record whose app left stays once no page watches it (ms). @default 10 minutes */
  retainMs?: number
  /** Backlog entries per `entries` message when a page starts watching. @default 2000 */
  replayChunk?: number
  /** How long the hub waits for the app to answer a page's emit (ms). @default 10_000 */
  emitTimeoutMs?: number
}

export interface AttachHubOptions {
  /** The attach token (per start, or `--attach-token`). */
  token: string
  /**
   * Accept apps on other machines too: the inspector was started for another host (`--host` not loopback) or
   * hands its secrets to other machines (`exposeSecrets`). Off, a peer address that is not loopback is refused
   * with a message saying so. The token is the gate either way.
   * @default false
   */
  acceptRemote?: boolean
  /** @default ATTACH_PATH ('/attach/socket.io') */
  path?: string
  limits?: AttachHubLimits
}

/** Where a watching page's messages go (./relay.ts: that page's relay connection). */
export interface AttachWatcher {
  /** A batch of entries (`encodeEntries` text) and the hub's `performance.now()` when sent. */
  entries: (text: string, sentMono: number) => void
  /** The tab's snapshot (`encodeWire(SessionSnapshot)`). */
  state: (text: string) => void
}

/** One page watching one attached socket. */
export interface AttachWatch {
  /** Run a page's emit on the app's socket (only with `allowEmit`, only while the app is attached). */
  emit: (name: unknown, argsText: unknown, options: unknown) => Promise<EmitResult>
  /** A note in this page's tab only (not in the backlog). */
  note: (level: NoteEntry['level'], message: string) => void
  /** Stop watching (the page went away). */
  close: () => void
}

export interface AttachHub {
  /** The socket.io server apps connect to (tests). */
  io: Server<AttachAppEvents, AttachHubEvents, Record<string, never>, AppSocketData>
  /** Apps attached now (their mirror is connected). */
  readonly attachedCount: number
  /** Every record, present or not, oldest first. */
  list: () => AttachedInfo[]
  /** Called (coalesced) whenever an app comes, goes, or its list fields change. */
  onChange: (listener: (list: AttachedInfo[]) => void) => Disposer
  /** Bind a page to an attached socket: its state and backlog at once, then live entries and states. */
  watch: (attachId: unknown, sessionId: unknown, watcher: AttachWatcher) => { ok: true, watch: AttachWatch } | { ok: false, error: string }
  /** Disconnect every app and forget every record (the HTTP server stays up). */
  close: () => Promise<void>
}

/** What the gate found in a handshake, for the connection handler. */
interface AppSocketData { handshake?: AttachHandshake }
type AppSocket = Socket<AttachAppEvents, AttachHubEvents, Record<string, never>, AppSocketData>

const STATUSES = new Set<string>(['connecting', 'connected', 'disconnected', 'reconnecting'])
const TRANSPORTS = new Set<string>(['polling', 'websocket', 'webtransport'])
const ATTACH_ID = /^[\w-]{8,128}$/
/** Socket ids kept in a state's `idHistory` (an app reconnecting all day sends them all every time). */
const MAX_ID_HISTORY = 200

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Why an app at `address` may not attach, or undefined: this machine only, unless `exposeSecrets` (what the
 * relay allows other machines).
 * @example attachAddressRefusal('192.168.1.20', false) // 'attach: apps on other machines are refused (…)'
 */
export function attachAddressRefusal(address: string | undefined, acceptRemote: boolean): string | undefined {
  if (secretsAllowedFor(address, { exposeSecrets: acceptRemote }))
    return undefined
  return 'attach: apps on other machines are refused: this inspector was started for this machine only (start it with --host <address> to accept them)'
}

/**
 * The handshake an app sent (`socket.handshake.auth`), checked in the contract's order: protocol, token,
 * then the fields. Throws a TypeError whose message is what the app's `connect_error` says.
 * @example parseHandshake({ protocol: 2 }, token) // throws 'attach protocol 2 is not supported by this inspector (it speaks 1): update socketio-inspector'
 */
export function parseHandshake(auth: unknown, expectedToken: Buffer): AttachHandshake {
  const a = isRecord(auth) ? auth : {}
  if (a.protocol !== ATTACH_PROTOCOL) {
    const given = typeof a.protocol === 'number' || typeof a.protocol === 'string' ? String(a.protocol).slice(0, 20) : 'none'
    throw new TypeError(`attach protocol ${given} is not supported by this inspector (it speaks ${ATTACH_PROTOCOL}): update socketio-inspector`)
  }
  if (!tokenMatches(a.token, expectedToken))
    throw new TypeError('attach: missing or wrong token (use the attach token the inspector printed at start, also in its Attach panel)')
  if (typeof a.attachId !== 'string' || !ATTACH_ID.test(a.attachId))
    throw new TypeError('attach: attachId must be 8–128 letters, digits, "-" or "_"')
  if (typeof a.name !== 'string' || a.name.trim().length === 0 || a.name.length > ATTACH_MAX_NAME)
    throw new TypeError(`attach: name must be 1–${ATTACH_MAX_NAME} characters (the tab's label)`)
  if (a.role !== 'client' && a.role !== 'server')
    throw new TypeError('attach: role must be "client" or "server"')
  for (const flag of ['allowEmit', 'frames'] as const) {
    if (a[flag] !== undefined && typeof a[flag] !== 'boolean')
      throw new TypeError(`attach: ${flag} must be a boolean`)
  }
  if (a.url !== undefined && (typeof a.url !== 'string' || a.url.length > 2048))
    throw new TypeError('attach: url must be a string of at most 2048 characters')
  if (a.namespace !== undefined && (typeof a.namespace !== 'string' || a.namespace.length > 256))
    throw new TypeError('attach: namespace must be a string of at most 256 characters')
  if (a.runtime !== undefined && a.runtime !== 'node' && a.runtime !== 'browser')
    throw new TypeError('attach: runtime must be "node" or "browser"')
  const role: AttachRole = a.role
  return {
    token: a.token as string,
    protocol: ATTACH_PROTOCOL,
    attachId: a.attachId,
    name: a.name,
    role,
    allowEmit: a.allowEmit === true,
    frames: a.frames === true,
    url: typeof a.url === 'string' ? a.url : '',
    namespace: typeof a.namespace === 'string' ? a.namespace : role === 'server' ? '*' : '/',
    runtime: a.runtime === 'browser' ? 'browser' : 'node',
  }
}

/** The app's state (`state` message, decoded), checked; optional fields default (a server sends only its status). */
export function parseAppState(value: unknown): AttachAppState {
  if (!isRecord(value))
    throw new TypeError('state must be an object')
  if (!STATUSES.has(value.status as string))
    throw new TypeError(`state.status must be one of ${[...STATUSES].join(', ')}`)
  const optionalString = (field: 'socketId' | 'engineId' | 'lastError'): string | undefined => {
    const v = value[field]
    if (v === undefined)
      return undefined
    if (typeof v !== 'string')
      throw new TypeError(`state.${field} must be a string or absent`)
    return v.slice(0, 2000)
  }
  const count = (field: 'reconnectAttempt' | 'dropped'): number => {
    const v = value[field]
    if (v === undefined)
      return 0
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new TypeError(`state.${field} must be a number (0 or more) or absent`)
    return v
  }
  if (value.transport !== undefined && !TRANSPORTS.has(value.transport as string))
    throw new TypeError('state.transport must be polling, websocket, webtransport or absent')
  if (value.idHistory !== undefined && !Array.isArray(value.idHistory))
    throw new TypeError('state.idHistory must be an array or absent')
  const idHistory: SocketIdRecord[] = []
  for (const r of (value.idHistory as unknown[] | undefined ?? []).slice(-MAX_ID_HISTORY)) {
    if (!isRecord(r) || typeof r.socketId !== 'string' || typeof r.connectedAt !== 'number')
      throw new TypeError('state.idHistory holds an item that is not a socket id record')
    idHistory.push(Object.freeze({
      socketId: r.socketId,
      engineId: typeof r.engineId === 'string' ? r.engineId : undefined,
      transport: TRANSPORTS.has(r.transport as string) ? r.transport as SocketIdRecord['transport'] : undefined,
      recovered: r.recovered === true,
      connectedAt: r.connectedAt,
      ...(typeof r.disconnectedAt === 'number' ? { disconnectedAt: r.disconnectedAt } : {}),
      ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
      ...(typeof r.explanation === 'string' ? { explanation: r.explanation } : {}),
    }))
  }
  return Object.freeze({
    status: value.status as AttachAppState['status'],
    socketId: optionalString('socketId'),
    engineId: optionalString('engineId'),
    transport: value.transport as AttachAppState['transport'],
    reconnectAttempt: count('reconnectAttempt'),
    lastError: optionalString('lastError'),
    idHistory: Object.freeze(idHistory),
    dropped: count('dropped'),
  })
}

/**
 * One item of an app's batch → a checked, completed entry (numbered `id`, `sessionId` = the attach id, `mono`
 * shifted by `offset` into the hub's clock, `bytes` and a disconnect's `explanation` filled in when the app
 * left them out), or why it is not an entry.
 */
export function completeEntry(raw: unknown, id: number, attachId: string, offset: number): LogEntry | string {
  if (!isRecord(raw))
    return 'not an object'
  const e: Record<string, unknown> = { ...raw, id, sessionId: attachId }
  if (typeof e.mono === 'number')
    e.mono += offset
  switch (e.kind) {
    case 'event':
    case 'ack':
      if (typeof e.bytes !== 'number' && Array.isArray(e.args))
        e.bytes = ENTRY_OVERHEAD + estimateBytes(e.args)
      break
    case 'frame':
      if (typeof e.bytes !== 'number')
        e.bytes = ENTRY_OVERHEAD + (typeof e.data === 'string' ? e.data.length * 2 : e.data instanceof Uint8Array ? e.data.byteLength : 0)
      break
    case 'disconnect':
      if (typeof e.reason === 'string' && (typeof e.explanation !== 'string' || typeof e.willReconnect !== 'boolean')) {
        const explained = explainDisconnect(e.reason)
        if (typeof e.explanation !== 'string')
          e.explanation = explained.explanation
        if (typeof e.willReconnect !== 'boolean')
          e.willReconnect = explained.willReconnect
      }
      break
  }
  for (const field of ['peer', 'peerNamespace'] as const) {
    if (e[field] !== undefined && typeof e[field] !== 'string')
      return `${field} must be a string or absent`
  }
  const problem = entryProblem(e)
  return problem ?? e as unknown as LogEntry
}

/** A backlog entry: its hub id and wire text (what every page gets; the page gives it its own ids). */
interface Stored {
  readonly id: number
  readonly text: string
}

interface Watcher {
  readonly sessionId: string
  readonly out: AttachWatcher
}

/** One attached socket (or server): what the page lists, the app's last state, the backlog, the watchers. */
class AttachRecord {
  info: Omit<AttachedInfo, 'present' | 'dropped'>
  socket: AppSocket | undefined
  state: AttachAppState | undefined
  /** Dropped here: backlog overflow, items that were not entries. */
  droppedHere = 0
  /** When the app's mirror left (ms since the epoch), while it is away. */
  leftAt: number | undefined
  readonly watchers = new Set<Watcher>()
  /** Backlog: `entries[head…]` are live (a head index, so dropping the oldest is O(1)). */
  private entries: Stored[] = []
  private head = 0
  private chars = 0
  private seq = 0

  constructor(handshake: AttachHandshake) {
    this.info = AttachRecord.infoOf(handshake, Date.now())
  }

  static infoOf(h: AttachHandshake, attachedAt: number): AttachRecord['info'] {
    return { attachId: h.attachId, name: h.name, role: h.role, allowEmit: h.allowEmit, frames: h.frames, url: h.url, namespace: h.namespace, runtime: h.runtime, attachedAt }
  }

  get present(): boolean {
    return this.socket !== undefined
  }

  get dropped(): number {
    return (this.state?.dropped ?? 0) + this.droppedHere
  }

  get size(): number {
    return this.entries.length - this.head
  }

  nextId(): number {
    return ++this.seq
  }

  listed(): AttachedInfo {
    return Object.freeze({ ...this.info, present: this.present, dropped: this.dropped })
  }

  mark(): AttachedMark {
    const { attachId, name, role, allowEmit, runtime } = this.info
    return Object.freeze({ attachId, name, role, allowEmit, runtime, present: this.present, dropped: this.dropped })
  }

  /** The tab's snapshot for the page that calls it `sessionId`. */
  snapshot(sessionId: string): SessionSnapshot {
    const s = this.state
    const away = !this.present
    return {
      id: sessionId,
      label: this.info.name,
      url: this.info.url,
      namespace: this.info.namespace,
      // The app's socket as the app last said; while its mirror is away the hub cannot know it.
      status: away ? 'disconnected' : s?.status ?? (this.info.role === 'server' ? 'connected' : 'connecting'),
      readonly: !this.info.allowEmit,
      socketId: away ? undefined : s?.socketId,
      engineId: away ? undefined : s?.engineId,
      transport: away ? undefined : s?.transport,
      reconnectAttempt: s?.reconnectAttempt ?? 0,
      lastError: away ? 'the app is not attached now: its mirror disconnected from the inspector' : s?.lastError,
      idHistory: s?.idHistory ?? [],
      pendingServerAcks: [],
      attached: this.mark(),
    }
  }

  /** Keep these (already numbered) entries; the oldest go past the limits. Returns how many went. */
  append(batch: readonly Stored[], maxEntries: number, maxChars: number): number {
    for (const s of batch) {
      this.entries.push(s)
      this.chars += s.text.length
    }
    let dropped = 0
    while (this.size > 0 && (this.size > maxEntries || this.chars > maxChars)) {
      this.chars -= this.entries[this.head].text.length
      this.head++
      dropped++
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.head = 0
    }
    this.droppedHere += dropped
    return dropped
  }

  /** The backlog in `chunk`-sized wire batches, oldest first. */
  * chunks(chunk: number): Generator<string> {
    for (let i = this.head; i < this.entries.length; i += chunk)
      yield batchText(this.entries.slice(i, Math.min(i + chunk, this.entries.length)))
  }
}

function batchText(batch: readonly Stored[]): string {
  return `[${batch.map(s => s.text).join(',')}]`
}

/** The page's emit options, kept to the fields an emit has (they come from a page: input like any other). */
function emitOptionsOf(raw: unknown): AttachEmitOptions {
  const o = isRecord(raw) ? raw : {}
  const out: { -readonly [K in keyof AttachEmitOptions]: AttachEmitOptions[K] } = {}
  for (const flag of ['ack', 'volatile', 'compress'] as const) {
    if (typeof o[flag] === 'boolean')
      out[flag] = o[flag]
  }
  if (typeof o.ackTimeoutMs === 'number' && Number.isFinite(o.ackTimeoutMs) && o.ackTimeoutMs > 0)
    out.ackTimeoutMs = o.ackTimeoutMs
  if (typeof o.pageCorrelationId === 'string' && o.pageCorrelationId.length <= 200)
    out.pageCorrelationId = o.pageCorrelationId
  return out
}

/** What an app answered a page's emit, checked. */
function emitResultOf(v: unknown): EmitResult {
  if (isRecord(v) && v.ok === true)
    return typeof v.correlationId === 'string' ? { ok: true, correlationId: v.correlationId } : { ok: true }
  if (isRecord(v) && v.ok === false && typeof v.error === 'string')
    return { ok: false, error: v.error.slice(0, 2000) }
  return { ok: false, error: 'the app answered the emit with something that is not a result' }
}

/**
 * Start the hub on the inspector's HTTP server (before `guardHost`, so the Host rule covers its path).
 *
 * @example
 * const hub = attachHub(httpServer, { token, acceptRemote: false })
 */
export function attachHub(httpServer: http.Server, options: AttachHubOptions): AttachHub {
  if (!options.token)
    throw new Error('attachHub: a token is required')
  const expected = Buffer.from(options.token)
  const acceptRemote = options.acceptRemote === true
  const limits = options.limits ?? {}
  const maxAttached = limits.maxAttached ?? 64
  const maxEntries = limits.maxEntries ?? 20_000
  const maxChars = limits.maxBytes ?? 32 * 1024 * 1024
  const retainMs = limits.retainMs ?? 10 * 60_000
  const replayChunk = Math.max(1, limits.replayChunk ?? 2000)
  const emitTimeoutMs = limits.emitTimeoutMs ?? 10_000
  /** attachId → record, in insertion order (oldest first). */
  const records = new Map<string, AttachRecord>()
  const listeners = new Set<(list: AttachedInfo[]) => void>()
  let closed = false

  const io = new Server<AttachAppEvents, AttachHubEvents, Record<string, never>, AppSocketData>(httpServer, {
    path: options.path ?? ATTACH_PATH,
    // Both transports: a browser app may poll (a proxy that drops WebSocket), and most apps start polling.
    transports: ['polling', 'websocket'],
    serveClient: false,
    // The inspector's server carries the relay's upgrades too: do not cut what is not ours.
    destroyUpgrade: false,
    // Any origin, no cookies: the token is the gate (see the module comment).
    cors: { origin: true, credentials: false },
    // A batch may carry binary payloads; one entry is cut at WIRE_MAX_ENTRY_CHARS anyway.
    maxHttpBufferSize: 64 * 1024 * 1024,
  })

  // --- streaming to pages ------------------------------------------------------------------------------
  const pushState = (record: AttachRecord): void => {
    for (const w of record.watchers) w.out.state(encodeWire(record.snapshot(w.sessionId)))
  }

  const stream = (record: AttachRecord, batch: readonly Stored[]): void => {
    if (batch.length === 0 || record.watchers.size === 0)
      return
    const text = batchText(batch)
    const now = performance.now()
    for (const w of record.watchers) w.out.entries(text, now)
  }

  // --- the list, coalesced: a burst of changes is one `attachedChanged` per page ---------------------
  let listQueued = false
  let slowTimer: ReturnType<typeof setTimeout> | undefined
  /** Records whose `dropped` changed since the last slow flush (their watchers get a fresh state). */
  const droppedChanged = new Set<AttachRecord>()

  const list = (): AttachedInfo[] => [...records.values()].map(r => r.listed())

  const flushList = (): void => {
    listQueued = false
    clearTimeout(slowTimer)
    slowTimer = undefined
    for (const r of droppedChanged) pushState(r)
    droppedChanged.clear()
    if (closed || listeners.size === 0)
      return
    const now = list()
    for (const listener of [...listeners]) {
      try {
        listener(now)
      }
      catch (err) {
        console.error('[sio-inspector] an attach list listener threw:', err)
      }
    }
  }

  /** `urgent`: an app came or went (in this tick); otherwise (a `dropped` count) within 250 ms. */
  const listChanged = (urgent: boolean): void => {
    if (closed)
      return
    if (urgent) {
      if (!listQueued) {
        listQueued = true
        queueMicrotask(flushList)
      }
    }
    else if (slowTimer === undefined) {
      slowTimer = setTimeout(flushList, 250)
      slowTimer.unref?.()
    }
  }

  // --- the backlog ----------------------------------------------------------------------------------
  const keep = (record: AttachRecord, batch: readonly Stored[]): void => {
    if (record.append(batch, maxEntries, maxChars) > 0) {
      droppedChanged.add(record)
      listChanged(false)
    }
  }

  /** A note of the hub's own in the record's log (backlog and watchers). */
  const note = (record: AttachRecord, level: NoteEntry['level'], text: string): void => {
    const mono = performance.now()
    const entry: NoteEntry = { id: record.nextId(), kind: 'note', level, message: text, sessionId: record.info.attachId, time: performance.timeOrigin + mono, mono, direction: 'local' }
    const stored = { id: entry.id, text: encodeEntry(entry) }
    keep(record, [stored])
    stream(record, [stored])
  }

  // --- records --------------------------------------------------------------------------------------
  const forget = (record: AttachRecord, why: string): void => {
    records.delete(record.info.attachId)
    const mono = performance.now()
    const text = encodeEntry({ id: 0, kind: 'note', level: 'warn', message: why, sessionId: record.info.attachId, time: performance.timeOrigin + mono, mono, direction: 'local' })
    for (const w of record.watchers) w.out.entries(`[${text}]`, mono)
    record.watchers.clear()
    listChanged(true)
  }

  /** Records whose app left, nobody watches, and `retainMs` passed. */
  const sweep = (): void => {
    const now = Date.now()
    for (const r of [...records.values()]) {
      if (!r.present && r.watchers.size === 0 && r.leftAt !== undefined && now - r.leftAt >= retainMs)
        forget(r, 'the inspector forgot this attached app (it had left, and no page watched it since)')
    }
  }
  const sweeper = setInterval(sweep, Math.min(60_000, Math.max(1000, retainMs / 4)))
  sweeper.unref?.()

  /** Room for one more record: forget the absent one that left first (an unwatched one if any). */
  const makeRoom = (): void => {
    if (records.size < maxAttached)
      return
    const absent = [...records.values()].filter(r => !r.present).sort((a, b) => (a.leftAt ?? 0) - (b.leftAt ?? 0))
    const victim = absent.find(r => r.watchers.size === 0) ?? absent[0]
    if (victim)
      forget(victim, `the inspector forgot this attached app: ${maxAttached} apps attached since it left, and it keeps ${maxAttached} at most`)
  }

  const presentCount = (except?: string): number => {
    let n = 0
    for (const r of records.values()) {
      if (r.present && r.info.attachId !== except)
        n++
    }
    return n
  }

  // --- the gate -------------------------------------------------------------------------------------
  io.use((socket, next) => {
    try {
      const refused = attachAddressRefusal(socket.handshake.address, acceptRemote)
      if (refused !== undefined)
        return next(new Error(refused))
      const handshake = parseHandshake(socket.handshake.auth, expected)
      if (presentCount(handshake.attachId) >= maxAttached)
        return next(new Error(`attach: ${maxAttached} apps are attached to this inspector already (the most it takes); detach one first`))
      socket.data.handshake = handshake
      next()
    }
    catch (err) {
      next(new Error(message(err)))
    }
  })

  io.on('connection', (socket: AppSocket) => {
    const handshake = socket.data.handshake
    if (!handshake || closed)
      return void socket.disconnect(true)
    let record = records.get(handshake.attachId)
    if (record) {
      // The same attach() again (its mirror reconnected): continue its record. A connection it still has
      // (the hub has not seen it go yet) is the older one: the new one takes over.
      const older = record.socket
      record.info = AttachRecord.infoOf(handshake, record.info.attachedAt)
      record.socket = socket
      record.leftAt = undefined
      older?.disconnect(true)
      note(record, 'info', 'the app\'s mirror is attached again')
    }
    else {
      makeRoom()
      record = new AttachRecord(handshake)
      record.socket = socket
      records.set(handshake.attachId, record)
    }
    const r = record
    pushState(r)
    listChanged(true)

    /** A message that is not the contract's: end this app's connection, say why in its log. */
    const malformed = (why: string): void => {
      if (r.socket !== socket)
        return
      note(r, 'error', `the app's mirror sent ${why}: the inspector closed its connection (it attaches again by itself)`)
      socket.disconnect(true)
    }

    socket.on('entries', (text, sentMono) => {
      if (r.socket !== socket)
        return
      try {
        // UTF-8 bytes (what the mirror sends: a binary attachment is not escaped again by socket.io's
        // JSON encoder) or text (an older mirror, or a hand-written client).
        if (typeof text !== 'string') {
          if (!(text instanceof Uint8Array))
            return malformed('entries that are neither text nor UTF-8 bytes')
          try {
            text = utf8.decode(text)
          }
          catch {
            return malformed('entries that are not valid UTF-8')
          }
        }
        if (typeof sentMono !== 'number' || !Number.isFinite(sentMono))
          return malformed('entries without the time they were sent')
        let items: unknown
        try {
          items = decodeWire(text)
        }
        catch (err) {
          return malformed(`entries that could not be read (${message(err)})`)
        }
        if (!Array.isArray(items))
          return malformed('entries that are not a list')
        // The app's monotonic clock is not ours: shift it so latencies hold and its entries sort with ours.
        const offset = performance.now() - sentMono
        const batch: Stored[] = []
        let bad = 0
        let firstProblem = ''
        for (const item of items) {
          const entry = completeEntry(item, r.nextId(), r.info.attachId, offset)
          if (typeof entry === 'string') {
            bad++
            firstProblem ||= entry
            continue
          }
          batch.push({ id: entry.id, text: encodeEntry(entry, { maxChars: WIRE_MAX_ENTRY_CHARS }) })
        }
        keep(r, batch)
        stream(r, batch)
        if (bad > 0) {
          r.droppedHere += bad
          note(r, 'warn', `the app's mirror sent ${bad} item${bad === 1 ? '' : 's'} that ${bad === 1 ? 'is not a log entry' : 'are not log entries'} (${firstProblem}): dropped`)
          droppedChanged.add(r)
          listChanged(false)
        }
      }
      catch (err) {
        malformed(`entries the inspector could not handle (${message(err)})`)
      }
    })

    socket.on('state', (text) => {
      if (r.socket !== socket)
        return
      try {
        if (typeof text !== 'string')
          return malformed('a state that is not text')
        let state: AttachAppState
        try {
          state = parseAppState(decodeWire(text))
        }
        catch (err) {
          return malformed(`a state that could not be read (${message(err)})`)
        }
        const droppedBefore = r.dropped
        r.state = state
        pushState(r)
        if (r.dropped !== droppedBefore)
          listChanged(false)
      }
      catch (err) {
        malformed(`a state the inspector could not handle (${message(err)})`)
      }
    })

    socket.on('disconnect', (reason) => {
      if (r.socket !== socket)
        return
      r.socket = undefined
      r.leftAt = Date.now()
      if (!closed) {
        note(r, 'warn', `the app's mirror disconnected from the inspector (${reason}); its log stays here, and it continues when the app attaches again`)
        pushState(r)
        listChanged(true)
      }
    })
  })

  // --- pages ----------------------------------------------------------------------------------------
  const watch: AttachHub['watch'] = (attachId, sessionId, out) => {
    if (closed)
      return { ok: false, error: 'the inspector is shutting down' }
    if (typeof attachId !== 'string' || typeof sessionId !== 'string' || !sessionId || sessionId.length > 200)
      return { ok: false, error: 'watch: an attach id and a session id are required' }
    const record = records.get(attachId)
    if (!record)
      return { ok: false, error: `no attached app has the id "${attachId.slice(0, 128)}" (it left more than 10 minutes ago, or the inspector restarted)` }
    const watcher: Watcher = { sessionId, out }
    // State first (the tab's label, its read-only mark), then the backlog, then live entries as they come.
    out.state(encodeWire(record.snapshot(sessionId)))
    for (const text of record.chunks(replayChunk)) out.entries(text, performance.now())
    record.watchers.add(watcher)
    let stopped = false
    return {
      ok: true,
      watch: {
        emit: async (name, argsText, rawOptions) => {
          if (stopped || records.get(record.info.attachId) !== record)
            return { ok: false, error: ATTACH_ABSENT_ERROR }
          if (!record.info.allowEmit)
            return { ok: false, error: ATTACH_READ_ONLY_ERROR }
          const socket = record.socket
          if (!socket)
            return { ok: false, error: ATTACH_ABSENT_ERROR }
          if (typeof name !== 'string' || !name || name.length > 1000)
            return { ok: false, error: 'emit: the event name must be a string' }
          if (typeof argsText !== 'string')
            return { ok: false, error: 'emit: the arguments must be wire text' }
          try {
            if (!Array.isArray(decodeWire(argsText)))
              return { ok: false, error: 'emit: the arguments must be a list' }
          }
          catch (err) {
            return { ok: false, error: `emit: the arguments could not be read (${message(err)})` }
          }
          const emitOptions = emitOptionsOf(rawOptions)
          return new Promise<EmitResult>((resolve) => {
            socket.timeout(emitTimeoutMs).emit('emit', name, argsText, emitOptions, (err: Error | null, result: EmitResult) => {
              resolve(err ? { ok: false, error: `the app did not answer within ${emitTimeoutMs / 1000} s (${err.message})` } : emitResultOf(result))
            })
          })
        },
        note: (level, text) => {
          const mono = performance.now()
          out.entries(`[${encodeEntry({ id: 0, kind: 'note', level, message: text, sessionId, time: performance.timeOrigin + mono, mono, direction: 'local' })}]`, mono)
        },
        close: () => {
          if (stopped)
            return
          stopped = true
          record.watchers.delete(watcher)
        },
      },
    }
  }

  return {
    io,
    get attachedCount() { return presentCount() },
    list,
    onChange: (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    watch,
    close: async () => {
      if (closed)
        return
      closed = true
      clearInterval(sweeper)
      clearTimeout(slowTimer)
      listeners.clear()
      io.disconnectSockets(true)
      for (const r of records.values()) r.watchers.clear()
      records.clear()
      // Not `io.close()`: it would close the inspector's HTTP server too.
      io.engine.close()
    },
  }
}
