import type { AckEntry, ConnectErrorEntry, EventEntry, LogEntry, RelayEndpoint, SessionSource } from '#core'
import type { AddressInfo } from 'node:net'
import type { Relay } from '../../inspector-ui/server/relay'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSessionSource, decodeEntries, diagnoseThroughRelay, encodeEntries, EventLog, frameWireText, RelaySession } from '#core'
import { Server } from 'socket.io'
import { io as ioc } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { attachRelay, resolveOpenOptions } from '../../inspector-ui/server/relay'
import { afterUpgrade, holdUpgradeUntilPolling } from '../fixtures/after-upgrade'
import { waitForEntry, waitForState } from './fixtures/servers'

const TOKEN = 'per-start-token-for-tests'
const INSPECTOR_ORIGIN = 'http://inspector.test:5173'

let relayHttp: http.Server
let relay: Relay
let endpoint: RelayEndpoint
const closers: (() => Promise<void> | void)[] = []
const sessions: SessionSource[] = []

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function closeServer(server: http.Server | https.Server, io?: Server): Promise<void> {
  return new Promise((resolve) => {
    io?.disconnectSockets(true)
    server.closeAllConnections()
    if (io)
      io.close(() => resolve())
    else
      server.close(() => resolve())
  })
}

/** A v4 target server; `check` decides from the handshake request (every HTTP request, upgrades too). */
async function target(check: (req: http.IncomingMessage) => boolean, server: http.Server | https.Server = http.createServer()): Promise<{ io: Server, url: string }> {
  const io = new Server(server, {
    allowRequest: (req, cb) => cb(null, check(req)),
  })
  io.on('connection', (socket) => {
    socket.on('echo', (...args: unknown[]) => {
      const ack = args[args.length - 1]
      if (typeof ack === 'function')
        (ack as (...a: unknown[]) => void)(...args.slice(0, -1))
      else
        socket.emit('echo', ...args)
    })
    socket.on('ask', () => {
      socket.emit('question', 'ready?', (answer: unknown) => socket.emit('answered', answer))
    })
  })
  const port = await listen(server)
  closers.push(() => closeServer(server, io))
  const scheme = server instanceof https.Server ? 'https' : 'http'
  return { io, url: `${scheme}://127.0.0.1:${port}` }
}

let n = 0
function relayed(options: ConstructorParameters<typeof RelaySession>[0], relayEndpoint: RelayEndpoint = endpoint): { s: RelaySession, log: EventLog } {
  const log = new EventLog()
  const s = new RelaySession({ reconnection: false, ...options }, { log, relay: relayEndpoint, id: `r${++n}` })
  sessions.push(s)
  return { s, log }
}

beforeAll(async () => {
  relayHttp = http.createServer((_req, res) => {
    res.writeHead(404).end()
  })
  relay = attachRelay(relayHttp, { token: TOKEN, allowedOrigins: [INSPECTOR_ORIGIN] })
  const port = await listen(relayHttp)
  // In a browser the page's Origin is sent by itself; in Node the test sets it.
  endpoint = { url: `http://127.0.0.1:${port}`, token: TOKEN, extraHeaders: { Origin: INSPECTOR_ORIGIN } }
})

afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose()
  for (const c of closers.splice(0).reverse()) await c()
})

afterAll(async () => {
  await relay.close()
  await closeServer(relayHttp)
})

