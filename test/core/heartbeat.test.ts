import type { HeartbeatState, SessionSnapshot, SessionSource } from '#core'
/**
 * The handshake and heartbeat of a live connection (issue 12 item 10, issue 13 item 2).
 *
 * - `HeartbeatWatch` on real engines (socket.io-client 4 and 2 against socket.io 4 and 2 servers with a
 *   300 ms pingInterval): the open packet's fields (`sid`, `pingInterval`, `pingTimeout`, `maxPayload`,
 *   `upgrades`), the transport after the upgrade, the measured heartbeat (v4: the interval between the
 *   server's pings; v2: the round trip of the client's ping) with its mean and jitter over a bounded window,
 *   checked against the test's own clock readings of the same engine events; one state change per ping,
 *   none per message.
 * - The late warning's text ("no ping for 31 s, expected every 25 s + 20 s timeout").
 * - Sessions (v4, v2, relayed) behind a TCP proxy that freezes both ways: late after pingInterval plus a
 *   margin, with the warning, on time again when it thaws; a server that goes silent after the handshake.
 */
import type { AddressInfo } from 'node:net'
import type { Socket as ServerSocket } from 'socket.io'
import type { Socket as ClientSocket } from 'socket.io-client'
import type { FreezableProxy } from '../fixtures/freezable-proxy'
import http, { createServer } from 'node:http'
import { createSessionSource, EventLog, HEARTBEAT_WINDOW, heartbeatLateAfterMs, heartbeatWarning, HeartbeatWatch } from '#core'
import { Server } from 'socket.io'
import { Manager } from 'socket.io-client'
import ioV2 from 'socket.io-client-v2'
import serverV2 from 'socket.io-v2'
import { afterEach, describe, expect, it } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { attachRelay } from '../../inspector-ui/server/relay'
import { startSilentServer } from '../fixtures/broken-servers'
import { startFreezableProxy } from '../fixtures/freezable-proxy'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { delay, startFixtureServer, waitForState } from './fixtures/servers'

const closers: Array<() => Promise<void> | void> = []
const sessions: SessionSource[] = []

afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose()
  for (const close of closers.splice(0).reverse()) await close()
})

/** Poll `pred` every 20 ms until it holds (bounded). */
async function until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!pred()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}`)
    await delay(20)
  }
}

/** engine.io-client's typings make the Engine.IO session id private; it is a plain field. */
function engineId(engine: unknown): unknown {
  return (engine as { id?: unknown }).id
}

/** What the window of the newest `window` samples should say. */
function stats(samples: number[], window: number): { lastMs: number, meanMs: number, jitterMs: number, samples: number } {
  const w = samples.slice(-window)
  return { lastMs: w.at(-1)!, meanMs: w.reduce((a, b) => a + b, 0) / w.length, jitterMs: Math.max(...w) - Math.min(...w), samples: w.length }
}

/** Measured and expected agree to a few ms (the watch reads the clock at the packet, the test at the ping event). */
function expectClose(measured: HeartbeatState['measured'], expected: ReturnType<typeof stats>): void {
  expect(measured).toBeDefined()
  expect(measured!.samples).toBe(expected.samples)
  expect(Math.abs(measured!.lastMs - expected.lastMs)).toBeLessThan(5)
  expect(Math.abs(measured!.meanMs - expected.meanMs)).toBeLessThan(5)
  expect(Math.abs(measured!.jitterMs - expected.jitterMs)).toBeLessThan(10)
}

/** A socket.io 4 server with a 300 ms heartbeat; `conns` are the server's sockets as they connect. */
async function startV4(options: { maxHttpBufferSize?: number } = {}): Promise<{ io: Server, url: string, conns: ServerSocket[] }> {
  const server = createServer()
  const sockets = trackSockets(server)
  const io = new Server(server, { pingInterval: 300, pingTimeout: 2000, ...options })
  const conns: ServerSocket[] = []
  io.on('connection', s => conns.push(s))
  const port = await listen(server)
  closers.push(async () => {
    io.close()
    await closeServer(server, sockets)
  })
  return { io, url: `http://127.0.0.1:${port}`, conns }
}

