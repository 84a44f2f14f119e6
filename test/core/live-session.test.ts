import type { AckEntry, ConnectEntry, ConnectErrorEntry, DisconnectEntry, EventEntry, FrameEntry, LogEntry, SessionOptions, SocketPacketTypeName } from '#core'
import type { DEEP_BINARY, TestServer } from './fixtures/servers'
import { decodeFrame, EventLog, LiveSession, ManagerPool } from '#core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { delay, startFixtureServer, waitForEntry, waitForState } from './fixtures/servers'

let server: TestServer
const sessions: LiveSession[] = []

beforeAll(async () => {
  server = await startFixtureServer()
})
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose()
})
afterAll(async () => {
  await server.close()
})

let n = 0
function open(options: Partial<SessionOptions> & { nsp?: string } = {}, log = new EventLog(), managers?: ManagerPool): { s: LiveSession, log: EventLog } {
  const { nsp = '/chat', ...rest } = options
  const s = new LiveSession({
    url: server.url(nsp),
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
    ...rest,
  }, { log, id: `t${++n}`, managers })
  sessions.push(s)
  return { s, log }
}

async function connected(options: Partial<SessionOptions> & { nsp?: string } = {}): Promise<{ s: LiveSession, log: EventLog }> {
  const r = open(options)
  r.s.connect()
  await waitForState(r.s, x => x.status === 'connected')
  return r
}

function ofKind<K extends LogEntry['kind']>(log: EventLog, kind: K): Extract<LogEntry, { kind: K }>[] {
  return [...log].filter(e => e.kind === kind) as Extract<LogEntry, { kind: K }>[]
}

