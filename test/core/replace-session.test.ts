import type { AckEntry, EventEntry, RelayEndpoint } from '#core'
/**
 * Issue 11 item 5: Connect with other options connects the same tab again. `Inspector.replaceSession`
 * keeps the id (so the log), the socket-id history and the place in the list, against real servers.
 */
import type { AddressInfo } from 'node:net'
import type { Relay } from '../../inspector-ui/server/relay'
import type { BrokenServer } from '../fixtures/broken-servers'
import type { TestServer } from './fixtures/servers'
import http from 'node:http'
import { exportLog, Inspector } from '#core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachRelay } from '../../inspector-ui/server/relay'
import { startV2Server } from '../fixtures/broken-servers'
import { startFixtureServer, waitForEntry, waitForState } from './fixtures/servers'

const TOKEN = 'replace-session-relay-token'
const ORIGIN = 'http://inspector.test:5173'

let server: TestServer
let v2: BrokenServer
let relayHttp: http.Server
let relay: Relay
let endpoint: RelayEndpoint
beforeAll(async () => {
  server = await startFixtureServer()
  v2 = await startV2Server()
  relayHttp = http.createServer((_req, res) => res.writeHead(404).end())
  relay = attachRelay(relayHttp, { token: TOKEN, allowedOrigins: [ORIGIN] })
  await new Promise<void>(resolve => relayHttp.listen(0, '127.0.0.1', resolve))
  endpoint = { url: `http://127.0.0.1:${(relayHttp.address() as AddressInfo).port}`, token: TOKEN, extraHeaders: { Origin: ORIGIN } }
})
afterAll(async () => {
  await server.close()
  await v2.close()
  await relay?.close()
  relayHttp?.closeAllConnections()
  await new Promise<void>(resolve => relayHttp ? relayHttp.close(() => resolve()) : resolve())
})

