/**
 * Public types of the inspector engine. Plain TypeScript: no Vue, no Pinia, no DOM requirement.
 *
 * The log is one discriminated union on `kind` with a common header. The UI switches on `kind`
 * exhaustively; sessions (live, relayed, or replayed from a file) all produce the same entries.
 */

import type { AttachedMark } from './attach/protocol'

/** Which way an entry travelled, from the inspector's point of view. `local` = no wire (e.g. `connecting`). */
export type Direction = 'in' | 'out' | 'local'

/** Header shared by every log entry. Entries are frozen once created. */
export interface EntryHeader {
  /** Stable, unique within one log (monotonic sequence number, never reused). */
  readonly id: number
  readonly sessionId: string
  /** Wall clock, ms since the epoch. */
  readonly time: number
  /** Monotonic clock (`performance.now()`), ms; orders entries and measures latencies. */
  readonly mono: number
  readonly direction: Direction
  /** Set when the entry could not be written or relayed whole: what is missing, and why. Absent otherwise. */
  readonly truncated?: EntryTruncation
  /**
   * Entries of an attached server (`attachServer`, attach/protocol.ts): the server-side socket the entry
   * belongs to and its namespace. Absent on every other entry.
   */
  readonly peer?: string
  readonly peerNamespace?: string
}

/**
 * Why an entry is not whole (export/format.ts `encodeEntry`, used by the export and the relay's wire):
 * - `depth`: values nested deeper than `maxDepth` levels were replaced by `{ $t: 'deep', depth }` placeholders;
 * - `size`: the encoded entry (`size` characters of JSON) was over the limit: its payload (`args`, frame
 *   `data`, `description`) was left out;
 * - `unencodable`: it could not be encoded (`message`); its payload was left out.
 */
export interface EntryTruncation {
  readonly reason: 'depth' | 'size' | 'unencodable'
  /** `size`: characters of the whole entry as JSON (about its bytes). */
  readonly size?: number
  /** `depth`: the levels kept. */
  readonly maxDepth?: number
  readonly message?: string
}

/** Disconnect reasons of socket.io-client 4.x (plus what v2 and relays may report). */
export type DisconnectReason
  = | 'io server disconnect'
    | 'io client disconnect'
    | 'ping timeout'
    | 'transport close'
    | 'transport error'
    | 'parse error'
    | 'forced close'
    | (string & {})

export type TransportName = 'polling' | 'websocket' | 'webtransport'

/** Engine.IO v4 packet types (engine.io-parser names). */
export type EnginePacketType = 'open' | 'close' | 'ping' | 'pong' | 'message' | 'upgrade' | 'noop' | 'error'

/** Socket.IO packet types (socket.io-parser's `PacketType`, by name). */
export type SocketPacketTypeName
  = | 'CONNECT' | 'DISCONNECT' | 'EVENT' | 'ACK' | 'CONNECT_ERROR' | 'BINARY_EVENT' | 'BINARY_ACK'

