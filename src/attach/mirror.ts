/**
 * The mirror: the app's own connection to the inspector's attach hub (attach/protocol.ts), shared by
 * `attach()` (client.ts) and `attachServer()` (server.ts).
 *
 * What it promises the app (issue 19 item 4, "the app comes first"):
 * - `push()` is the hot path: one array push and a counter, no encoding. Entries are encoded at flush
 *   (every `FLUSH_MS`, or at once past `BATCH` entries), in a timer of its own, never in the app's listener.
 * - Bounded: while the hub is absent, gone or slow (its WebSocket backed up), at most `maxBuffer` entries
 *   wait; the oldest are dropped and counted (`dropped`, the state's `dropped`), and a note says how many
 *   once the mirror can send again.
 * - Quiet: socket.io-client's own reconnection with backoff, no console output, timers and socket that do
 *   not keep a Node process alive (`autoUnref`). Only a refusal (wrong token, other protocol) is reported,
 *   once, through `onError`; then the mirror stops for good.
 * - Never throws: every failure is caught, counted, and reported once as a note.
 */
import type { Socket } from 'socket.io-client'
import type { AttachAppEvents, AttachAppState, AttachEmitOptions, AttachHandshake, AttachHubEvents } from '../core/attach/protocol'
import type { EmitResult } from '../core/types'
import type { MirrorEntry } from './shared'
import { io } from 'socket.io-client'
import { ATTACH_PATH, ATTACH_PROTOCOL } from '../core/attach/protocol'
import { encodeTagged } from '../core/export/encoding'
import { encodeBatch } from './encode'
import { errorMessage, noteEntry, quietTimer } from './shared'

const utf8 = new TextEncoder()

/** ms between two flushes while entries trickle in: a page sees them at once, a burst costs one message per 25 ms. */
export const FLUSH_MS = 25
/** Entries per `entries` message; a fuller buffer is flushed at once (in the next macrotask), in messages of this size. */
export const BATCH = 500
/** Longest one flush encodes and sends before it yields to the app (ms); the rest follows in the next macrotask. */
export const FLUSH_BUDGET_MS = 8
/** @default maxBuffer */
export const DEFAULT_MAX_BUFFER = 10_000
/** The hub's WebSocket holds this much unsent (bytes): wait instead of piling more onto it (the buffer bounds the rest). */
const BACKLOG_BYTES = 8 * 1024 * 1024

export type HandshakeFields = Omit<AttachHandshake, 'token' | 'protocol'>

export interface MirrorOptions {
  readonly inspector: string
  readonly token: string
  /** Called on every (re)connection to the hub: the same `attachId`, the current url. */
  readonly handshake: () => HandshakeFields
  readonly maxBuffer: number
  readonly onError: (message: string) => void
  /** The hub asks the app to emit (the answer goes to `ack`). */
  readonly onEmit: (name: string, argsText: string, options: AttachEmitOptions, ack: (r: EmitResult) => void) => void
  /** The hub refused the handshake: the app's side stops observing (nothing would ever be sent). */
  readonly onRefused: () => void
}

/** What `detach.stats()` reports (the bench reads `dropped`). */
export interface AttachStats {
  /** Entries dropped since attach() because the buffer was full (the inspector away or slow). */
  readonly dropped: number
  /** Entries waiting to be sent now. */
  readonly buffered: number
  /** Entries sent to the inspector so far. */
  readonly sent: number
  /** Observer failures caught (the first one is reported as a note). */
  readonly failures: number
  /** The mirror's connection to the inspector is open now. */
  readonly connected: boolean
  /** Set when the inspector refused the handshake: its message. */
  readonly refused?: string
}

type HubSocket = Socket<AttachHubEvents, AttachAppEvents>

export class Mirror {
  private buf: MirrorEntry[] = []
  private head = 0
  private dropped = 0
  /** Dropped since the last note that said so. */
  private unreported = 0
  private sent = 0
  private failures = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  /** The pending timer is the immediate one (a full batch), not the `FLUSH_MS` one. */
  private timerSoon = false
  private state: Omit<AttachAppState, 'dropped'> | undefined
  private stateDirty = false
  private closed = false
  private refusal: string | undefined
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private retryDelay = 500
  private readonly socket: HubSocket | undefined
  private readonly max: number
  /** Pending entries past which the mirror sends without waiting for a timer (see `push`). */
  private readonly highWater: number
  private eager = false