describe('replaceSession', () => {
  it('connects the same tab again with other options: same id, same log, earlier socket ids kept and ended', async () => {
    const inspector = new Inspector()
    const first = inspector.createSession({ url: server.url('/chat'), transports: ['websocket'] })
    const other = inspector.createSession({ url: server.url('/') })
    first.connect()
    const connected = await waitForState(first, s => s.status === 'connected')
    const firstId = connected.socketId!
    expect(first.emit('echo', ['one'], { ack: true })).toEqual({ ok: true, correlationId: 's1.o1' })
    await waitForEntry(inspector.log, e => e.kind === 'ack' && e.sessionId === 's1')

    const seen: string[][] = []
    inspector.on('sessions', list => seen.push(list.map(s => s.id)))
    const second = inspector.replaceSession('s1', { url: server.url('/chat'), transports: ['polling'], query: { again: '1' } })
    expect(second).not.toBe(first)
    expect(second.id).toBe('s1')
    expect(inspector.get('s1')).toBe(second)
    expect(inspector.list()).toEqual([second, other])
    expect(seen).toEqual([['s1', 's2']])
    // The old connection was closed by the client, and says so.
    const history = second.snapshot().idHistory
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ socketId: firstId, reason: 'io client disconnect' })
    expect(history[0].disconnectedAt).toBeTypeOf('number')
    expect(second.snapshot().status).toBe('idle')

    second.connect()
    const again = await waitForState(second, s => s.status === 'connected')
    expect(again.socketId).not.toBe(firstId)
    expect(again.transport).toBe('polling')
    expect(again.idHistory.map(r => r.socketId)).toEqual([firstId, again.socketId])
    // Correlation ids never repeat the first session's: each ack links to its own emit.
    const r = second.emit('echo', ['two'], { ack: true })
    expect(r).toEqual({ ok: true, correlationId: 's1~2.o1' })
    await waitForEntry<AckEntry>(inspector.log, e => e.kind === 'ack' && e.correlationId === 's1~2.o1')
    const mine = [...inspector.log].filter(e => e.sessionId === 's1')
    expect(mine.filter(e => e.kind === 'connect')).toHaveLength(2)
    expect(mine.filter(e => e.kind === 'disconnect')).toHaveLength(1)
    const acks = mine.filter((e): e is AckEntry => e.kind === 'ack')
    expect(acks.map(a => [a.correlationId, a.args])).toEqual([['s1.o1', ['one']], ['s1~2.o1', ['two']]])
    // The first session is gone for good: it neither records nor emits any more.
    expect(first.emit('echo', ['late'])).toMatchObject({ ok: false })
    inspector.dispose()
  })

  it('keeps the history across several replacements and client libraries (v4 → v2)', async () => {
    const inspector = new Inspector()
    const s = inspector.createSession({ url: v2.url, reconnection: false })
    s.connect()
    await waitForEntry(inspector.log, e => e.kind === 'connect_error' && e.sessionId === 's1')
    const b = inspector.replaceSession('s1', { url: v2.url, client: 'v2', reconnection: false })
    b.connect()
    const first = await waitForState(b, x => x.status === 'connected', 10_000)
    await waitForEntry<EventEntry>(inspector.log, e => e.kind === 'event' && e.name === 'hello' && e.sessionId === 's1')
    const c = inspector.replaceSession('s1', { url: v2.url, client: 'v2', reconnection: false, query: { n: '3' } })
    c.connect()
    const last = await waitForState(c, x => x.status === 'connected', 10_000)
    expect(last.idHistory.map(r => r.socketId)).toEqual([first.socketId, last.socketId])
    expect(last.idHistory[0].disconnectedAt).toBeTypeOf('number')
    const kinds = [...inspector.log].filter(e => e.sessionId === 's1').map(e => e.kind)
    expect(kinds.filter(k => k === 'connecting')).toHaveLength(3)
    expect(kinds).toContain('connect_error')
    inspector.dispose()
  })

  it('through the relay: the relayed session gets the earlier ids and its own correlation prefix', async () => {
    const inspector = new Inspector()
    const a = inspector.createSession({ url: server.url('/chat'), via: 'relay', relay: endpoint, reconnection: false })
    a.connect()
    const first = await waitForState(a, x => x.status === 'connected', 10_000)
    const b = inspector.replaceSession(a.id, { url: server.url('/chat'), via: 'relay', relay: endpoint, reconnection: false, transports: ['websocket'] })
    expect(b.snapshot().idHistory.map(r => r.socketId)).toEqual([first.socketId])
    b.connect()
    const second = await waitForState(b, x => x.status === 'connected' && x.idHistory.length === 2, 10_000)
    expect(second.idHistory.map(r => r.socketId)).toEqual([first.socketId, second.socketId])
    expect(second.idHistory[0].disconnectedAt).toBeTypeOf('number')
    // The server's ack request is named by the relayed session: with the new prefix, not `s1.i1` again.
    expect(b.emit('ask', []).ok).toBe(true)
    const quiz = await waitForEntry<EventEntry>(inspector.log, e => e.kind === 'event' && e.name === 'quiz')
    expect(quiz.correlationId).toMatch(/^s1~2\.i\d+$/)
    expect(b.emit('echo', ['x'], { ack: true })).toEqual({ ok: true, correlationId: 's1~2.r1' })
    inspector.dispose()
  })

  it('refuses an unknown id, an imported capture and invalid options, and leaves the session as it was', async () => {
    const inspector = new Inspector()
    const s = inspector.createSession({ url: server.url('/') })
    expect(() => inspector.replaceSession('nope', { url: server.url('/') })).toThrow(/no session "nope"/)
    expect(() => inspector.replaceSession(s.id, { url: 'not a url' })).toThrow(/Invalid URL/)
    expect(inspector.get(s.id)).toBe(s)
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    expect(() => inspector.replaceSession(s.id, { url: 'ftp://127.0.0.1/' })).toThrow(/scheme/)
    expect(s.snapshot().status).toBe('connected')

    const text = exportLog(inspector.log, [s.snapshot()])
    const imported = inspector.importCapture(text)
    expect(imported.ok).toBe(true)
    const replayId = imported.ok ? imported.sessionIds[0] : ''
    expect(() => inspector.replaceSession(replayId, { url: server.url('/') })).toThrow(/imported capture/)
    inspector.dispose()
  })
})