export interface ConnectingEntry extends EntryHeader {
  readonly kind: 'connecting'
  readonly url: string
  readonly namespace: string
}
export interface ConnectEntry extends EntryHeader {
  readonly kind: 'connect'
  readonly socketId: string
  /** Absent when the engine had no id (entries never hold `undefined` values). */
  readonly engineId?: string
  readonly transport?: TransportName
  /** Connection state recovery restored the previous session (`socket.recovered`). */
  readonly recovered: boolean
  /**
   * The server runs connection state recovery (its CONNECT reply carried a `pid`): its events on this
   * connection end with an offset; decode this connection's frames with `decodeFrame(frame, { recovery: true })`.
   */
  readonly stateRecovery?: boolean
}
export interface ConnectErrorEntry extends EntryHeader {
  readonly kind: 'connect_error'
  readonly message: string
  /** `err.data` (middleware rejections `next(err)` with `err.data`); absent when there is none. */
  readonly data?: unknown
  /** `err.description` / transport error detail, when socket.io-client gives one. */
  readonly description?: unknown
  /** Whether socket.io will try again by itself (`socket.active`). */
  readonly willRetry: boolean
}
export interface DisconnectEntry extends EntryHeader {
  readonly kind: 'disconnect'
  readonly socketId?: string
  readonly reason: DisconnectReason
  /** One line in plain words: which side closed, and whether socket.io reconnects by itself. */
  readonly explanation: string
  readonly willReconnect: boolean
  /** socket.io-client's `details` (4.x, e.g. the transport's close description); absent when none. */
  readonly description?: unknown
}
export interface ReconnectAttemptEntry extends EntryHeader { readonly kind: 'reconnect_attempt', readonly attempt: number }
export interface ReconnectErrorEntry extends EntryHeader { readonly kind: 'reconnect_error', readonly message: string }
export interface ReconnectEntry extends EntryHeader { readonly kind: 'reconnect', readonly attempt: number }
export interface ReconnectFailedEntry extends EntryHeader { readonly kind: 'reconnect_failed' }
export interface UpgradeEntry extends EntryHeader {
  readonly kind: 'upgrading' | 'upgrade' | 'upgrade_error'
  readonly transport?: TransportName
  readonly message?: string
}

/** An event that crossed the wire (`onAny` in, `onAnyOutgoing`/the session's own emit out). */
export interface EventEntry extends EntryHeader {
  readonly kind: 'event'
  readonly direction: 'in' | 'out'
  readonly name: string
  /** Every argument, ack callback removed. Binary stays binary (ArrayBuffer / Uint8Array / Buffer). */
  readonly args: readonly unknown[]
  /**
   * Correlation id of the ack, when one was asked for: for `out`, our emit asked the server for an ack;
   * for `in`, the server asked us (the answer is pending until `answerAck(correlationId, ...)`).
   */
  readonly correlationId?: string
  readonly volatile?: boolean
  readonly compress?: boolean
  /**
   * Connection state recovery offset: the extra trailing string a server with `connectionStateRecovery`
   * appends to its events. Removed from `args` (socket.io-client hands it to listeners as one more argument).
   */
  readonly recoveryOffset?: string
  /** Cheap estimate of the retained size in bytes (used by the log's byte budget). */
  readonly bytes: number
  /**
   * `out` only: emitted while disconnected with *queue while offline* on, so it went into socket.io's send
   * buffer instead of the wire; a note says when it was sent (flushed on reconnect). Absent otherwise.
   */
  readonly queued?: true
}

/** The answer to an emit that asked for an ack, or its timeout. */
export interface AckEntry extends EntryHeader {
  readonly kind: 'ack'
  /** `in`: the server answered our emit; `out`: we answered the server's request. */
  readonly direction: 'in' | 'out'
  readonly correlationId: string
  /** The event name of the emit this answers (for display and filtering). */
  readonly name: string
  readonly args: readonly unknown[]
  /** ms between the emit and its answer (or its timeout). */
  readonly latencyMs: number
  /** The ack never came in time (out-going emit) or the user never answered in time (server request). */
  readonly timedOut: boolean
  /** Why no answer came (`operation has timed out`, `socket has been disconnected`, …), when `timedOut`. */
  readonly error?: string
  readonly bytes: number
}

/** One Engine.IO packet, as it crossed the wire. Decoding happens on demand (see `decodeFrame`). */
export interface FrameEntry extends EntryHeader {
  readonly kind: 'frame'
  readonly direction: 'in' | 'out'
  readonly transport?: TransportName
  readonly engineType: EnginePacketType
  /** Engine.IO packet data: text (without the leading type digit) or bytes; absent for a packet without data (`ping`). */
  readonly data?: string | Uint8Array
  /** Size on the wire in bytes (text: UTF-8 length + 1 for the type digit). */
  readonly size: number
  readonly bytes: number
  /** Protocol of the connection it belongs to, so the matching parser decodes it. */
  readonly protocol: 3 | 4
  /**
   * Sent or received over a transport the engine was only probing (the upgrade probe `2probe` / `3probe`),
   * not over its current one. Absent on every other frame.
   */
  readonly probe?: boolean
}