  constructor(private readonly opts: MirrorOptions) {
    this.max = Math.max(1, Math.floor(opts.maxBuffer))
    this.highWater = Math.max(BATCH, Math.floor(this.max / 2))
    let socket: HubSocket | undefined
    try {
      socket = io(opts.inspector, {
        path: ATTACH_PATH,
        transports: ['websocket'],
        forceNew: true,
        // The mirror never keeps a Node app alive: its socket and timers are unref'ed. Node only: engine.io-client
        // calls `timer.unref()` without checking, and a browser's timers are numbers (it would throw there).
        autoUnref: typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string',
        reconnectionDelay: 500,
        reconnectionDelayMax: 5000,
        timeout: 5000,
        // A function: evaluated on every (re)connection, so the hub always gets the same attachId and the
        // current url.
        auth: (cb: (data: object) => void) => {
          cb({ ...opts.handshake(), token: opts.token, protocol: ATTACH_PROTOCOL } satisfies AttachHandshake)
        },
      }) as HubSocket
    }
    catch (err) {
      this.refuse(`cannot connect to the inspector at ${String(opts.inspector)}: ${errorMessage(err)}`)
      this.socket = undefined
      return
    }
    this.socket = socket
    socket.on('connect', () => {
      this.retryDelay = 500
      this.stateDirty = this.state !== undefined
      this.schedule(true)
    })
    socket.on('connect_error', (err: Error) => {
      // Not active any more: the hub answered CONNECT_ERROR (its middleware refused the handshake) and
      // socket.io-client will not retry. Active: the inspector is absent; socket.io retries with backoff.
      if (!socket.active && !this.closed)
        this.refuse(`the inspector refused to attach: ${errorMessage(err)}`)
    })
    socket.on('disconnect', (reason) => {
      // The hub closed this connection on purpose (`io server disconnect`: socket.io-client does not
      // reconnect by itself). Try again quietly, backing off to 30 s.
      if (reason === 'io server disconnect' && !this.closed && this.refusal === undefined) {
        this.retryTimer = quietTimer(() => {
          this.retryTimer = undefined
          if (!this.closed)
            socket.connect()
        }, this.retryDelay)
        this.retryDelay = Math.min(this.retryDelay * 2, 30_000)
      }
    })
    socket.on('emit', (name, argsText, options, ack) => {
      if (typeof ack !== 'function')
        return
      try {
        opts.onEmit(name, argsText, options ?? {}, ack)
      }
      catch (err) {
        this.fail('the emit the inspector asked for', err)
        try {
          ack({ ok: false, error: errorMessage(err) })
        }
        catch {}
      }
    })
  }

  /** The hot path: keep the entry (a reference: encoded at flush), drop the oldest past `maxBuffer`. */
  push(entry: MirrorEntry): void {
    if (this.closed || this.refusal !== undefined)
      return
    const buf = this.buf
    buf.push(entry)
    if (buf.length - this.head > this.max) {
      this.head++
      this.dropped++
      this.unreported++
      this.stateDirty = this.state !== undefined
      // Amortised O(1): one copy per `max` drops.
      if (this.head >= this.max && this.head >= 1024) {
        this.buf = buf.slice(this.head)
        this.head = 0
      }
    }
    const pending = this.buf.length - this.head
    if (pending >= this.highWater && !this.eager && this.socket?.connected === true) {
      // Half full: an app so busy that the event loop rarely reaches timers (it reads megabytes per turn)
      // would make the mirror drop; send right after the app's current callback instead.
      this.eager = true
      queueMicrotask(this.flushEagerly)
    }
    if (this.timer === undefined || (!this.timerSoon && pending >= BATCH))
      this.schedule(pending >= BATCH)
  }

  private readonly flushEagerly = (): void => {
    this.eager = false
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    this.flush()
  }

  /** Take back the newest entry (socket.io threw while sending it: it never went out). */
  retract(entry: MirrorEntry): void {
    const last = this.buf.length - 1
    if (last >= this.head && this.buf[last] === entry)
      this.buf.pop()
  }

  /** The socket's state changed: sent (with `dropped`) at the next flush. */
  setState(state: Omit<AttachAppState, 'dropped'>): void {
    this.state = state
    this.stateDirty = true
    if (this.timer === undefined)
      this.schedule(false)
  }

  /** An observer failed: count it; the first one becomes a note (later ones would only repeat it). */
  fail(where: string, err: unknown): void {
    this.failures++
    if (this.failures === 1) {
      try {
        this.push(noteEntry('warn', `attach: ${where} failed (${errorMessage(err)}); the app is not affected. Later failures are only counted.`))
      }
      catch {}
    }
  }

  stats(): AttachStats {
    return {
      dropped: this.dropped,
      buffered: this.buf.length - this.head,
      sent: this.sent,
      failures: this.failures,
      connected: this.socket?.connected === true,
      ...(this.refusal !== undefined ? { refused: this.refusal } : {}),
    }
  }

  get stopped(): boolean {
    return this.closed || this.refusal !== undefined
  }

