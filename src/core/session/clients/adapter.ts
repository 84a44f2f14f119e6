/**
 * The small interface between `LiveSession` (one state machine: entries, refusals, acks, snapshot, engine
 * watches) and a client library. One adapter per library: ./client-v4.ts (socket.io-client 4.x) and
 * ./client-v2.ts (socket.io-client 2.x). Adapters never import the session: they get `ClientReports` to call
 * and answer the session's commands; the session turns reports into entries and state.
 *
 * Like `decode/` with its two parsers: what differs between the libraries (how to open a socket, how an
 * incoming ack request is answered, how an own ack times out, how frame bytes are kept) lives in the
 * adapter; what must be the same for every client kind (entry shapes, wording, bookkeeping) lives in the
 * session.
 *
 * Fault injection (../faults.ts): drop the transport, stop answering pings, go offline N s, reconnection
 * on/off at runtime and an opt-in send queue while offline are commands the library carries out
 * (`engine.transport.close()`, holding `pong`s/pings, engines made without transports,
 * `manager.reconnection(bool)`, socket.io's own send buffer): `ClientAdapter.faults`. Their consequences
 * come back through the existing `ClientReports` (a dropped transport is a `disconnect('transport close')`,
 * then `reconnectAttempt`…); only a flushed send buffer adds a call (`ClientEmitOptions.onFlushed`).
 */
import type { EnginePacketType, NoteEntry, SessionOptions, TransportName } from '../../types'

/** TLS options for `https`/`wss` servers, passed to the client (Node transports use them; browsers ignore them). */
export interface SessionTlsOptions {
  /** PEM of the CA(s) (or self-signed certificate) to trust. */
  ca?: string | string[]
  /** `false` accepts any certificate (self-signed development servers). @default true */
  rejectUnauthorized?: boolean
}

/** Options an adapter is built with: the session's, plus TLS (the relay's Node side sets it). */
export type ClientOptions = SessionOptions & SessionTlsOptions

/** Where the adapter connects: parsed once by the session. */
export interface ClientTarget {
  /** `http://host:port` */
  readonly origin: string
  /** `/` or `/chat` */
  readonly namespace: string
  /** origin + namespace (namespace omitted for `/`). */
  readonly url: string
  /** The session's id (a shared Manager's members are named by it). */
  readonly sessionId: string
}

/**
 * An Engine.IO client socket as the session watches it (engine.io-client 6.x and 3.x alike): frames
 * (`packet`/`packetCreate`), handshake, upgrades, and the guard/heartbeat/probe watches.
 */
export interface ClientEngine {
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off: (event: string, fn?: (...args: any[]) => void) => unknown
  readonly id?: string | null
  readonly transport?: { readonly name?: string } | null
}

/** What a connect reports (`socket.id`, the engine's id and transport, state recovery). */
export interface ConnectInfo {
  readonly socketId: string
  readonly engineId: string | undefined
  readonly transport: TransportName | undefined
  /** `socket.recovered` (4.6+); false for clients without connection state recovery. */
  readonly recovered: boolean
  /** The server's CONNECT reply carried a `pid` (its events end with an offset). */
  readonly stateRecovery: boolean
}

/** Answers a server's ack request (the library's own ack callback, or a packet the adapter builds). */
export type AckAnswer = (...args: unknown[]) => void

/** Adapter → session. Calls are synchronous, in the order the library emitted its events. */
export interface ClientReports {
  /** Connected; the adapter reported the current engine (`engine`) just before. */
  connect: (info: ConnectInfo) => void
  /**
   * The connection (or the namespace) was refused. `data` is the refusal's data (middleware `err.data`),
   * `willRetry` whether the library tries again by itself.
   */
  connectError: (err: unknown, data: unknown, willRetry: boolean) => void
  /** `details`: socket.io-client 4's second `disconnect` argument (undefined when none). */
  disconnect: (reason: string, details: unknown, willReconnect: boolean) => void
  /**
   * The hot path: one incoming event. `args` is the session's to keep (no ack callback, no offset in it);
   * `answer` is set when the server asked for an ack; `recoveryOffset` when the server appended one.
   */
  event: (name: string, args: unknown[], answer: AckAnswer | undefined, recoveryOffset: string | undefined) => void
  reconnectAttempt: (attempt: number) => void
  reconnectError: (err: unknown) => void
  reconnect: (attempt: number) => void
  reconnectFailed: () => void
  /** The library's current engine (a new one on every (re)connection; the same one may be reported again). */
  engine: (engine: ClientEngine) => void
  note: (level: NoteEntry['level'], message: string) => void
  /** The adapter could not start at all (the v2 library did not load): no connection is on its way. */
  failed: (message: string) => void
}

