import type { ServerEvent } from '#core'
/**
 * The server view's event feed (issue 16, item 6): `event_received` / `event_sent` from a real socket.io
 * 4.8 server instrumented by @socket.io/admin-ui 0.5, read by the real AdminClient, kept in a bounded ring.
 */
import type { Socket } from 'socket.io-client'
import type { PlainServer } from './admin-helpers'
import { AdminClient, ENABLE_EVENTS_HINT, matchServerEvent, ServerEventFeed } from '#core'
import { instrument } from '@socket.io/admin-ui'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, connectClients, startPlainServer, until } from './admin-helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function server(options: Parameters<typeof startPlainServer>[0] = {}): Promise<PlainServer> {
  const s = await startPlainServer(options)
  cleanups.push(() => s.close())
  return s
}
async function clients(url: string, n: number): Promise<Socket[]> {
  const list = await connectClients(url, n)
  cleanups.push(() => closeAll(list))
  return list
}
function admin(url: string, extra: Partial<ConstructorParameters<typeof AdminClient>[0]> = {}): AdminClient {
  const a = new AdminClient({ url, username: 'admin', password: 'secret', ...extra })
  cleanups.push(() => a.dispose())
  return a
}

describe('event feed against an instrumented server (mode: development)', () => {
  it('receives the events a client sends and the server sends, with namespace, socket id, name, args and time', async () => {
    const srv = await server()
    const a = admin(srv.url)
    expect(await a.connect()).toEqual({ ok: true })
    expect(a.events.stats().support).toBe('enabled')
    const [client] = await clients(`${srv.url}/namespace1`, 1)
    const before = Date.now()

    // In (client → server), with an ack: admin-ui drops the callback, the feed keeps the arguments only.
    expect(await client.timeout(5000).emitWithAck('enter', 'room7')).toMatchObject({ ok: true })
    // Out (server → client), several arguments, to that one socket.
    const got = new Promise<unknown[]>(resolve => client.once('news', (...args: unknown[]) => resolve(args)))
    srv.io.of('/namespace1').sockets.get(client.id!)!.emit('news', { title: 'hi' }, 2, 'three')
    expect(await got).toEqual([{ title: 'hi' }, 2, 'three'])

    await until(() => a.events.stats().size >= 2 || `${a.events.stats().size} events`)
    const [enter, news] = a.events.events()
    expect(enter).toMatchObject({ direction: 'in', nsp: '/namespace1', socketId: client.id, name: 'enter', args: ['room7'] })
    expect(news).toMatchObject({ direction: 'out', nsp: '/namespace1', socketId: client.id, name: 'news', args: [{ title: 'hi' }, 2, 'three'] })
    for (const e of [enter, news]) {
      // admin-ui's timestamp (a Date, as an ISO string), not a made-up one.
      expect(e.time).toBeGreaterThanOrEqual(before - 1000)
      expect(e.time).toBeLessThanOrEqual(Date.now() + 1000)
      expect(Object.isFrozen(e)).toBe(true)
    }
    expect(news.seq).toBeGreaterThan(enter.seq)
    expect(a.events.get(enter.seq)).toBe(enter)
    // The admin connection's own traffic is not in the feed (admin-ui leaves its namespace out).
    expect(a.events.events().filter(e => e.nsp === '/admin')).toEqual([])
  })

  it('reports a broadcast once per receiving socket, and filters by name, socket id, namespace and direction', async () => {
    const srv = await server()
    const a = admin(srv.url)
    await a.connect()
    const ns1 = await clients(`${srv.url}/namespace1`, 3)
    const [root] = await clients(`${srv.url}/`, 1)
    const arrived = Promise.all(ns1.map(s => new Promise(resolve => s.once('tick', resolve))))
    srv.io.of('/namespace1').emit('tick', 1)
    await arrived
    root.emit('chat', 'hello')
    await until(() => a.events.stats().size >= 4 || `${a.events.stats().size} events`)

    const ticks = a.events.events({ text: 'tick' })
    expect(ticks.map(e => e.socketId).sort()).toEqual(ns1.map(s => s.id).sort())
    expect(ticks.every(e => e.direction === 'out' && e.nsp === '/namespace1')).toBe(true)
    expect(a.events.events({ text: root.id!.slice(2, 9) }).map(e => e.name)).toEqual(['chat'])
    expect(a.events.events({ direction: 'in' }).map(e => e.name)).toEqual(['chat'])
    expect(a.events.events({ text: 'NAMESPACE1', direction: 'in' })).toEqual([])
    expect(a.events.events({ text: 'namespace1' })).toHaveLength(3)
  })

  it('keeps a bounded ring: the oldest events are dropped and counted, the newest kept in order', async () => {
    const srv = await server()
    const a = admin(srv.url, { eventCapacity: 20 })
    await a.connect()
    const [client] = await clients(`${srv.url}/`, 1)
    for (let i = 0; i < 50; i++) client.emit('n', i)
    await until(() => a.events.stats().total >= 50 || `${a.events.stats().total} events`)

    const stats = a.events.stats()
    expect(stats).toMatchObject({ size: 20, capacity: 20, total: 50, dropped: 30 })
    const kept = a.events.events()
    expect(kept.map(e => e.args[0])).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i))
    // The dropped ones are gone for good.
    expect(a.events.get(kept[0].seq - 1)).toBeUndefined()

    // Pause: arrivals are counted, not kept; resume keeps the next ones. Clear empties the feed.
    a.events.setPaused(true)
    for (let i = 0; i < 5; i++) client.emit('while-paused', i)
    await until(() => a.events.stats().skipped >= 5 || `${a.events.stats().skipped} skipped`)
    expect(a.events.events({ text: 'while-paused' })).toEqual([])
    a.events.setPaused(false)
    a.events.clear()
    expect(a.events.stats()).toMatchObject({ size: 0, dropped: 0, skipped: 0 })
    client.emit('after', 1)
    await until(() => a.events.stats().size === 1 || `${a.events.stats().size} events`)
    expect(a.events.events()[0]).toMatchObject({ name: 'after', args: [1] })
    expect(a.events.events()[0].seq).toBeGreaterThan(kept[19].seq)
  })
})