describe('the watch on a socket.io 4 engine (the server pings)', () => {
  it('records the open packet, follows the upgrade and measures the interval between the server\'s pings', async () => {
    const server = await startV4({ maxHttpBufferSize: 5000 })
    const manager = new Manager(server.url, { autoConnect: false, reconnection: false, transports: ['polling', 'websocket'] })
    let changes = 0
    const watch = new HeartbeatWatch('server', () => changes++)
    manager.open()
    const engine = manager.engine
    const off = watch.watch(engine as never)
    // The test's own clock reading of every ping, to check the watch's arithmetic.
    const pings: number[] = []
    engine.on('ping', () => pings.push(performance.now()))
    const socket: ClientSocket = manager.socket('/')
    socket.connect()
    closers.push(() => {
      off()
      socket.disconnect()
      manager.engine?.close()
    })
    await until(() => server.conns.length === 1 && watch.state()?.transport === 'websocket' && pings.length >= 4, 'the upgrade and 4 pings')

    const hb = watch.state()!
    expect(hb).toMatchObject({
      protocol: 4,
      pinger: 'server',
      sid: engineId(server.conns[0]!.conn),
      pingInterval: 300,
      pingTimeout: 2000,
      maxPayload: 5000,
      upgrades: ['websocket'],
      transport: 'websocket',
      lateAfterMs: heartbeatLateAfterMs(300),
      noPacketSince: undefined,
    })
    expect(hb.sid).toBe(engineId(engine))
    expect(hb.lastBeatAt).toBeDefined()
    expect(hb.lastPacketAt).toBeGreaterThanOrEqual(hb.lastBeatAt!)
    expect(hb.lastBeatAt!).toBeGreaterThan(hb.openedAt)
    expect(hb.lastPacketAt).toBeLessThanOrEqual(Date.now() + 1)

    // Intervals between pings: the first ping has none.
    const intervals = pings.slice(1).map((t, i) => t - pings[i]!)
    expect(hb.measured!.kind).toBe('interval')
    expect(hb.measured!.window).toBe(HEARTBEAT_WINDOW)
    expectClose(hb.measured, stats(intervals, HEARTBEAT_WINDOW))
    // The server waits pingInterval after each pong before the next ping: never shorter than that.
    expect(hb.measured!.lastMs).toBeGreaterThanOrEqual(295)
    expect(changes).toBeGreaterThanOrEqual(pings.length)
  })

  it('keeps a bounded window: the mean and jitter (max − min) of the newest samples only', async () => {
    const server = await startV4()
    const manager = new Manager(server.url, { autoConnect: false, reconnection: false, transports: ['websocket'] })
    const watch = new HeartbeatWatch('server', () => {}, { window: 3 })
    manager.open()
    const engine = manager.engine
    const off = watch.watch(engine as never)
    const pings: number[] = []
    engine.on('ping', () => pings.push(performance.now()))
    closers.push(() => {
      off()
      manager.engine?.close()
    })
    await until(() => pings.length >= 6, '6 pings')
    const measured = watch.state()!.measured!
    const intervals = pings.slice(1).map((t, i) => t - pings[i]!)
    expect(intervals.length).toBeGreaterThan(3)
    expect(measured.window).toBe(3)
    expectClose(measured, stats(intervals, 3))
    expect(watch.state()!.upgrades).toEqual([]) // over WebSocket from the start, nothing to upgrade to
  })

  it('changes its state once per ping and never for other packets (a flood of messages)', async () => {
    const server = await startV4()
    const manager = new Manager(server.url, { autoConnect: false, reconnection: false, transports: ['websocket'] })
    let changes = 0
    const watch = new HeartbeatWatch('server', () => changes++)
    manager.open()
    const engine = manager.engine
    const off = watch.watch(engine as never)
    let pings = 0
    let messages = 0
    engine.on('ping', () => pings++)
    engine.on('packet', (p: { type: string }) => {
      if (p.type === 'message')
        messages++
    })
    const socket = manager.socket('/')
    socket.connect()
    closers.push(() => {
      off()
      socket.disconnect()
      manager.engine?.close()
    })
    await until(() => server.conns.length === 1 && pings >= 1, 'the connection and a ping')
    const before = { changes, pings, messages }
    // 2,000 messages over about 3 heartbeats.
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 100; j++) server.conns[0]!.emit('flood', i, j)
      await delay(50)
    }
    await until(() => messages - before.messages >= 2000, 'the flood')
    expect(pings - before.pings).toBeGreaterThan(0)
    expect(changes - before.changes).toBe(pings - before.pings)
  })

  it('reads the fields of an engine that is open already (a shared Manager)', async () => {
    const server = await startV4({ maxHttpBufferSize: 7000 })
    const manager = new Manager(server.url, { autoConnect: false, reconnection: false, transports: ['websocket'] })
    manager.open()
    closers.push(() => {
      manager.engine?.close()
    })
    await until(() => manager.engine.readyState === 'open', 'the engine to open')
    const watch = new HeartbeatWatch('server', () => {})
    const off = watch.watch(manager.engine as never)
    closers.push(off)
    expect(watch.state()).toMatchObject({ sid: engineId(manager.engine), pingInterval: 300, pingTimeout: 2000, maxPayload: 7000, transport: 'websocket', measured: undefined })
  })

  it('ends with the engine\'s close', async () => {
    const server = await startV4()
    const manager = new Manager(server.url, { autoConnect: false, reconnection: false, transports: ['websocket'] })
    let changes = 0
    const watch = new HeartbeatWatch('server', () => changes++)
    manager.open()
    const off = watch.watch(manager.engine as never)
    closers.push(off)
    await until(() => watch.state() !== undefined, 'the handshake')
    const before = changes
    manager.engine.close()
    expect(watch.state()).toBeUndefined()
    expect(changes).toBe(before + 1)
  })
})