/** A note from the inspector itself (e.g. entries dropped, decoder warnings). */
export interface NoteEntry extends EntryHeader {
  readonly kind: 'note'
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
}

export type LifecycleEntry
  = | ConnectingEntry | ConnectEntry | ConnectErrorEntry | DisconnectEntry
    | ReconnectAttemptEntry | ReconnectErrorEntry | ReconnectEntry | ReconnectFailedEntry | UpgradeEntry

export type LogEntry = LifecycleEntry | EventEntry | AckEntry | FrameEntry | NoteEntry
export type LogEntryKind = LogEntry['kind']

/** What the UI shows in the log's direction column (and the `data-direction` test hook). */
export type DisplayDirection = 'in' | 'out' | 'ack' | 'lifecycle'

/** Entry as it is created, before the log gives it an id. */
export type NewEntry<E extends LogEntry = LogEntry> = E extends LogEntry ? Omit<E, 'id'> : never

/** High-level state of a session. */
export type SessionStatus = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'reconnecting'

/** One socket id a session had: when it began and ended, and why. */
export interface SocketIdRecord {
  readonly socketId: string
  readonly engineId: string | undefined
  readonly transport: TransportName | undefined
  readonly recovered: boolean
  readonly connectedAt: number
  readonly disconnectedAt?: number
  readonly reason?: DisconnectReason
  readonly explanation?: string
}

/**
 * What a tab's new session takes over from the one it replaces (`Inspector.replaceSession`: Connect with
 * changed options). The id stays, so the log is the same; the socket ids of the earlier connections stay in
 * `idHistory`; correlation ids get a prefix of their own so they never repeat the earlier session's in
 * the shared log (an ack would link to the wrong emit).
 */
export interface SessionCarryOver {
  /** The earlier sessions' socket ids, oldest first, all ended. */
  readonly idHistory: readonly SocketIdRecord[]
  /** Used instead of the session id at the start of correlation ids, e.g. `s1~2` (`s1~2.o1`). */
  readonly correlationPrefix: string
}

/** Immutable snapshot of a session's state; a new object on every change. */
export interface SessionSnapshot {
  readonly id: string
  readonly label: string
  readonly url: string
  readonly namespace: string
  readonly status: SessionStatus
  /** Read-only sessions (imported files) cannot connect or emit. */
  readonly readonly: boolean
  readonly socketId: string | undefined
  readonly engineId: string | undefined
  readonly transport: TransportName | undefined
  readonly reconnectAttempt: number
  readonly lastError: string | undefined
  readonly idHistory: readonly SocketIdRecord[]
  /** Server ack requests still waiting for the user's answer, by correlation id. */
  readonly pendingServerAcks: readonly PendingServerAck[]
  /** The open connection's heartbeat (from its handshake) and whether it is late; live sessions only. */
  readonly heartbeat?: HeartbeatState
  /** Set only when the session does not use socket.io-parser's default encoding (frames decode with it). */
  readonly parser?: SessionParser
  /** Injected faults and the runtime connection switches (session/faults.ts); live sessions only. */
  readonly faults?: FaultState
  /** Set for a tab that mirrors an app's own socket (`attach()`, attach/protocol.ts). */
  readonly attached?: AttachedMark
}

/**
 * A fault to inject into a live session (session/faults.ts): each does what the network or the server
 * would, and socket.io reacts by itself.
 * - `drop-transport`: close the engine's current transport, as a network loss would (`transport close`,
 *   then socket.io's own reconnection);
 * - `stop-pings`: `on: true` holds our heartbeat (v4: the pongs the server waits for, so it ends the session
 *   with `ping timeout`; EIO3/v2: the client's own pings), `on: false` answers again;
 * - `offline`: drop the transport and make every connection attempt fail like an unreachable network for
 *   `seconds` (0.1–600), then socket.io's backoff reconnects;
 * - `online`: end an `offline` window now.
 */