describe('the relay refuses', () => {
  it('a connection without its token, or with a wrong one', async () => {
    for (const token of ['', 'wrong-token-of-another-length', `${TOKEN.slice(0, -1)}X`]) {
      const { s, log } = relayed({ url: 'http://127.0.0.1:1/' }, { ...endpoint, token })
      s.connect()
      const err = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error')
      expect(err.message).toMatch(/token/)
      expect(s.snapshot()).toMatchObject({ status: 'disconnected' })
    }
    expect(relay.sessionCount).toBe(0)
  })

  it('a connection from another origin, and one without an Origin', async () => {
    for (const extraHeaders of [{ Origin: 'http://evil.test' }, {}] as Record<string, string>[]) {
      const { s, log } = relayed({ url: 'http://127.0.0.1:1/' }, { ...endpoint, extraHeaders })
      s.connect()
      const err = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error')
      expect(err.message).toMatch(/websocket error/)
      expect(s.snapshot().status).toBe('disconnected')
    }
    // Polling is not served at all (a same-origin GET may carry no Origin).
    const polling = ioc(endpoint.url, { path: '/relay/socket.io', transports: ['polling'], auth: { token: TOKEN }, extraHeaders: { Origin: INSPECTOR_ORIGIN }, reconnection: false })
    const err = await new Promise<Error>(resolve => polling.once('connect_error', resolve))
    polling.close()
    expect(err.message).toMatch(/xhr poll error/)
    expect(relay.sessionCount).toBe(0)
  })

  it('bad open options with a clear message', () => {
    expect(() => resolveOpenOptions({ url: 'ftp://x/' })).toThrow(/scheme/)
    expect(() => resolveOpenOptions({ url: 'http://x/', extraHeaders: { A: 1 } })).toThrow(/string/)
    expect(() => resolveOpenOptions({ url: 'http://x/', extraHeaders: { A: 'x\r\nB: y' } })).toThrow(/forbidden/)
    expect(resolveOpenOptions({ url: 'http://x/', cookies: 'a=1', origin: 'http://o', extraHeaders: { Authorization: 't' } }).options.extraHeaders)
      .toEqual({ Authorization: 't', Cookie: 'a=1', Origin: 'http://o' })
  })
})