describe('the watch on a socket.io 2 engine (EIO3: the client pings)', () => {
  it('records the open packet (no maxPayload in EIO3) and measures the round trip of the client\'s ping', async () => {
    const httpServer = createServer()
    const sockets = trackSockets(httpServer)
    const io = serverV2(httpServer, { serveClient: false, pingInterval: 300, pingTimeout: 2000 })
    const conns: Array<{ conn: { id: string } }> = []
    io.sockets.on('connection', (s: { conn: { id: string } }) => conns.push(s))
    const port = await listen(httpServer)
    closers.push(async () => {
      io.close()
      await closeServer(httpServer, sockets)
    })
    const socket = ioV2(`http://127.0.0.1:${port}/`, { forceNew: true, autoConnect: false, reconnection: false, transports: ['polling', 'websocket'] })
    const watch = new HeartbeatWatch('client', () => {})
    socket.io.open()
    const engine = socket.io.engine!
    const off = watch.watch(engine as never)
    // The test's own round trips: the client's ping flushed → the server's pong.
    let sent = 0
    const trips: number[] = []
    engine.on('ping', () => {
      sent = performance.now()
    })
    engine.on('pong', () => trips.push(performance.now() - sent))
    socket.open()
    closers.push(() => {
      off()
      socket.close()
    })
    await until(() => conns.length === 1 && watch.state()?.transport === 'websocket' && trips.length >= 3, 'the upgrade and 3 pongs')

    const hb = watch.state()!
    expect(hb).toMatchObject({
      protocol: 3,
      pinger: 'client',
      sid: conns[0]!.conn.id,
      pingInterval: 300,
      pingTimeout: 2000,
      maxPayload: undefined,
      upgrades: ['websocket'],
      transport: 'websocket',
      noPacketSince: undefined,
    })
    expect(hb.measured!.kind).toBe('round-trip')
    expectClose(hb.measured, stats(trips, HEARTBEAT_WINDOW))
    expect(hb.measured!.lastMs).toBeLessThan(2000)
  })
})

describe('the late warning', () => {
  const base: HeartbeatState = {
    pingInterval: 25_000,
    pingTimeout: 20_000,
    pinger: 'server',
    lateAfterMs: heartbeatLateAfterMs(25_000),
    noPacketSince: undefined,
    protocol: 4,
    sid: 'abc',
    upgrades: ['websocket'],
    maxPayload: 1_000_000,
    transport: 'websocket',
    openedAt: 1_000_000,
    lastPacketAt: 1_060_000,
    lastBeatAt: 1_050_000,
    measured: undefined,
  }
  it('says nothing while the heartbeat is on time', () => {
    expect(heartbeatWarning(base, 1_080_000)).toBeUndefined()
  })
  it('counts from the last ping in the words of the issue', () => {
    expect(heartbeatWarning({ ...base, noPacketSince: 1_060_000 }, 1_081_900)).toBe('no ping for 31 s, expected every 25 s + 20 s timeout')
  })
  it('counts from the handshake when no ping came yet, and names the pong for socket.io 2', () => {
    expect(heartbeatWarning({ ...base, lastBeatAt: undefined, noPacketSince: 1_000_000 }, 1_031_000)).toBe('no ping for 31 s, expected every 25 s + 20 s timeout')
    expect(heartbeatWarning({ ...base, pinger: 'client', protocol: 3, pingInterval: 500, pingTimeout: 10_000, noPacketSince: 1_060_000 }, 1_052_500))
      .toBe('no pong for 2 s, expected every 0.5 s + 10 s timeout')
  })
})

