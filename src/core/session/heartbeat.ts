/**
 * The handshake and heartbeat of a live session's engine (issue 12 item 10, issue 13 item 2): what the
 * Engine.IO open packet said (`sid`, `pingInterval`, `pingTimeout`, `maxPayload`, `upgrades`), the current
 * transport, the heartbeat as measured, when the last packet came, and whether the heartbeat is late. A
 * frozen server leaves the tab saying "connected" until socket.io-client gives up (pingInterval +
 * pingTimeout: 45 s by default); once no packet has arrived for longer than the heartbeat period plus a
 * margin, the session's snapshot says so (`heartbeat.noPacketSince`), and stops saying so when packets come
 * again.
 *
 * Who pings: Engine.IO v4 (socket.io 3/4) the server, every pingInterval; EIO3 (socket.io 2) the client,
 * every pingInterval, and the server answers with a pong. Either way a healthy connection brings an
 * incoming packet at least every pingInterval (plus a round trip). What is measured follows: v4 the
 * interval between the server's pings (engine `ping`, emitted after the `packet` of type ping), EIO3 the
 * round trip from the client's ping (engine `ping`, once the packet is flushed) to the server's pong.
 *
 * Cost on the hot path: one clock read and one branch per incoming packet, as before the panel existed. The
 * heartbeat itself (a ping or pong, seconds apart) reuses that clock read, records a sample and changes the
 * state (one state event); lateness beginning or ending, an upgrade and the engine's close do too; other
 * packets never. While on time one timer is pending, re-armed at most once per late-after period. The UI
 * counts the seconds itself from `noPacketSince` / `lastPacketAt`.
 *
 * @example
 * const watch = new HeartbeatWatch('server', () => session.publish())
 * engineSubs.push(watch.watch(engine)) // handshake → start; packet → on time; ping → a sample; close → stop
 * snapshot.heartbeat = watch.state()
 * heartbeatWarning(snapshot.heartbeat!) // 'no ping for 31 s, expected every 25 s + 20 s timeout' while late
 */
import type { Disposer, HeartbeatMeasure, HeartbeatState, TransportName } from '../types'

/**
 * How long without an incoming packet before the heartbeat is late: pingInterval plus a margin for
 * latency and a busy server (10%, at least 1 s). Default socket.io settings (25 s): 27.5 s, well before the
 * client's own "ping timeout" at 45 s.
 */
export function heartbeatLateAfterMs(pingInterval: number): number {
  return pingInterval + Math.max(1000, Math.round(pingInterval / 10))
}

/** Samples kept for the mean and jitter: about 8 minutes of default (25 s) heartbeats. */
export const HEARTBEAT_WINDOW = 20

/** `25000` → `"25"`, `500` → `"0.5"`, `1250` → `"1.3"`: seconds as the panel and the warning write them. */
export function heartbeatSeconds(ms: number): string {
  const s = ms / 1000
  return Number.isInteger(s) ? String(s) : s.toFixed(1)
}

/**
 * The late warning's text, or undefined while the heartbeat is on time. The silence counts from the last
 * heartbeat (the server's ping; for EIO3 its pong), or from the handshake when none came yet.
 *
 * @example
 * heartbeatWarning(state, Date.now()) // 'no ping for 31 s, expected every 25 s + 20 s timeout'
 */
export function heartbeatWarning(hb: HeartbeatState, now: number = Date.now()): string | undefined {
  if (hb.noPacketSince === undefined)
    return undefined
  const beat = hb.pinger === 'server' ? 'ping' : 'pong'
  const silent = Math.max(0, Math.floor((now - (hb.lastBeatAt ?? hb.openedAt)) / 1000))
  return `no ${beat} for ${silent} s, expected every ${heartbeatSeconds(hb.pingInterval)} s + ${heartbeatSeconds(hb.pingTimeout)} s timeout`
}

/** What of an engine the watch listens to (engine.io-client 6.x and 3.x alike). */
interface EngineEmitter {
  on: (event: string, listener: (...args: any[]) => void) => unknown
  off: (event: string, listener: (...args: any[]) => void) => unknown
  readyState?: string
}

/** What the open packet carries (`0{"sid":…}`); anything else in it is ignored. */
interface Handshake {
  sid?: unknown
  upgrades?: unknown
  pingInterval?: unknown
  pingTimeout?: unknown
  maxPayload?: unknown
}

/**
 * The open packet's fields, read back from an engine that is open already (a shared Manager):
 * engine.io-client 6.x keeps them as `_pingInterval`, `_pingTimeout`, `_maxPayload`, `_upgrades`; 3.x as
 * `pingInterval`, `pingTimeout`, `upgrades` (no maxPayload). The upgrades are the ones the client kept
 * (those in its own transports), the closest the engine still knows.
 */