describe('through the relay', () => {
  it('reaches a v4 server that only allows another origin, with events, binary and acks both ways', async () => {
    const allowed = 'http://allowed.test'
    const t = await target(req => req.headers.origin === allowed)
    // Without the Origin it wants, the server refuses.
    const refused = relayed({ url: `${t.url}/` })
    refused.s.connect()
    await waitForEntry(refused.log, e => e.kind === 'connect_error')
    refused.s.dispose()

    const { s, log } = relayed({ url: `${t.url}/`, origin: allowed })
    s.connect()
    const snap = await waitForState(s, x => x.status === 'connected')
    expect(snap.socketId).toBeTruthy()
    expect(snap.id).toBe(s.id)
    const connect = await waitForEntry(log, e => e.kind === 'connect')
    expect(connect.sessionId).toBe(s.id)
    await waitForEntry(log, e => e.kind === 'frame' && e.engineType === 'open')

    // Our emit with an ack: the page's correlation id links the event and its ack.
    const r = s.emit('echo', ['x', new Uint8Array([1, 2, 3]), { deep: { u: undefined, nan: Number.NaN } }], { ack: true })
    expect(r).toMatchObject({ ok: true, correlationId: expect.stringMatching(/^r\d+\.r1$/) })
    const id = (r as { correlationId: string }).correlationId
    const out = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.direction === 'out' && e.correlationId === id)
    expect(out.args[1]).toBeInstanceOf(Uint8Array)
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack' && e.correlationId === id)
    expect(ack.timedOut).toBe(false)
    expect(ack.args[0]).toBe('x')
    expect([...(ack.args[1] as Uint8Array)]).toEqual([1, 2, 3])
    expect(ack.args[2]).toEqual({ deep: { nan: null } }) // JSON on the target's wire: NaN → null, undefined dropped

    // The server's ack request: pending in the relayed snapshot, answered from the page.
    s.emit('ask', [])
    const question = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'question')
    expect(question.correlationId).toBeTruthy()
    await waitForState(s, x => x.pendingServerAcks.some(p => p.correlationId === question.correlationId))
    expect(s.answerAck(question.correlationId!, ['yes', new Uint8Array([7])])).toMatchObject({ ok: true })
    const answered = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'answered')
    expect(answered.args).toEqual(['yes'])
    await waitForState(s, x => x.pendingServerAcks.length === 0)

    // Entries are re-ided by the page's log and ordered.
    const ids = [...log].map(e => e.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(relay.sessionCount).toBe(1)
    s.dispose()
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(relay.sessionCount).toBe(0)
    expect(t.io.of('/').sockets.size).toBe(0)
  })

  it('sends an Authorization header and a cookie, and is refused without them', async () => {
    const t = await target(req => req.headers.authorization === 'Bearer s3cret' && /(?:^|;\s*)sid=abc(?:;|$)/.test(req.headers.cookie ?? ''))
    const without = relayed({ url: `${t.url}/` })
    without.s.connect()
    const err = await waitForEntry<ConnectErrorEntry>(without.log, e => e.kind === 'connect_error')
    expect(err.message).toMatch(/xhr poll error|websocket error|server error/)

    const onlyHeader = relayed({ url: `${t.url}/`, extraHeaders: { Authorization: 'Bearer s3cret' } })
    onlyHeader.s.connect()
    await waitForEntry(onlyHeader.log, e => e.kind === 'connect_error')

    for (const transports of [['polling', 'websocket'], ['websocket']] as const) {
      const { s, log } = relayed({ url: `${t.url}/`, transports: [...transports], extraHeaders: { Authorization: 'Bearer s3cret' }, cookies: 'theme=dark; sid=abc' })
      s.connect()
      await waitForState(s, x => x.status === 'connected')
      if (transports.length === 2)
        await waitForEntry(log, e => e.kind === 'upgrade')
      expect(s.emit('echo', ['hi'], { ack: true }).ok).toBe(true)
      await waitForEntry(log, e => e.kind === 'ack')
    }
  })

  it('connects to a self-signed HTTPS server with rejectUnauthorized: false or its certificate as CA, and fails without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sio-relay-tls-'))
    closers.push(() => rmSync(dir, { recursive: true, force: true }))
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ], { stdio: 'ignore' })
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
    const t = await target(() => true, https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }))

    const strict = relayed({ url: `${t.url}/` })
    strict.s.connect()
    const err = await waitForEntry<ConnectErrorEntry>(strict.log, e => e.kind === 'connect_error')
    expect(err.message).toMatch(/error/)

    const lax = relayed({ url: `${t.url}/`, tls: { rejectUnauthorized: false } })
    lax.s.connect()
    await waitForState(lax.s, x => x.status === 'connected')
    await waitForEntry(lax.log, e => e.kind === 'upgrade')

    const pinned = relayed({ url: `${t.url}/`, transports: ['websocket'], tls: { ca: cert } })
    pinned.s.connect()
    await waitForState(pinned.s, x => x.status === 'connected')

    const v2Strict = relayed({ url: `${t.url}/`, client: 'v2' })
    v2Strict.s.connect()
    await waitForEntry(v2Strict.log, e => e.kind === 'connect_error')
  })

  it('runs a v2 session in the relay (socket.io 2.x server), with frames of protocol 3', async () => {
    const demo = await startDemoServerV2({ port: 0 })
    closers.push(() => demo.close())
    const log = new EventLog()
    const s = createSessionSource({ url: `${demo.url}/namespace1`, client: 'v2', via: 'relay', relay: endpoint, reconnection: false }, { log, id: 'via-relay-v2' })
    sessions.push(s)
    expect(s).toBeInstanceOf(RelaySession)
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    expect(s.snapshot().socketId).toMatch(/^\/namespace1#/)
    s.emit('quiz:start', [])
    const quiz = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz')
    await waitForState(s, x => x.pendingServerAcks.length === 1)
    s.answerAck(quiz.correlationId!, [42])
    const result = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz:result')
    expect(result.args).toEqual([{ answer: 42, correct: true }])
    const frames = [...log].filter(e => e.kind === 'frame')
    expect(frames.length).toBeGreaterThan(3)
    expect(frames.every(f => f.kind === 'frame' && f.protocol === 3)).toBe(true)
    expect(s.emit('error', []).ok).toBe(false)
  })

  it('streams the upgrade probe frames (2probe, 3probe, 5, 6) of v4 and v2 sessions run in the relay', async () => {
    const t = await target(() => true)
    // The namespace waits for the upgrade, so the first poll is pending when the probe succeeds (the `6` noop).
    t.io.of('/slow').use(afterUpgrade()).on('connection', () => {})
    const demo = await startDemoServerV2({ port: 0 })
    closers.push(() => demo.close())
    demo.io.of('/slow').use(afterUpgrade())
    holdUpgradeUntilPolling(t.io.httpServer as never, t.io.engine as never)
    holdUpgradeUntilPolling(demo.httpServer, demo.io.engine as never)
    for (const [url, client] of [[`${t.url}/slow`, 'v4'], [`${demo.url}/slow`, 'v2']] as const) {
      const { s, log } = relayed({ url, client })
      s.connect()
      await waitForState(s, x => x.status === 'connected')
      await waitForEntry(log, e => e.kind === 'upgrade', { timeoutMs: 10_000 })
      const wire = [...log].flatMap(e => e.kind === 'frame' ? [`${e.direction} ${e.transport} ${frameWireText(e)}${e.probe ? ' probe' : ''}`] : [])
      for (const line of ['out websocket 2probe probe', 'in websocket 3probe probe', 'in polling 6', 'out websocket 5'])
        expect(wire, `${client}: ${line}`).toContain(line)
      expect(wire.indexOf('out websocket 2probe probe')).toBeLessThan(wire.indexOf('out websocket 5'))
    }
  })

  it('disconnects and reconnects on request, keeping the log', async () => {
    const t = await target(() => true)
    const { s, log } = relayed({ url: `${t.url}/`, transports: ['websocket'] })
    s.connect()
    const first = (await waitForState(s, x => x.status === 'connected')).socketId
    s.disconnect()
    const d = await waitForEntry(log, e => e.kind === 'disconnect')
    expect(d).toMatchObject({ reason: 'io client disconnect' })
    await waitForState(s, x => x.status === 'disconnected')
    expect(s.emit('echo', []).ok).toBe(false)
    s.reconnect()
    const second = await waitForState(s, x => x.status === 'connected' && x.socketId !== first)
    expect(second.idHistory.length).toBe(2)
  })
})