/** One emit as the adapter carries it out; the session has logged it already. */
export interface ClientEmitOptions {
  readonly volatile?: boolean
  readonly compress?: boolean
  /** Runs when socket.io flushes this emit from its send buffer (it was queued while disconnected). */
  readonly onFlushed?: () => void
  /** Ask for an ack: `callback` runs once, with the answer, or with an error after `timeoutMs`. */
  readonly ack?: {
    readonly timeoutMs: number
    readonly callback: (err: Error | null, args: unknown[]) => void
  }
}

/** Session → adapter. */
export interface ClientAdapter {
  /** Which reserved names apply and which heartbeat side pings (`v2`: EIO3, the client pings). */
  readonly kind: 'v4' | 'v2'
  /** Engine.IO protocol of its frames. */
  readonly protocol: 3 | 4
  /** Bytes a binary frame has on the wire beyond its data (EIO3 websocket: the type byte in front). */
  readonly binaryFrameExtra: 0 | 1
  /** Whether the socket is connected now. */
  readonly connected: boolean
  /** Connected, or on its way (first attempt, reconnection loop, library loading): `connect()` is a no-op then. */
  readonly active: boolean
  /**
   * Set while the adapter shares its connection with other sessions (v4 `forceNew: false`): which frames
   * are this session's (its namespace's messages; engine-level frames for the first member only). Hot path.
   */
  readonly frameFilter: ((direction: 'in' | 'out', type: EnginePacketType, data: string | Uint8Array | undefined) => boolean) | undefined
  /** Engine.IO packet data as the log keeps it (text as is; bytes as a Uint8Array). Hot path. */
  frameData: (data: unknown) => string | Uint8Array | undefined
  /** Open the connection (the session checked `active` first). */
  connect: () => void
  /**
   * Send one event. The session checked `connected` first, or that it queues while offline (`canQueue`):
   * then socket.io buffers it (`queued`) or, volatile, discards it (`discarded`). May throw: the session
   * reports it.
   */
  emit: (name: string, args: unknown[], options: ClientEmitOptions) => EmitDisposition
  /** Whether an emit while disconnected can wait in socket.io's send buffer (the socket exists). */
  readonly canQueue: boolean
  /** Fault injection (../faults.ts). */
  readonly faults: ClientFaults
  /**
   * Close like `socket.disconnect()` (`io client disconnect`). `'stopped-connecting'`: it stopped a connection
   * attempt, which reports no `disconnect` (the session then marks itself disconnected); `'stopped-loading'`: the
   * same before the client library had loaded (v2's dynamic import).
   */
  disconnect: () => 'disconnected' | 'stopped-connecting' | 'stopped-loading' | 'no-socket'
  /** Remove every listener, close the socket (and its connection unless shared). */
  dispose: () => void
}

/** What became of an emit: on the wire, in socket.io's send buffer, or discarded (volatile while offline). */
export type EmitDisposition = 'sent' | 'queued' | 'discarded'

/** Session → adapter: faults, carried out by the library (see the file comment). */
export interface ClientFaults {
  /**
   * The closer of the engine's current transport (it closes as a network loss would), or `undefined` when
   * none is open. Calling it makes socket.io report the disconnect, synchronously.
   */
  dropTransport: () => (() => void) | undefined
  /** Hold our heartbeat: v4 swallows outgoing pongs, v2 (EIO3) sends no pings. Applies to later engines too. */
  holdHeartbeat: (on: boolean) => void
  /**
   * While `error` is set, every new engine fails at once (no transport, nothing on the wire) and its
   * connect/reconnect errors are reported as `error()`; `undefined` ends the outage.
   */
  setOffline: (error: (() => Error) | undefined) => void
  /** The Manager's `reconnection(bool)`, at runtime. */
  setReconnection: (on: boolean) => void
  /** The Manager's `reconnection()` now. */
  reconnection: () => boolean
}
