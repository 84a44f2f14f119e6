/**
 * The counting page of part 2 (bench/ui/ingest.ts): the ceiling the inspector page is measured against.
 * socket.io-client alone, the same build the inspector runs (bundled from node_modules by Vite, as the
 * inspector's own build bundles it; not the demo server's prebuilt /socket.io/socket.io.min.js, which is the
 * same version but transpiled differently), with one `tick` listener that only counts: no DOM work per event,
 * no log, nothing kept (issue 20: the earlier bare page kept every event in an array, and the inspector beat it
 * 1.03–1.59×).
 *
 * `client: 'raw'`: the floor under it — a native WebSocket speaking just enough Engine.IO / Socket.IO (open,
 * connect, pong, one emit) to start the stream, counting the `42["tick"…` messages without decoding them. How
 * far socket.io-client is above it says how much of a page's per-event cost is the client's and how much is
 * the browser's own WebSocket delivery.
 *
 * Measured with the same helpers as the inspector's probe (inspector-ui/src/bench/measure.ts), so the pages
 * differ only in what they run, not in how they are measured. Runs in Chromium with no automation attached:
 * it reads its configuration from `?bench=<json>` and POSTs one report to `config.report` (and the stream's
 * start and end to `config.marks`, where the bench reads the processes' CPU time). bench/ui/shared.ts bundles
 * it (Vite, one IIFE) when the bench server starts.
 */
import { io } from 'socket.io-client'
import { heapNow, post, sampleFrames, streamStats } from '../../inspector-ui/src/bench/measure'

interface CountingConfig {
  report: string
  /** Where the page says "stream starts" / "stream done" (the bench samples CPU times when they arrive). */
  marks?: { start: string, end: string }
  url: string
  rate: number
  count: number
  /** `raw`: a native WebSocket instead of socket.io-client (see above). @default 'socket.io' */
  client?: 'socket.io' | 'raw'
}

/** What the page needs of a connection: connected, the stream asked for, ticks and the end reported. */
interface Counter {
  connected: Promise<void>
  start: (rate: number, count: number) => void
  onTick: () => void
  onDone: (sent: number) => void
  onDisconnect: () => void
  close: () => void
}

function socketIoCounter(url: string): Counter {
  const socket = io(url, { transports: ['websocket'] })
  const counter: Counter = {
    connected: new Promise(resolve => socket.once('connect', () => resolve())),
    start: (rate, count) => socket.emit('stream:start', { rate, count }, () => {}),
    onTick: () => {},
    onDone: () => {},
    onDisconnect: () => {},
    close: () => socket.off('disconnect'),
  }
  socket.on('tick', () => counter.onTick())
  socket.on('stream:done', (summary: { sent: number }) => counter.onDone(summary.sent))
  socket.on('disconnect', () => counter.onDisconnect())
  return counter
}

function rawCounter(url: string): Counter {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws').replace(/\/?$/, '/')}socket.io/?EIO=4&transport=websocket`)
  let connected: () => void = () => {}
  const counter: Counter = {
    connected: new Promise((resolve) => {
      connected = resolve
    }),
    start: (rate, count) => ws.send(`42${JSON.stringify(['stream:start', { rate, count }])}`),
    onTick: () => {},
    onDone: () => {},
    onDisconnect: () => {},
    close: () => {
      ws.onclose = null
    },
  }
  ws.onmessage = (message: MessageEvent<string>) => {
    const text = message.data
    // The stream's packets first: this is the per-message path being measured.
    if (text.startsWith('42["tick"'))
      counter.onTick()
    else if (text === '2')
      ws.send('3')
    else if (text.startsWith('0{'))
      ws.send('40')
    else if (text.startsWith('40'))
      connected()
    else if (text.startsWith('42["stream:done"'))
      counter.onDone((JSON.parse(text.slice(2)) as [string, { sent: number }])[1].sent)
  }
  ws.onclose = () => counter.onDisconnect()
  return counter
}

const config = JSON.parse(new URLSearchParams(location.search).get('bench') ?? 'null') as CountingConfig

async function main(): Promise<Record<string, unknown>> {
  const counter = config.client === 'raw' ? rawCounter(config.url) : socketIoCounter(config.url)
  let received = 0
  let sent = -1
  let doneAt = 0
  let disconnects = 0
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve
  })
  counter.onTick = () => {
    received++
  }
  counter.onDone = (total) => {
    sent = total
    doneAt = performance.now()
    if (config.marks)
      void post(config.marks.end, {})
    resolveDone()
  }
  counter.onDisconnect = () => {
    disconnects++
    if (!doneAt)
      resolveDone()
  }
  await Promise.race([
    counter.connected,
    new Promise((_resolve, reject) => setTimeout(() => reject(new Error('not connected after 10 s')), 10_000)),
  ])
  await heapNow()
  const frames = sampleFrames()
  if (config.marks)
    void post(config.marks.start, {})
  const t0 = performance.now()
  counter.start(config.rate, config.count)
  await Promise.race([done, new Promise(resolve => setTimeout(resolve, 20_000 + config.count / config.rate * 4000))])
  const t1 = doneAt || performance.now()
  const deltas = frames.stop()
  const heapBytes = await heapNow()
  counter.close()
  return {
    variant: config.client === 'raw' ? 'raw' : 'counting',
    rate: config.rate,
    count: config.count,
    sent,
    received,
    // Nothing is kept: "held" is what was counted.
    held: received,
    disconnects,
    ...streamStats({ count: config.count, sent, received, t0, t1, deltas }),
    heapBytes,
    timedOut: !doneAt,
  }
}

main().then(
  report => post(config.report, { ok: true, ...report }),
  (error: unknown) => post(config.report, { ok: false, error: String((error as Error | undefined)?.message ?? error) }),
)