const PING_INTERVAL = 500
const PING_TIMEOUT = 10_000

const late = (s: SessionSnapshot): boolean => s.status === 'connected' && s.heartbeat?.noPacketSince !== undefined
const onTime = (s: SessionSnapshot): boolean => s.status === 'connected' && s.heartbeat?.measured !== undefined && s.heartbeat.noPacketSince === undefined

/** Freeze, see the late flag (with when the last packet came) and its warning, thaw, see it cleared. */
async function freezeAndThaw(session: SessionSource, proxy: FreezableProxy, pinger: HeartbeatState['pinger']): Promise<void> {
  const before = await waitForState(session, onTime, 10_000)
  expect(before.heartbeat).toMatchObject({
    pingInterval: PING_INTERVAL,
    pingTimeout: PING_TIMEOUT,
    pinger,
    protocol: pinger === 'server' ? 4 : 3,
    lateAfterMs: heartbeatLateAfterMs(PING_INTERVAL),
    noPacketSince: undefined,
    sid: before.engineId,
    transport: 'websocket',
  })
  expect(before.heartbeat!.measured!.kind).toBe(pinger === 'server' ? 'interval' : 'round-trip')
  expect(heartbeatWarning(before.heartbeat!)).toBeUndefined()

  // Healthy: every state event is a heartbeat (a new lastBeatAt), never a lateness flag.
  const states: SessionSnapshot[] = []
  const off = session.on('state', s => states.push(s))
  await delay(PING_INTERVAL * 4)
  off()
  expect(states.length).toBeGreaterThan(0)
  expect(states.length).toBeLessThanOrEqual(6)
  const beats = states.map(s => s.heartbeat?.lastBeatAt)
  expect(new Set(beats).size).toBe(states.length)
  expect(states.every(s => s.heartbeat?.noPacketSince === undefined)).toBe(true)

  const frozenAt = Date.now()
  proxy.freeze()
  const lateSnap = await waitForState(session, late, 10_000)
  const waited = Date.now() - frozenAt
  expect(lateSnap.status).toBe('connected')
  // The last packet came before the freeze, and the flag came no earlier than the late-after period.
  expect(lateSnap.heartbeat!.noPacketSince!).toBeLessThanOrEqual(frozenAt + 50)
  expect(Date.now() - lateSnap.heartbeat!.noPacketSince!).toBeGreaterThanOrEqual(heartbeatLateAfterMs(PING_INTERVAL) - 50)
  expect(waited).toBeLessThan(PING_INTERVAL + PING_TIMEOUT)
  expect(heartbeatWarning(lateSnap.heartbeat!)).toMatch(new RegExp(`^no ${pinger === 'server' ? 'ping' : 'pong'} for \\d+ s, expected every 0\\.5 s \\+ 10 s timeout$`))

  proxy.thaw()
  const again = await waitForState(session, onTime, 10_000)
  expect(again.socketId).toBe(before.socketId)
  expect(again.heartbeat!.sid).toBe(before.heartbeat!.sid)
}