function openHandshake(engine: EngineEmitter): Handshake | undefined {
  if (engine.readyState !== 'open')
    return undefined
  const e = engine as unknown as Record<string, unknown>
  const pick = (modern: string, old: string): unknown => typeof e[modern] === 'number' && (e[modern] as number) > 0 ? e[modern] : e[old]
  return {
    sid: e.id,
    upgrades: Array.isArray(e._upgrades) ? e._upgrades : e.upgrades,
    pingInterval: pick('_pingInterval', 'pingInterval'),
    pingTimeout: pick('_pingTimeout', 'pingTimeout'),
    maxPayload: e._maxPayload,
  }
}

function transportOf(engine: EngineEmitter): TransportName | undefined {
  const name = (engine as { transport?: { name?: unknown } }).transport?.name
  return isTransport(name) ? name : undefined
}

function isTransport(v: unknown): v is TransportName {
  return v === 'polling' || v === 'websocket' || v === 'webtransport'
}

const timeOrigin = performance.timeOrigin

/** What the handshake said, kept as the state reports it. */
interface Settings {
  readonly pingInterval: number
  readonly pingTimeout: number
  readonly lateAfterMs: number
  readonly sid: string | undefined
  readonly upgrades: readonly string[]
  readonly maxPayload: number | undefined
  /** `performance.now()` of the open packet. */
  readonly openedMono: number
}

export interface HeartbeatWatchOptions {
  /** Samples kept for the mean and jitter. @default HEARTBEAT_WINDOW (20) */
  window?: number
}

export class HeartbeatWatch {
  private settings: Settings | undefined
  private transport: TransportName | undefined
  /** `performance.now()` of the last incoming packet. */
  private lastIn = 0
  /** `performance.now()` of the last heartbeat (ping in, or EIO3 pong in); 0: none yet. */
  private lastBeat = 0
  /** EIO3: `performance.now()` of the client's last ping, until its pong; 0: none outstanding. */
  private pingSent = 0
  private late = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private current: HeartbeatState | undefined
  /** `lastIn` when `current` was built: `lastPacketAt` is as of the snapshot that asks. */
  private currentLastIn = 0
  /** Ring of the newest samples (ms); `count` of them are filled, the next goes to `next`. */
  private readonly samples: Float64Array
  private count = 0
  private next = 0

  /**
   * `onChange` runs when the state changes: the engine opens (a handshake), upgrades or closes, a heartbeat
   * comes, lateness begins or ends.
   */
  constructor(private readonly pinger: HeartbeatState['pinger'], private readonly onChange: () => void, options: HeartbeatWatchOptions = {}) {
    const size = options.window ?? HEARTBEAT_WINDOW
    if (!Number.isInteger(size) || size < 1 || size > 10_000)
      throw new RangeError(`HeartbeatWatch: window must be a whole number from 1 to 10000, got ${String(size)}`)
    this.samples = new Float64Array(size)
  }