describe('lifecycle', () => {
  it('logs connecting, then connect with the socket id, engine id, transport and a new id-history record', async () => {
    const { s, log } = await connected({ transports: ['websocket'] })
    const kinds = [...log].filter(e => e.kind !== 'frame').map(e => e.kind)
    expect(kinds.slice(0, 2)).toEqual(['connecting', 'connect'])
    const c = ofKind(log, 'connect')[0] as ConnectEntry
    const snap = s.snapshot()
    expect(c.socketId).toBe(snap.socketId)
    expect(c.engineId).toBe(snap.engineId)
    expect(c.transport).toBe('websocket')
    expect(c.recovered).toBe(false)
    expect(c.stateRecovery).toBe(false)
    expect(snap.idHistory).toHaveLength(1)
    expect(snap.idHistory[0]).toMatchObject({ socketId: c.socketId, engineId: c.engineId, transport: 'websocket' })
    expect(Object.isFrozen(snap)).toBe(true)
  })

  it('records the handshake open packet and the polling-to-websocket upgrade', async () => {
    const { log } = await connected()
    const upgrade = await waitForEntry(log, e => e.kind === 'upgrade')
    expect(upgrade).toMatchObject({ transport: 'websocket' })
    expect(ofKind(log, 'upgrading')).toHaveLength(1)
    const open = ofKind(log, 'frame').find(f => f.engineType === 'open')!
    expect(open.transport).toBe('polling')
    const d = decodeFrame(open)
    expect(d.kind).toBe('engine')
    if (d.kind === 'engine') {
      expect(d.handshake).toMatchObject({ upgrades: ['websocket'], pingInterval: 2000, pingTimeout: 2000, maxPayload: 1_000_000 })
      expect(typeof d.handshake?.sid).toBe('string')
    }
  })

  it('logs a middleware rejection as connect_error with its message and err.data, without retrying', async () => {
    const { s, log } = open({ nsp: '/private', auth: { token: 'wrong' } })
    s.connect()
    const err = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error')
    expect(err.message).toBe('not authorized')
    expect(err.data).toEqual({ reason: 'bad-token', hint: 'use token "ok"' })
    expect(err.willRetry).toBe(false)
    expect(s.snapshot()).toMatchObject({ status: 'disconnected', lastError: 'not authorized' })
  })

  it('passes the auth payload to the server', async () => {
    const { s } = await connected({ nsp: '/private', auth: { token: 'ok' } })
    expect(s.snapshot().status).toBe('connected')
  })

  it('logs an unreachable server as connect_error that will retry, then reconnect attempts on the Manager', async () => {
    const { s, log } = open({ url: 'http://127.0.0.1:1/', transports: ['websocket'], reconnectionAttempts: 2 })
    s.connect()
    const err = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error')
    expect(err.willRetry).toBe(true)
    await waitForEntry(log, e => e.kind === 'reconnect_attempt')
    await waitForEntry(log, e => e.kind === 'reconnect_error')
    await waitForEntry(log, e => e.kind === 'reconnect_failed', { timeoutMs: 5000 })
    expect(s.snapshot().status).toBe('disconnected')
  })

  it('logs a server-side namespace disconnect as "io server disconnect", explained, with no reconnection', async () => {
    const { s, log } = await connected()
    const id = s.snapshot().socketId
    s.emit('kick', [])
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d).toMatchObject({ reason: 'io server disconnect', willReconnect: false, socketId: id, direction: 'in' })
    expect(d.explanation).toMatch(/server closed/i)
    expect(s.snapshot().status).toBe('disconnected')
    expect(s.snapshot().idHistory[0]).toMatchObject({ socketId: id, reason: 'io server disconnect' })
    expect(s.snapshot().idHistory[0].disconnectedAt).toBeTypeOf('number')
  })

  it('logs a closed connection as "transport close" and reconnects by itself with a new socket id', async () => {
    const { s, log } = await connected({ transports: ['websocket'] })
    const first = s.snapshot().socketId
    s.emit('drop', [])
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d).toMatchObject({ reason: 'transport close', willReconnect: true })
    await waitForEntry(log, e => e.kind === 'reconnect')
    const snap = await waitForState(s, x => x.status === 'connected')
    expect(snap.socketId).not.toBe(first)
    expect(snap.idHistory.map(r => r.socketId)).toEqual([first, snap.socketId])
    // The new engine's handshake was captured too (attached on reconnect_attempt).
    expect(ofKind(log, 'frame').filter(f => f.engineType === 'open')).toHaveLength(2)
  })

  it('logs a missing heartbeat as "ping timeout" and reconnects by itself', async () => {
    const fast = await startFixtureServer({ serverOptions: { pingInterval: 100, pingTimeout: 100 } })
    try {
      const log = new EventLog()
      const s = new LiveSession({ url: fast.url('/chat'), transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 }, { log, id: 'ping' })
      sessions.push(s)
      s.connect()
      await waitForState(s, x => x.status === 'connected')
      await waitForEntry(log, e => e.kind === 'frame' && e.engineType === 'pong')
      s.emit('mute', [])
      const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
      expect(d).toMatchObject({ reason: 'ping timeout', willReconnect: true, explanation: expect.stringMatching(/heartbeat/) })
      await waitForState(s, x => x.status === 'connected' && x.idHistory.length === 2)
      // Heartbeat frames are recorded: the server's pings and our pongs.
      const types = new Set(ofKind(log, 'frame').map(f => `${f.direction} ${f.engineType}`))
      expect(types.has('in ping') && types.has('out pong')).toBe(true)
    }
    finally {
      await fast.close()
    }
  })

  it('disconnect() logs "io client disconnect" and reconnect() keeps the log and adds a new id', async () => {
    const { s, log } = await connected()
    const before = log.size
    s.disconnect()
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d).toMatchObject({ reason: 'io client disconnect', willReconnect: false, direction: 'out' })
    s.reconnect()
    await waitForState(s, x => x.status === 'connected')
    expect(log.size).toBeGreaterThan(before)
    expect(log.get(1)?.kind).toBe('connecting')
    expect(s.snapshot().idHistory).toHaveLength(2)
    expect(s.snapshot().idHistory[0].reason).toBe('io client disconnect')
  })

  it('keeps the id history across a server restart on the same port', async () => {
    const own = await startFixtureServer()
    try {
      const log = new EventLog()
      const s = new LiveSession({ url: own.url('/chat'), reconnectionDelay: 50, reconnectionDelayMax: 100, transports: ['websocket'] }, { log, id: 'restart' })
      sessions.push(s)
      s.connect()
      await waitForState(s, x => x.status === 'connected')
      const first = s.snapshot().socketId
      await own.stop()
      await waitForEntry(log, e => e.kind === 'disconnect')
      await waitForEntry(log, e => e.kind === 'reconnect_error')
      expect(s.snapshot().status).toBe('reconnecting')
      await own.restart()
      await waitForEntry(log, e => e.kind === 'reconnect', { timeoutMs: 5000 })
      const snap = await waitForState(s, x => x.status === 'connected')
      expect(snap.idHistory).toHaveLength(2)
      expect(snap.idHistory[0]).toMatchObject({ socketId: first, reason: 'transport close' })
      expect(snap.idHistory[1].socketId).toBe(snap.socketId)
      expect(snap.idHistory[1].disconnectedAt).toBeUndefined()
      expect(ofKind(log, 'reconnect_attempt').length).toBeGreaterThanOrEqual(1)
    }
    finally {
      await own.close()
    }
  })
})

