/**
 * Fault injection (issue 13 item 3) against real socket.io 4 and 2 servers with a fast heartbeat, directly
 * and through the relay: each fault does what the network would and socket.io reacts by itself.
 */
import type { AckEntry, DisconnectEntry, EventEntry, FrameEntry, LogEntry, NoteEntry, ReconnectErrorEntry, RelayEndpoint, SessionOptions, SessionSource } from '#core'
import type { AddressInfo } from 'node:net'
import type { DemoServerV2 } from '../../demo-server/v2/start-v2'
import type { Relay } from '../../inspector-ui/server/relay'
import http from 'node:http'
import { EventLog, LiveSession, parseFaultCommand, RelaySession, ReplaySession } from '#core'
import { Server } from 'socket.io'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { attachRelay } from '../../inspector-ui/server/relay'
import { delay, waitForEntry, waitForState } from './fixtures/servers'

const TOKEN = 'faults-test-token'
const ORIGIN = 'http://inspector.test:5173'

let v4Http: http.Server
let v4: Server
let v4Url: string
/** Reasons the v4 server saw in its sockets' `disconnect`. */
const v4Reasons: string[] = []
/** Events the v4 server received (name, args). */
const v4Received: { name: string, args: unknown[] }[] = []
let v2: DemoServerV2
const v2Reasons: string[] = []
let relayHttp: http.Server
let relay: Relay
let endpoint: RelayEndpoint
const sessions: SessionSource[] = []

function listen(server: http.Server): Promise<number> {
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
}

beforeAll(async () => {
  v4Http = http.createServer()
  v4 = new Server(v4Http, { pingInterval: 200, pingTimeout: 300 })
  v4.on('connection', (socket) => {
    socket.on('disconnect', reason => v4Reasons.push(reason))
    socket.onAny((name: string, ...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? args.pop() as (...a: unknown[]) => void : undefined
      v4Received.push({ name, args })
      ack?.('got', ...args)
    })
  })
  v4Url = `http://127.0.0.1:${await listen(v4Http)}`
  v2 = await startDemoServerV2({ port: 0, pingInterval: 200, pingTimeout: 300 })
  v2.io.of('/').on('connection', (socket) => {
    socket.on('disconnect', (reason: string) => v2Reasons.push(reason))
  })
  relayHttp = http.createServer((_req, res) => res.writeHead(404).end())
  relay = attachRelay(relayHttp, { token: TOKEN, allowedOrigins: [ORIGIN] })
  endpoint = { url: `http://127.0.0.1:${await listen(relayHttp)}`, token: TOKEN, extraHeaders: { Origin: ORIGIN } }
})

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose()
})

afterAll(async () => {
  await relay.close()
  await new Promise<void>(resolve => relayHttp.close(() => resolve()))
  v4.disconnectSockets(true)
  await new Promise<void>(resolve => v4.close(() => resolve()))
  await v2.close()
})

type Kind = 'v4' | 'v2' | 'relay'
const fast: Partial<SessionOptions> = { reconnectionDelay: 50, reconnectionDelayMax: 100, transports: ['websocket'] }
let n = 0

async function connected(kind: Kind, options: Partial<SessionOptions> = {}): Promise<{ s: SessionSource, log: EventLog }> {
  const log = new EventLog()
  const id = `f${++n}`
  const s: SessionSource = kind === 'relay'
    ? new RelaySession({ url: v4Url, ...fast, ...options }, { log, relay: endpoint, id })
    : new LiveSession({ url: kind === 'v2' ? v2.url : v4Url, client: kind, ...fast, ...options }, { log, id })
  sessions.push(s)
  s.connect()
  await waitForState(s, x => x.status === 'connected')
  return { s, log }
}

function of<K extends LogEntry['kind']>(log: EventLog, kind: K): Extract<LogEntry, { kind: K }>[] {
  return [...log].filter(e => e.kind === kind) as Extract<LogEntry, { kind: K }>[]
}

describe.each(['v4', 'v2', 'relay'] as const)('%s: drop the transport', (kind) => {
  it('logs a transport close that names the fault, and socket.io reconnects by itself with a new socket id', async () => {
    const { s, log } = await connected(kind)
    const first = s.snapshot().socketId!
    expect(s.injectFault({ kind: 'drop-transport' })).toEqual({ ok: true })
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d.reason).toBe('transport close')
    expect(d.willReconnect).toBe(true)
    expect(d.explanation).toMatch(/injected fault/)
    await waitForEntry(log, e => e.kind === 'reconnect')
    const snap = await waitForState(s, x => x.status === 'connected' && x.socketId !== first)
    expect(snap.idHistory.map(r => r.socketId)).toEqual([first, snap.socketId])
    expect(snap.idHistory[0].reason).toBe('transport close')
  })
})

