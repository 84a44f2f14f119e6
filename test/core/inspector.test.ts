import type { EventEntry, SessionSource } from '#core'
import type { TestServer } from './fixtures/servers'
import { exportLog, Inspector, ReplaySession } from '#core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { delay, startFixtureServer, waitForEntry, waitForState } from './fixtures/servers'

let server: TestServer
beforeAll(async () => {
  server = await startFixtureServer()
})
afterAll(async () => {
  await server.close()
})

describe('inspector', () => {
  it('creates sessions with short unique ids, lists them, and announces changes', () => {
    const inspector = new Inspector()
    const seen: string[][] = []
    inspector.on('sessions', list => seen.push(list.map(s => s.id)))
    const a = inspector.createSession({ url: server.url('/') })
    const b = inspector.createSession({ url: server.url('/chat'), label: 'chat' })
    expect([a.id, b.id]).toEqual(['s1', 's2'])
    expect(a.snapshot()).toMatchObject({ status: 'idle', label: '/', namespace: '/' })
    expect(b.snapshot().label).toBe('chat')
    expect(inspector.get('s2')).toBe(b)
    expect(inspector.remove('s1')).toBe(true)
    expect(inspector.remove('s1')).toBe(false)
    expect(inspector.list().map(s => s.id)).toEqual(['s2'])
    expect(seen).toEqual([['s1'], ['s1', 's2'], ['s2']])
    inspector.dispose()
    expect(inspector.list()).toEqual([])
  })

  it('records a live session, exports it, and replays the file read-only under new ids in another inspector', async () => {
    const live = new Inspector()
    const s = live.createSession({ url: server.url('/chat'), transports: ['websocket'] })
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    s.emit('echo', ['hi', { bin: new Uint8Array([1, 2]) }], { ack: true })
    await waitForEntry(live.log, e => e.kind === 'ack')
    const text = exportLog(live.log, live.list().map(x => x.snapshot()))
    live.dispose()

    const viewer = new Inspector()
    viewer.createSession({ url: server.url('/') }) // takes s1
    const onSessions = vi.fn()
    viewer.on('sessions', onSessions)
    const r = viewer.importCapture(text)
    expect(r).toEqual({ ok: true, sessionIds: ['s2'] })
    expect(onSessions).toHaveBeenCalledTimes(1)
    const replay = viewer.get('s2') as SessionSource
    expect(replay).toBeInstanceOf(ReplaySession)
    expect(replay.snapshot()).toMatchObject({ id: 's2', readonly: true, namespace: '/chat', pendingServerAcks: [] })
    expect(replay.emit('x', [])).toMatchObject({ ok: false, error: expect.stringMatching(/read-only/) })
    expect(replay.answerAck('x', [])).toMatchObject({ ok: false })
    replay.connect()
    expect(replay.snapshot().status).toBe(s.snapshot().status)

    const entries = [...viewer.log]
    expect(entries).toHaveLength(live.log.size)
    expect(entries.every(e => e.sessionId === 's2')).toBe(true)
    expect(entries.map(e => e.id)).toEqual(entries.map((_, i) => i + 1))
    const original = [...live.log].find(e => e.kind === 'event' && e.direction === 'out') as EventEntry
    const copy = entries.find(e => e.kind === 'event' && e.direction === 'out') as EventEntry
    expect(copy.args).toEqual(original.args)
    expect(copy.correlationId).toBe(original.correlationId)
    expect(Object.isFrozen(copy)).toBe(true)

    expect(viewer.importCapture('garbage')).toEqual({ ok: false, error: 'not a Socket.IO Inspector export' })
    expect(viewer.list()).toHaveLength(2)
    viewer.dispose()
  })

  it('keeps every entry of a quiet tab while a server floods another tab with 50,000 pings, and counts the flood\'s drops', async () => {
    // The server answers `flood:pings` with 50,000 Engine.IO pings on that connection; the client answers
    // each with a pong: 100,000 frame entries for one tab.
    server.io.of('/chat').on('connection', (socket) => {
      socket.on('flood:pings', () => {
        const conn = socket.conn as unknown as { sendPacket: (type: 'ping') => void }
        for (let i = 0; i < 50_000; i++) conn.sendPacket('ping')
      })
    })
    const inspector = new Inspector({ limits: { maxEntries: 20_000 } })
    const quiet = inspector.createSession({ url: server.url('/'), transports: ['websocket'] })
    const noisy = inspector.createSession({ url: server.url('/chat'), transports: ['websocket'] })
    quiet.connect()
    noisy.connect()
    await waitForState(quiet, x => x.status === 'connected')
    await waitForState(noisy, x => x.status === 'connected')
    for (let i = 0; i < 5; i++) quiet.emit('echo', [`hello ${i}`], { ack: true })
    await waitForEntry(inspector.log, e => e.kind === 'ack' && e.sessionId === quiet.id && (e.args[0] as string) === 'hello 4')
    const quietIds = [...inspector.log].filter(e => e.sessionId === quiet.id).map(e => e.id)
    noisy.emit('flood:pings', [])
    const total = (): number => {
      const st = inspector.log.statsFor(noisy.id)
      return st.held + st.dropped.entries
    }
    for (let i = 0; i < 1500 && total() < 100_000; i++) await delay(20)
    const stats = inspector.log.statsFor(noisy.id)
    expect(stats.held + stats.dropped.entries).toBeGreaterThanOrEqual(100_000)
    expect(inspector.log.size).toBeLessThanOrEqual(20_000)
    // Not one of the quiet tab's entries went; the flood paid for itself.
    expect(quietIds.map(id => inspector.log.get(id)?.sessionId)).toEqual(quietIds.map(() => quiet.id))
    expect(inspector.log.statsFor(quiet.id).dropped.entries).toBe(0)
    expect(stats.dropped.entries).toBeGreaterThan(80_000)
    expect(inspector.log.dropped.entries).toBe(stats.dropped.entries)
    inspector.dispose()
  }, 60_000)
})
