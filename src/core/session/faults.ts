/**
 * Fault injection (issue 13, item 3): what the Faults panel asks of a live session, checked in one place
 * (the relay's Node side validates the page's commands with `parseFaultCommand`), the words the log uses
 * for them, and the session's bookkeeping of the faults in force (`FaultBook`).
 *
 * Each fault does what the network or the server would and lets socket.io react; the entries that follow
 * (`disconnect`, `reconnect_attempt`, `reconnect_error`, …) are socket.io's own, reported by the client
 * adapter (clients/adapter.ts, `ClientFaults`). Only the network's answer is injected:
 * - drop the transport: `engine.transport.close()` → the engine closes with `transport close`;
 * - stop answering pings: v4 (the server pings) swallows our outgoing `pong`s in the engine, so the server
 *   ends the session with `ping timeout`; EIO3 (socket.io 2, the client pings) does not send its pings;
 * - offline N s: drop the transport, and while the window lasts every new engine is made with no transport
 *   at all, so it fails before anything goes on the wire (as an unreachable network would, without the
 *   wait); its error is worded as the injected outage;
 * - reconnection on/off: the Manager's own `reconnection(bool)`;
 * - queue while offline: emits while disconnected go into socket.io's own `sendBuffer` and are flushed by it
 *   on reconnect.
 *
 * @example
 * const cmd = parseFaultCommand({ t: 'inject', fault: { kind: 'offline', seconds: 5 } })
 * runFaultCommand(session, cmd) // { ok: true }
 */
import type { EmitResult, Fault, FaultState, QueuedEmit, SessionSource } from '../types'

/** Shortest and longest offline window (s): long enough to see, short enough to never strand a session. */
export const OFFLINE_MIN_SECONDS = 0.1
export const OFFLINE_MAX_SECONDS = 600
/** What the Faults panel offers unless the user types another duration. */
export const DEFAULT_OFFLINE_SECONDS = 5

/** A fault command as the page sends it to the relay (and the relay's worker runs it). */
export type FaultCommand
  = | { readonly t: 'inject', readonly fault: Fault }
    | { readonly t: 'reconnection', readonly on: boolean }
    | { readonly t: 'queue', readonly on: boolean }

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Check a fault (it is input: the relay gets it from a page). Throws a TypeError that names the problem.
 * @example parseFault({ kind: 'offline', seconds: 5 }) // { kind: 'offline', seconds: 5 }
 */
export function parseFault(raw: unknown): Fault {
  if (!isRecord(raw) || typeof raw.kind !== 'string')
    throw new TypeError('fault: expected an object with a kind')
  switch (raw.kind) {
    case 'drop-transport':
      return { kind: 'drop-transport' }
    case 'online':
      return { kind: 'online' }
    case 'stop-pings':
      if (typeof raw.on !== 'boolean')
        throw new TypeError('fault stop-pings: `on` must be a boolean')
      return { kind: 'stop-pings', on: raw.on }
    case 'offline': {
      const s = raw.seconds
      if (typeof s !== 'number' || !Number.isFinite(s) || s < OFFLINE_MIN_SECONDS || s > OFFLINE_MAX_SECONDS)
        throw new TypeError(`fault offline: seconds must be a number from ${OFFLINE_MIN_SECONDS} to ${OFFLINE_MAX_SECONDS}`)
      return { kind: 'offline', seconds: s }
    }
    default:
      throw new TypeError(`fault: unknown kind ${JSON.stringify(raw.kind).slice(0, 60)} (use drop-transport, stop-pings, offline or online)`)
  }
}

/** Check a relayed fault command (see `parseFault`). Throws a TypeError that names the problem. */
export function parseFaultCommand(raw: unknown): FaultCommand {
  if (!isRecord(raw))
    throw new TypeError('fault command: expected an object')
  if (raw.t === 'inject')
    return { t: 'inject', fault: parseFault(raw.fault) }
  if (raw.t === 'reconnection' || raw.t === 'queue') {
    if (typeof raw.on !== 'boolean')
      throw new TypeError(`fault command ${raw.t}: \`on\` must be a boolean`)
    return { t: raw.t, on: raw.on }
  }
  throw new TypeError('fault command: t must be "inject", "reconnection" or "queue"')
}