describe('event feed against a server that sends no events (mode: production)', () => {
  it('says the server does not send events, and how to enable them', async () => {
    const srv = await server({ instrument: false })
    const bcrypt = (await import('bcryptjs')).default
    instrument(srv.io, { auth: { type: 'basic', username: 'admin', password: bcrypt.hashSync('secret', 4) }, mode: 'production' })
    const a = admin(srv.url)
    expect(a.events.stats().support).toBe('unknown')
    expect(await a.connect()).toEqual({ ok: true })
    expect(a.state().features).not.toContain('ALL_EVENTS')
    expect(a.events.stats().support).toBe('disabled')
    expect(ENABLE_EVENTS_HINT).toContain('mode: "development"')

    // Traffic happens, and nothing arrives: two server_stats (every 2 s) after the client's acked emit
    // came over the admin connection, which would have carried the event before them.
    const [client] = await clients(`${srv.url}/`, 1)
    expect(await client.timeout(5000).emitWithAck('enter', 'r')).toMatchObject({ ok: true })
    const seen = [...a.model.servers.values()][0]?.lastSeen ?? 0
    let first = 0
    await until(() => {
      const now = [...a.model.servers.values()][0]?.lastSeen ?? 0
      if (now > seen && first === 0)
        first = now
      return (first > 0 && now > first) || 'waiting for two server_stats'
    }, 8000)
    expect(a.events.stats()).toMatchObject({ size: 0, total: 0 })
  }, 15_000)
})

describe('serverEventFeed on its own', () => {
  const payload = (name: unknown, ...args: unknown[]) => [name, ...args]

  it('ignores a payload without an event name, and cuts huge names', () => {
    const feed = new ServerEventFeed({ capacity: 3 })
    expect(feed.push('in', '/', 'a', payload(42))).toBeUndefined()
    expect(feed.push('in', '/', 'a', [])).toBeUndefined()
    expect(feed.stats().total).toBe(0)
    const e = feed.push('out', '/', 'a', payload('x'.repeat(10_000), 1), 'not a date', 1234)!
    expect(e.name.length).toBeLessThanOrEqual(201)
    expect(e.time).toBe(1234)
    expect(e.args).toEqual([1])
  })

  it('matches name, socket id and namespace as case-insensitive substrings, with a direction', () => {
    const e: ServerEvent = { seq: 1, direction: 'in', nsp: '/chat', socketId: 'AbC123', name: 'message:new', args: [], time: 0 }
    expect(matchServerEvent(e, { text: 'msg' })).toBe(false)
    expect(matchServerEvent(e, { text: 'MESSAGE' })).toBe(true)
    expect(matchServerEvent(e, { text: 'bc1' })).toBe(true)
    expect(matchServerEvent(e, { text: '/ch' })).toBe(true)
    expect(matchServerEvent(e, { text: ' ', direction: 'out' })).toBe(false)
    expect(matchServerEvent(e, { direction: 'in' })).toBe(true)
  })

  it('batches change notifications: one per macrotask for a burst', async () => {
    const feed = new ServerEventFeed()
    let calls = 0
    feed.subscribe(() => calls++)
    for (let i = 0; i < 1000; i++) feed.push('in', '/', 's', payload('e', i))
    await new Promise(r => setTimeout(r, 0))
    expect(calls).toBe(1)
    expect(feed.ids()).toHaveLength(1000)
  })
})
