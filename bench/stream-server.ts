/**
 * Bench server: a socket.io 4.8 server that streams events as fast as the client can read them.
 *
 * A plain `socket.emit` loop tops out near 100,000 small events/s on this machine, below what a bare
 * client can receive, so the ratio would measure the server. Instead the frames are encoded once and
 * written straight to the WebSocket, corked, in batches, waiting for `drain`: the client is the bottleneck.
 *
 * Protocol: the client emits `bench:stream ({ payload, count })`; the server answers through the ack
 * when the last frame is written. A client that only listens connects with `?stream=<payload>&count=<n>`
 * instead (bench/capture.ts). Run as a child process: prints `LISTENING <port>` on stdout.
 */
import type { AddressInfo } from 'node:net'
import type { Socket } from 'socket.io'
import http from 'node:http'
import process from 'node:process'
import { Server } from 'socket.io'

export type BenchPayload = 'small' | 'json1k' | 'binary64k'

const ONE_KB_OBJECT = { text: 'x'.repeat(900), list: Array.from({ length: 10 }, (_, i) => i), nested: { a: 'b', when: '2026-01-01T00:00:00.000Z' } }
const BINARY_64K = Buffer.alloc(64 * 1024, 7)

interface RawWs {
  send: (data: string | Buffer, options?: { binary?: boolean }, cb?: (err?: Error) => void) => void
  _socket: import('node:net').Socket
}

/** The frames of event number `i`, as engine.io writes them on a WebSocket (`4` + socket.io packet). */
function framesFor(payload: BenchPayload, i: number): Array<string | Buffer> {
  switch (payload) {
    case 'small':
      return [`42["tick",{"n":${i}}]`]
    case 'json1k':
      return [`42["doc",${JSON.stringify({ n: i, ...ONE_KB_OBJECT })}]`]
    case 'binary64k':
      return [`451-["blob",{"n":${i}},{"_placeholder":true,"num":0}]`, BINARY_64K]
  }
}

async function stream(socket: Socket, payload: BenchPayload, count: number): Promise<void> {
  const transport = (socket.conn as unknown as { transport: { name: string, socket?: RawWs } }).transport
  if (transport.name !== 'websocket' || !transport.socket)
    throw new Error('bench streams need a websocket-only client')
  const ws = transport.socket
  const tcp = ws._socket
  const batch = payload === 'small' ? 2000 : payload === 'json1k' ? 500 : 16
  for (let i = 0; i < count;) {
    tcp.cork()
    const end = Math.min(count, i + batch)
    for (; i < end; i++) {
      for (const frame of framesFor(payload, i))
        ws.send(frame, { binary: typeof frame !== 'string' })
    }
    tcp.uncork()
    if (tcp.writableNeedDrain)
      await new Promise(resolve => tcp.once('drain', resolve))
    else
      await new Promise(resolve => setImmediate(resolve))
  }
}

export async function startStreamServer(port = 0): Promise<{ port: number, close: () => Promise<void> }> {
  const httpServer = http.createServer()
  const io = new Server(httpServer, { transports: ['websocket'], maxHttpBufferSize: 1e8, pingTimeout: 60_000 })
  io.on('connection', (socket) => {
    // `?stream=<payload>&count=<n>`: stream at once, for clients that only listen (bench/capture.ts: the CLI's capture).
    const auto = socket.handshake.query as { stream?: BenchPayload, count?: string }
    if (auto.stream)
      stream(socket, auto.stream, Number(auto.count)).catch(() => socket.disconnect(true))
    socket.on('bench:stream', (options: { payload: BenchPayload, count: number }, ack: (r: unknown) => void) => {
      stream(socket, options.payload, options.count).then(() => ack({ ok: true }), (error: Error) => ack({ ok: false, error: error.message }))
    })
  })
  await new Promise<void>(resolve => httpServer.listen(port, '127.0.0.1', () => resolve()))
  return {
    port: (httpServer.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      io.close()
      httpServer.close(() => resolve())
    }),
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const server = await startStreamServer(Number(process.env.PORT ?? 0))
  console.log(`LISTENING ${server.port}`)
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
}
