/**
 * attach(): the contract between a developer's own app (`socketio-inspector/attach`, src/attach/), the
 * inspector's Node server (the attach hub, inspector-ui/server/attach-hub.ts) and the page.
 *
 *   app (attach / attachServer) ──/attach/socket.io──▶ hub ──/relay/socket.io (watch)──▶ page tab
 *
 * - The **app** mirrors its socket: it builds log entries itself (the core's entry shapes, with its own
 *   clock: `time` = its wall clock, `mono` = its `performance.now()`), batches them and sends them as
 *   `entries` (tagged JSON, relay/wire.ts `encodeEntries`), plus its socket's state (`state`). Entries it
 *   sends have no `id` and no `sessionId`; it may leave `bytes` and a disconnect's `explanation` out: the
 *   hub completes them (`estimateBytes`, `explainDisconnect`), so the app's bundle stays small.
 * - The **hub** checks the handshake (token, loopback, protocol), shifts each batch's `mono` into its own
 *   clock (`hubNow - sentMono`), keeps a bounded backlog per attached socket (so a page opened later sees
 *   the history), and streams it to every page that watches it.
 * - The **page** lists attached sockets over its relay connection (`attachList`, then `attachedChanged`
 *   pushes) and opens a tab per attached client socket (`watch`), which then receives `entries`/`state`
 *   exactly like a relayed session (RelayServerEvents). Emits from the page go to the app only when the app
 *   said `allowEmit: true`: the app runs `socket.emit(name, ...args, ack?)` on its own socket, so its own
 *   listeners see the answers, and the mirror logs that emit like any other (tagged with the page's
 *   correlation id).
 *
 * Server role (`attachServer(io, …)`): one attached "server" per call; its entries carry `peer` (the
 * server-side socket id) and `peerNamespace` (its namespace): `event` in = from that client, out = to it;
 * `connect`/`disconnect` per socket. The page shows them in the server view as a per-socket log.
 */
import type { EmitOptions, EmitResult, SocketIdRecord, TransportName } from '../types'

/** The hub's handshake path on the inspector's HTTP server (apps connect here). */
export const ATTACH_PATH = '/attach/socket.io'

/** The version of this contract; the hub refuses others with a message naming both. */
export const ATTACH_PROTOCOL = 1

/** Longest `name` the hub accepts (a tab label). */
export const ATTACH_MAX_NAME = 80

export type AttachRole = 'client' | 'server'

/** What the app sends as its socket.io `auth` when it connects to the hub. */
export interface AttachHandshake {
  /** The attach token the inspector printed at start and shows in its Attach panel. */
  readonly token: string
  readonly protocol: typeof ATTACH_PROTOCOL
  /**
   * Random, made once per `attach()` call: when the mirror reconnects to the hub (the inspector was away),
   * it sends the same id so the hub continues the same tab instead of opening a second one.
   */
  readonly attachId: string
  /** The tab's label (`attach(socket, { name })`), 1–80 characters. */
  readonly name: string
  readonly role: AttachRole
  /** The app lets the inspector emit through its socket (`allowEmit: true`). @default false */
  readonly allowEmit: boolean
  /** Engine.IO frames are mirrored too (`frames: true`). */
  readonly frames: boolean
  /** client: the socket's URL (`manager.uri` + namespace); server: a description (`http://localhost:3000`, or ''). */
  readonly url: string
  /** client: the socket's namespace (`/`, `/chat`); server: `*`. */
  readonly namespace: string
  readonly runtime: 'node' | 'browser'
}

/** The attached socket's state as the app sees it (client role; a server sends `{ status: 'connected' }`). */
export interface AttachAppState {
  readonly status: 'connecting' | 'connected' | 'disconnected' | 'reconnecting'
  readonly socketId?: string
  readonly engineId?: string
  readonly transport?: TransportName
  readonly reconnectAttempt: number
  readonly lastError?: string
  /** Socket ids so far, oldest first (same records as a session's `idHistory`). */
  readonly idHistory: readonly SocketIdRecord[]
  /** Entries the mirror had to drop since attach() (its buffer was full while the inspector was away). */
  readonly dropped: number
}

/** Options of an emit the page asks the app to run (`allowEmit`). */
export interface AttachEmitOptions extends EmitOptions {
  /** The page's correlation id for this emit: the app puts it on the emit's entry and on its ack entry. */
  readonly pageCorrelationId?: string
}

/** App → hub. */
export interface AttachAppEvents {
  /**
   * A batch of entries (`encodeEntries`, without `id`/`sessionId`) as UTF-8 bytes (socket.io sends bytes as
   * they are, where a string of JSON would be escaped into a JSON string again) or as text, and the app's
   * `performance.now()` when sent.
   */
  entries: (text: Uint8Array | string, sentMono: number) => void
  /** The socket's state (`encodeWire(AttachAppState)`), sent on every change. */
  state: (text: string) => void
}

/** Hub → app. */
export interface AttachHubEvents {
  /**
   * Run `socket.emit(name, ...decodeWire(argsText), ack?)` (only with `allowEmit`; otherwise the app answers
   * `{ ok: false, error: 'this app attached read-only (allowEmit is off)' }`).
   */
  emit: (name: string, argsText: string, options: AttachEmitOptions, ack: (result: EmitResult) => void) => void
}

/** One attached socket (or server) as the page lists it. */
export interface AttachedInfo {
  readonly attachId: string
  readonly name: string
  readonly role: AttachRole
  readonly allowEmit: boolean
  readonly frames: boolean
  readonly url: string
  readonly namespace: string
  readonly runtime: 'node' | 'browser'
  /** The app's mirror is connected to the hub now (false: it went away; its backlog stays viewable). */
  readonly present: boolean
  /** When it first attached (ms since the epoch). */
  readonly attachedAt: number
  readonly dropped: number
}

/** What a session snapshot says about an attached socket (`SessionSnapshot.attached`). */
export interface AttachedMark {
  readonly attachId: string
  readonly name: string
  readonly role: AttachRole
  readonly allowEmit: boolean
  readonly runtime: 'node' | 'browser'
  readonly present: boolean
  readonly dropped: number
}

/** Page → hub, over the page's relay connection (added to `RelayClientEvents`). */
export interface AttachPageEvents {
  /**
   * The attached sockets now; afterwards this relay connection gets `attachedChanged` whenever one comes,
   * goes or changes (until it disconnects).
   */
  attachList: (ack: (list: AttachedInfo[]) => void) => void
  /**
   * Bind this relay connection to an attached socket: its backlog, then live `entries` and `state`
   * (RelayServerEvents) follow, and `emit` on this connection goes to the app. `sessionId`: the page's id
   * for the tab (as `open`'s). Refused for an unknown id. A connection carries one `open` or one `watch`.
   */
  watch: (attachId: string, sessionId: string, ack: (result: { ok: true } | { ok: false, error: string }) => void) => void
}

/** Hub → page (added to `RelayServerEvents`). */
export interface AttachPageServerEvents {
  attachedChanged: (list: AttachedInfo[]) => void
}