export type Fault
  = | { readonly kind: 'drop-transport' }
    | { readonly kind: 'stop-pings', readonly on: boolean }
    | { readonly kind: 'offline', readonly seconds: number }
    | { readonly kind: 'online' }

export type FaultKind = Fault['kind']

/** What the Faults panel shows: the faults in force, the runtime switches and socket.io's send buffer. */
export interface FaultState {
  /** `stop-pings` is on (pongs held in v4, pings not sent in EIO3). */
  readonly heartbeatHeld: boolean
  /** While offline: when the injected outage ends (ms since the epoch). */
  readonly offlineUntil: number | undefined
  /** The Manager's `reconnection()` now (it may have been switched at runtime). */
  readonly reconnection: boolean
  /** Emits while disconnected go into socket.io's send buffer (on) or are refused (off, the default). */
  readonly queueWhileOffline: boolean
  /** This session's emits waiting in socket.io's send buffer, oldest first. */
  readonly sendBuffer: readonly QueuedEmit[]
}

/** One emit waiting in socket.io's send buffer. */
export interface QueuedEmit {
  readonly name: string
  /** Bounded preview of its arguments. */
  readonly preview: string
  readonly correlationId?: string
  /** Its `event` entry (marked `queued`). */
  readonly entryId: number
  /** When it was queued (ms since the epoch). */
  readonly queuedAt: number
}

/**
 * Engine.IO handshake and heartbeat of a live connection (session/heartbeat.ts): what the open packet said,
 * the transport, the measured heartbeat and whether it is late. Changes when the connection opens, upgrades
 * or closes, with every heartbeat (a ping in Engine.IO v4, a pong in EIO3: seconds apart) and when lateness
 * begins or ends, never per packet.
 */
export interface HeartbeatState {
  /** ms between pings (handshake). */
  readonly pingInterval: number
  /** ms the pinged side waits for the answer (handshake). */
  readonly pingTimeout: number
  /** Who pings: the server (Engine.IO v4, socket.io 3/4) or the client (EIO3, socket.io 2). */
  readonly pinger: 'server' | 'client'
  /** No packet for this long (ms) counts as late: pingInterval plus a margin. */
  readonly lateAfterMs: number
  /**
   * Set while the heartbeat is late: when the last incoming packet arrived (ms since the epoch). A frozen
   * server or network; cleared by the next packet.
   */
  readonly noPacketSince: number | undefined
  /** Engine.IO protocol revision: 4 (socket.io 3/4, `EIO=4`) or 3 (socket.io 2, `EIO=3`). */
  readonly protocol: 4 | 3
  /** The Engine.IO session id of the open packet (not the Socket.IO socket id). */
  readonly sid: string | undefined
  /** Transports the server offered to upgrade to (the open packet's `upgrades`; empty over WebSocket). */
  readonly upgrades: readonly string[]
  /** Largest payload (bytes) the server accepts per polling request; Engine.IO v4 only (EIO3 has none). */
  readonly maxPayload: number | undefined
  /** The engine's current transport (follows `upgrade`). */
  readonly transport: TransportName | undefined
  /** When the open packet came (ms since the epoch). */
  readonly openedAt: number
  /**
   * When the last incoming packet came (ms since the epoch), as of this snapshot: exact while the line is
   * silent, otherwise at most one heartbeat old (the snapshot is not rebuilt per packet).
   */
  readonly lastPacketAt: number
  /** When the last heartbeat came (ms since the epoch): the server's ping (v4) or its pong (EIO3). */
  readonly lastBeatAt: number | undefined
  /** The heartbeat as measured, once there is a sample. */
  readonly measured: HeartbeatMeasure | undefined
}

