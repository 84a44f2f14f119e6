/**
 * The Engine.IO packets an engine sends and receives over a transport it is only probing: the upgrade probe
 * (`2probe` out, `3probe` in) and the `5` upgrade packet that ends it, for engine.io-client 6.x (under
 * socket.io-client 4) and 3.x (under socket.io-client 2).
 *
 * Why: the engine reports its packets through `packet` (incoming) and `packetCreate` (outgoing), but only for
 * its current transport. The probe runs on a second transport (`_probe` / `probe`: `createTransport(name)`,
 * `transport.send([{ type: 'ping', data: 'probe' }])`, `transport.once('packet', …)`), and once the probe
 * succeeded the engine writes `{ type: 'upgrade' }` straight to that transport: none of the three is reported.
 * Its `upgrading` event comes after the `3probe`, too late to see the `2probe`.
 *
 * How: one hook per engine on `createTransport` (the probe's only way to a transport). Each transport it
 * creates gets a `packet` listener and a wrapped `send` (per instance): a packet counts while the transport is
 * not the engine's current one (the probe), and the `upgrade` packet counts always (the engine sends it right
 * after making the probe transport current). From then on the engine reports that transport itself, so the
 * watch on it ends at the engine's `upgrade` (or when the transport closes, a failed probe).
 *
 * Composes with other hooks on the same method (engine-guard.ts): a disposer restores the method only while
 * it is still this hook; otherwise the hook turns into a plain pass-through.
 *
 * @example
 * const stop = watchProbeFrames(manager.engine, (direction, packet, transport, probe) => {
 *   log(direction, packet.type, packet.data, transport, probe) // 'out' 'ping' 'probe' 'websocket' true
 * })
 * stop() // when the engine is replaced or the session disposed
 */
import type { Disposer } from '../types'

/** An Engine.IO packet as engine.io-client hands it around. */
export interface ProbePacket {
  type: string
  data?: unknown
}

/**
 * One packet on a probe transport. `probe`: sent or received while the transport was still being probed
 * (`2probe`, `3probe`); false for the `upgrade` packet, which goes out once the transport is the engine's.
 */
export type ProbeFrameListener = (direction: 'in' | 'out', packet: ProbePacket, transport: string | undefined, probe: boolean) => void

interface TransportLike {
  name?: string
  send: (packets: ProbePacket[]) => unknown
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off?: (event: string, fn: (...args: any[]) => void) => unknown
  removeListener?: (event: string, fn: (...args: any[]) => void) => unknown
}

interface EngineLike {
  transport?: unknown
  createTransport: (...args: unknown[]) => TransportLike
  on: (event: string, fn: (...args: any[]) => void) => unknown
  off?: (event: string, fn: (...args: any[]) => void) => unknown
  removeListener?: (event: string, fn: (...args: any[]) => void) => unknown
}

interface Watch {
  listeners: Set<ProbeFrameListener>
  restore: () => void
}

const watches = new WeakMap<object, Watch>()

function isEngine(value: unknown): value is EngineLike {
  return !!value && typeof value === 'object' && typeof (value as EngineLike).createTransport === 'function'
    && typeof (value as EngineLike).on === 'function'
}

function offOf(emitter: { off?: EngineLike['off'], removeListener?: EngineLike['removeListener'] }, event: string, fn: (...args: any[]) => void): void {
  if (typeof emitter.off === 'function')
    emitter.off(event, fn)
  else if (typeof emitter.removeListener === 'function')
    emitter.removeListener(event, fn)
}

/**
 * Report the packets of `engine`'s probe transports to `listener` (see the file's comment). Returns the
 * disposer of this listener; the engine is unhooked when its last listener goes. Anything that is not an
 * engine is left alone (the disposer does nothing).
 */
export function watchProbeFrames(engine: unknown, listener: ProbeFrameListener): Disposer {
  if (!isEngine(engine))
    return () => {}
  let watch = watches.get(engine)
  if (!watch) {
    watch = installWatch(engine)
    watches.set(engine, watch)
  }
  const w = watch
  w.listeners.add(listener)
  return () => {
    w.listeners.delete(listener)
    if (w.listeners.size === 0 && watches.get(engine) === w) {
      watches.delete(engine)
      w.restore()
    }
  }
}

function installWatch(engine: EngineLike): Watch {
  const watch: Watch = { listeners: new Set(), restore: () => {} }
  let active = true
  const unwatchers = new Map<TransportLike, () => void>()

  const report = (direction: 'in' | 'out', packet: ProbePacket, transport: TransportLike, probe: boolean): void => {
    for (const listener of [...watch.listeners]) {
      try {
        listener(direction, packet, transport.name, probe)
      }
      catch (err) {
        // A listener's failure must not escape into engine.io-client's transport callbacks.
        console.error('[sio-inspector] a probe frame listener threw:', err)
      }
    }
  }

  const watchTransport = (transport: TransportLike): void => {
    if (!transport || typeof transport.send !== 'function' || typeof transport.on !== 'function' || unwatchers.has(transport))
      return
    // Per transport: a wrapper that another hook keeps on top stays in place, but says nothing.
    let live = true
    const onPacket = (packet: ProbePacket): void => {
      if (live && active && engine.transport !== transport && packet)
        report('in', packet, transport, true)
    }
    const ownSend = Object.prototype.hasOwnProperty.call(transport, 'send')
    const originalSend = transport.send
    const send = function watchedSend(this: TransportLike, packets: ProbePacket[]): unknown {
      if (live && active && Array.isArray(packets)) {
        const probing = engine.transport !== transport
        for (const p of packets) {
          // While probing every packet is the probe's; afterwards the engine reports its own (packetCreate)
          // except the upgrade packet, which it writes to the transport directly.
          if (p && (probing || p.type === 'upgrade'))
            report('out', p, transport, probing)
        }
      }
      return originalSend.call(this, packets)
    }
    transport.send = send
    transport.on('packet', onPacket)
    const unwatch = (): void => {
      if (!unwatchers.delete(transport))
        return
      live = false
      offOf(transport, 'packet', onPacket)
      offOf(transport, 'close', unwatch)
      if (transport.send === send) {
        if (ownSend)
          transport.send = originalSend
        else
          delete (transport as Partial<TransportLike>).send
      }
    }
    unwatchers.set(transport, unwatch)
    // A failed probe closes its transport: nothing more to see on it.
    transport.on('close', unwatch)
  }

  // The engine's `upgrade` comes right after the upgrade packet was written: the engine reports that
  // transport from now on.
  const onUpgrade = (transport: TransportLike): void => {
    unwatchers.get(transport)?.()
  }
  engine.on('upgrade', onUpgrade)

  const ownCreate = Object.prototype.hasOwnProperty.call(engine, 'createTransport')
  const originalCreate = engine.createTransport
  const create = function watchedCreateTransport(this: EngineLike, ...args: unknown[]): TransportLike {
    const transport = originalCreate.apply(this, args)
    if (active)
      watchTransport(transport)
    return transport
  }
  engine.createTransport = create

  watch.restore = () => {
    active = false
    offOf(engine, 'upgrade', onUpgrade)
    for (const unwatch of [...unwatchers.values()]) unwatch()
    // Another hook may sit on top of this one, or may have removed it: restore only what is still ours.
    if (engine.createTransport === create) {
      if (ownCreate)
        engine.createTransport = originalCreate
      else
        delete (engine as Partial<EngineLike>).createTransport
    }
  }
  return watch
}
