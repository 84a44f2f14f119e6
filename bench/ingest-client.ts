/**
 * One measurement of core ingest, in its own process (so heap and event loop are its own):
 *   node --expose-gc --import tsx bench/ingest-client.ts <variant> <payload> <count> <port>
 * variant: `bare` (socket.io-client, no-op handler), `log` (core session, log on, frames off),
 * `frames` (core session, log and raw frames on). Prints one JSON line.
 */
import type { BenchPayload } from './stream-server'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { Inspector } from '#core'
import { io } from 'socket.io-client'

type Variant = 'bare' | 'log' | 'frames'
const [variant, payload, countText, portText] = process.argv.slice(2) as [Variant, BenchPayload, string, string]
const count = Number(countText)
const url = `http://127.0.0.1:${portText}`
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

export interface IngestResult {
  variant: Variant
  payload: BenchPayload
  sent: number
  received: number
  lost: number
  disconnects: number
  seconds: number
  eventsPerSecond: number
  /** CPU time (user + system, all threads: GC helpers included) per event received, µs: steadier than wall time. */
  cpuMicrosPerEvent: number
  /** Event-loop utilisation of this (receiving) process during the stream: near 1 = it is the bottleneck. */
  elu: number
  /** Heap retained by the log per event received (after GC; frames included when captured). */
  retainedBytesPerEvent: number | null
  heldInLog: number | null
  droppedFromLog: number | null
}

/** JS heap plus the ArrayBuffers it keeps alive (binary payloads live outside the heap). */
function retainedNow(): number {
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

function finish(result: Omit<IngestResult, 'variant' | 'payload' | 'sent'>): never {
  console.log(JSON.stringify({ variant, payload, sent: count, ...result }))
  process.exit(0)
}

/**
 * Start the stream with `begin()` and measure until `done()` (checked every ms; at most 120 s): wall time,
 * event-loop utilisation and CPU time of this process over exactly that window.
 */
async function measureStream(begin: () => void, done: () => boolean): Promise<{ seconds: number, elu: number, cpuMicros: number }> {
  const start = performance.now()
  const eluStart = performance.eventLoopUtilization()
  const cpuStart = process.cpuUsage()
  begin()
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (done() || performance.now() - start > 120_000) {
        clearInterval(check)
        resolve()
      }
    }, 1)
  })
  const cpu = process.cpuUsage(cpuStart)
  return { seconds: (performance.now() - start) / 1000, elu: performance.eventLoopUtilization(eluStart).utilization, cpuMicros: cpu.user + cpu.system }
}

async function runBare(): Promise<void> {
  const socket = io(url, { transports: ['websocket'], reconnection: false })
  let received = 0
  let disconnects = 0
  const noop = (): void => {
    received++
  }
  socket.on('tick', noop)
  socket.on('doc', noop)
  socket.on('blob', noop)
  socket.on('disconnect', () => {
    disconnects++
  })
  await new Promise<void>(resolve => socket.once('connect', () => resolve()))
  gc()
  const { seconds, elu, cpuMicros } = await measureStream(
    () => socket.emit('bench:stream', { payload, count }, () => {}),
    () => received >= count || disconnects > 0,
  )
  const disconnectsDuringStream = disconnects
  socket.close()
  finish({ cpuMicrosPerEvent: cpuMicros / Math.max(1, received), received, lost: count - received, disconnects: disconnectsDuringStream, seconds, eventsPerSecond: received / seconds, elu, retainedBytesPerEvent: null, heldInLog: null, droppedFromLog: null })
}

async function runCore(captureFrames: boolean): Promise<void> {
  // Entry budget above the stream's size so retention per event is measured, not the ring's cap;
  // the byte budget stays at its default (256 MB): 5,000 × 64 KB must be bounded by it.
  const inspector = new Inspector({ limits: { maxEntries: count * (captureFrames ? 3 : 1) + 1000 } })
  const session = inspector.createSession({ url, transports: ['websocket'], reconnection: false, captureFrames })
  let received = 0
  let disconnects = 0
  let connected = false
  inspector.log.subscribe((batch) => {
    for (const entry of batch) {
      if (entry.kind === 'event' && entry.direction === 'in')
        received++
      else if (entry.kind === 'connect')
        connected = true
      else if (entry.kind === 'disconnect')
        disconnects++
    }
  })
  session.connect()
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (connected) {
        clearInterval(check)
        resolve()
      }
    }, 5)
  })
  gc()
  const heapBefore = retainedNow()
  const { seconds, elu, cpuMicros } = await measureStream(
    () => session.emit('bench:stream', [{ payload, count }], { ack: true, ackTimeoutMs: 600_000 }),
    () => received >= count || disconnects > 0,
  )
  gc()
  // Per event received (frames included in the `frames` variant): what one event costs to keep.
  const retained = (retainedNow() - heapBefore) / Math.max(1, received)
  finish({
    cpuMicrosPerEvent: cpuMicros / Math.max(1, received),
    received,
    lost: count - received,
    disconnects,
    seconds,
    eventsPerSecond: received / seconds,
    elu,
    retainedBytesPerEvent: Math.round(retained),
    heldInLog: inspector.log.size,
    droppedFromLog: inspector.log.dropped.entries,
  })
}

if (variant === 'bare')
  await runBare()
else
  await runCore(variant === 'frames')
