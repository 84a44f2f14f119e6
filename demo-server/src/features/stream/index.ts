/**
 * `stream:start ({rate, count})` / `stream:stop`: `tick {seq, at}` events at a steady rate, for load and
 * ordering demos. One timer per stream, not one per event: every timer tick sends the batch that is due
 * by the wall clock since the start (drift correction: a late tick sends more, never fewer in total).
 * Every stream's rate comes out of one server-wide budget (STREAM_RATE_BUDGET ticks/s, `ctx.streamBudget`),
 * shared fairly (./budget.ts): a new stream gets its share in the ack, running streams cut to make room (or
 * given back what was cut when a stream ends, is stopped or its socket goes) hear `stream:rate {rate, requested}`.
 */
import type { StreamRate, StreamStarted } from '../../../../src/shared/demo-events'
import type { DemoSocket, Feature } from '../../types'
import type { RateClaim } from './budget'
import { MAX_STREAM_COUNT, MAX_STREAM_RATE, STREAM_MIN_RATE } from '../../../../src/shared/demo-events'
import { checkInt, checkObject, handle, ValidationError } from '../../validate'

/** Timer period: 10 ms at high rates (≤ 500 ticks a batch at 50,000/s), one event a period at low ones, at most 100 ms. */
function periodFor(rate: number): number {
  return Math.min(100, Math.max(10, Math.floor(1000 / rate)))
}

/** Past this many packets waiting in the engine's write buffer, a batch is skipped: a slow client must not make the server buffer 100,000 ticks. */
const MAX_BUFFERED_PACKETS = 2_000

interface Stream {
  timer: NodeJS.Timeout | undefined
  sent: number
  /** The rate granted now (the budget may change it while the stream runs). */
  rate: number
  claim: RateClaim
  /** Ticks due at `since`: the schedule restarts from here when the rate changes (1 at the start: the first tick goes at once). */
  base: number
  since: number
}

export const stream: Feature = (socket, ctx) => {
  let current: Stream | undefined

  const finish = (notify: boolean): number => {
    if (!current)
      return 0
    const s = current
    clearInterval(s.timer)
    current = undefined
    ctx.streamBudget.leave(s.claim)
    if (notify && socket.connected)
      socket.emit('stream:done', { sent: s.sent })
    return s.sent
  }

  handle(socket, 'stream:start', ctx.log, ([optionsArg], ack) => {
    const options = checkObject(optionsArg, 'options')
    const requested = checkInt(options.rate, 'rate', 1, MAX_STREAM_RATE)
    const count = checkInt(options.count, 'count', 1, MAX_STREAM_COUNT)
    if (current)
      throw new ValidationError('a stream is already running on this socket; send stream:stop first')
    const budget = ctx.streamBudget
    const s: Stream = { timer: undefined, sent: 0, rate: 0, claim: { requested, granted: 0 }, base: 1, since: performance.now() }
    function tick(): void {
      if (!socket.connected)
        return void finish(false)
      if (bufferedPackets(socket) > MAX_BUFFERED_PACKETS)
        return
      // Catching up after a stall is capped at 4 periods' worth a tick, so one stream never blocks the loop for long.
      const maxPerTick = Math.max(1, Math.ceil(s.rate * periodFor(s.rate) / 1000)) * 4
      // Due by the wall clock since the last (re)start of the schedule, then one every 1000/rate ms.
      const due = Math.min(count, s.base + Math.floor((performance.now() - s.since) * s.rate / 1000), s.sent + maxPerTick)
      while (s.sent < due) {
        s.sent++
        socket.emit('tick', { seq: s.sent, at: Date.now() })
      }
      if (s.sent >= count)
        finish(true)
    }
    function schedule(): void {
      clearInterval(s.timer)
      s.timer = setInterval(tick, periodFor(s.rate))
      // A stream never keeps the process alive on its own.
      s.timer.unref()
    }
    // The budget may cut this stream later to make room for another (or give back what it cut): go on at the
    // new rate from where the stream is, and say so.
    function onChange(rate: number): void {
      if (current !== s)
        return
      s.base = s.sent
      s.since = performance.now()
      s.rate = rate
      schedule()
      const change: StreamRate = rate < requested ? { rate, requested, limited: 'server-wide budget' } : { rate, requested }
      socket.emit('stream:rate', change)
    }
    const claim = budget.join(requested, STREAM_MIN_RATE, onChange)
    if (!claim) {
      throw new ValidationError(`server-wide stream budget exhausted: ${budget.streams} streams share ${budget.total} ticks/s, and a new one would get `
        + `${budget.shareFor(requested)}/s (a stream gets at least ${STREAM_MIN_RATE}/s or all it asks); retry when a stream ends`)
    }
    const rate = claim.granted
    s.claim = claim
    s.rate = rate
    const started: StreamStarted = rate < requested
      ? { rate, count, requested, limited: 'server-wide budget' }
      : { rate, count }
    ack?.({ ok: true, ...started })
    schedule()
    current = s
    tick()
  })

  handle(socket, 'stream:stop', ctx.log, (_args, ack) => {
    if (!current)
      throw new ValidationError('no stream is running on this socket')
    const sent = finish(true)
    ack?.({ ok: true, sent })
  })

  // `io.close()` disconnects every socket too, so this also stops the streams on shutdown.
  socket.on('disconnect', () => finish(false))
}

function bufferedPackets(socket: DemoSocket): number {
  // `conn.writeBuffer` is engine.io's queue of packets not yet handed to the transport.
  const buffer = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer
  return Array.isArray(buffer) ? buffer.length : 0
}