describe('diagnose through the relay', () => {
  it('probes in Node: a closed port is refused, a self-signed certificate is named', async () => {
    const closed = http.createServer()
    const port = await listen(closed)
    await new Promise<void>(resolve => closed.close(() => resolve()))
    const refused = await diagnoseThroughRelay(endpoint, { url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 })
    expect(refused.code).toBe('unreachable')
    expect(refused.detail).toContain('ECONNREFUSED')

    const dir = mkdtempSync(join(tmpdir(), 'relay-diag-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'pipe' })
    const tls = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) })
    rmSync(dir, { recursive: true, force: true })
    const { url } = await target(() => true, tls)
    const diagnosis = await diagnoseThroughRelay(endpoint, { url: `${url}/`, error: { message: 'xhr poll error' }, timeoutMs: 2000 })
    expect(diagnosis.code).toBe('tls-error')
    expect(diagnosis.detail).toMatch(/self[- ]signed/)
  })

  it('refuses a bad request and a connection without the token', async () => {
    await expect(diagnoseThroughRelay(endpoint, { url: 'ftp://127.0.0.1/' })).rejects.toThrow(/unsupported URL scheme/)
    await expect(diagnoseThroughRelay({ ...endpoint, token: 'wrong' }, { url: 'http://127.0.0.1:1/' })).rejects.toThrow(/token/)
  })
})

describe('relay wire format', () => {
  it('round-trips entries with binary, undefined, NaN and user objects that have a $t key', () => {
    const entry = {
      id: 3,
      kind: 'event',
      sessionId: 's',
      time: 1,
      mono: 2,
      direction: 'in',
      name: 'x',
      args: [new Uint8Array([0, 255]), undefined, Number.NaN, -0, Infinity, { $t: 'mine', n: 1 }],
      correlationId: undefined,
      bytes: 10,
    } as unknown as LogEntry
    const [back] = decodeEntries(encodeEntries([entry]))
    expect(back).toEqual(entry)
    expect((back as EventEntry).args[0]).toBeInstanceOf(Uint8Array)
    expect(Object.is((back as EventEntry).args[3], -0)).toBe(true)
  })
})
