import type { AckEntry, ConnectEntry, ConnectErrorEntry, CreateSessionOptions, DisconnectEntry, EventEntry, FrameEntry, LogEntry, RelayEndpoint, SessionSource } from '#core'
/**
 * The session contract (issue 13): one set of scenarios over every client kind, so the kinds cannot drift.
 *
 * - `v4`: socket.io-client 4 in this process against a socket.io 4 server;
 * - `v2`: socket.io-client 2 against a socket.io 2 server;
 * - `relay-v4` / `relay-v2`: the same, run by the inspector's relay (a worker thread per session) and
 *   streamed to a `RelaySession` here;
 * - `msgpack`: socket.io-client 4 with `parser: 'msgpack'` against a socket.io 4 server using
 *   `socket.io-msgpack-parser`.
 *
 * Every scenario asserts the same entries (exact key sets where the libraries agree), the same refusal
 * wording (v2 adds " (2.x)" to the reserved-name refusal, documented) and, after each test, that no entry of
 * any kind holds a key whose value is `undefined` (such keys reach capture files as `{"$t":"undef"}` tags).
 */
import type { AddressInfo } from 'node:net'
import type { Relay } from '../../../inspector-ui/server/relay'
import http from 'node:http'
import { createSessionSource, DISPOSED_ERROR, EventLog } from '#core'
import { Server } from 'socket.io'
import * as msgpackParser from 'socket.io-msgpack-parser'
import serverV2 from 'socket.io-v2'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { attachRelay } from '../../../inspector-ui/server/relay'
import { delay, waitForEntry, waitForState } from '../fixtures/servers'

const TOKEN = 'contract-relay-token'
const INSPECTOR_ORIGIN = 'http://inspector.test:5173'

interface TargetServer {
  url: string
  /** Sockets connected to `/` now (server side). */
  count: () => number
  close: () => Promise<void>
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

/** The handlers every target server has, written once for both server APIs (v4 and v2 agree on these). */
function handlers(socket: any): void {
  socket.on('echo', (...args: unknown[]) => {
    const ack = args[args.length - 1]
    if (typeof ack === 'function')
      (ack as (...a: unknown[]) => void)(...args.slice(0, -1))
    else
      socket.emit('echo', ...args)
  })
  socket.on('silent', () => {}) // never answers its ack
  socket.on('ask', () => {
    socket.emit('question', 'ready?', (answer: unknown) => socket.emit('answered', answer))
  })
  socket.on('kick', () => socket.disconnect(true))
  socket.on('drop', () => socket.conn.close())
  socket.on('bin', () => socket.emit('bin', Buffer.from([1, 2, 3]), { nested: Buffer.from([4]) }))
}

function refusal(): Error {
  return Object.assign(new Error('not allowed'), { data: { code: 'E42' } })
}

async function startV4(parser?: unknown): Promise<TargetServer> {
  const httpServer = http.createServer()
  const io = new Server(httpServer, { pingInterval: 300, pingTimeout: 1000, ...(parser ? { parser } : {}) } as never)
  io.on('connection', handlers)
  io.of('/private').use((_socket, next) => next(refusal()))
  const port = await listen(httpServer)
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => io.of('/').sockets.size,
    close: () => new Promise<void>((resolve) => {
      io.disconnectSockets(true)
      httpServer.closeAllConnections()
      io.close(() => resolve())
    }),
  }
}

async function startV2(): Promise<TargetServer> {
  const httpServer = http.createServer()
  const io = (serverV2 as any)(httpServer, { serveClient: false, pingInterval: 300, pingTimeout: 1000 })
  io.on('connection', handlers)
  io.of('/private').use((_socket: unknown, next: (err?: Error) => void) => next(refusal()))
  const port = await listen(httpServer)
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => Object.keys(io.of('/').connected).length,
    close: async () => {
      io.close()
      httpServer.closeAllConnections()
      await new Promise<void>(resolve => httpServer.close(() => resolve()))
    },
  }
}

