import type { Socket } from 'socket.io-client'
import type { AttachOptions, Detach } from '../../src/attach/index'
import type { TestServer } from '../core/fixtures/servers'
import type { FakeHub, HubApp } from './hub'
import { io } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { attach } from '../../src/attach/index'
import { startFixtureServer } from '../core/fixtures/servers'
import { delay, entry, freePort, ofKind, startHub, waitFor } from './hub'

let server: TestServer
let hub: FakeHub
const sockets: Socket[] = []
const detaches: Detach[] = []
const hubs: FakeHub[] = []

beforeAll(async () => {
  server = await startFixtureServer()
  hub = await startHub()
})
afterEach(async () => {
  for (const d of detaches.splice(0)) d()
  for (const s of sockets.splice(0)) s.close()
  for (const h of hubs.splice(0)) await h.close()
  hub.apps.clear()
})
afterAll(async () => {
  await hub.close()
  await server.close()
})

function client(nsp = '/chat', opts: Parameters<typeof io>[1] = {}): Socket {
  const s = io(server.url(nsp), { transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100, ...opts })
  sockets.push(s)
  return s
}

function attached(s: Socket, options: Partial<AttachOptions> = {}, h: FakeHub = hub): Detach {
  const d = attach(s, { inspector: h.url, token: h.token, name: 'test app', ...options })
  detaches.push(d)
  return d
}

function connected(s: Socket): Promise<void> {
  return s.connected ? Promise.resolve() : new Promise(resolve => s.once('connect', () => resolve()))
}

function next<T extends unknown[]>(s: Socket, event: string): Promise<T> {
  return new Promise(resolve => s.once(event, (...args: unknown[]) => resolve(args as T)))
}

/** Every entry valid per the capture validator (as the hub completes them), no `id`/`sessionId`. */
function valid(app: HubApp): void {
  expect(app.problems).toEqual([])
}