describe('events', () => {
  it('keeps every argument of a multi-argument event, in order', async () => {
    const { s, log } = await connected()
    s.emit('multi', [])
    const e = await waitForEntry<EventEntry>(log, x => x.kind === 'event' && x.direction === 'in' && x.name === 'multi')
    expect(e.args).toEqual([1, 'two', { three: 3 }, [4], null, true])
    expect(e.correlationId).toBeUndefined()
    expect(e.bytes).toBeGreaterThan(0)
  })

  it('logs its own emit once, with exactly the arguments emitted', async () => {
    const { s, log } = await connected()
    const args = ['a', 2, { deep: { list: [1, 2, 3] } }, null]
    expect(s.emit('echo', args)).toEqual({ ok: true })
    const back = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.direction === 'in' && e.name === 'echo')
    const out = ofKind(log, 'event').filter(e => e.direction === 'out')
    expect(out).toHaveLength(1)
    expect(out[0].args).toEqual(args)
    expect(back.args).toEqual(args)
  })

  it('keeps binary arguments as bytes at any depth, both ways', async () => {
    const { s, log } = await connected()
    s.emit('bin:deep', [])
    const e = await waitForEntry<EventEntry>(log, x => x.kind === 'event' && x.direction === 'in' && x.name === 'bin:deep')
    const [deep, top] = e.args as [typeof DEEP_BINARY, Uint8Array]
    expect(new Uint8Array(deep.level1.level2[0] as Uint8Array)).toEqual(new Uint8Array([1, 2, 3]))
    expect(new Uint8Array((deep.level1.level2[1] as { level3: Uint8Array }).level3)).toEqual(new Uint8Array([0xFF, 0x00, 0x7F]))
    expect(new Uint8Array(top)).toEqual(new Uint8Array([0xDE, 0xAD]))
    expect(Buffer.isBuffer(top)).toBe(true) // Node: Buffer, kept as it arrived

    const payload = { img: new Uint8Array([7, 8, 9]), list: [new Uint8Array(300)] }
    s.emit('echo', ['x', payload])
    const echo = await waitForEntry<EventEntry>(log, x => x.kind === 'event' && x.direction === 'in' && x.name === 'echo')
    const got = echo.args[1] as typeof payload
    expect(new Uint8Array(got.img)).toEqual(payload.img)
    expect(new Uint8Array(got.list[0])).toEqual(payload.list[0])
  })

  it('records volatile and compress flags of an emit', async () => {
    const { s, log } = await connected()
    s.emit('echo', [1], { volatile: true, compress: false })
    const out = ofKind(log, 'event').find(e => e.direction === 'out')!
    expect(out).toMatchObject({ volatile: true, compress: false })
  })

  it('records no frames when captureFrames is false', async () => {
    const { s, log } = await connected({ captureFrames: false })
    s.emit('echo', [1])
    await waitForEntry(log, e => e.kind === 'event' && e.direction === 'in')
    expect(ofKind(log, 'frame')).toHaveLength(0)
  })
})