type ServerKind = 'v4' | 'v2' | 'msgpack'
interface ClientKind {
  name: string
  server: ServerKind
  options: Partial<CreateSessionOptions>
  relayed: boolean
}

const KINDS: ClientKind[] = [
  { name: 'v4', server: 'v4', options: {}, relayed: false },
  { name: 'v2', server: 'v2', options: { client: 'v2' }, relayed: false },
  { name: 'relay-v4', server: 'v4', options: {}, relayed: true },
  { name: 'relay-v2', server: 'v2', options: { client: 'v2' }, relayed: true },
  { name: 'msgpack', server: 'msgpack', options: { parser: 'msgpack' }, relayed: false },
  { name: 'relay-msgpack', server: 'msgpack', options: { parser: 'msgpack' }, relayed: true },
]

const servers = {} as Record<ServerKind, TargetServer>
let relayHttp: http.Server
let relay: Relay
let endpoint: RelayEndpoint
const open: { s: SessionSource, log: EventLog }[] = []

beforeAll(async () => {
  servers.v4 = await startV4()
  servers.v2 = await startV2()
  servers.msgpack = await startV4(msgpackParser)
  relayHttp = http.createServer((_req, res) => {
    res.writeHead(404).end()
  })
  relay = attachRelay(relayHttp, { token: TOKEN, allowedOrigins: [INSPECTOR_ORIGIN] })
  const port = await listen(relayHttp)
  endpoint = { url: `http://127.0.0.1:${port}`, token: TOKEN, extraHeaders: { Origin: INSPECTOR_ORIGIN } }
})

afterEach(() => {
  // Whatever the scenario: no entry of any kind holds a key whose value is `undefined`.
  const holes: string[] = []
  for (const { s, log } of open.splice(0)) {
    s.dispose()
    for (const e of log) {
      for (const [k, v] of Object.entries(e)) {
        if (v === undefined)
          holes.push(`${e.kind}.${k}`)
      }
    }
  }
  expect([...new Set(holes)]).toEqual([])
})

afterAll(async () => {
  await relay.close()
  await new Promise<void>(resolve => relayHttp.close(() => resolve()))
  for (const s of Object.values(servers)) await s.close()
})

const keysOf = (e: object): string[] => Object.keys(e).sort()
const HEADER = ['direction', 'id', 'kind', 'mono', 'sessionId', 'time']
const withHeader = (...keys: string[]): string[] => [...HEADER, ...keys].sort()
/** Bytes of a binary value, whatever its container (a msgpack server answers a Uint8Array as an ArrayBuffer). */
function bytesOf(v: unknown): number[] {
  expect(v instanceof ArrayBuffer || ArrayBuffer.isView(v), `binary, not ${JSON.stringify(v)}`).toBe(true)
  return [...new Uint8Array(v as ArrayBuffer)]
}

