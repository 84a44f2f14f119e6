/**
 * The late-heartbeat watch of a live session (issue 12 item 10): a frozen server leaves the tab saying
 * "connected" until socket.io-client gives up (pingInterval + pingTimeout: 45 s by default). Once no
 * packet has arrived for longer than the heartbeat period plus a margin, the session's snapshot says so
 * (`heartbeat.noPacketSince`), and stops saying so when packets come again.
 *
 * Who pings: Engine.IO v4 (socket.io 3/4) the server, every pingInterval; EIO3 (socket.io 2) the client,
 * every pingInterval, and the server answers with a pong. Either way a healthy connection brings an
 * incoming packet at least every pingInterval (plus a round trip).
 *
 * Cost on the hot path: one clock read and one branch per incoming packet. The snapshot changes (a state
 * event) only when lateness begins or ends, never per packet; while on time one timer is pending, re-armed
 * at most once per late-after period. The UI counts the seconds itself from `noPacketSince`.
 *
 * @example
 * const watch = new HeartbeatWatch('server', () => session.publish())
 * engineSubs.push(watch.watch(engine)) // handshake → start; packet → on time; close → stop
 * snapshot.heartbeat = watch.state()
 */
import type { Disposer, HeartbeatState } from '../types'

/**
 * How long without an incoming packet before the heartbeat is late: pingInterval plus a margin for
 * latency and a busy server (10%, at least 1 s). Default socket.io settings (25 s): 27.5 s, well before the
 * client's own "ping timeout" at 45 s.
 */
export function heartbeatLateAfterMs(pingInterval: number): number {
  return pingInterval + Math.max(1000, Math.round(pingInterval / 10))
}

/** What of an engine the watch listens to (engine.io-client 6.x and 3.x alike). */
interface EngineEmitter {
  on: (event: string, listener: (...args: any[]) => void) => unknown
  off: (event: string, listener: (...args: any[]) => void) => unknown
  readyState?: string
}

/** The engine's ping settings once open: `_pingInterval` (engine.io-client 6.x), `pingInterval` (3.x). */
function openSettings(engine: EngineEmitter): { pingInterval: unknown, pingTimeout: unknown } | undefined {
  if (engine.readyState !== 'open')
    return undefined
  const e = engine as unknown as Record<string, unknown>
  const pingInterval = typeof e._pingInterval === 'number' && e._pingInterval > 0 ? e._pingInterval : e.pingInterval
  const pingTimeout = typeof e._pingTimeout === 'number' && e._pingTimeout > 0 ? e._pingTimeout : e.pingTimeout
  return { pingInterval, pingTimeout }
}

const timeOrigin = performance.timeOrigin

export class HeartbeatWatch {
  private settings: { pingInterval: number, pingTimeout: number, lateAfterMs: number } | undefined
  /** `performance.now()` of the last incoming packet. */
  private lastIn = 0
  private late = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private current: HeartbeatState | undefined

  /** `onChange` runs when the state changes: lateness begins or ends, the watched engine closes. */
  constructor(private readonly pinger: HeartbeatState['pinger'], private readonly onChange: () => void) {}

  /**
   * Follow one engine: its handshake (or its settings, when it was open already: a shared Manager) starts
   * the watch, every incoming packet counts, its close ends the watch. The disposer stops it silently.
   */
  watch(engine: EngineEmitter): Disposer {
    const onHandshake = (data: { pingInterval?: unknown, pingTimeout?: unknown } | undefined): void => {
      this.start(data?.pingInterval, data?.pingTimeout)
    }
    const onPacket = (): void => {
      this.packet()
    }
    const onClose = (): void => {
      if (this.stop())
        this.onChange()
    }
    engine.on('handshake', onHandshake)
    engine.on('packet', onPacket)
    engine.on('close', onClose)
    const open = openSettings(engine)
    if (open)
      this.start(open.pingInterval, open.pingTimeout)
    return () => {
      engine.off('handshake', onHandshake)
      engine.off('packet', onPacket)
      engine.off('close', onClose)
      this.stop()
    }
  }

  /** The hot path: one incoming Engine.IO packet. */
  packet(): void {
    this.lastIn = performance.now()
    if (this.late) {
      this.late = false
      this.current = undefined
      this.arm(this.settings!.lateAfterMs)
      this.onChange()
    }
  }

  /** Start watching with the handshake's settings (ignored unless they are positive numbers). */
  start(pingInterval: unknown, pingTimeout: unknown): void {
    if (typeof pingInterval !== 'number' || !Number.isFinite(pingInterval) || pingInterval <= 0)
      return
    const timeout = typeof pingTimeout === 'number' && Number.isFinite(pingTimeout) && pingTimeout >= 0 ? pingTimeout : 0
    this.settings = { pingInterval, pingTimeout: timeout, lateAfterMs: heartbeatLateAfterMs(pingInterval) }
    this.lastIn = performance.now()
    this.late = false
    this.current = undefined
    this.arm(this.settings.lateAfterMs)
  }

  /** Stop watching; true when there was something to stop (the state changed). */
  stop(): boolean {
    clearTimeout(this.timer)
    this.timer = undefined
    const had = this.settings !== undefined
    this.settings = undefined
    this.late = false
    this.current = undefined
    return had
  }

  /** For the snapshot: the settings and, while late, when the last packet came (ms since the epoch). */
  state(): HeartbeatState | undefined {
    if (!this.settings)
      return undefined
    this.current ??= Object.freeze({
      pingInterval: this.settings.pingInterval,
      pingTimeout: this.settings.pingTimeout,
      pinger: this.pinger,
      lateAfterMs: this.settings.lateAfterMs,
      noPacketSince: this.late ? Math.round(timeOrigin + this.lastIn) : undefined,
    })
    return this.current
  }

  private arm(ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(this.check, Math.max(1, ms))
    // A Node process (the relay, tests) is not kept alive by the watch.
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  private readonly check = (): void => {
    this.timer = undefined
    const settings = this.settings
    if (!settings)
      return
    const silent = performance.now() - this.lastIn
    if (silent < settings.lateAfterMs) {
      this.arm(settings.lateAfterMs - silent)
      return
    }
    // No timer while late: the next packet ends it (`packet`), the engine's close or a new engine stops it.
    this.late = true
    this.current = undefined
    this.onChange()
  }
}