/** The heartbeat as measured over the last `window` samples. */
export interface HeartbeatMeasure {
  /**
   * What a sample is. `interval`: ms between two pings of the server (v4: pingInterval plus the round
   * trip of the pong the server waits for). `round-trip`: ms from the client's ping to the server's pong
   * (EIO3: the client pings on its own timer, so the interval says nothing about the server).
   */
  readonly kind: 'interval' | 'round-trip'
  /** The newest sample (ms). */
  readonly lastMs: number
  /** Mean of the window (ms). */
  readonly meanMs: number
  /** Jitter: max − min of the window (ms). */
  readonly jitterMs: number
  /** Samples in the window (at most `window`). */
  readonly samples: number
  /** The window's size: the newest samples kept. */
  readonly window: number
}

export interface PendingServerAck {
  readonly correlationId: string
  readonly name: string
  readonly entryId: number
  readonly receivedAt: number
  /** When the request times out as pending (ms since the epoch). */
  readonly expiresAt: number
}

/** Options of a live session. Everything a user debugging a server needs. */
export interface SessionOptions {
  /** `http(s)://host:port/namespace`; the path is the namespace. */
  url: string
  /** Tab label. @default namespace */
  label?: string
  /** Handshake path. @default '/socket.io' */
  path?: string
  /** @default ['polling', 'websocket'] (polling first, then upgrade) */
  transports?: TransportName[]
  /** @default true */
  upgrade?: boolean
  auth?: Record<string, unknown>
  query?: Record<string, string>
  /** Only where the runtime can send them (Node; browsers: polling only). */
  extraHeaders?: Record<string, string>
  /** @default false */
  withCredentials?: boolean
  /** Connection timeout, ms. @default 20000 */
  timeout?: number
  /** @default true */
  reconnection?: boolean
  /** @default Infinity */
  reconnectionAttempts?: number
  /** @default 1000 */
  reconnectionDelay?: number
  /** @default 5000 */
  reconnectionDelayMax?: number
  /** A Manager of its own even for the same host. @default true (set false to share one connection) */
  forceNew?: boolean
  /** Record raw Engine.IO frames. @default true */
  captureFrames?: boolean
  /** How long a server's ack request waits for the user's answer, ms. @default 60000 */
  serverAckTimeoutMs?: number
  /** Client library: v4 (also for v3 servers) or v2 (socket.io 2.x servers, `allowEIO3`). @default 'v4' */
  client?: 'v4' | 'v2'
  /**
   * Socket.IO packet encoding: socket.io-parser's (text + binary attachments) or `socket.io-msgpack-parser`'s
   * (every packet one binary frame). Must match the server's. v4 client only. @default 'default'
   */
  parser?: SessionParser
}

/** The Socket.IO packet encodings the inspector speaks. */
export type SessionParser = 'default' | 'msgpack'

/** Options of one emit. */
export interface EmitOptions {
  /** Ask the server for an ack; the ack entry links back with the latency. */
  ack?: boolean
  /** ms before the ack counts as timed out. @default 10000 */
  ackTimeoutMs?: number
  volatile?: boolean
  compress?: boolean
}

/** Listener map of a session (typed event emitter; `on()` returns a disposer). */
export interface SessionEvents {
  state: (snapshot: SessionSnapshot) => void
}

export type Disposer = () => void

/**
 * The interface the UI talks to. Live sessions, relayed sessions and imported (replayed) sessions all
 * implement it, so the UI never asks "is this a file?".
 */