describe('late heartbeat of a session', () => {
  it('a socket.io 4 server that freezes: late after pingInterval + margin, on time again when it thaws', async () => {
    const server = await startFixtureServer({ serverOptions: { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT } })
    closers.push(() => server.close())
    const proxy = await startFreezableProxy(server.port)
    closers.push(() => proxy.close())
    const s = createSessionSource({ url: `${proxy.url}/`, transports: ['websocket'], reconnection: false }, { log: new EventLog(), id: 'hb-v4' })
    sessions.push(s)
    s.connect()
    await freezeAndThaw(s, proxy, 'server')
  })

  it('a socket.io 2 server (the client pings) that freezes', async () => {
    const demo = await startDemoServerV2({ port: 0, pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT, quizTimeoutMs: 5000 })
    closers.push(() => demo.close())
    const proxy = await startFreezableProxy(Number(new URL(demo.url).port))
    closers.push(() => proxy.close())
    const s = createSessionSource({ url: `${proxy.url}/namespace1`, client: 'v2', transports: ['websocket'], reconnection: false }, { log: new EventLog(), id: 'hb-v2' })
    sessions.push(s)
    s.connect()
    await freezeAndThaw(s, proxy, 'client')
  })

  it('a socket.io 4 server over long-polling: the handshake fields and the late flag likewise', async () => {
    const server = await startFixtureServer({ serverOptions: { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT } })
    closers.push(() => server.close())
    const proxy = await startFreezableProxy(server.port)
    closers.push(() => proxy.close())
    const s = createSessionSource({ url: `${proxy.url}/`, transports: ['polling'], reconnection: false, captureFrames: false }, { log: new EventLog(), id: 'hb-v4-polling' })
    sessions.push(s)
    s.connect()
    const before = await waitForState(s, onTime, 10_000)
    // Polling only: the server still offers the upgrade, the client does not take it.
    expect(before.heartbeat).toMatchObject({ transport: 'polling', upgrades: ['websocket'], maxPayload: 1_000_000, sid: before.engineId })
    proxy.freeze()
    await waitForState(s, late, 10_000)
    proxy.thaw()
    await waitForState(s, x => onTime(x) && x.socketId === before.socketId, 10_000)
  })

  it('a server that goes silent after the handshake: late, then gone with the connection (ping timeout)', async () => {
    const server = await startSilentServer({ pingInterval: PING_INTERVAL, pingTimeout: 2000 })
    closers.push(() => server.close())
    const s = createSessionSource({ url: `${server.url}/`, transports: ['websocket'], reconnection: false }, { log: new EventLog(), id: 'hb-silent' })
    sessions.push(s)
    s.connect()
    const lateSnap = await waitForState(s, late, 10_000)
    expect(lateSnap.heartbeat).toMatchObject({ pingInterval: PING_INTERVAL, pingTimeout: 2000, pinger: 'server', lastBeatAt: undefined, measured: undefined })
    // No ping ever came: the silence counts from the handshake.
    expect(heartbeatWarning(lateSnap.heartbeat!)).toMatch(/^no ping for \d+ s, expected every 0\.5 s \+ 2 s timeout$/)
    const closed = await waitForState(s, x => x.status === 'disconnected', 10_000)
    expect(closed.idHistory.at(-1)?.reason).toBe('ping timeout')
    expect(s.snapshot().heartbeat).toBeUndefined()
  })

  it('a relayed session passes the whole heartbeat through', async () => {
    const server = await startFixtureServer({ serverOptions: { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT, maxHttpBufferSize: 4321 } })
    closers.push(() => server.close())
    const proxy = await startFreezableProxy(server.port)
    closers.push(() => proxy.close())
    const relayHttp = http.createServer((_req, res) => {
      res.writeHead(404).end()
    })
    const relaySockets = trackSockets(relayHttp)
    const origin = 'http://inspector.test:5173'
    const relay = attachRelay(relayHttp, { token: 'heartbeat-test-token', allowedOrigins: [origin] })
    await listen(relayHttp)
    closers.push(async () => {
      await relay.close()
      await closeServer(relayHttp, relaySockets)
    })
    const port = (relayHttp.address() as AddressInfo).port
    const s = createSessionSource(
      { url: `${proxy.url}/`, transports: ['websocket'], reconnection: false, via: 'relay', relay: { url: `http://127.0.0.1:${port}`, token: 'heartbeat-test-token', extraHeaders: { Origin: origin } } },
      { log: new EventLog(), id: 'hb-relay' },
    )
    sessions.push(s)
    s.connect()
    const snap = await waitForState(s, onTime, 10_000)
    const serverSide = [...server.io.of('/').sockets.values()][0]!
    expect(snap.heartbeat).toMatchObject({ sid: engineId(serverSide.conn), maxPayload: 4321, upgrades: [], transport: 'websocket' })
    await freezeAndThaw(s, proxy, 'server')
  })
})
