import type { AckEntry, ConnectEntry, ConnectErrorEntry, DisconnectEntry, EventEntry, FrameEntry, LogEntry, SessionOptions, SessionSource } from '#core'
import type { DemoServerV2 } from '../../demo-server/v2/start-v2'
import { createSessionSource, decodeFrameV3, EventLog, LiveSession } from '#core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { waitForEntry, waitForState } from './fixtures/servers'

let demo: DemoServerV2
const sessions: SessionSource[] = []

beforeAll(async () => {
  demo = await startDemoServerV2({ port: 0, pingInterval: 200, pingTimeout: 1000, quizTimeoutMs: 5000 })
  // A namespace whose middleware refuses everyone (v2 sends an ERROR packet).
  demo.io.of('/private').use((_socket, next) => next(new Error('not allowed here')))
})
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose()
})
afterAll(async () => {
  await demo.close()
})

function ofKind<K extends LogEntry['kind']>(log: EventLog, kind: K): Extract<LogEntry, { kind: K }>[] {
  return [...log].filter(e => e.kind === kind) as Extract<LogEntry, { kind: K }>[]
}

let n = 0
async function connected(nsp = '/namespace1', options: Partial<SessionOptions> = {}): Promise<{ s: LiveSession, log: EventLog }> {
  const log = new EventLog()
  const s = new LiveSession({ url: `${demo.url}${nsp}`, client: 'v2', reconnectionDelay: 50, reconnectionDelayMax: 100, ...options }, { log, id: `v2s${++n}` })
  sessions.push(s)
  s.connect()
  await waitForState(s, x => x.status === 'connected')
  return { s, log }
}

describe('liveSessionV2 lifecycle', () => {
  it('logs connecting, then connect with the v2 socket id (nsp#engineId), engine id and transport', async () => {
    const { s, log } = await connected('/namespace1', { transports: ['websocket'] })
    const kinds = [...log].filter(e => e.kind !== 'frame').map(e => e.kind)
    expect(kinds.slice(0, 2)).toEqual(['connecting', 'connect'])
    const c = ofKind(log, 'connect')[0] as ConnectEntry
    expect(c.engineId).toBeTruthy()
    expect(c.socketId).toBe(`/namespace1#${c.engineId}`)
    expect(c.transport).toBe('websocket')
    const snap = s.snapshot()
    expect(snap).toMatchObject({ status: 'connected', socketId: c.socketId, engineId: c.engineId, namespace: '/namespace1' })
    expect(snap.idHistory).toHaveLength(1)
    const welcome = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'welcome')
    expect(welcome.direction).toBe('in')
    expect(welcome.args).toEqual([{ id: c.socketId, namespace: '/namespace1', rooms: [] }])
  })

  it('records a kick as "io server disconnect" that does not reconnect, and closes the id record', async () => {
    const { s, log } = await connected()
    s.emit('kick', [])
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d.reason).toBe('io server disconnect')
    expect(d.willReconnect).toBe(false)
    expect(d.explanation).toMatch(/server closed this socket/)
    const snap = await waitForState(s, x => x.status === 'disconnected')
    expect(snap.idHistory[0]).toMatchObject({ reason: 'io server disconnect' })
    expect(snap.idHistory[0].disconnectedAt).toBeTypeOf('number')
  })

  it('reconnects by itself after a transport close: reconnect_attempt, reconnect, a new id in the history', async () => {
    const { s, log } = await connected('/', { transports: ['websocket'] })
    const first = s.snapshot().socketId!
    demo.io.of('/').connected[first].conn.close()
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d.reason).toBe('transport close')
    expect(d.willReconnect).toBe(true)
    await waitForEntry(log, e => e.kind === 'reconnect_attempt')
    await waitForEntry(log, e => e.kind === 'reconnect')
    const snap = await waitForState(s, x => x.status === 'connected' && x.socketId !== first)
    expect(snap.idHistory.map(r => r.socketId)).toEqual([first, snap.socketId])
    // The new engine's handshake is captured too.
    const opens = ofKind(log, 'frame').filter(f => f.engineType === 'open')
    expect(opens).toHaveLength(2)
  })

  it('disconnects on request (io client disconnect) and connects again with a new id, keeping the log', async () => {
    const { s, log } = await connected('/namespace2')
    const first = s.snapshot().socketId
    s.disconnect()
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d).toMatchObject({ reason: 'io client disconnect', direction: 'out', willReconnect: false })
    expect(s.snapshot().status).toBe('disconnected')
    expect(s.emit('echo', []).ok).toBe(false)
    s.connect()
    s.connect() // a second call while connecting is a no-op
    const snap = await waitForState(s, x => x.status === 'connected' && x.socketId !== first)
    expect(snap.idHistory).toHaveLength(2)
    expect(ofKind(log, 'connecting')).toHaveLength(2)
    expect(ofKind(log, 'frame').filter(f => f.engineType === 'open')).toHaveLength(2)
  })

  it('reports a namespace middleware refusal (v2 ERROR packet) as connect_error', async () => {
    const log = new EventLog()
    const s = new LiveSession({ url: `${demo.url}/private`, reconnection: false, client: 'v2' }, { log, id: 'v2-private' })
    sessions.push(s)
    s.connect()
    const err = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error')
    expect(err.message).toBe('not allowed here')
    expect(err.willRetry).toBe(false)
    expect(s.snapshot().lastError).toBe('not allowed here')
  })

  it('reports an unreachable server as connect_error, then reconnect attempts and reconnect_failed', async () => {
    const log = new EventLog()
    const s = new LiveSession({ url: 'http://127.0.0.1:1/', reconnectionAttempts: 1, reconnectionDelay: 20, reconnectionDelayMax: 20, client: 'v2' }, { log, id: 'v2-down' })
    sessions.push(s)
    s.connect()
    await waitForEntry(log, e => e.kind === 'reconnect_failed')
    const kinds = [...log].map(e => e.kind)
    expect(kinds).toContain('connect_error')
    expect(kinds).toContain('reconnect_attempt')
    expect(kinds).toContain('reconnect_error')
    expect(s.snapshot().status).toBe('disconnected')
  })

  it('refuses to emit when not connected, and v2-reserved names', async () => {
    const log = new EventLog()
    const s = new LiveSession({ url: `${demo.url}/`, client: 'v2' }, { log, id: 'v2-idle' })
    sessions.push(s)
    expect(s.emit('chat', ['x']).ok).toBe(false)
    const { s: c } = await connected()
    for (const name of ['error', 'connect_timeout', 'reconnecting', 'ping'])
      expect(c.emit(name, [])).toMatchObject({ ok: false })
  })
})