export interface SessionSource {
  readonly id: string
  snapshot(): SessionSnapshot
  on<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): Disposer
  connect(): void
  disconnect(): void
  /** Disconnect then connect again, keeping the log. */
  reconnect(): void
  /**
   * Emit exactly `args` (already parsed). Returns the correlation id when an ack was asked for.
   * Fails (result, not throw) on read-only sessions, reserved names, or when not connected.
   */
  emit(name: string, args: readonly unknown[], options?: EmitOptions): EmitResult
  /** Answer a server's pending ack request. */
  answerAck(correlationId: string, args: readonly unknown[]): EmitResult
  /**
   * Inject a fault (drop the transport, stop answering pings, go offline N s). Refused (result) by read-only
   * sessions, closed ones, and when there is nothing to act on (no transport to drop).
   */
  injectFault(fault: Fault): EmitResult
  /** Switch socket.io's automatic reconnection on or off at runtime (the Manager's `reconnection(bool)`). */
  setReconnection(on: boolean): EmitResult
  /** Off (default): emits while disconnected are refused. On: they wait in socket.io's send buffer. */
  setQueueWhileOffline(on: boolean): EmitResult
  /** Remove every listener and close the connection. */
  dispose(): void
}

export type EmitResult = { ok: true, correlationId?: string } | { ok: false, error: string }

/** Text written by the user → what will be emitted. */
export type ComposeResult
  = | { ok: true, event: string, args: unknown[] }
    | { ok: false, error: ComposeError }

export interface ComposeError {
  /** Which field is wrong. */
  field: 'event' | 'args'
  message: string
  /** 1-based; present for syntax errors in the arguments. */
  line?: number
  column?: number
}

/** Limits of the log's ring buffer. */
export interface LogLimits {
  /** @default 100000 */
  maxEntries?: number
  /** Bytes retained by entries (estimate). @default 268435456 (256 MB) */
  maxBytes?: number
}

/** What the ring buffer dropped to stay inside its limits. */
export interface DropCounts { entries: number, bytes: number }

/** One session's part of the log: what it holds now and what its own overflow dropped. */
export interface SessionLogStats {
  /** Entries of this session held now. */
  readonly held: number
  /** Estimated bytes of this session held now. */
  readonly bytes: number
  /** Entries of this session dropped to make room (always its oldest ones), since the log was created. */
  readonly dropped: Readonly<DropCounts>
}

/**
 * The log every session of an inspector appends to (the merged timeline). Bounded: O(1) append, no copy of
 * the log; subscribers get batches. Each session has its own fair share of the limits (see `EventLog`): a
 * noisy session drops its own oldest entries, never another session's.
 */
/**
 * What a session appends its entries to: the page's `InspectorLog`, or the relay's stream to the wire
 * (relay/entry-stream.ts), which needs no log. Returns the entry as stored (frozen, with its id).
 */
export interface EntrySink {
  append<E extends LogEntry>(entry: NewEntry<E>): E
}

export interface InspectorLog extends EntrySink {
  readonly limits: Required<LogLimits>
  /** Entries held now. */
  readonly size: number
  /** Estimated bytes held now. */
  readonly bytes: number
  /** Every entry dropped, all sessions together. */
  readonly dropped: Readonly<DropCounts>
  /** Append; returns the frozen entry with its id. */
  append<E extends LogEntry>(entry: NewEntry<E>): E
  /** The entry with this id, if still held. */
  get(id: number): LogEntry | undefined
  /** The entry at position `index` (0 = oldest held). */
  at(index: number): LogEntry | undefined
  /** Oldest first. */
  [Symbol.iterator](): Iterator<LogEntry>
  /**
   * Held entries with ids in `[fromId, toId)`, oldest first. Ids are increasing but not consecutive (a
   * session's dropped entries leave gaps): walk this, not every id between two ids.
   */
  range(fromId: number, toId?: number): IterableIterator<LogEntry>
  /** The ids of `sortedIds` (ascending) still held: the same array when all are, else a new one. One merged walk. */
  filterHeld(sortedIds: number[]): number[]
  /** What one session holds and what its overflow dropped (zeros for a session the log never saw). */
  statsFor(sessionId: string): SessionLogStats
  /** Entries appended since the last batch, delivered once per macrotask at most. */
  subscribe(listener: (batch: readonly LogEntry[]) => void): Disposer
  /** Called when entries are dropped or the log is cleared. */
  onReset(listener: () => void): Disposer
  clear(): void
}