describe('attach(): incoming events, own emits and acks', () => {
  it('mirrors incoming events with every argument, binary included, exactly as the app\'s listeners get them', async () => {
    const s = client()
    attached(s)
    await connected(s)
    const multi = next<unknown[]>(s, 'multi')
    s.emit('multi')
    const appArgs = await multi
    const deep = next<unknown[]>(s, 'bin:deep')
    s.emit('bin:deep')
    await deep
    const app = await hub.app()
    const inMulti = await entry(app, e => e.kind === 'event' && e.direction === 'in' && e.name === 'multi')
    expect(inMulti.args).toEqual([1, 'two', { three: 3 }, [4], null, true])
    expect(inMulti.args).toEqual(appArgs)
    expect(inMulti.correlationId).toBeUndefined()
    const inDeep = await entry(app, e => e.kind === 'event' && e.direction === 'in' && e.name === 'bin:deep')
    expect(inDeep.args[1]).toEqual(new Uint8Array([0xDE, 0xAD]))
    expect(inDeep.args[0].level1.level2[0]).toEqual(new Uint8Array([1, 2, 3]))
    expect(inDeep.args[0].level1.level2[1].level3).toEqual(new Uint8Array([0xFF, 0x00, 0x7F]))
    // The app's own emits, out.
    expect(ofKind(app, 'event', 'out').map(e => e.name)).toEqual(['multi', 'bin:deep'])
    expect(app.handshake).toMatchObject({ name: 'test app', role: 'client', namespace: '/chat', url: server.url('/chat'), allowEmit: false, frames: false, runtime: 'node', protocol: 1 })
    for (const e of app.entries) {
      expect(typeof e.time).toBe('number')
      expect(Math.abs(e.time - Date.now())).toBeLessThan(60_000)
    }
    valid(app)
  })

  it('links the app\'s own emits to their ack answers with a latency (callback, emitWithAck, binary ack)', async () => {
    const s = client()
    attached(s)
    await connected(s)
    const answer = await new Promise<unknown[]>(resolve => s.emit('echo', 'a', 1, (...r: unknown[]) => resolve(r)))
    expect(answer).toEqual(['a', 1])
    expect(await s.emitWithAck('echo', { x: 1 })).toEqual({ x: 1 })
    const bin = await s.timeout(2000).emitWithAck('bin:ack')
    expect(Buffer.from(bin as Uint8Array).toString()).toBe('pong')
    const app = await hub.app()
    await waitFor(() => ofKind(app, 'ack', 'in').length === 3, 5000, 'three acks')
    const outs = ofKind(app, 'event', 'out')
    const acks = ofKind(app, 'ack', 'in')
    expect(outs.map(e => [e.name, e.correlationId])).toEqual([['echo', 'a.o1'], ['echo', 'a.o2'], ['bin:ack', 'a.o3']])
    expect(outs[0].args).toEqual(['a', 1])
    expect(acks.map(a => [a.correlationId, a.name, a.timedOut])).toEqual([['a.o1', 'echo', false], ['a.o2', 'echo', false], ['a.o3', 'bin:ack', false]])
    expect(acks[0].args).toEqual(['a', 1])
    // emitWithAck's callback takes an error first: socket.io puts a `null` in front of the answer, the entry does not.
    expect(acks[1].args).toEqual([{ x: 1 }])
    expect(acks[2].args[0]).toEqual(new Uint8Array(Buffer.from('pong')))
    expect(acks[2].args[1].nested).toEqual(new Uint8Array([9, 8]))
    for (const a of acks) {
      expect(a.latencyMs).toBeGreaterThanOrEqual(0)
      expect(a.mono).toBeGreaterThanOrEqual(outs.find(o => o.correlationId === a.correlationId)!.mono)
    }
    valid(app)
  })

  it('logs an ack that never came as timed out, with socket.timeout() and with the socket\'s ackTimeout', async () => {
    const s = client('/chat', { ackTimeout: 150 })
    attached(s)
    await connected(s)
    const err = await new Promise<unknown>(resolve => s.timeout(100).emit('silent', (e: unknown) => resolve(e)))
    expect(err).toBeInstanceOf(Error)
    await expect(s.emitWithAck('silent')).rejects.toThrow('operation has timed out')
    const app = await hub.app()
    await waitFor(() => ofKind(app, 'ack').length === 2, 5000, 'two ack timeouts')
    const [a, b] = ofKind(app, 'ack')
    expect(a).toMatchObject({ direction: 'in', correlationId: 'a.o1', name: 'silent', timedOut: true, error: 'operation has timed out', args: [] })
    expect(a.latencyMs).toBeGreaterThanOrEqual(95)
    expect(b).toMatchObject({ correlationId: 'a.o2', timedOut: true })
    expect(b.latencyMs).toBeGreaterThanOrEqual(145)
    valid(app)
  })

  it('mirrors a server\'s ack request (no callback among its arguments) and the app\'s answer', async () => {
    const s = client()
    s.on('quiz', (q: unknown, ack: (a: unknown) => void) => ack({ answer: 42, to: q }))
    attached(s)
    await connected(s)
    const result = next<unknown[]>(s, 'quiz:result')
    s.emit('ask')
    expect((await result)[0]).toEqual({ answer: { answer: 42, to: { question: '6 x 7?' } } })
    const app = await hub.app()
    const quiz = await entry(app, e => e.kind === 'event' && e.name === 'quiz')
    expect(quiz).toMatchObject({ direction: 'in', correlationId: 'a.i1', args: [{ question: '6 x 7?' }] })
    const answered = await entry(app, e => e.kind === 'ack' && e.direction === 'out')
    expect(answered).toMatchObject({ correlationId: 'a.i1', name: 'quiz', args: [{ answer: 42, to: { question: '6 x 7?' } }], timedOut: false })
    expect(answered.latencyMs).toBeGreaterThanOrEqual(0)
    valid(app)
  })
})