describe('acks', () => {
  it('links the ack of an emit to it by correlation id, with its latency and every argument', async () => {
    const { s, log } = await connected()
    const r = s.emit('echo', ['a', { b: 1 }, new Uint8Array([5])], { ack: true })
    expect(r.ok && r.correlationId).toBeTruthy()
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack')
    const out = ofKind(log, 'event').find(e => e.direction === 'out')!
    expect(out.correlationId).toBe(ack.correlationId)
    expect(ack).toMatchObject({ direction: 'in', name: 'echo', timedOut: false })
    expect(ack.args.slice(0, 2)).toEqual(['a', { b: 1 }])
    expect(new Uint8Array(ack.args[2] as Uint8Array)).toEqual(new Uint8Array([5]))
    expect(ack.latencyMs).toBeGreaterThanOrEqual(0)
    expect(ack.latencyMs).toBeLessThan(2000)
  })

  it('records an ack that never comes as timed out after ackTimeoutMs', async () => {
    const { s, log } = await connected()
    s.emit('silent', [], { ack: true, ackTimeoutMs: 80 })
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack')
    expect(ack).toMatchObject({ name: 'silent', timedOut: true, args: [], error: 'operation has timed out' })
    expect(ack.latencyMs).toBeGreaterThanOrEqual(70)
  })

  it('keeps a server ack request pending until the user answers it, and sends the answer once', async () => {
    const { s, log } = await connected()
    s.emit('ask', [])
    const quiz = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz')
    expect(quiz.args).toEqual([{ question: '6 x 7?' }])
    expect(quiz.correlationId).toBeTruthy()
    const pending = s.snapshot().pendingServerAcks
    expect(pending).toHaveLength(1)
    expect(pending[0]).toMatchObject({ correlationId: quiz.correlationId, name: 'quiz', entryId: quiz.id })
    await delay(50)
    // Nothing answered behind the user's back.
    expect(ofKind(log, 'ack')).toHaveLength(0)
    expect(s.answerAck(quiz.correlationId!, [42, 'extra'])).toEqual({ ok: true, correlationId: quiz.correlationId })
    const ack = ofKind(log, 'ack')[0]
    expect(ack).toMatchObject({ direction: 'out', args: [42, 'extra'], timedOut: false, correlationId: quiz.correlationId })
    expect(ack.latencyMs).toBeGreaterThanOrEqual(40)
    const result = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz:result')
    expect(result.args).toEqual([{ answer: 42 }])
    expect(s.snapshot().pendingServerAcks).toHaveLength(0)
    expect(s.answerAck(quiz.correlationId!, [1]).ok).toBe(false)
    expect(s.answerAck('nope', []).ok).toBe(false)
  })

  it('expires a server ack request nobody answers as a timed-out ack', async () => {
    const { s, log } = await connected({ serverAckTimeoutMs: 60 })
    s.emit('ask', [])
    const quiz = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz')
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack')
    expect(ack).toMatchObject({ direction: 'out', correlationId: quiz.correlationId, timedOut: true, args: [] })
    expect(s.snapshot().pendingServerAcks).toHaveLength(0)
    expect(s.answerAck(quiz.correlationId!, [42]).ok).toBe(false)
  })
})

describe('emit refusals', () => {
  it('refuses reserved names, a session that never connected, a disconnected one and a disposed one', async () => {
    const { s } = open()
    expect(s.emit('hello', [])).toMatchObject({ ok: false, error: expect.stringMatching(/never connected/) })
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    expect(s.emit('connect', [])).toMatchObject({ ok: false, error: expect.stringMatching(/reserved/) })
    expect(s.emit('disconnecting', [])).toMatchObject({ ok: false })
    s.disconnect()
    expect(s.emit('hello', [])).toMatchObject({ ok: false, error: expect.stringMatching(/not sent/i) })
    s.dispose()
    expect(s.emit('hello', [])).toMatchObject({ ok: false, error: expect.stringMatching(/disposed/) })
    expect(s.answerAck('x', []).ok).toBe(false)
  })
})