  /** Send what is pending (if connected) and close the connection. Idempotent. */
  close(): void {
    if (this.closed)
      return
    this.closed = true
    if (this.timer !== undefined)
      clearTimeout(this.timer)
    if (this.retryTimer !== undefined)
      clearTimeout(this.retryTimer)
    this.timer = undefined
    const socket = this.socket
    if (!socket)
      return
    try {
      // Everything left, in batches; the engine writes them before it closes (it waits for its buffer to drain).
      while (socket.connected && (this.buf.length > this.head || this.stateDirty || this.unreported > 0)) {
        if (!this.send(socket))
          break
      }
    }
    catch (err) {
      this.failures++
      void err
    }
    socket.off()
    // Close the engine first, not with a DISCONNECT packet: the hub's socket.io dispatches events a tick
    // after it reads them and ignores those of a socket that disconnected meanwhile, so a DISCONNECT right
    // behind the last batch would lose it. The engine writes its buffer, then closes the WebSocket; the
    // hub's socket ends when the connection does, after it handled the batch. `disconnect()` then only
    // releases the Manager (its DISCONNECT is not written by a closing engine).
    try {
      socket.io.reconnection(false)
      socket.io.engine?.close()
    }
    catch {}
    socket.disconnect()
  }

  // ------------------------------------------------------------------ flush

  private schedule(soon: boolean): void {
    if (this.stopped)
      return
    if (this.timer !== undefined) {
      if (!soon || this.timerSoon)
        return
      clearTimeout(this.timer)
    }
    this.timerSoon = soon
    this.timer = quietTimer(this.flush, soon ? 0 : FLUSH_MS)
  }

  private readonly flush = (): void => {
    this.timer = undefined
    const socket = this.socket
    if (!socket || this.stopped || !socket.connected)
      return // kept (bounded); the `connect` listener flushes
    try {
      // Batches until the buffer is empty or `FLUSH_BUDGET_MS` went by: one batch per turn of the event loop
      // would fall behind an app that reads thousands of events per turn; an unbounded loop would stall it.
      const start = performance.now()
      do {
        if (this.backlogged(socket)) {
          this.schedule(false)
          return
        }
        if (!this.send(socket))
          break
      } while (this.buf.length > this.head && performance.now() - start < FLUSH_BUDGET_MS)
    }
    catch (err) {
      this.fail('sending to the inspector', err)
    }
    if (this.buf.length > this.head)
      this.schedule(this.buf.length - this.head >= BATCH)
  }

  /** One message: up to `BATCH` entries (a note about drops first), then the state if it changed. */
  private send(socket: HubSocket): boolean {
    const n = Math.min(BATCH, this.buf.length - this.head)
    const batch = this.buf.slice(this.head, this.head + n)
    this.head += n
    if (this.head === this.buf.length) {
      this.buf = []
      this.head = 0
    }
    if (this.unreported > 0) {
      // In front of the oldest entry kept, with its clock: the log shows where the gap is.
      const first = batch[0]
      const s = this.unreported === 1 ? 'y' : 'ies'
      batch.unshift(noteEntry('warn', `the mirror dropped ${this.unreported} entr${s}: the inspector was unreachable or slower than the app (the mirror keeps at most ${this.max} unsent)`, first ? first.mono : performance.now()))
      this.unreported = 0
    }
    if (batch.length > 0) {
      // Never throws: an entry that cannot be encoded (a cycle, a throwing getter) arrives marked `truncated`.
      // As UTF-8 bytes: socket.io sends a binary attachment as is, where this JSON text would be escaped
      // into a JSON string once more (a third of the flush's cost on a busy app).
      socket.emit('entries', utf8.encode(encodeBatch(batch)), performance.now())
      this.sent += batch.length
    }
    if (this.stateDirty && this.state !== undefined) {
      this.stateDirty = false
      socket.emit('state', encodeTagged({ ...this.state, dropped: this.dropped } satisfies AttachAppState))
    }
    return n > 0 || batch.length > 0
  }

  /** The hub's WebSocket (or the engine's write buffer) holds a lot unsent: the hub or the network is slow. */
  private backlogged(socket: HubSocket): boolean {
    const engine = socket.io.engine as unknown as { writeBuffer?: unknown[], transport?: { ws?: { bufferedAmount?: number } } } | undefined
    return (engine?.writeBuffer?.length ?? 0) > 64 || (engine?.transport?.ws?.bufferedAmount ?? 0) > BACKLOG_BYTES
  }

  private refuse(message: string): void {
    if (this.refusal !== undefined)
      return
    this.refusal = message
    if (this.timer !== undefined)
      clearTimeout(this.timer)
    this.timer = undefined
    this.buf = []
    this.head = 0
    try {
      this.opts.onRefused()
    }
    catch {}
    try {
      this.opts.onError(message)
    }
    catch {}
  }
}