describe('attach(): lifecycle and state', () => {
  it('logs the current connection first when the socket is already connected', async () => {
    const s = client()
    await connected(s)
    attached(s)
    const app = await hub.app()
    const first = await entry(app, () => true)
    expect(first).toMatchObject({ kind: 'connect', direction: 'in', socketId: s.id, transport: 'websocket', recovered: false })
    expect(first.engineId).toBe(s.io.engine.id)
    const state = await waitFor(() => app.states.at(-1), 5000, 'a state')
    expect(state).toMatchObject({ status: 'connected', socketId: s.id, reconnectAttempt: 0, dropped: 0 })
    expect(state.idHistory).toHaveLength(1)
  })

  it('logs disconnect with its reason, reconnect attempts, reconnect and the new connect; the state follows', async () => {
    const s = client()
    attached(s)
    await connected(s)
    const firstId = s.id
    const again = next(s, 'connect')
    s.emit('drop') // the server closes the transport: `transport close`, socket.io reconnects
    await again
    const kicked = next(s, 'disconnect')
    s.emit('kick') // the server disconnects the socket: `io server disconnect`, no reconnection
    await kicked
    const app = await hub.app()
    await waitFor(() => ofKind(app, 'disconnect').length === 2 && app.states.at(-1)?.status === 'disconnected', 5000, 'two disconnects')
    const kinds = app.entries.filter(e => e.kind !== 'event').map(e => e.kind)
    // The Manager's `reconnect` comes with its new engine's open, the socket's `connect` with its CONNECT.
    expect(kinds).toEqual(['connect', 'disconnect', 'reconnect_attempt', 'reconnect', 'connect', 'disconnect'])
    const [d1, d2] = ofKind(app, 'disconnect')
    expect(d1).toMatchObject({ direction: 'in', socketId: firstId, reason: 'transport close', willReconnect: true })
    expect(d1.explanation).toBeUndefined() // the hub completes it
    expect(d2).toMatchObject({ direction: 'in', reason: 'io server disconnect', willReconnect: false })
    expect(ofKind(app, 'reconnect_attempt')[0].attempt).toBe(1)
    expect(ofKind(app, 'reconnect')[0].attempt).toBe(1)
    const statuses = app.states.map(x => x.status)
    expect(statuses).toContain('reconnecting')
    const last = app.states.at(-1)!
    expect(last.idHistory.map(r => r.socketId)).toEqual([firstId, ofKind(app, 'connect')[1].socketId])
    expect(last.idHistory[0]).toMatchObject({ reason: 'transport close' })
    expect(last.idHistory[1]).toMatchObject({ reason: 'io server disconnect' })
    expect(last.socketId).toBeUndefined()
    valid(app)
  })

  it('logs the app\'s own disconnect as out, and a refused connection with the server\'s data', async () => {
    const s = client('/private', { auth: { token: 'nope' } })
    attached(s)
    const err = await next<[Error & { data?: unknown }]>(s, 'connect_error')
    expect(err[0].message).toBe('not authorized')
    const app = await hub.app()
    const ce = await entry(app, e => e.kind === 'connect_error')
    expect(ce).toMatchObject({ direction: 'in', message: 'not authorized', data: { reason: 'bad-token', hint: 'use token "ok"' }, willRetry: false })
    await waitFor(() => app.states.at(-1)?.lastError === 'not authorized' && app.states.at(-1)?.status === 'disconnected', 5000, 'the refused state')

    const t = client()
    attached(t)
    await connected(t)
    t.disconnect()
    const app2 = await waitFor(() => [...hub.apps.values()].find(a => a !== app), 5000, 'the second app')
    const d = await entry(app2, e => e.kind === 'disconnect')
    expect(d).toMatchObject({ direction: 'out', reason: 'io client disconnect', willReconnect: false })
    valid(app)
    valid(app2)
  })

  it('with connection state recovery: the offset leaves the arguments, and a recovered reconnection says so', async () => {
    const recovering = await startFixtureServer({ recovery: true })
    try {
      const s = io(recovering.url('/chat'), { transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 })
      sockets.push(s)
      attached(s)
      await connected(s)
      const multi = next<unknown[]>(s, 'multi')
      s.emit('multi')
      const appArgs = await multi
      const again = next(s, 'connect')
      s.emit('drop')
      await again
      expect(s.recovered).toBe(true)
      const app = await hub.app()
      await waitFor(() => ofKind(app, 'connect').length === 2, 5000, 'the recovered connect')
      const [c1, c2] = ofKind(app, 'connect')
      expect(c1).toMatchObject({ stateRecovery: true, recovered: false })
      expect(c2).toMatchObject({ stateRecovery: true, recovered: true, socketId: c1.socketId })
      const ev = ofKind(app, 'event', 'in').find(e => e.name === 'multi')!
      expect(ev.args).toEqual([1, 'two', { three: 3 }, [4], null, true])
      expect(typeof ev.recoveryOffset).toBe('string')
      // socket.io-client hands the offset to the app's listener as one more argument.
      expect(appArgs.at(-1)).toBe(ev.recoveryOffset)
      valid(app)
    }
    finally {
      await recovering.close()
    }
  })

  it('logs an emit from socket.io\'s send buffer when it goes out on connect, and each try of `retries`', async () => {
    const s = client('/chat', { autoConnect: false, retries: 1, ackTimeout: 100 })
    attached(s)
    const buffered = new Promise<unknown[]>(resolve => s.emit('echo', 'queued', (...r: unknown[]) => resolve(r)))
    const gaveUp = new Promise<unknown>(resolve => s.emit('silent', (err: unknown) => resolve(err)))
    s.connect()
    expect((await buffered).at(-1)).toBe('queued')
    expect(await gaveUp).toBeInstanceOf(Error)
    const app = await hub.app()
    await waitFor(() => ofKind(app, 'ack').length === 3, 5000, 'three acks')
    const outs = ofKind(app, 'event', 'out')
    // `retries` queues and sends one at a time, each with an ack id of its own: 'echo', then 'silent' twice.
    expect(outs.map(e => e.name)).toEqual(['echo', 'silent', 'silent'])
    expect(new Set(outs.map(e => e.correlationId)).size).toBe(3)
    const acks = ofKind(app, 'ack')
    expect(acks.map(a => [a.name, a.timedOut])).toEqual([['echo', false], ['silent', true], ['silent', true]])
    expect(acks[0].args).toEqual(['queued']) // what the server answered
    // The first connect precedes the emits it flushed.
    expect(app.entries.findIndex(e => e.kind === 'event')).toBeGreaterThan(app.entries.findIndex(e => e.kind === 'connect'))
    valid(app)
  })

  it('marks an emit flushed from socket.io\'s send buffer as queued', async () => {
    const s = client('/chat', { autoConnect: false })
    attached(s)
    const answer = new Promise<unknown>(resolve => s.emit('echo', 'waited', resolve))
    s.connect()
    expect(await answer).toBe('waited')
    const later = await s.emitWithAck('echo', 'direct')
    expect(later).toBe('direct')
    const app = await hub.app()
    await waitFor(() => ofKind(app, 'ack').length === 2, 5000, 'two acks')
    const [q, d] = ofKind(app, 'event', 'out')
    expect(q).toMatchObject({ name: 'echo', args: ['waited'], queued: true, correlationId: 'a.o1' })
    expect(d.queued).toBeUndefined()
    expect(ofKind(app, 'ack')[0]).toMatchObject({ correlationId: 'a.o1', args: ['waited'], timedOut: false })
    valid(app)
  })

  it('fails every pending ack of a socket that disconnects, as socket.io does', async () => {
    const s = client()
    attached(s)
    await connected(s)
    const got = new Promise<unknown>(resolve => s.timeout(5000).emit('silent', (e: unknown) => resolve(e)))
    s.emit('silent', () => {}) // a plain callback: socket.io drops it, never called
    await delay(50)
    s.disconnect()
    expect(String(await got)).toContain('socket has been disconnected')
    const app = await hub.app()
    await waitFor(() => ofKind(app, 'ack').length === 2, 5000, 'two failed acks')
    const [a, b] = ofKind(app, 'ack')
    expect(a).toMatchObject({ correlationId: 'a.o1', timedOut: true, error: 'socket has been disconnected' })
    expect(b).toMatchObject({ correlationId: 'a.o2', timedOut: true })
    expect(b.error).toContain('never called')
  })
})

