/**
 * One measurement of attach() overhead, in its own process: an "app" (a plain socket.io-client socket with
 * no-op listeners) receives a stream as fast as it can, unattached or attached to the inspector.
 *   node --expose-gc --import tsx bench/attach-client.ts <variant> <payload> <count> <port> [<inspector-port> <token> <work> <linger-ms>]
 * variant: `app` (unattached), `attached` (attach(socket, …)), `attached-frames` (frames: true). Prints one JSON line.
 */
import type { BenchPayload } from './stream-server'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { io } from 'socket.io-client'
import { attach } from '../src/attach/index'

type Variant = 'app' | 'attached' | 'attached-frames'
/** `noop`: listeners that only count (the worst case); `store`: each event formatted and kept in a 1,000-slot history, as a chat or a dashboard does. */
export type AppWork = 'noop' | 'store'
const [variant, payload, countText, portText, inspectorPort, token, workText, lingerText] = process.argv.slice(2) as [Variant, BenchPayload, string, string, string?, string?, string?, string?]
const work: AppWork = workText === 'store' ? 'store' : 'noop'
const count = Number(countText)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

export interface AttachResult {
  variant: Variant
  payload: BenchPayload
  work: AppWork
  received: number
  lost: number
  seconds: number
  eventsPerSecond: number
  /** CPU time (user + system, all threads) of the app's process per event received, µs. */
  cpuMicrosPerEvent: number
  elu: number
  /** The mirror's drop counter at the end (its buffer is bounded). */
  dropped: number | null
  /** After the last event, until the mirror had sent everything it held, ms (not in the rate). */
  drainMs: number
  /** When the last event arrived (or the window ended), ms since the epoch (performance.timeOrigin based: comparable across processes here). */
  endedAt: number
}

const socket = io(`http://127.0.0.1:${portText}`, { transports: ['websocket'], reconnection: false })
let received = 0
let disconnects = 0
const history: string[] = Array.from({ length: 1000 })
function noop(...args: unknown[]): void {
  if (work === 'store')
    history[received % 1000] = `${new Date().toISOString()} ${JSON.stringify(args)}`
  received++
}
socket.on('tick', noop)
socket.on('doc', noop)
socket.on('blob', noop)
socket.on('disconnect', () => {
  disconnects++
})
let dropped: number | null = null
let detach: ReturnType<typeof attach> | undefined
if (variant !== 'app') {
  detach = attach(socket, {
    inspector: `http://127.0.0.1:${inspectorPort}`,
    token: token ?? '',
    name: `bench-${variant}`,
    frames: variant === 'attached-frames',
    onError: (message: string) => {
      console.error(`attach: ${message}`)
    },
  })
}
await new Promise<void>(resolve => socket.once('connect', () => resolve()))
// The mirror's own connection is part of the app's steady state, not of the stream: wait for it (at most 10 s).
const mirrorUp = (): boolean => detach === undefined || detach.stats().connected
for (let waited = 0; !mirrorUp() && waited < 10_000; waited += 20)
  await new Promise(resolve => setTimeout(resolve, 20))
if (!mirrorUp())
  console.error('attach: the mirror did not connect to the inspector within 10 s')
await new Promise(resolve => setTimeout(resolve, 100))
gc()
const start = performance.now()
const eluStart = performance.eventLoopUtilization()
const cpuStart = process.cpuUsage()
socket.emit('bench:stream', { payload, count }, () => {})
await new Promise<void>((resolve) => {
  const check = setInterval(() => {
    if (received >= count || disconnects > 0 || performance.now() - start > 120_000) {
      clearInterval(check)
      resolve()
    }
  }, 1)
})
const cpu = process.cpuUsage(cpuStart)
const endedAt = performance.timeOrigin + performance.now()
const seconds = (performance.now() - start) / 1000
const elu = performance.eventLoopUtilization(eluStart).utilization
if (detach)
  dropped = detach.stats().dropped
// Outside the measured window: let the mirror send what it still holds (a page watching counts it), then
// give the engine time to write its last frames before the process exits.
let drainMs = 0
if (detach) {
  const mirror = detach
  for (const t0 = performance.now(); mirror.stats().buffered > 0 && performance.now() - t0 < 10_000;) {
    await new Promise(resolve => setTimeout(resolve, 10))
    drainMs = performance.now() - t0
  }
}
detach?.()
socket.close()
// A page watching the mirror (bench/attach-watcher.ts) counts the tail: the engine and the socket write it
// after detach() returns, so stay up a while (`linger` ms) rather than cut it with process.exit.
if (detach)
  await new Promise(resolve => setTimeout(resolve, Number(lingerText ?? 300) || 300))
const result: AttachResult = { variant, payload, work, received, lost: count - received, seconds, eventsPerSecond: received / seconds, cpuMicrosPerEvent: (cpu.user + cpu.system) / Math.max(1, received), elu, dropped, drainMs, endedAt }
console.log(JSON.stringify(result))
process.exit(0)