describe('frames', () => {
  it('captures and decodes every Socket.IO packet type on the wire', async () => {
    const log = new EventLog()
    const { s } = open({ transports: ['websocket'] }, log)
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    s.emit('echo', ['bin', new Uint8Array([1, 2])], { ack: true }) // BINARY_EVENT out, BINARY_ACK in
    s.emit('echo', ['text'], { ack: true }) // EVENT out, ACK in
    s.emit('ask', []) // EVENT in with an ack id; our ACK out
    const quiz = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz')
    s.answerAck(quiz.correlationId!, ['42'])
    s.emit('bin:deep', []) // BINARY_EVENT in
    await waitForEntry(log, e => e.kind === 'event' && e.name === 'bin:deep')
    s.emit('kick', []) // DISCONNECT in
    await waitForEntry(log, e => e.kind === 'disconnect')
    const rejected = open({ nsp: '/private', transports: ['websocket'] }, log)
    rejected.s.connect() // CONNECT out, CONNECT_ERROR in
    await waitForEntry(log, e => e.kind === 'connect_error')
    const again = open({ transports: ['websocket'] }, log)
    again.s.connect()
    await waitForState(again.s, x => x.status === 'connected')
    again.s.disconnect() // DISCONNECT out

    const seen = new Map<string, { frame: FrameEntry, decoded: ReturnType<typeof decodeFrame> }>()
    for (const f of ofKind(log, 'frame')) {
      const d = decodeFrame(f)
      expect(d.kind).not.toBe('error')
      const key = d.kind === 'socket' ? `${f.direction} ${d.packetType}` : ''
      if (d.kind === 'socket' && !seen.has(key))
        seen.set(key, { frame: f, decoded: d })
    }
    const types: SocketPacketTypeName[] = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR', 'BINARY_EVENT', 'BINARY_ACK']
    const all = new Set([...seen.keys()].map(k => k.split(' ')[1]))
    expect([...all].sort()).toEqual([...types].sort())
    for (const key of ['out CONNECT', 'in CONNECT', 'out EVENT', 'in EVENT', 'out ACK', 'in ACK', 'out BINARY_EVENT', 'in BINARY_EVENT', 'in BINARY_ACK', 'in DISCONNECT', 'out DISCONNECT', 'in CONNECT_ERROR'])
      expect(seen.has(key), key).toBe(true)

    const binOut = seen.get('out BINARY_EVENT')!.decoded
    expect(binOut).toMatchObject({ nsp: '/chat', attachments: 1, eventName: 'echo', id: 0, args: ['bin', { _placeholder: true, num: 0 }] })
    expect(seen.get('in BINARY_ACK')!.decoded).toMatchObject({ id: 0, attachments: 1 })
    expect(seen.get('in CONNECT_ERROR')!.decoded).toMatchObject({ nsp: '/private', data: { message: 'not authorized', data: { reason: 'bad-token' } } })
    expect(seen.get('in EVENT')!.decoded).toMatchObject({ eventName: 'quiz', id: expect.any(Number) })
    const attachment = ofKind(log, 'frame').find(f => f.data instanceof Uint8Array)!
    expect(decodeFrame(attachment)).toEqual({ kind: 'attachment', byteLength: attachment.size })
    // Frame metadata: transport, size on the wire (text: UTF-8 + the type digit).
    const text = seen.get('out EVENT')!.frame
    expect(text.transport).toBe('websocket')
    expect(text.size).toBe(Buffer.byteLength(text.data as string) + 1)
  })

  it('shares one connection between two namespaces with forceNew false, each session logging its own frames', async () => {
    const log = new EventLog()
    const pool = new ManagerPool()
    const a = open({ nsp: '/', forceNew: false, transports: ['websocket'] }, log, pool).s
    const b = open({ nsp: '/chat', forceNew: false, transports: ['websocket'] }, log, pool).s
    a.connect()
    b.connect()
    await waitForState(a, x => x.status === 'connected')
    await waitForState(b, x => x.status === 'connected')
    expect(a.snapshot().engineId).toBe(b.snapshot().engineId)
    a.emit('echo', ['to-root'])
    b.emit('echo', ['to-chat'])
    await waitForEntry(log, e => e.kind === 'event' && e.direction === 'in' && e.sessionId === b.id)
    await waitForEntry(log, e => e.kind === 'event' && e.direction === 'in' && e.sessionId === a.id)
    const frames = ofKind(log, 'frame').filter(f => f.engineType === 'message' && typeof f.data === 'string')
    for (const f of frames) {
      const d = decodeFrame(f)
      if (d.kind === 'socket')
        expect(d.nsp).toBe(f.sessionId === a.id ? '/' : '/chat')
    }
    // The handshake belongs to the connection: logged once.
    expect(ofKind(log, 'frame').filter(f => f.engineType === 'open')).toHaveLength(1)
    b.dispose()
    a.emit('echo', ['still'])
    await waitForEntry(log, e => e.kind === 'event' && e.direction === 'in' && (e as EventEntry).args[0] === 'still')
    expect(pool.size).toBe(1)
    a.dispose()
    expect(pool.size).toBe(0)
  })
})