describe('attach(): frames', () => {
  it('mirrors no Engine.IO frames by default', async () => {
    const s = client()
    attached(s)
    await connected(s)
    await s.emitWithAck('echo', 1)
    const app = await hub.app()
    await entry(app, e => e.kind === 'ack')
    expect(ofKind(app, 'frame')).toEqual([])
  })

  it('with frames: true, mirrors the frames both ways (text and binary), the handshake of a new engine included', async () => {
    const s = client()
    attached(s, { frames: true })
    await connected(s)
    await s.emitWithAck('echo', 'hé')
    await s.emitWithAck('bin:ack')
    const again = next(s, 'connect')
    s.emit('drop')
    await again
    const app = await hub.app()
    expect(app.handshake.frames).toBe(true)
    const out = await entry(app, e => e.kind === 'frame' && e.direction === 'out' && typeof e.data === 'string' && e.data.includes('"echo"'))
    expect(out).toMatchObject({ engineType: 'message', transport: 'websocket', protocol: 4 })
    expect(out.data).toMatch(/^2\/chat,\d+\["echo","hé"\]$/)
    expect(out.size).toBe(Buffer.byteLength(out.data) + 1)
    const binary = await entry(app, e => e.kind === 'frame' && e.direction === 'in' && e.data instanceof Uint8Array)
    expect(binary.size).toBe(binary.data.byteLength)
    // The reconnection's engine: its open packet (the handshake) is mirrored too.
    await waitFor(() => ofKind(app, 'frame', 'in').filter(f => f.engineType === 'open').length >= 1 && ofKind(app, 'connect').length === 2, 5000, 'the new engine\'s open frame')
    const opens = ofKind(app, 'frame', 'in').filter(f => f.engineType === 'open')
    expect(JSON.parse(opens.at(-1)!.data).sid).toBe(ofKind(app, 'connect')[1].engineId)
    valid(app)
  })
})

