/**
 * Issue 12 item 10: a frozen server. The session's snapshot carries the handshake's heartbeat settings and,
 * once no packet has come for longer than pingInterval plus a margin, when the last one came
 * (`heartbeat.noPacketSince`), until packets come again. Real servers (socket.io 4 and 2) behind a TCP proxy
 * that freezes both ways, and a fake server that goes silent after the handshake.
 */
import type { AddressInfo } from 'node:net'
import type { HeartbeatState, SessionSnapshot, SessionSource } from '../../src/core/types'
import type { FreezableProxy } from '../fixtures/freezable-proxy'
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { attachRelay } from '../../inspector-ui/server/relay'
import { EventLog } from '../../src/core/log/event-log'
import { heartbeatLateAfterMs } from '../../src/core/session/heartbeat'
import { LiveSession } from '../../src/core/session/live-session'
import { LiveSessionV2 } from '../../src/core/session/live-session-v2'
import { RelaySession } from '../../src/core/session/relay-session'
import { startSilentServer } from '../fixtures/broken-servers'
import { startFreezableProxy } from '../fixtures/freezable-proxy'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { delay, startFixtureServer, waitForState } from './fixtures/servers'

const PING_INTERVAL = 500
const PING_TIMEOUT = 10_000
const closers: Array<() => Promise<void> | void> = []
const sessions: SessionSource[] = []

afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose()
  for (const close of closers.splice(0).reverse()) await close()
})

const late = (s: SessionSnapshot): boolean => s.status === 'connected' && s.heartbeat?.noPacketSince !== undefined
const onTime = (s: SessionSnapshot): boolean => s.status === 'connected' && s.heartbeat !== undefined && s.heartbeat.noPacketSince === undefined

/** Freeze, see the late flag (with when the last packet came), thaw, see it cleared. */
async function freezeAndThaw(session: SessionSource, proxy: FreezableProxy, pinger: HeartbeatState['pinger']): Promise<void> {
  const before = await waitForState(session, onTime, 10_000)
  expect(before.heartbeat).toEqual({ pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT, pinger, lateAfterMs: heartbeatLateAfterMs(PING_INTERVAL), noPacketSince: undefined })

  // Healthy: several heartbeats go by without a single state event (nothing per packet) and no late flag.
  const states: SessionSnapshot[] = []
  const off = session.on('state', s => states.push(s))
  await delay(PING_INTERVAL * 4)
  off()
  expect(states).toEqual([])

  const frozenAt = Date.now()
  proxy.freeze()
  const lateSnap = await waitForState(session, late, 10_000)
  const waited = Date.now() - frozenAt
  expect(lateSnap.status).toBe('connected')
  // The last packet came before the freeze, and the flag came no earlier than the late-after period.
  expect(lateSnap.heartbeat!.noPacketSince!).toBeLessThanOrEqual(frozenAt + 50)
  expect(Date.now() - lateSnap.heartbeat!.noPacketSince!).toBeGreaterThanOrEqual(heartbeatLateAfterMs(PING_INTERVAL) - 50)
  expect(waited).toBeLessThan(PING_INTERVAL + PING_TIMEOUT)

  proxy.thaw()
  const again = await waitForState(session, onTime, 10_000)
  expect(again.socketId).toBe(before.socketId)
}

describe('late heartbeat', () => {
  it('a socket.io 4 server that freezes: late after pingInterval + margin, on time again when it thaws', async () => {
    const server = await startFixtureServer({ serverOptions: { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT } })
    closers.push(() => server.close())
    const proxy = await startFreezableProxy(server.port)
    closers.push(() => proxy.close())
    const s = new LiveSession({ url: `${proxy.url}/`, transports: ['websocket'], reconnection: false }, { log: new EventLog(), id: 'hb-v4' })
    sessions.push(s)
    s.connect()
    await freezeAndThaw(s, proxy, 'server')
  })

  it('a socket.io 4 server over long-polling, frozen likewise', async () => {
    const server = await startFixtureServer({ serverOptions: { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT } })
    closers.push(() => server.close())
    const proxy = await startFreezableProxy(server.port)
    closers.push(() => proxy.close())
    const s = new LiveSession({ url: `${proxy.url}/`, transports: ['polling'], reconnection: false, captureFrames: false }, { log: new EventLog(), id: 'hb-v4-polling' })
    sessions.push(s)
    s.connect()
    await freezeAndThaw(s, proxy, 'server')
  })

  it('a socket.io 2 server (the client pings) that freezes', async () => {
    const demo = await startDemoServerV2({ port: 0, pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT, quizTimeoutMs: 5000 })
    closers.push(() => demo.close())
    const proxy = await startFreezableProxy(Number(new URL(demo.url).port))
    closers.push(() => proxy.close())
    const s = new LiveSessionV2({ url: `${proxy.url}/namespace1`, client: 'v2', transports: ['websocket'], reconnection: false }, { log: new EventLog(), id: 'hb-v2' })
    sessions.push(s)
    s.connect()
    await freezeAndThaw(s, proxy, 'client')
  })

  it('a server that goes silent after the handshake: late, then gone with the connection (ping timeout)', async () => {
    const server = await startSilentServer({ pingInterval: PING_INTERVAL, pingTimeout: 2000 })
    closers.push(() => server.close())
    const s = new LiveSession({ url: `${server.url}/`, transports: ['websocket'], reconnection: false }, { log: new EventLog(), id: 'hb-silent' })
    sessions.push(s)
    s.connect()
    const lateSnap = await waitForState(s, late, 10_000)
    expect(lateSnap.heartbeat).toMatchObject({ pingInterval: PING_INTERVAL, pingTimeout: 2000, pinger: 'server' })
    const closed = await waitForState(s, x => x.status === 'disconnected', 10_000)
    expect(closed.idHistory.at(-1)?.reason).toBe('ping timeout')
    expect(s.snapshot().heartbeat).toBeUndefined()
  })

  it('a relayed session passes the heartbeat through', async () => {
    const server = await startFixtureServer({ serverOptions: { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT } })
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
    const s = new RelaySession(
      { url: `${proxy.url}/`, transports: ['websocket'], reconnection: false },
      { log: new EventLog(), id: 'hb-relay', relay: { url: `http://127.0.0.1:${port}`, token: 'heartbeat-test-token', extraHeaders: { Origin: origin } } },
    )
    sessions.push(s)
    s.connect()
    await freezeAndThaw(s, proxy, 'server')
  })
})