describe('connection state recovery', () => {
  let rec: TestServer
  beforeAll(async () => {
    rec = await startFixtureServer({ recovery: true })
  })
  afterAll(async () => {
    await rec.close()
  })

  it('takes the recovery offset out of the arguments, labels it, and recovers the session after a drop', async () => {
    const log = new EventLog()
    const s = new LiveSession({ url: rec.url('/chat'), transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 }, { log, id: 'rec' })
    sessions.push(s)
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    s.emit('multi', [])
    const e = await waitForEntry<EventEntry>(log, x => x.kind === 'event' && x.direction === 'in')
    expect(e.args).toEqual([1, 'two', { three: 3 }, [4], null, true])
    expect(typeof e.recoveryOffset).toBe('string')
    const frame = ofKind(log, 'frame').find(f => f.direction === 'in' && typeof f.data === 'string' && f.data.includes('"multi"'))!
    const decoded = decodeFrame(frame, { recovery: true })
    expect(decoded).toMatchObject({ kind: 'socket', eventName: 'multi', recoveryOffset: e.recoveryOffset, args: e.args })
    // Without the hint the offset is just one more argument: that is what the wire says.
    expect((decodeFrame(frame) as { args: unknown[] }).args).toHaveLength(7)
    const connectReply = ofKind(log, 'frame').find(f => f.direction === 'in' && typeof f.data === 'string' && f.data.startsWith('0/chat,'))!
    expect(decodeFrame(connectReply)).toMatchObject({ packetType: 'CONNECT', pid: expect.any(String) })

    const id = s.snapshot().socketId
    s.emit('drop', [])
    await waitForEntry(log, x => x.kind === 'disconnect')
    const c = await waitForEntry<ConnectEntry>(log, x => x.kind === 'connect' && x.id > e.id)
    expect(c.recovered).toBe(true)
    expect(c.stateRecovery).toBe(true)
    expect(c.socketId).toBe(id)
    expect(s.snapshot().idHistory.map(r => r.recovered)).toEqual([false, true])
  })
})

describe('dispose', () => {
  it('removes every listener the session added and closes the connection', async () => {
    // WebSocket only: during a polling → websocket upgrade probe engine.io-client holds its own
    // `upgrading` listener, which would be counted here on a slow machine.
    const { s } = await connected({ transports: ['websocket'] })
    // The socket.io-client objects live in the session's v4 client adapter (session/clients/client-v4.ts).
    const internals = (s as unknown as { client: { socket: any, manager: any } }).client
    const socket = internals.socket
    const manager = internals.manager
    const engine = manager.engine
    expect(socket.listenersAny()).toHaveLength(1)
    s.dispose()
    expect(socket.listenersAny()).toHaveLength(0)
    for (const ev of ['connect', 'connect_error', 'disconnect'])
      expect(socket.listeners(ev)).toHaveLength(0)
    for (const ev of ['reconnect_attempt', 'reconnect_error', 'reconnect', 'reconnect_failed'])
      expect(manager.listeners(ev)).toHaveLength(0)
    for (const ev of ['packet', 'packetCreate', 'upgrade', 'upgrading', 'upgradeError'])
      expect(engine.listeners(ev)).toHaveLength(0)
    expect(socket.connected).toBe(false)
    await delay(50)
    expect(server.io.of('/chat').sockets.size).toBe(0)
  })
})