describe('attach(): emits for the inspector (allowEmit)', () => {
  it('refuses to emit when the app attached read-only (the default)', async () => {
    const s = client()
    const seen: string[] = []
    s.onAnyOutgoing(name => seen.push(name))
    attached(s)
    await connected(s)
    const app = await hub.app()
    expect(await app.emit('echo', ['x'])).toEqual({ ok: false, error: 'this app attached read-only (allowEmit is off)' })
    await delay(50)
    expect(seen).toEqual([])
  })

  it('with allowEmit: true, emits through the app\'s socket: the page\'s correlation id, the answer, the app\'s listeners see the reply', async () => {
    const s = client()
    const replies: unknown[][] = []
    s.on('multi', (...args: unknown[]) => replies.push(args))
    attached(s, { allowEmit: true })
    await connected(s)
    const app = await hub.app()
    expect(app.handshake.allowEmit).toBe(true)
    expect(await app.emit('echo', ['hi', new Uint8Array([7])], { ack: true, pageCorrelationId: 'p.o1' })).toEqual({ ok: true, correlationId: 'p.o1' })
    const ack = await entry(app, e => e.kind === 'ack' && e.correlationId === 'p.o1')
    expect(ack).toMatchObject({ direction: 'in', name: 'echo', timedOut: false })
    expect(ack.args).toEqual(['hi', new Uint8Array([7])])
    expect(ofKind(app, 'event', 'out')[0]).toMatchObject({ name: 'echo', correlationId: 'p.o1' })
    // Without a page id, the app's own.
    expect(await app.emit('echo', [1], { ack: true })).toEqual({ ok: true, correlationId: 'a.o1' })
    // No ack: the server's reply reaches the app's own listener.
    expect(await app.emit('multi', [])).toEqual({ ok: true })
    await waitFor(() => replies.length === 1, 5000, 'the app\'s listener')
    expect(replies[0]).toEqual([1, 'two', { three: 3 }, [4], null, true])
    // Refusals: a reserved name, a name that is not text, undecodable arguments.
    expect(await app.emit('disconnect', [])).toEqual({ ok: false, error: '"disconnect" is a reserved event name' })
    expect((await app.emit('', [])).ok).toBe(false)
    const bad = await new Promise<{ ok: boolean, error?: string }>(resolve => app.socket.emit('emit', 'echo', '{not json', {}, resolve))
    expect(bad.ok).toBe(false)
    expect(bad.error).toMatch(/could not be decoded/)
    // The socket is fine afterwards (no flag left behind).
    expect(await s.emitWithAck('echo', 'after')).toBe('after')
    s.disconnect()
    expect(await app.emit('echo', [])).toEqual({ ok: false, error: 'the app\'s socket is not connected' })
    valid(app)
  })
})

