/**
 * Types of the connection diagnostics. Framework-free; runs in the browser and in Node (global `fetch`).
 */
import type { SessionParser } from '../types'

/** Why a connection failed, as far as the inspector can tell. */
export type DiagnosisCode
  = | 'unreachable'
    | 'no-socketio-at-path'
    | 'invalid-namespace'
    | 'middleware-rejected'
    | 'handshake-refused'
    | 'server-v2'
    | 'cors-rejected'
    | 'tls-error'
    | 'mixed-content'
    | 'timeout'
    | 'not-a-socketio-server'
    | 'handshake-closed'
    | 'malformed-handshake'
    | 'ping-timeout'
    | 'sticky-sessions-missing'
    | 'parser-mismatch'
    | 'unknown'

/** Settings the user can apply with one click to get past the problem. */
export interface SuggestedSettings {
  /** Use the socket.io-client 2.x library (server is socket.io 2.x). */
  client?: 'v2'
  /** Skip HTTP long-polling (needs no CORS from the server). */
  transports?: ['websocket']
  /** Run the connection from the inspector's Node relay (no CORS, no mixed content, own TLS rules). */
  relay?: true
  /** Handshake path to use instead. */
  path?: string
  /** The Socket.IO parser the server speaks (`parser-mismatch`). */
  parser?: SessionParser
}

/** What one probe request saw. Kept in the diagnosis so the UI can show the evidence. */
export interface ProbeResult {
  /** What the probe was for. */
  purpose: 'handshake' | 'handshake-eio3' | 'no-cors' | 'path' | 'namespace' | 'ping' | 'websocket' | 'close'
    /** A second session of the probe that sends its CONNECT with the other parser (`parser-mismatch`). */
    | 'parser'
  method: 'GET' | 'POST' | 'WS'
  url: string
  /**
   * `answered`: an HTTP answer we could read; `opaque`: an answer we may not read (no-cors);
   * `network-error`: the request failed outright; `timeout`: no answer within the time limit.
   */
  outcome: 'answered' | 'opaque' | 'network-error' | 'timeout'
  status?: number
  contentType?: string
  /**
   * First characters of the body: a Socket.IO handshake or session answer as it is (at most 200 characters,
   * control characters kept); any other answer only as a sanitised excerpt (at most 80, see `bodyExcerpt`).
   */
  bodyStart?: string
  /** What the body looked like (see `classifyBody`). */
  looksLike?: BodyKind
  /** `Access-Control-Allow-Origin` of the answer, when readable. */
  allowOrigin?: string | null
  /** `WWW-Authenticate` of a 401 answer (what authentication it asks for), as an excerpt (see `bodyExcerpt`). */
  wwwAuthenticate?: string
  /** Node's error code from `fetch`'s `cause` (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, ...). */
  errorCode?: string
  error?: string
}

/** How a probe's body looked. */
export type BodyKind
  = | 'eio4-open' // `0{"sid":...}`: Engine.IO v4 (socket.io 3/4)
    | 'eio3-open' // `97:0{"sid":...}`: Engine.IO v3, length-prefixed (socket.io 2)
    | 'eio-error' // `{"code":5,"message":"Unsupported protocol version"}` and the like
    | 'html'
    | 'other'

/** The answer of `diagnoseConnection`. */
export interface Diagnosis {
  code: DiagnosisCode
  /** One short sentence: what is wrong. */
  title: string
  /** What the probes saw, in plain words (may quote the server's message and data). */
  detail: string
  /** What to do about it. */
  suggestion: string
  /** A handshake path that answers like Socket.IO, when the given one does not. */
  suggestedPath?: string
  suggestedSettings?: SuggestedSettings
  /**
   * Made in a browser page that could not read the server's answer (a failed request, or an answer without
   * CORS headers): a probe from Node, where every answer is readable (the relay), can tell more.
   */
  pageBlind?: true
  /**
   * The Socket.IO parser the probe's CONNECT got an answer with (a CONNECT or CONNECT_ERROR reply), when it
   * got one: what the server speaks. A caller that knows the session's parser better than the probe did (the
   * relay's Node side is not told it) compares it with `reconcileParser`.
   */
  serverParser?: SessionParser
  /** Every probe made, in order. */
  probe: ProbeResult[]
}

/** The error of a failed connection (socket.io-client's `connect_error`). */
export interface ConnectErrorLike {
  message: string
  data?: unknown
  description?: unknown
}

export interface DiagnoseInput {
  /** The URL the user connected to: `http(s)://host:port/namespace` (ws/wss accepted). */
  url: string
  /** Handshake path; no `#`, `?`, `..`, `\\`, `//` or scheme (see `handshakePathProblem`). @default '/socket.io' */
  path?: string
  transports?: string[]
  /** socket.io-client's `connect_error`, when there was one. */
  error?: { message: string, data?: unknown, description?: unknown }
  /** Why the session disconnected, when it did (`'ping timeout'` → `ping-timeout`). */
  disconnectReason?: string
  /**
   * The session's Socket.IO parser: the probe sends its CONNECT encoded the same way, and tries the other
   * one when the server closes the session over it (`parser-mismatch`). @default 'default'
   */
  parser?: SessionParser
  /** `location.origin` in a browser; `undefined` in Node. In Node it is sent as `Origin` to check CORS. */
  pageOrigin?: string
  /** Handshake paths to try besides the URL's path and `COMMON_PATHS` when the given one does not answer. */
  candidatePaths?: string[]
  /** Time limit of each probe request, ms. @default 4000 */
  timeoutMs?: number
  /**
   * Longest heartbeat (pingInterval + pingTimeout) the probe waits for to check that the server keeps
   * pinging. Longer heartbeats are only waited for when `disconnectReason` is `'ping timeout'`. @default 3000
   */
  maxPingWaitMs?: number
}
