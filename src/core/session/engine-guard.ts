/**
 * A guard around one engine.io-client engine (6.x under socket.io-client 4, 3.x under socket.io-client 2), so
 * that what a server sends cannot throw out of the library.
 *
 * Why: engine.io-client handles every incoming packet synchronously inside a transport callback (the
 * WebSocket's `onmessage`, the polling request's `onload`) and trusts the open packet: `JSON.parse(data)` on
 * cut JSON throws, a non-object or a string `upgrades` throws a TypeError. Nothing catches that: a page gets
 * an uncaught error and a session stuck in "connecting", a Node process (the relay) exits.
 *
 * Where: both versions deliver each decoded packet through the transport's `onPacket(packet)`, called as a
 * method (`this.onPacket(packet)` in `Transport.onData` and `Polling.onData`), which emits `packet` to the
 * engine. The engine binds its own handler when it sets the transport (6.x: `this._onPacket.bind(this)` in
 * `setTransport`, already done in its constructor), so the engine's method cannot be replaced for the first
 * transport; the transport's `onPacket` can. The guard replaces it on the engine's current transport and on
 * every transport the engine creates later (`createTransport`, used for the upgrade probe), so:
 * - an `open` packet is checked with `readOpenPacket` first; a malformed one never reaches the library;
 * - anything the library (or a listener behind it) throws while handling a packet is caught.
 * Either way the engine is done: the guard reports once and lets no later packet through, and the session
 * closes its socket (a reconnection would meet the same server).
 *
 * Several sessions may share one engine (a v4 Manager with `forceNew: false`): one guard per engine, one
 * report to each of them.
 *
 * @example
 * const unguard = guardEngine(manager.engine, (fault, packet) => session.endWithFault(fault, packet))
 * // later, when the engine is replaced or the session disposed:
 * unguard()
 */
import type { Disposer } from '../types'
import { CLIENT_LIBRARY_ERROR, MALFORMED_HANDSHAKE, malformedHandshakeData, readOpenPacket } from '../diagnose/handshake'
import { errorMessage } from './shared'

/** An incoming Engine.IO packet as engine.io-parser decodes it. */
export interface EnginePacketLike {
  type: string
  data?: unknown
}

/** What ended the engine. */
export type EngineFault
  = | { kind: 'malformed-open', problem: string }
    | { kind: 'threw', error: unknown, packetType: string }

export type EngineFaultListener = (fault: EngineFault, packet: EnginePacketLike) => void

interface TransportLike {
  onPacket: (packet: EnginePacketLike) => void
}

interface EngineLike {
  transport?: TransportLike
  createTransport: (...args: unknown[]) => TransportLike
}

interface Guard {
  listeners: Set<EngineFaultListener>
  faulted: boolean
  restore: () => void
}

const guards = new WeakMap<object, Guard>()

function isEngine(value: unknown): value is EngineLike {
  return !!value && typeof value === 'object' && typeof (value as EngineLike).createTransport === 'function'
}

/**
 * Guard `engine` (see the file's comment) and report its fault to `listener`, once. Returns the disposer of
 * this listener; the engine is unwrapped when its last listener goes. An object that is not an engine is left
 * alone (the disposer does nothing).
 */
export function guardEngine(engine: unknown, listener: EngineFaultListener): Disposer {
  if (!isEngine(engine))
    return () => {}
  let guard = guards.get(engine)
  if (!guard) {
    guard = installGuard(engine)
    guards.set(engine, guard)
  }
  const g = guard
  g.listeners.add(listener)
  return () => {
    g.listeners.delete(listener)
    if (g.listeners.size === 0 && guards.get(engine) === g) {
      guards.delete(engine)
      g.restore()
    }
  }
}

function installGuard(engine: EngineLike): Guard {
  const guard: Guard = { listeners: new Set(), faulted: false, restore: () => {} }
  const wrapped: Array<{ transport: TransportLike, own: boolean, original: TransportLike['onPacket'] }> = []

  const report = (fault: EngineFault, packet: EnginePacketLike): void => {
    guard.faulted = true
    for (const listener of [...guard.listeners]) {
      try {
        listener(fault, packet)
      }
      catch (err) {
        // A listener's own failure must not escape into the library's callback either.
        console.error('[sio-inspector] an engine fault listener threw:', err)
      }
    }
  }

  const wrap = (transport: TransportLike | undefined): void => {
    if (!transport || typeof transport.onPacket !== 'function' || wrapped.some(w => w.transport === transport))
      return
    const own = Object.prototype.hasOwnProperty.call(transport, 'onPacket')
    const original = transport.onPacket
    wrapped.push({ transport, own, original })
    transport.onPacket = function guardedOnPacket(this: TransportLike, packet: EnginePacketLike) {
      if (guard.faulted)
        return
      if (packet && packet.type === 'open') {
        const reading = readOpenPacket(packet.data)
        if (!reading.ok) {
          report({ kind: 'malformed-open', problem: reading.problem }, packet)
          return
        }
      }
      try {
        original.call(this, packet)
      }
      catch (error) {
        report({ kind: 'threw', error, packetType: String(packet?.type) }, packet)
      }
    }
  }

  wrap(engine.transport)
  const ownCreate = Object.prototype.hasOwnProperty.call(engine, 'createTransport')
  const originalCreate = engine.createTransport
  engine.createTransport = function guardedCreateTransport(this: EngineLike, ...args: unknown[]) {
    const transport = originalCreate.apply(this, args)
    wrap(transport)
    return transport
  }

  guard.restore = () => {
    for (const w of wrapped.splice(0)) {
      if (w.own)
        w.transport.onPacket = w.original
      else
        delete (w.transport as Partial<TransportLike>).onPacket
    }
    if (ownCreate)
      engine.createTransport = originalCreate
    else
      delete (engine as Partial<EngineLike>).createTransport
  }
  return guard
}

/** The `connect_error` a session records for a fault (the same for the v4 and v2 sessions). */
export interface FaultReport {
  message: string
  data: unknown
  description: string
}

/**
 * Words for a fault: a malformed open packet is `MALFORMED_HANDSHAKE` with the evidence as `data` (the
 * diagnosis shows it); a throw is `CLIENT_LIBRARY_ERROR` with the error's message.
 *
 * @example describeFault({ kind: 'malformed-open', problem: 'the open packet has no "sid"' }, { type: 'open', data: '{}' }).message // 'malformed handshake'
 */
export function describeFault(fault: EngineFault, packet: EnginePacketLike): FaultReport {
  if (fault.kind === 'malformed-open') {
    const data = malformedHandshakeData(fault.problem, packet.data)
    return {
      message: MALFORMED_HANDSHAKE,
      data,
      description: `The server's first packet (Engine.IO's open packet) is malformed: ${fault.problem}. socket.io-client would throw on it `
        + 'or misbehave, so the inspector closed the connection (no reconnection: the server would send the same packet).',
    }
  }
  const reason = errorMessage(fault.error)
  return {
    message: CLIENT_LIBRARY_ERROR,
    data: { packetType: fault.packetType, error: reason.length > 300 ? `${reason.slice(0, 300)}…` : reason },
    description: `socket.io-client threw while handling a "${fault.packetType}" packet from the server (${reason.length > 300 ? `${reason.slice(0, 300)}…` : reason}); `
      + 'the inspector closed the connection instead of letting the error escape.',
  }
}