describe('attach(): the app comes first', () => {
  it('a wrong token is refused once: no retries, onError told once, the app keeps working and the socket is restored', async () => {
    const s = client()
    const errors: string[] = []
    const warn = vi.spyOn(console, 'warn')
    const d = attached(s, { token: 'wrong', onError: m => errors.push(m) })
    await connected(s)
    await waitFor(() => errors.length === 1, 5000, 'onError')
    expect(errors[0]).toMatch(/refused.*invalid attach token/)
    // The app's socket works, unchanged.
    expect(await s.emitWithAck('echo', 'still here')).toBe('still here')
    const got = next<unknown[]>(s, 'multi')
    s.emit('multi')
    expect((await got).length).toBe(6)
    await delay(1500)
    expect(hub.refused).toBe(1)
    expect(hub.apps.size).toBe(0)
    expect(errors).toHaveLength(1)
    expect(Object.prototype.hasOwnProperty.call(s, 'packet')).toBe(false)
    expect(d.stats().refused).toMatch(/invalid attach token/)
    expect(warn).not.toHaveBeenCalled()
    warn.mockRestore()
    hub.refused = 0
  })

  it('without onError, a refusal is one console.warn line (never a throw)', async () => {
    const s = client()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    attached(s, { token: 'wrong' })
    await waitFor(() => warn.mock.calls.length === 1, 5000, 'console.warn')
    expect(String(warn.mock.calls[0][0])).toMatch(/^socketio-inspector attach: the inspector refused to attach: invalid attach token$/)
    await delay(300)
    expect(warn).toHaveBeenCalledTimes(1)
    warn.mockRestore()
    hub.refused = 0
  })

  it('bad options are reported through onError, not thrown', () => {
    const errors: string[] = []
    const d = attach({} as Socket, { inspector: hub.url, token: 't', name: 'x', onError: m => errors.push(m) })
    expect(errors[0]).toMatch(/must be a socket\.io-client v4 Socket/)
    expect(() => d()).not.toThrow()
    const s = client()
    attach(s, { inspector: '', token: 't', name: 'x', onError: m => errors.push(m) })
    expect(errors[1]).toMatch(/inspector/)
    expect(Object.prototype.hasOwnProperty.call(s, 'packet')).toBe(false)
  })

  it('an inspector absent at start: the mirror keeps the newest maxBuffer entries, and says how many it dropped once it appears', async () => {
    const port = await freePort()
    const s = client()
    const d = attach(s, { inspector: `http://127.0.0.1:${port}`, token: 'late-token', name: 'late', maxBuffer: 50 })
    detaches.push(d)
    await connected(s)
    for (let i = 0; i < 200; i++) s.emit('noop', i)
    expect(await s.emitWithAck('echo', 'app fine')).toBe('app fine')
    await waitFor(() => d.stats().dropped > 0, 5000, 'drops')
    expect(d.stats().buffered).toBeLessThanOrEqual(50)
    const late = await startHub({ token: 'late-token', port })
    hubs.push(late)
    const app = await late.app(15_000)
    await entry(app, e => e.kind === 'ack', 5000, 'the echo ack')
    const dropped = d.stats().dropped
    expect(dropped).toBeGreaterThanOrEqual(150)
    const note = app.entries.find(e => e.kind === 'note')!
    expect(note).toMatchObject({ level: 'warn', direction: 'local' })
    expect(note.message).toBe(`the mirror dropped ${dropped} entries: the inspector was unreachable or slower than the app (the mirror keeps at most 50 unsent)`)
    expect(app.entries[0]).toBe(note) // in front of the oldest entry kept
    expect(app.entries.length).toBeLessThanOrEqual(51)
    // The newest survived: the last noop and the echo with its ack.
    expect(ofKind(app, 'event', 'out').some(e => e.name === 'noop' && e.args[0] === 199)).toBe(true)
    await waitFor(() => app.states.at(-1)?.dropped === dropped, 5000, 'state.dropped')
    valid(app)
  })

  it('the inspector going away mid-run does not disturb the app; the mirror reconnects quietly with the same attachId', async () => {
    const h = await startHub({ token: 'tok' })
    hubs.push(h)
    const s = client()
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    attached(s, { inspector: h.url, token: 'tok' }, h)
    await connected(s)
    const app = await h.app()
    await entry(app, e => e.kind === 'connect')
    await h.stop()
    await waitFor(() => h.connected() === 0, 5000, 'the mirror gone')
    // The app works while the inspector is away.
    const answers: unknown[] = []
    for (let i = 0; i < 20; i++) answers.push(await s.emitWithAck('echo', i))
    expect(answers).toEqual([...Array.from({ length: 20 }).keys()])
    await h.restart()
    await waitFor(() => ofKind(app, 'ack').length === 20, 15_000, 'the acks of the gap')
    expect(h.apps.size).toBe(1)
    expect(app.connections).toBe(2)
    expect(ofKind(app, 'event', 'out').map(e => e.args[0])).toEqual([...Array.from({ length: 20 }).keys()])
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
    warn.mockRestore()
    error.mockRestore()
    valid(app)
  })

  it('an observer that throws is caught and reported once; a payload that turns unencodable later arrives marked, the app unaffected', async () => {
    const s = client()
    // socket.io reads the field, never calls the method: a method that throws breaks only the mirror's
    // disconnect observer (it asks whether the Manager reconnects).
    ;(s.io as unknown as { reconnection: () => never }).reconnection = () => {
      throw new Error('boom')
    }
    attached(s)
    await connected(s)
    let appDisconnects = 0
    s.on('disconnect', () => appDisconnects++)
    for (let i = 0; i < 2; i++) {
      const again = next(s, 'connect')
      s.emit('drop')
      await again
    }
    expect(appDisconnects).toBe(2)
    const payload: Record<string, unknown> = { a: 1 }
    const other: Record<string, unknown> = { b: 1 }
    s.emit('noop', payload, other)
    // The app changes what it sent, in place, before the mirror's flush: a cycle, a BigInt.
    payload.self = payload
    other.big = 10n ** 20n
    expect(await s.emitWithAck('echo', 'ok')).toBe('ok')
    // socket.io itself throws on a BigInt argument: the app sees its error as it would without attach.
    expect(() => s.emit('noop', 1n)).toThrow(TypeError)
    expect(await s.emitWithAck('echo', 'still ok')).toBe('still ok')
    const app = await hub.app()
    await waitFor(() => ofKind(app, 'ack').length === 2, 5000, 'acks')
    const notes = ofKind(app, 'note')
    expect(notes).toHaveLength(1)
    expect(notes[0].message).toMatch(/disconnect observer failed \(boom\)/)
    expect(ofKind(app, 'connect')).toHaveLength(3) // the other observers went on
    const noop = ofKind(app, 'event', 'out').filter(e => e.name === 'noop')
    expect(noop).toHaveLength(1) // the BigInt emit never went out, so it is not logged
    expect(noop[0].truncated).toMatchObject({ reason: 'unencodable' })
    expect(noop[0].args).toEqual([])
    valid(app)
  })
})