  /**
   * Follow one engine: its handshake (or its fields, when it was open already: a shared Manager) starts
   * the watch, every incoming packet counts, the heartbeat is measured, an upgrade changes the transport,
   * its close ends the watch. The disposer stops it silently.
   */
  watch(engine: EngineEmitter): Disposer {
    const onHandshake = (data: Handshake | undefined): void => {
      this.transport = transportOf(engine)
      this.start(data?.pingInterval, data?.pingTimeout, data)
      // The open packet's fields reach the snapshot now, before the Socket.IO CONNECT (or its refusal).
      if (this.settings)
        this.onChange()
    }
    const onPacket = (): void => {
      this.packet()
    }
    const onClose = (): void => {
      if (this.stop())
        this.onChange()
    }
    const onUpgrade = (t: { name?: unknown } | undefined): void => {
      const name = isTransport(t?.name) ? t.name : transportOf(engine)
      if (name === this.transport)
        return
      this.transport = name
      this.current = undefined
      if (this.settings)
        this.onChange()
    }
    // v4: `ping` is the server's ping, just received (after its `packet`). EIO3: `ping` is the client's own,
    // flushed to the transport, and `pong` the server's answer (after its `packet`).
    const onPing = (): void => {
      if (this.pinger === 'server')
        this.beat(this.lastBeat === 0 ? undefined : this.lastIn - this.lastBeat)
      else
        this.pingSent = performance.now()
    }
    const onPong = (): void => {
      if (this.pinger === 'server')
        return // v4: the client's own answer, sent
      const sent = this.pingSent
      this.pingSent = 0
      this.beat(sent === 0 ? undefined : this.lastIn - sent)
    }
    engine.on('handshake', onHandshake)
    engine.on('packet', onPacket)
    engine.on('ping', onPing)
    engine.on('pong', onPong)
    engine.on('upgrade', onUpgrade)
    engine.on('close', onClose)
    const open = openHandshake(engine)
    // Already open (a shared Manager): the caller publishes once it is attached.
    if (open) {
      this.transport = transportOf(engine)
      this.start(open.pingInterval, open.pingTimeout, open)
    }
    return () => {
      engine.off('handshake', onHandshake)
      engine.off('packet', onPacket)
      engine.off('ping', onPing)
      engine.off('pong', onPong)
      engine.off('upgrade', onUpgrade)
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

  /**
   * Start watching with the handshake's settings (ignored unless pingInterval is a positive number).
   * `handshake` holds the rest of the open packet (`sid`, `upgrades`, `maxPayload`).
   */
  start(pingInterval: unknown, pingTimeout: unknown, handshake: Omit<Handshake, 'pingInterval' | 'pingTimeout'> = {}): void {
    if (typeof pingInterval !== 'number' || !Number.isFinite(pingInterval) || pingInterval <= 0)
      return
    const timeout = typeof pingTimeout === 'number' && Number.isFinite(pingTimeout) && pingTimeout >= 0 ? pingTimeout : 0
    const now = performance.now()
    // The open packet is server data: keep only what has the documented shape.
    const upgrades = Array.isArray(handshake.upgrades) ? handshake.upgrades.filter((u): u is string => typeof u === 'string') : []
    const maxPayload = typeof handshake.maxPayload === 'number' && Number.isFinite(handshake.maxPayload) && handshake.maxPayload >= 0 ? handshake.maxPayload : undefined
    this.settings = {
      pingInterval,
      pingTimeout: timeout,
      lateAfterMs: heartbeatLateAfterMs(pingInterval),
      sid: typeof handshake.sid === 'string' ? handshake.sid : undefined,
      upgrades: Object.freeze(upgrades.slice(0, 8)),
      // EIO3 has no maxPayload; an engine.io-client 3.x never reports one.
      maxPayload: this.pinger === 'server' ? maxPayload : undefined,
      openedMono: now,
    }
    this.lastIn = now
    this.lastBeat = 0
    this.pingSent = 0
    this.count = 0
    this.next = 0
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

  /**
   * For the snapshot: the handshake, the transport, the measured heartbeat, the last packet and, while
   * late, when the last packet came (times in ms since the epoch). The same object until something changes.
   */
  state(): HeartbeatState | undefined {
    const settings = this.settings
    if (!settings)
      return undefined
    if (this.current && this.currentLastIn === this.lastIn)
      return this.current
    this.currentLastIn = this.lastIn
    this.current = Object.freeze({
      pingInterval: settings.pingInterval,
      pingTimeout: settings.pingTimeout,
      pinger: this.pinger,
      lateAfterMs: settings.lateAfterMs,
      noPacketSince: this.late ? epoch(this.lastIn) : undefined,
      protocol: this.pinger === 'server' ? 4 : 3,
      sid: settings.sid,
      upgrades: settings.upgrades,
      maxPayload: settings.maxPayload,
      transport: this.transport,
      openedAt: epoch(settings.openedMono),
      lastPacketAt: epoch(this.lastIn),
      lastBeatAt: this.lastBeat === 0 ? undefined : epoch(this.lastBeat),
      measured: this.measure(),
    })
    return this.current
  }

  /** A heartbeat came (at `lastIn`, the clock read of its packet), with its sample when there is one. */
  private beat(sample: number | undefined): void {
    if (!this.settings)
      return
    this.lastBeat = this.lastIn
    if (sample !== undefined && Number.isFinite(sample) && sample >= 0) {
      this.samples[this.next] = sample
      this.next = (this.next + 1) % this.samples.length
      this.count = Math.min(this.count + 1, this.samples.length)
    }
    this.current = undefined
    this.onChange()
  }

  private measure(): HeartbeatMeasure | undefined {
    if (this.count === 0)
      return undefined
    let sum = 0
    let min = Infinity
    let max = -Infinity
    for (let i = 0; i < this.count; i++) {
      const v = this.samples[i]!
      sum += v
      if (v < min)
        min = v
      if (v > max)
        max = v
    }
    const size = this.samples.length
    return Object.freeze({
      kind: this.pinger === 'server' ? 'interval' : 'round-trip',
      lastMs: round1(this.samples[(this.next - 1 + size) % size]!),
      meanMs: round1(sum / this.count),
      jitterMs: round1(max - min),
      samples: this.count,
      window: size,
    })
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

function epoch(mono: number): number {
  return Math.round(timeOrigin + mono)
}

/** ms to a tenth: sub-millisecond digits are clock noise. */
function round1(ms: number): number {
  return Math.round(ms * 10) / 10
}
