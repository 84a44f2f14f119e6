/**
 * One measurement of attach() overhead, in its own process: an "app" (a plain socket.io-client socket with
 * no-op listeners) receives a stream as fast as it can, unattached or attached to the inspector.
 *   node --expose-gc --import tsx bench/attach-client.ts <variant> <payload> <count> <port> [<inspector-port> <token>]
 * variant: `app` (unattached), `attached` (attach(socket, …)), `attached-frames` (frames: true). Prints one JSON line.
 */
import type { BenchPayload } from './stream-server'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { io } from 'socket.io-client'
import { attach } from '../src/attach/index'

type Variant = 'app' | 'attached' | 'attached-frames'
const [variant, payload, countText, portText, inspectorPort, token] = process.argv.slice(2) as [Variant, BenchPayload, string, string, string?, string?]
const count = Number(countText)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

export interface AttachResult {
  variant: Variant
  payload: BenchPayload
  received: number
  lost: number
  seconds: number
  eventsPerSecond: number
  /** CPU time (user + system, all threads) of the app's process per event received, µs. */
  cpuMicrosPerEvent: number
  elu: number
  /** The mirror's drop counter at the end (its buffer is bounded). */
  dropped: number | null
}

const socket = io(`http://127.0.0.1:${portText}`, { transports: ['websocket'], reconnection: false })
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
let dropped: number | null = null
let detach: (() => void) | undefined
if (variant !== 'app') {
  detach = attach(socket, {
    inspector: `http://127.0.0.1:${inspectorPort}`,
    token: token ?? '',
    name: `bench-${variant}`,
    frames: variant === 'attached-frames',
    onError: (message: string) => {
      console.error(`attach: ${message}`)
    },
  } as Parameters<typeof attach>[1])
}
await new Promise<void>(resolve => socket.once('connect', () => resolve()))
// Let the mirror's own connection settle (it is part of the app's steady state, not of the stream).
await new Promise(resolve => setTimeout(resolve, 300))
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
const seconds = (performance.now() - start) / 1000
const elu = performance.eventLoopUtilization(eluStart).utilization
const snapshot = (detach as { stats?: () => { dropped: number } } | undefined)?.stats?.()
if (snapshot)
  dropped = snapshot.dropped
detach?.()
socket.close()
const result: AttachResult = { variant, payload, received, lost: count - received, seconds, eventsPerSecond: received / seconds, cpuMicrosPerEvent: (cpu.user + cpu.system) / Math.max(1, received), elu, dropped }
console.log(JSON.stringify(result))
process.exit(0)