describe.each(['v4', 'v2', 'relay'] as const)('%s: stop answering pings', (kind) => {
  it('holds the heartbeat until the session ends with a ping timeout; no heartbeat frame of ours goes out meanwhile', async () => {
    const { s, log } = await connected(kind, { reconnection: false })
    const reasons = kind === 'v2' ? v2Reasons : v4Reasons
    const seen = reasons.length
    expect(s.injectFault({ kind: 'stop-pings', on: true })).toEqual({ ok: true })
    await waitForState(s, x => x.faults?.heartbeatHeld === true)
    const from = [...log].at(-1)!.id
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect', { fromId: from })
    if (kind === 'v2') {
      // EIO3: the client pings. Without its pings both sides time out after pingInterval + pingTimeout: the
      // client (no pong: `ping timeout`) or the server first (no ping: it closes, `transport close` here),
      // whichever timer runs out first — a race by design, so either, and the server's reason says which.
      expect(['ping timeout', 'transport close']).toContain(d.reason)
      expect(d.explanation).toMatch(/holds the client's pings/)
      if (d.reason === 'transport close')
        await expect.poll(() => reasons.slice(seen)).toContain('ping timeout')
    }
    else {
      // The server pings and waits for our pong: it gives up (ping timeout) and closes the connection.
      expect(d.reason).toBe('transport close')
      expect(d.explanation).toMatch(/server stopped waiting for our pong/)
      await expect.poll(() => reasons.slice(seen)).toContain('ping timeout')
    }
    const frames = of(log, 'frame').filter(f => f.id > from)
    const ours = kind === 'v2' ? 'ping' : 'pong'
    expect(frames.filter(f => f.direction === 'out' && f.engineType === ours)).toHaveLength(0)
    if (kind !== 'v2')
      expect(frames.filter(f => f.direction === 'in' && f.engineType === 'ping').length).toBeGreaterThan(0)
  })
})

describe.each(['v4', 'v2', 'relay'] as const)('%s: offline for N seconds', (kind) => {
  it('drops the transport, fails every attempt in the window as the injected outage, then reconnects after it', async () => {
    const { s, log } = await connected(kind)
    const started = Date.now()
    expect(s.injectFault({ kind: 'offline', seconds: 1 })).toEqual({ ok: true })
    // Direct sessions set it at once; a relayed one when the relay's next snapshot arrives.
    await waitForState(s, x => (x.faults?.offlineUntil ?? 0) >= started + 1000)
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d.reason).toBe('transport close')
    expect(d.explanation).toMatch(/injected outage/)
    const err = await waitForEntry<ReconnectErrorEntry>(log, e => e.kind === 'reconnect_error')
    expect(err.message).toMatch(/injected outage/)
    await waitForState(s, x => x.status === 'connected', 5000)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(of(log, 'reconnect_error').length).toBeGreaterThan(1)
    expect(s.snapshot().faults?.offlineUntil).toBeUndefined()
  })
})

describe.each(['v4', 'v2', 'relay'] as const)('%s: reconnection on/off at runtime', (kind) => {
  it('off: a drop leaves the session disconnected (willReconnect false); connect opens it again', async () => {
    const { s, log } = await connected(kind)
    expect(s.setReconnection(false)).toEqual({ ok: true })
    await waitForState(s, x => x.faults?.reconnection === false)
    s.injectFault({ kind: 'drop-transport' })
    const d = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect')
    expect(d.willReconnect).toBe(false)
    expect(d.explanation).toMatch(/reconnection is off/)
    await delay(400)
    expect(of(log, 'reconnect_attempt')).toHaveLength(0)
    expect(s.snapshot().status).toBe('disconnected')
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    // On again: the next drop reconnects by itself.
    s.setReconnection(true)
    await waitForState(s, x => x.faults?.reconnection === true)
    const from = [...log].at(-1)!.id
    s.injectFault({ kind: 'drop-transport' })
    const again = await waitForEntry<DisconnectEntry>(log, e => e.kind === 'disconnect', { fromId: from })
    expect(again.willReconnect).toBe(true)
    await waitForEntry(log, e => e.kind === 'reconnect', { fromId: from })
  })
})

