/**
 * The bare page of part 2 (bench/ui/ingest.ts): socket.io-client alone (the demo server's own bundle,
 * loaded by a `<script>` before this one, as the global `io`) with an `onAny` log that keeps every event,
 * measured with the same helpers as the inspector's probe (inspector-ui/src/bench/measure.ts), so the two
 * pages differ only in what they run, not in how they are measured.
 *
 * Runs in Chromium with no automation attached: it reads its configuration from `?bench=<json>` and POSTs
 * one report to `config.report`. bench/ui/shared.ts bundles it (Vite, one IIFE) when the bench server starts.
 */
import type { io as ioType } from 'socket.io-client'
import { frameStats, post, sampleFrames, tasksBetween } from '../../inspector-ui/src/bench/measure'

declare const io: typeof ioType

interface BareConfig {
  report: string
  url: string
  rate: number
  count: number
}

const config = JSON.parse(new URLSearchParams(location.search).get('bench') ?? 'null') as BareConfig

/** The JS heap after a full collection (`--js-flags=--expose-gc`, `--enable-precise-memory-info`). */
async function heapNow(): Promise<number> {
  if (globalThis.gc) {
    globalThis.gc()
    await new Promise(resolve => setTimeout(resolve, 0))
    globalThis.gc()
  }
  return (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0
}

async function main(): Promise<Record<string, unknown>> {
  const socket = io(config.url, { transports: ['websocket'] })
  // What a bare app would keep: every event, as it came.
  const log: Array<{ t: number, name: string, args: unknown[] }> = []
  let received = 0
  let sent = -1
  let doneAt = 0
  let disconnects = 0
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve
  })
  socket.onAny((name: string, ...args: unknown[]) => {
    log.push({ t: Date.now(), name, args })
    if (name === 'tick') {
      received++
    }
    else if (name === 'stream:done') {
      sent = (args[0] as { sent: number }).sent
      doneAt = performance.now()
      resolveDone()
    }
  })
  const onDisconnect = (): void => {
    disconnects++
    if (!doneAt)
      resolveDone()
  }
  socket.on('disconnect', onDisconnect)
  await new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(undefined))
    setTimeout(() => reject(new Error('not connected after 10 s')), 10_000)
  })
  await heapNow()
  const frames = sampleFrames()
  const t0 = performance.now()
  socket.emit('stream:start', { rate: config.rate, count: config.count }, () => {})
  await Promise.race([done, new Promise(resolve => setTimeout(resolve, 20_000 + config.count / config.rate * 4000))])
  const t1 = doneAt || performance.now()
  const deltas = frames.stop()
  const heapBytes = await heapNow()
  const held = log.filter(e => e.name === 'tick').length
  socket.off('disconnect', onDisconnect)
  return {
    variant: 'bare',
    rate: config.rate,
    count: config.count,
    sent,
    received,
    held,
    lost: sent < 0 ? config.count - received : sent - received,
    disconnects,
    seconds: (t1 - t0) / 1000,
    eventsPerSecond: received / ((t1 - t0) / 1000),
    ...tasksBetween(t0, t1),
    ...frameStats(deltas),
    heapBytes,
    timedOut: !doneAt,
  }
}

main().then(
  report => post(config.report, { ok: true, ...report }),
  (error: unknown) => post(config.report, { ok: false, error: String((error as Error | undefined)?.message ?? error) }),
)
