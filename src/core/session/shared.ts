/**
 * Helpers and defaults shared by the sessions (`LiveSession` over its client adapters, and the page side of
 * the relay, `RelaySession`): one place for what they must do the same way (refusal wording, state
 * listeners, error text, plain error details, frame sizes, default timeouts).
 */
import type { Disposer, SessionEvents, SessionSnapshot } from '../types'
import { RESERVED_EVENTS } from '../composer/parse'
import { RESERVED_EVENTS_V2 } from './reserved-v2'

export { plainDetail } from '../util/plain-detail'
export { utf8Length } from '../util/utf8'

/** What a closed session answers to emit and answerAck. */
export const DISPOSED_ERROR = 'This session is closed (disposed).'

/**
 * Why an emit is refused before any socket is involved (closed session, empty or reserved name), or
 * `undefined`. `client` picks the reserved names: a 2.x client reserves more of them.
 */
export function emitRefusal(disposed: boolean, name: unknown, client: 'v4' | 'v2'): string | undefined {
  if (disposed)
    return DISPOSED_ERROR
  if (typeof name !== 'string' || name === '')
    return 'The event name is empty.'
  if (client === 'v2' ? RESERVED_EVENTS_V2.has(name) : RESERVED_EVENTS.includes(name))
    return `"${name}" is reserved by Socket.IO${client === 'v2' ? ' (2.x)' : ''} and cannot be emitted.`
  return undefined
}

/**
 * Why an emit is refused when the session is not connected. Socket.IO would buffer the packet and send it
 * on the next connection; the inspector refuses, so the user sees it was not sent.
 */
export function notSentError(everConnected: boolean, status: string): string {
  return everConnected
    ? `Not sent: the session is ${status}. Socket.IO would buffer it until the next connection; the inspector does not.`
    : 'Not sent: the session has never connected. Connect first.'
}

/** What `answerAck` answers for a correlation id that is not pending. */
export function noPendingAckError(correlationId: string): string {
  return `No pending ack request ${correlationId} (already answered, expired, or unknown).`
}

/** A session's `state` listeners: `on('state')`, and a notify that one throwing listener cannot break. */
export class StateListeners {
  private readonly listeners = new Set<SessionEvents['state']>()

  on<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): Disposer {
    if (event !== 'state')
      return () => {}
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  emit(snapshot: SessionSnapshot): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(snapshot)
      }
      catch (err) {
        console.error('[sio-inspector] a session state listener threw:', err)
      }
    }
  }

  clear(): void {
    this.listeners.clear()
  }
}

/** Per-entry overhead counted on top of the payload estimate (object header + fields). */
export const ENTRY_OVERHEAD = 120
/** How long an emit waits for its ack unless the user says otherwise. */
export const DEFAULT_ACK_TIMEOUT_MS = 10_000
/** How long a server's ack request waits for the user's answer unless configured. */
export const DEFAULT_SERVER_ACK_TIMEOUT_MS = 60_000

/** The message of anything thrown or passed as an error (Error, `{message}`, string, other). */
export function errorMessage(err: unknown): string {
  if (typeof err === 'string')
    return err
  if (err instanceof Error)
    return err.message
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string')
    return (err as { message: string }).message
  return String(err)
}

/** Minimal emitter shape shared by socket.io-client's Manager, Socket and engine.io-client's Socket. */
export interface Emitterish {
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off: (event: string, fn?: (...args: any[]) => void) => unknown
}

/** Listen to one event; the disposer removes exactly that listener. */
export function on(emitter: Emitterish, event: string, fn: (...args: any[]) => void): Disposer {
  emitter.on(event, fn)
  return () => {
    emitter.off(event, fn)
  }
}