describe.each(['v4', 'v2', 'relay'] as const)('%s: queue while offline', (kind) => {
  it('off (default): an emit while disconnected is refused', async () => {
    const { s, log } = await connected(kind, { reconnection: false })
    s.injectFault({ kind: 'drop-transport' })
    await waitForState(s, x => x.status === 'disconnected')
    const r = s.emit('later', [1])
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error).toMatch(/Not sent/)
    expect(of(log, 'event').filter(e => e.direction === 'out')).toHaveLength(0)
  })

  it('on: buffered in socket.io\'s send buffer, shown, flushed on reconnect; its ack is answered', async () => {
    const { s, log } = await connected(kind)
    s.setQueueWhileOffline(true)
    await waitForState(s, x => x.faults?.queueWhileOffline === true)
    s.injectFault({ kind: 'offline', seconds: kind === 'relay' ? 1 : 0.6 })
    await waitForState(s, x => x.status !== 'connected')
    // The socket.io 2 demo server answers `list:rooms` with an ack.
    const name = kind === 'v2' ? 'list:rooms' : 'later'
    const r = s.emit(name, ['queued', 1], { ack: true })
    expect(r.ok).toBe(true)
    const queued = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.direction === 'out' && e.name === name)
    expect(queued.queued).toBe(true)
    const buffered = await waitForState(s, x => (x.faults?.sendBuffer.length ?? 0) === 1)
    expect(buffered.faults!.sendBuffer[0]).toMatchObject({ name })
    expect(buffered.faults!.sendBuffer[0].preview).toContain('queued')
    const sent = await waitForEntry<NoteEntry>(log, e => e.kind === 'note' && e.message.startsWith(`queued emit "${name}"`) && /sent now/.test(e.message), { timeoutMs: 5000 })
    const frame = await waitForEntry<FrameEntry>(log, e => e.kind === 'frame' && e.direction === 'out' && typeof e.data === 'string' && e.data.includes(`"${name}"`), { fromId: sent.id })
    expect(frame.id).toBeGreaterThan(sent.id)
    const ack = await waitForEntry<AckEntry>(log, e => e.kind === 'ack' && e.direction === 'in')
    expect(ack.timedOut).toBe(false)
    expect(ack.correlationId).toBe((r as { correlationId: string }).correlationId)
    if (kind !== 'v2') {
      expect(ack.args).toEqual(['got', 'queued', 1])
      expect(v4Received.some(e => e.name === 'later')).toBe(true)
    }
    await waitForState(s, x => x.faults?.sendBuffer.length === 0)
  })
})

describe('fault commands', () => {
  it('are checked: unknown kinds, bad durations and bad switches are refused with a clear message', () => {
    expect(() => parseFaultCommand({ t: 'inject', fault: { kind: 'explode' } })).toThrow(/unknown kind/)
    expect(() => parseFaultCommand({ t: 'inject', fault: { kind: 'offline', seconds: -1 } })).toThrow(/seconds/)
    expect(() => parseFaultCommand({ t: 'queue', on: 'yes' })).toThrow(/boolean/)
    expect(() => parseFaultCommand('drop')).toThrow(/object/)
    expect(parseFaultCommand({ t: 'reconnection', on: false })).toEqual({ t: 'reconnection', on: false })
  })

  it('are refused by read-only sessions, and a drop without a transport is refused', () => {
    const replay: SessionSource = new ReplaySession({ ...new LiveSession({ url: v4Url }, { log: new EventLog() }).snapshot(), readonly: true })
    for (const r of [replay.injectFault({ kind: 'drop-transport' }), replay.setReconnection(false), replay.setQueueWhileOffline(true)])
      expect(r).toEqual({ ok: false, error: expect.stringMatching(/read-only/) })
    const idle = new LiveSession({ url: v4Url }, { log: new EventLog() })
    sessions.push(idle)
    expect(idle.injectFault({ kind: 'drop-transport' })).toEqual({ ok: false, error: expect.stringMatching(/Nothing to drop/) })
  })

  it('through the relay, a bad command is refused by the relay itself', async () => {
    const { s, log } = await connected('relay')
    // Bypass the page's own check: the relay's Node side validates too.
    const socket = (s as unknown as { socket: { emit: (...a: unknown[]) => void } }).socket
    const result = await new Promise(resolve => socket.emit('fault', { t: 'inject', fault: { kind: 'offline', seconds: 1e9 } }, resolve))
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/seconds must be/) })
    expect(of(log, 'disconnect')).toHaveLength(0)
  })
})