describe('liveSessionV2 events and acks', () => {
  it('keeps every argument of an incoming event, binary as bytes at any depth', async () => {
    const { s, log } = await connected()
    const bin = new Uint8Array([1, 2, 255])
    expect(s.emit('echo', ['a', 2, null, { deep: [bin] }, true])).toEqual({ ok: true })
    const out = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.direction === 'out' && e.name === 'echo')
    expect(out.correlationId).toBeUndefined()
    const back = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.direction === 'in' && e.name === 'echo')
    expect(back.args).toHaveLength(5)
    expect(back.args.slice(0, 3)).toEqual(['a', 2, null])
    const deep = (back.args[3] as { deep: Uint8Array[] }).deep[0]
    expect([...new Uint8Array(deep)]).toEqual([1, 2, 255])
    expect(back.args[4]).toBe(true)
  })

  it('links our ack to its emit with the latency, and times out an ack that never comes', async () => {
    const { s, log } = await connected()
    const r = s.emit('echo', ['x', new Uint8Array([9])], { ack: true })
    expect(r.ok && r.correlationId).toBeTruthy()
    const id = (r as { correlationId: string }).correlationId
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack' && e.correlationId === id)
    expect(ack.direction).toBe('in')
    expect(ack.timedOut).toBe(false)
    expect(ack.name).toBe('echo')
    expect(ack.args[0]).toBe('x')
    expect([...new Uint8Array(ack.args[1] as Uint8Array)]).toEqual([9])
    expect(ack.latencyMs).toBeGreaterThanOrEqual(0)
    const event = ofKind(log, 'event').find(e => e.correlationId === id)!
    expect(event.direction).toBe('out')

    const t = s.emit('no-such-handler', [], { ack: true, ackTimeoutMs: 150 }) as { correlationId: string }
    const timedOut = await waitForEntry<AckEntry>(log, e => e.kind === 'ack' && e.correlationId === t.correlationId)
    expect(timedOut.timedOut).toBe(true)
    expect(timedOut.latencyMs).toBeGreaterThanOrEqual(140)
  })

  it('detects the server\'s ack request (packet.id), leaves it pending, and sends the user\'s answer', async () => {
    const { s, log } = await connected('/namespace2')
    s.emit('quiz:start', [], { ack: true })
    const quiz = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz')
    expect(quiz.correlationId).toBeTruthy()
    expect(quiz.args).toEqual([{ question: expect.any(String) }])
    const snap = await waitForState(s, x => x.pendingServerAcks.length === 1)
    expect(snap.pendingServerAcks[0]).toMatchObject({ correlationId: quiz.correlationId, name: 'quiz', entryId: quiz.id })
    expect(s.answerAck(quiz.correlationId!, [42])).toMatchObject({ ok: true })
    const answer = await waitForEntry<AckEntry>(log, e => e.kind === 'ack' && e.direction === 'out')
    expect(answer).toMatchObject({ correlationId: quiz.correlationId, name: 'quiz', args: [42], timedOut: false })
    const result = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz:result')
    expect(result.args).toEqual([{ answer: 42, correct: true }])
    expect(s.snapshot().pendingServerAcks).toHaveLength(0)
    expect(s.answerAck(quiz.correlationId!, [1]).ok).toBe(false)
  })

  it('times a server ack request out as pending when the user never answers', async () => {
    const { s, log } = await connected('/', { serverAckTimeoutMs: 150 })
    s.emit('quiz:start', [])
    const quiz = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'quiz')
    const expired = await waitForEntry<AckEntry>(log, e => e.kind === 'ack' && e.direction === 'out')
    expect(expired).toMatchObject({ correlationId: quiz.correlationId, timedOut: true, args: [] })
    expect(s.snapshot().pendingServerAcks).toHaveLength(0)
  })

  it('runs the tutorial events on v2: rooms, listings, chat to a room and to one socket', async () => {
    const a = await connected('/namespace1')
    const b = await connected('/namespace1')
    const idB = b.s.snapshot().socketId!
    const enter = b.s.emit('enter', ['room1'], { ack: true }) as { correlationId: string }
    const entered = await waitForEntry<AckEntry>(b.log, e => e.kind === 'ack' && e.correlationId === enter.correlationId)
    expect(entered.args).toEqual([{ ok: true, rooms: ['room1'] }])
    const list = a.s.emit('list:room', ['room1'], { ack: true }) as { correlationId: string }
    const listed = await waitForEntry<AckEntry>(a.log, e => e.kind === 'ack' && e.correlationId === list.correlationId)
    expect(listed.args).toEqual([{ ok: true, room: 'room1', sockets: [idB] }])
    const nsp = a.s.emit('list:namespace', [], { ack: true }) as { correlationId: string }
    const nspAck = await waitForEntry<AckEntry>(a.log, e => e.kind === 'ack' && e.correlationId === nsp.correlationId)
    expect((nspAck.args[0] as { sockets: string[] }).sockets).toEqual(expect.arrayContaining([idB, a.s.snapshot().socketId]))
    a.s.emit('chat:room', ['room1', 'hello room'])
    const roomMsg = await waitForEntry<EventEntry>(b.log, e => e.kind === 'event' && e.name === 'chat')
    expect(roomMsg.args[0]).toMatchObject({ text: 'hello room', room: 'room1', from: a.s.snapshot().socketId })
    a.s.emit('chat:direct', [idB, 'psst'])
    await waitForEntry(b.log, e => e.kind === 'event' && e.name === 'chat' && (e.args[0] as { text?: string }).text === 'psst')
    const leave = b.s.emit('leaveAll', [], { ack: true }) as { correlationId: string }
    const left = await waitForEntry<AckEntry>(b.log, e => e.kind === 'ack' && e.correlationId === leave.correlationId)
    expect(left.args).toEqual([{ ok: true, rooms: [] }])
    // An error without an ack arrives as an `error` event, as a v4 server sends it.
    a.s.emit('chat', [''])
    const err = await waitForEntry<EventEntry>(a.log, e => e.kind === 'event' && e.name === 'error')
    expect(err.args[0]).toMatchObject({ event: 'chat', message: expect.stringMatching(/text/) })
  })
})