describe.each(KINDS)('session contract: $name', (kind) => {
  let n = 0
  const make = (extra: Partial<CreateSessionOptions> = {}, nsp = '/'): { s: SessionSource, log: EventLog } => {
    const log = new EventLog()
    const options: CreateSessionOptions = {
      url: `${servers[kind.server].url}${nsp}`,
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
      ...kind.options,
      ...extra,
      ...(kind.relayed ? { via: 'relay' as const, relay: endpoint } : {}),
    }
    const s = createSessionSource(options, { log, id: `${kind.name}-${++n}` })
    open.push({ s, log })
    return { s, log }
  }
  const connected = async (extra: Partial<CreateSessionOptions> = {}): Promise<{ s: SessionSource, log: EventLog }> => {
    const made = make(extra)
    made.s.connect()
    await waitForState(made.s, x => x.status === 'connected')
    return made
  }
  const entries = <K extends LogEntry['kind']>(log: EventLog, k: K): Extract<LogEntry, { kind: K }>[] =>
    [...log].filter(e => e.kind === k) as Extract<LogEntry, { kind: K }>[]

  it('connects: a connecting entry, then a connect entry with exactly its keys, and a snapshot with the ids', async () => {
    const { s, log } = await connected()
    await waitForEntry(log, e => e.kind === 'connect')
    const [connecting] = entries(log, 'connecting')
    expect(keysOf(connecting)).toEqual(withHeader('namespace', 'url'))
    expect(connecting).toMatchObject({ direction: 'local', namespace: '/' })
    const [c] = entries(log, 'connect') as ConnectEntry[]
    expect(keysOf(c)).toEqual(withHeader('engineId', 'recovered', 'socketId', 'stateRecovery', 'transport'))
    expect(c).toMatchObject({ direction: 'in', transport: 'websocket', recovered: false, stateRecovery: false })
    expect(c.time - c.mono).toBeCloseTo(performance.timeOrigin, -3)
    const snap = s.snapshot()
    expect(snap).toMatchObject({ status: 'connected', socketId: c.socketId, engineId: c.engineId, transport: 'websocket', namespace: '/', readonly: false, reconnectAttempt: 0 })
    expect(snap.idHistory).toHaveLength(1)
    expect(snap.idHistory[0]).toMatchObject({ socketId: c.socketId, engineId: c.engineId, recovered: false })
    expect(snap.heartbeat?.pinger).toBe(kind.options.client === 'v2' ? 'client' : 'server')
    // The parser is recorded only when it is not the default.
    if (kind.options.parser === 'msgpack')
      expect(snap.parser).toBe('msgpack')
    else
      expect('parser' in snap).toBe(false)
  })

  it('emits without and with an ack: the event entries carry only given options, the ack links back with its latency', async () => {
    const { s, log } = await connected()
    expect(s.emit('echo', ['plain', 1])).toEqual({ ok: true })
    const back = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.direction === 'in' && e.name === 'echo')
    expect(back.args).toEqual(['plain', 1])
    expect(keysOf(back)).toEqual(withHeader('args', 'bytes', 'name'))
    const r = s.emit('echo', ['hi', { n: 2 }], { ack: true })
    expect(r.ok && r.correlationId).toBeTruthy()
    const correlationId = (r as { correlationId: string }).correlationId
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack')
    expect(keysOf(ack)).toEqual(withHeader('args', 'bytes', 'correlationId', 'latencyMs', 'name', 'timedOut'))
    expect(ack).toMatchObject({ direction: 'in', correlationId, name: 'echo', args: ['hi', { n: 2 }], timedOut: false })
    expect(ack.latencyMs).toBeGreaterThanOrEqual(0)
    const outs = entries(log, 'event').filter(e => e.direction === 'out')
    expect(outs.map(keysOf)).toEqual([withHeader('args', 'bytes', 'name'), withHeader('args', 'bytes', 'correlationId', 'name')])
    expect(outs[1].correlationId).toBe(correlationId)
  })

  it('times out an ack that never comes', async () => {
    const { s, log } = await connected()
    const r = s.emit('silent', [], { ack: true, ackTimeoutMs: 150 })
    expect(r.ok).toBe(true)
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack')
    expect(keysOf(ack)).toEqual(withHeader('args', 'bytes', 'correlationId', 'error', 'latencyMs', 'name', 'timedOut'))
    expect(ack).toMatchObject({ direction: 'in', name: 'silent', args: [], timedOut: true, error: 'operation has timed out' })
    expect(ack.latencyMs).toBeGreaterThanOrEqual(100)
  })

  it('keeps a server ack request pending until answerAck, answers once, and expires one at disconnect', async () => {
    const { s, log } = await connected()
    s.emit('ask', [])
    const q = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'question')
    expect(keysOf(q)).toEqual(withHeader('args', 'bytes', 'correlationId', 'name'))
    expect(q.args).toEqual(['ready?'])
    const pending = await waitForState(s, x => x.pendingServerAcks.length === 1)
    expect(pending.pendingServerAcks[0]).toMatchObject({ correlationId: q.correlationId, name: 'question' })
    expect(s.answerAck(q.correlationId!, ['yes'])).toEqual({ ok: true, correlationId: q.correlationId })
    const answered = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'answered')
    expect(answered.args).toEqual(['yes'])
    const out = entries(log, 'ack').find(a => a.direction === 'out')!
    expect(keysOf(out)).toEqual(withHeader('args', 'bytes', 'correlationId', 'latencyMs', 'name', 'timedOut'))
    expect(out).toMatchObject({ correlationId: q.correlationId, args: ['yes'], timedOut: false })
    await waitForState(s, x => x.pendingServerAcks.length === 0)
    expect(s.answerAck(q.correlationId!, ['again'])).toEqual({ ok: false, error: `No pending ack request ${q.correlationId} (already answered, expired, or unknown).` })

    s.emit('ask', [])
    const q2 = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'question' && e.id > q.id)
    await waitForState(s, x => x.pendingServerAcks.length === 1)
    s.disconnect()
    const expired = await waitForEntry<AckEntry>(log, e => e.kind === 'ack' && e.correlationId === q2.correlationId)
    expect(expired).toMatchObject({ direction: 'out', timedOut: true, error: 'socket disconnected (io client disconnect) before the answer', args: [] })
    expect((await waitForState(s, x => x.status === 'disconnected')).pendingServerAcks).toEqual([])
  })

  it('refuses with the same words: reserved name, never connected, disconnected, disposed', async () => {
    const { s } = make()
    const reserved = `"connect" is reserved by Socket.IO${kind.options.client === 'v2' ? ' (2.x)' : ''} and cannot be emitted.`
    expect(s.emit('connect', [])).toEqual({ ok: false, error: reserved })
    expect(s.emit('', [])).toEqual({ ok: false, error: 'The event name is empty.' })
    expect(s.emit('echo', [])).toEqual({ ok: false, error: 'Not sent: the session has never connected. Connect first.' })
    expect(s.answerAck('nope', [])).toEqual({ ok: false, error: 'No pending ack request nope (already answered, expired, or unknown).' })
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    s.disconnect()
    await waitForState(s, x => x.status === 'disconnected')
    expect(s.emit('echo', [])).toEqual({ ok: false, error: 'Not sent: the session is disconnected. Socket.IO would buffer it until the next connection; the inspector does not.' })
    s.dispose()
    expect(s.emit('echo', [])).toEqual({ ok: false, error: DISPOSED_ERROR })
    expect(s.answerAck('nope', [])).toEqual({ ok: false, error: DISPOSED_ERROR })
  })

  it('records a server disconnect as "io server disconnect", explained, without reconnection', async () => {
    const { s, log } = await connected()
    const socketId = s.snapshot().socketId
    s.emit('kick', [])
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(keysOf(d)).toEqual(withHeader('explanation', 'reason', 'socketId', 'willReconnect'))
    expect(d).toMatchObject({ direction: 'in', reason: 'io server disconnect', willReconnect: false, socketId })
    expect(d.explanation).toMatch(/server closed this socket/)
    const snap = await waitForState(s, x => x.status === 'disconnected')
    expect(snap.idHistory[0]).toMatchObject({ socketId, reason: 'io server disconnect' })
    expect(snap.socketId).toBeUndefined()
  })

  it('records a middleware refusal as connect_error with its data, without retrying', async () => {
    const log = new EventLog()
    const options: CreateSessionOptions = {
      url: `${servers[kind.server].url}/private`,
      transports: ['websocket'],
      ...kind.options,
      ...(kind.relayed ? { via: 'relay' as const, relay: endpoint } : {}),
    }
    const s = createSessionSource(options, { log, id: `${kind.name}-private` })
    open.push({ s, log })
    s.connect()
    const err = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error')
    expect(keysOf(err)).toEqual(withHeader('data', 'description', 'message', 'willRetry'))
    expect(err).toMatchObject({ direction: 'in', data: { code: 'E42' }, willRetry: false })
    // socket.io 2 sends only `err.data` when there is one: the message says so instead of the server's.
    expect(err.message).toBe(kind.options.client === 'v2' ? 'refused by a namespace middleware (socket.io 2.x sends only its err.data)' : 'not allowed')
    const snap = await waitForState(s, x => x.status === 'disconnected')
    expect(snap.lastError).toBe(err.message)
  })

  it('reconnects by itself after the server drops the transport: a new socket id in idHistory', async () => {
    const { s, log } = await connected()
    const first = s.snapshot().socketId!
    s.emit('drop', [])
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d).toMatchObject({ reason: 'transport close', willReconnect: true, socketId: first })
    await waitForEntry(log, e => e.kind === 'reconnect_attempt')
    const snap = await waitForState(s, x => x.status === 'connected' && x.socketId !== first)
    expect(snap.idHistory.map(r => r.socketId)).toEqual([first, snap.socketId])
    expect(snap.idHistory[0]).toMatchObject({ reason: 'transport close' })
    const connects = await waitForEntry(log, e => e.kind === 'connect' && e.id > d.id)
    expect(keysOf(connects)).toEqual(withHeader('engineId', 'recovered', 'socketId', 'stateRecovery', 'transport'))
    // The new engine's handshake is captured too.
    expect(entries(log, 'frame').filter(f => f.engineType === 'open')).toHaveLength(2)
  })

  it('records frames with their protocol: text handshake, and binary frames', async () => {
    const { s, log } = await connected()
    s.emit('bin', [])
    await waitForEntry(log, e => e.kind === 'event' && e.direction === 'in' && e.name === 'bin')
    const frames = entries(log, 'frame') as FrameEntry[]
    const protocol = kind.options.client === 'v2' ? 3 : 4
    const openFrame = frames.find(f => f.engineType === 'open')!
    expect(keysOf(openFrame)).toEqual(withHeader('bytes', 'data', 'engineType', 'protocol', 'size', 'transport'))
    expect(openFrame).toMatchObject({ direction: 'in', transport: 'websocket', protocol })
    expect(typeof openFrame.data).toBe('string')
    expect(frames.every(f => f.protocol === protocol)).toBe(true)
    const binary = frames.filter(f => f.direction === 'in' && f.data instanceof Uint8Array)
    // default parser: two attachment frames; msgpack: the whole packet is one binary frame.
    expect(binary.length).toBeGreaterThanOrEqual(1)
    expect(binary.every(f => f.size >= (f.data as Uint8Array).byteLength)).toBe(true)
  })

  it('keeps binary arguments as bytes, at any depth, both ways', async () => {
    const { s, log } = await connected()
    s.emit('bin', [])
    const bin = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.direction === 'in' && e.name === 'bin')
    expect(bytesOf(bin.args[0])).toEqual([1, 2, 3])
    expect(bytesOf((bin.args[1] as { nested: unknown }).nested)).toEqual([4])
    s.emit('echo', [new Uint8Array([9, 8]), { deep: new Uint8Array([7]) }], { ack: true })
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack')
    expect(bytesOf(ack.args[0])).toEqual([9, 8])
    expect(bytesOf((ack.args[1] as { deep: unknown }).deep)).toEqual([7])
  })

  it('dispose closes the connection and stops recording', async () => {
    const server = servers[kind.server]
    const { s, log } = await connected()
    await waitForEntry(log, e => e.kind === 'connect')
    // Earlier tests' sockets may still be closing on the server: count this one by its absence.
    const during = server.count()
    expect(during).toBeGreaterThanOrEqual(1)
    s.dispose()
    for (let i = 0; i < 100 && server.count() > during - 1; i++) await delay(20)
    expect(server.count()).toBeLessThanOrEqual(during - 1)
    const size = log.size
    await delay(100)
    expect(log.size).toBe(size)
    expect(s.snapshot().status).toBe('connected') // the last snapshot stays; no state event after dispose
  })
})