/** Run a checked fault command on a session. */
export function runFaultCommand(session: SessionSource, command: FaultCommand): EmitResult {
  switch (command.t) {
    case 'inject': return session.injectFault(command.fault)
    case 'reconnection': return session.setReconnection(command.on)
    case 'queue': return session.setQueueWhileOffline(command.on)
  }
}

/** What read-only and closed sessions answer, and the refusals of the faults themselves. */
export const FAULT_REFUSALS = {
  noTransport: 'Nothing to drop: the session has no open transport (connect first).',
  notLive: 'Faults need a live connection: this session has none.',
} as const

/** The error a connection attempt fails with during an injected outage (socket.io logs it as its own). */
export function offlineError(secondsLeft: number): Error {
  return new Error(`network unreachable: injected outage (offline, ${Math.max(0, secondsLeft).toFixed(1)} s left)`)
}

/** Explanation of a disconnect caused by an injected fault, or `undefined` when no fault explains it. */
export function faultDisconnectExplanation(
  cause: 'drop' | 'offline' | 'heartbeat',
  pinger: 'server' | 'client',
  reason: string,
  willReconnect: boolean,
): string {
  const then = willReconnect ? 'socket.io reconnects by itself.' : 'reconnection is off, so the session stays disconnected.'
  switch (cause) {
    case 'drop':
      return `The transport was dropped by an injected fault (engine.transport.close(), as a network loss would): ${reason}; ${then}`
    case 'offline':
      return `The transport was dropped by an injected outage (offline): ${reason}; every attempt fails until the window ends, then ${then}`
    case 'heartbeat':
      return pinger === 'server'
        ? `The server stopped waiting for our pong (ping timeout on its side: the injected fault holds our pongs) and closed the connection: ${reason}; ${then}`
        : `The heartbeat timed out: the injected fault holds the client's pings (EIO3: the client pings), so no pong came back and the server heard nothing (whichever side's timer ran out first ended it): ${reason}; ${then}`
  }
}

/**
 * The faults in force on one session, and its emits waiting in socket.io's send buffer. The offline
 * window's timer is here; the session is told when it ends (`onOnline`).
 */
export class FaultBook {
  heartbeatHeld = false
  offlineUntil: number | undefined
  queueWhileOffline = false
  /** Set by a drop/outage until the disconnect it causes is logged (its explanation names the fault). */
  pendingCause: 'drop' | 'offline' | undefined
  private readonly queued: QueuedEmit[] = []
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly onOnline: () => void) {}

  /** Start (or extend) the offline window. */
  goOffline(seconds: number): void {
    this.offlineUntil = Date.now() + seconds * 1000
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.goOnline(), seconds * 1000)
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  /** End the offline window (its timer, or `{ kind: 'online' }`). No-op when not offline. */
  goOnline(): void {
    if (this.offlineUntil === undefined)
      return
    clearTimeout(this.timer)
    this.timer = undefined
    this.offlineUntil = undefined
    this.onOnline()
  }

  get offline(): boolean { return this.offlineUntil !== undefined }

  /** Seconds left of the window (0 when not offline). */
  secondsLeft(): number {
    return this.offlineUntil === undefined ? 0 : (this.offlineUntil - Date.now()) / 1000
  }

  addQueued(q: QueuedEmit): void {
    this.queued.push(q)
  }

  /** Forget a queued emit (flushed, or dropped by its ack timeout); returns it when it was queued. */
  takeQueued(entryId: number): QueuedEmit | undefined {
    const at = this.queued.findIndex(q => q.entryId === entryId)
    return at < 0 ? undefined : this.queued.splice(at, 1)[0]
  }

  state(reconnection: boolean): FaultState {
    return Object.freeze({
      heartbeatHeld: this.heartbeatHeld,
      offlineUntil: this.offlineUntil,
      reconnection,
      queueWhileOffline: this.queueWhileOffline,
      sendBuffer: Object.freeze([...this.queued]),
    })
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.queued.length = 0
  }
}