describe('attach(): detach', () => {
  it('restores socket.packet and every listener, sends what is pending, closes the mirror; idempotent', async () => {
    const s = client()
    await connected(s)
    const m = s.io as unknown as { listeners: (e: string) => unknown[], engine: { listeners: (e: string) => unknown[] } }
    const count = (): number[] => ['connect', 'disconnect', 'connect_error'].map(e => s.listeners(e).length).concat(['packet', 'reconnect_attempt', 'reconnect', 'reconnect_error', 'reconnect_failed', 'open'].map(e => m.listeners(e).length)).concat(['packet', 'packetCreate', 'upgrade'].map(e => m.engine.listeners(e).length))
    const before = count()
    const protoPacket = Object.getPrototypeOf(s).packet
    const d = attached(s, { frames: true })
    expect(Object.prototype.hasOwnProperty.call(s, 'packet')).toBe(true)
    expect(count()).not.toEqual(before)
    const app = await hub.app()
    await waitFor(() => hub.connected() === 1, 5000, 'the mirror')
    s.emit('noop', 'last words')
    d()
    d()
    expect(count()).toEqual(before)
    expect(Object.prototype.hasOwnProperty.call(s, 'packet')).toBe(false)
    expect((s as unknown as { packet: unknown }).packet).toBe(protoPacket)
    await entry(app, e => e.kind === 'note' && /detach\(\)/.test(e.message))
    expect(ofKind(app, 'event', 'out').map(e => e.args[0])).toEqual(['last words'])
    await waitFor(() => hub.connected() === 0, 5000, 'the mirror closed')
    // Nothing more is mirrored; the socket works.
    const n = app.entries.length
    expect(await s.emitWithAck('echo', 'after')).toBe('after')
    await delay(100)
    expect(app.entries.length).toBe(n)
  })

  it('keeps a packet wrapper the app had installed, and restores it', async () => {
    const s = client()
    const seen: number[] = []
    const proto = Object.getPrototypeOf(s).packet as (p: unknown) => void
    const own = function (this: unknown, p: { type: number }): void {
      seen.push(p.type)
      proto.call(this, p)
    }
    ;(s as unknown as { packet: unknown }).packet = own
    const d = attached(s)
    await connected(s)
    expect(await s.emitWithAck('echo', 1)).toBe(1)
    d()
    expect((s as unknown as { packet: unknown }).packet).toBe(own)
    expect(seen).toContain(2)
  })
})