describe('liveSessionV2 frames (EIO3)', () => {
  it('records every Engine.IO 3 packet with protocol 3: the client pings, the server pongs', async () => {
    const { log } = await connected('/namespace1', { transports: ['websocket'] })
    const ping = await waitForEntry<FrameEntry>(log, e => e.kind === 'frame' && e.engineType === 'ping')
    expect(ping.direction).toBe('out')
    const pong = await waitForEntry<FrameEntry>(log, e => e.kind === 'frame' && e.engineType === 'pong')
    expect(pong.direction).toBe('in')
    for (const f of ofKind(log, 'frame')) expect(f.protocol).toBe(3)
    const open = ofKind(log, 'frame').find(f => f.engineType === 'open')!
    expect(decodeFrameV3(open)).toMatchObject({ kind: 'engine', engineType: 'open', handshake: { pingInterval: 200 } })
  })

  it('decodes CONNECT, EVENT with namespace and ack id, BINARY_EVENT headers, attachments and ACKs', async () => {
    const { s, log } = await connected('/namespace1', { transports: ['websocket'] })
    const r = s.emit('echo', ['bin', new Uint8Array([1, 2]), { n: new Uint8Array([3]) }], { ack: true }) as { correlationId: string }
    await waitForEntry(log, e => e.kind === 'ack' && e.correlationId === r.correlationId)
    const decoded = ofKind(log, 'frame').map(f => ({ f, d: decodeFrameV3(f) }))
    const connect = decoded.find(x => x.d.kind === 'socket' && x.d.packetType === 'CONNECT' && x.f.direction === 'out')
    expect(connect?.d).toMatchObject({ nsp: '/namespace1' })
    const binOut = decoded.find(x => x.f.direction === 'out' && x.d.kind === 'socket' && x.d.packetType === 'BINARY_EVENT')
    expect(binOut?.d).toMatchObject({ nsp: '/namespace1', attachments: 2, eventName: 'echo', id: expect.any(Number) })
    expect((binOut!.d as { args: unknown[] }).args).toEqual(['bin', { _placeholder: true, num: 0 }, { n: { _placeholder: true, num: 1 } }])
    const attachments = decoded.filter(x => x.d.kind === 'attachment')
    expect(attachments.length).toBeGreaterThanOrEqual(4)
    const binAck = decoded.find(x => x.f.direction === 'in' && x.d.kind === 'socket' && x.d.packetType === 'BINARY_ACK')
    expect(binAck?.d).toMatchObject({ attachments: 2, nsp: '/namespace1' })
    const welcome = decoded.find(x => x.d.kind === 'socket' && x.d.eventName === 'welcome' && x.d.nsp === '/namespace1')
    expect(welcome?.d).toMatchObject({ packetType: 'EVENT', args: [{ namespace: '/namespace1' }] })
  })

  it('turns a malformed frame into a decoder error, never an exception', () => {
    const base = { id: 1, sessionId: 'x', time: 0, mono: 0, direction: 'in' as const, kind: 'frame' as const, transport: 'websocket' as const, engineType: 'message' as const, size: 1, bytes: 1, protocol: 3 as const }
    expect(decodeFrameV3({ ...base, data: '5x-["a"]' })).toMatchObject({ kind: 'error', message: 'Illegal attachments' })
    expect(decodeFrameV3({ ...base, data: '2["a"' })).toMatchObject({ kind: 'error', message: 'invalid payload' })
    expect(decodeFrameV3({ ...base, data: '9' })).toMatchObject({ kind: 'error' })
    expect(decodeFrameV3({ ...base, data: '4"not allowed"' })).toMatchObject({ kind: 'socket', packetType: 'CONNECT_ERROR', data: 'not allowed' })
  })
})

describe('createSessionSource', () => {
  it('dispatches client v2 to LiveSession (the v2 adapter), and dispose stops recording', async () => {
    const log = new EventLog()
    const s = createSessionSource({ url: `${demo.url}/namespace2`, client: 'v2' }, { log, id: 'made' })
    sessions.push(s)
    expect(s).toBeInstanceOf(LiveSession)
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    s.dispose()
    const size = log.size
    await new Promise(r => setTimeout(r, 300))
    expect(log.size).toBe(size)
    expect(Object.keys(demo.io.of('/namespace2').connected)).toHaveLength(0)
  })
})
