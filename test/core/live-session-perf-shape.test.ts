import type { ConnectErrorEntry, EventEntry, FrameEntry, LogEntry } from '#core'
/**
 * What the ingest hot path keeps (issue 6): small entries of one shape, binary counted once, TLS options
 * reaching the Manager, and the v2 client loaded on first connect. No timing assertions here.
 */
import type { AddressInfo } from 'node:net'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSessionSource, EventLog, LiveSession } from '#core'
import { Server } from 'socket.io'
import { afterEach, describe, expect, it } from 'vitest'
import { waitForEntry, waitForState } from './fixtures/servers'

const closers: Array<() => unknown> = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()
})

async function server(httpsServer?: https.Server): Promise<{ io: Server, url: string }> {
  const httpServer = httpsServer ?? http.createServer()
  const io = new Server(httpServer)
  await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', () => resolve()))
  const { port } = httpServer.address() as AddressInfo
  closers.push(() => new Promise<void>(resolve => io.close(() => resolve())))
  return { io, url: `${httpsServer ? 'https' : 'http'}://127.0.0.1:${port}` }
}

describe('entries on the ingest hot path', () => {
  it('keeps incoming events small: no undefined fields, one clock (time = timeOrigin + mono), shared empty args', async () => {
    const { io, url } = await server()
    io.on('connection', (socket) => {
      socket.on('go', () => {
        socket.emit('tick', { n: 1 })
        socket.emit('empty')
        socket.emit('bin', Buffer.alloc(1000, 1))
      })
    })
    const log = new EventLog()
    const s = new LiveSession({ url: `${url}/`, transports: ['websocket'], reconnection: false }, { log, id: 't1' })
    closers.push(() => s.dispose())
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    s.emit('go', [])
    const bin = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'bin')
    const events = [...log].filter((e): e is EventEntry => e.kind === 'event' && e.direction === 'in')
    const tick = events.find(e => e.name === 'tick')!
    const empty = events.find(e => e.name === 'empty')!
    expect(Object.keys(tick).sort()).toEqual(['args', 'bytes', 'direction', 'id', 'kind', 'mono', 'name', 'sessionId', 'time'])
    expect(Object.isFrozen(tick)).toBe(true)
    expect(tick.args).toEqual([{ n: 1 }])
    expect(Math.abs(tick.time - Date.now())).toBeLessThan(60_000)
    expect(tick.time - tick.mono).toBeCloseTo(performance.timeOrigin, 3)
    expect(empty.args).toEqual([])
    expect(Object.isFrozen(empty.args)).toBe(true)
    // Binary: the attachment frame holds the very Buffer the event got, and only the frame counts its bytes.
    const attachment = [...log].find((e): e is FrameEntry => e.kind === 'frame' && e.direction === 'in' && typeof e.data !== 'string' && e.data !== undefined)!
    expect(attachment.data).toBe(bin.args[0])
    expect(attachment.bytes).toBeGreaterThanOrEqual(1000)
    expect(bin.bytes).toBeLessThan(1000)
    // An emit without options carries no option fields.
    const out = [...log].find((e): e is EventEntry => e.kind === 'event' && e.direction === 'out')!
    expect('correlationId' in out || 'volatile' in out || 'compress' in out).toBe(false)
  })

  it('counts binary in the event when frames are not captured', async () => {
    const { io, url } = await server()
    io.on('connection', socket => socket.on('go', () => socket.emit('bin', Buffer.alloc(1000, 1))))
    const log = new EventLog()
    const s = new LiveSession({ url: `${url}/`, transports: ['websocket'], reconnection: false, captureFrames: false }, { log })
    closers.push(() => s.dispose())
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    s.emit('go', [])
    const bin = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'bin')
    expect(bin.bytes).toBeGreaterThanOrEqual(1000)
  })
})

describe('tLS options of a direct session (Node)', () => {
  it('connects to a self-signed HTTPS server with rejectUnauthorized: false or its certificate as ca, and fails without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sio-live-tls-'))
    closers.push(() => rmSync(dir, { recursive: true, force: true }))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' })
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
    const { url } = await server(https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }))
    const open = (extra: Record<string, unknown>): { s: LiveSession, log: EventLog } => {
      const log = new EventLog()
      const s = new LiveSession({ url: `${url}/`, transports: ['websocket'], reconnection: false, ...extra }, { log })
      closers.push(() => s.dispose())
      s.connect()
      return { s, log }
    }
    const strict = open({})
    await waitForEntry<ConnectErrorEntry>(strict.log, (e: LogEntry) => e.kind === 'connect_error')
    const lax = open({ rejectUnauthorized: false })
    await waitForState(lax.s, x => x.status === 'connected')
    const pinned = open({ ca: [cert] })
    await waitForState(pinned.s, x => x.status === 'connected')
    // createSessionSource passes `tls` through to direct sessions.
    const log = new EventLog()
    const viaCreate = createSessionSource({ url: `${url}/`, transports: ['websocket'], reconnection: false, tls: { ca: cert } }, { log })
    closers.push(() => viaCreate.dispose())
    viaCreate.connect()
    await waitForState(viaCreate, x => x.status === 'connected')
  })
})

describe('v2 client, loaded on first connect', () => {
  it('shows connecting while socket.io-client 2.x loads, and a disconnect before it resolves cancels the connect', async () => {
    const log = new EventLog()
    const s = createSessionSource({ url: 'http://127.0.0.1:9/', client: 'v2', reconnection: false }, { log })
    closers.push(() => s.dispose())
    s.connect()
    expect(s.snapshot().status).toBe('connecting')
    s.disconnect()
    expect(s.snapshot().status).toBe('disconnected')
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(s.snapshot().status).toBe('disconnected')
    expect([...log].filter(e => e.kind === 'connect_error')).toHaveLength(0)
  })
})
