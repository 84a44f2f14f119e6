/**
 * The contract between the page (`RelaySession`) and the relay in the inspector's Node process
 * (inspector-ui/server/relay.ts). One relay connection carries one session.
 *
 * Values that may hold binary, `undefined` or `NaN` (entries, snapshots, emit arguments) travel as text
 * in the wire format of ./wire.ts.
 */
import type { AttachPageEvents, AttachPageServerEvents } from '../attach/protocol'
import type { DiagnoseInput, Diagnosis } from '../diagnose/types'
import type { FaultCommand } from '../session/faults'
import type { EmitOptions, EmitResult, SessionOptions } from '../types'

/** The relay's handshake path on the inspector's HTTP server. */
export const RELAY_PATH = '/relay/socket.io'

/** What the page asks the relay to open: a session, plus what only Node can send. */
export interface RelayOpenOptions extends SessionOptions {
  /** Any headers, on polling and WebSocket (`Authorization`, `X-Api-Key`…). */
  extraHeaders?: Record<string, string>
  /** Sent as the `Cookie` header (`a=1; b=2`). */
  cookies?: string
  /** Sent as the `Origin` header (servers that check it, CORS allow-lists). */
  origin?: string
  /** TLS options for `https`/`wss` servers. */
  tls?: {
    /** PEM of a CA (or self-signed certificate) to trust. */
    ca?: string
    /** `false` accepts any certificate (self-signed development servers). @default true */
    rejectUnauthorized?: boolean
  }
}

export type RelayCommand = 'connect' | 'disconnect' | 'reconnect' | 'dispose'

export type RelayResult = { ok: true } | { ok: false, error: string }

/** What the page may ask the relay to probe (`diagnoseConnection` run in Node, where error causes are visible). */
export type RelayDiagnoseInput = Pick<DiagnoseInput, 'url' | 'path' | 'transports' | 'error' | 'disconnectReason' | 'pageOrigin' | 'timeoutMs'>

export type RelayDiagnoseResult = { ok: true, diagnosis: Diagnosis } | { ok: false, error: string }

/**
 * Page → relay. A connection carries one `open` (a relayed session) or one `watch` (an attached app's
 * socket, attach/protocol.ts); `attachList` and `diagnose` need neither.
 */
export interface RelayClientEvents extends AttachPageEvents {
  /** First message: open the session (not connected yet). `sessionId` becomes the session's id. */
  open: (options: RelayOpenOptions, sessionId: string, ack: (result: RelayResult) => void) => void
  command: (command: RelayCommand) => void
  /**
   * Emit `decodeWire(argsText)`. `pageCorrelationId` is the id the page already gave the emit: the relay
   * rewrites the session's own correlation id to it in the entries it streams. On a `watch` connection the
   * attached app runs it on its own socket (only with `allowEmit`).
   */
  emit: (name: string, argsText: string, options: EmitOptions & { pageCorrelationId?: string }, ack: (result: EmitResult) => void) => void
  answerAck: (correlationId: string, argsText: string, ack: (result: EmitResult) => void) => void
  /**
   * Fault injection and the runtime switches (session/faults.ts): run on the relayed session. The relay
   * checks the command (`parseFaultCommand`) before its worker sees it.
   */
  fault: (command: FaultCommand, ack: (result: EmitResult) => void) => void
  /**
   * Run `diagnoseConnection` in Node (a page's failed `fetch` says nothing about why: refused, closed and a
   * bad certificate look alike there). Needs no open session; the relay connection may carry only this.
   */
  diagnose: (input: RelayDiagnoseInput, ack: (result: RelayDiagnoseResult) => void) => void
}

/** Relay → page (`attachedChanged` after `attachList`). */
export interface RelayServerEvents extends AttachPageServerEvents {
  /** A batch of entries (`encodeEntries`), and the relay's `performance.now()` when it was sent. */
  entries: (text: string, sentMono: number) => void
  /** The session's snapshot (`encodeWire`). */
  state: (text: string) => void
}
