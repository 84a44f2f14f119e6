/**
 * The server view's admin host through its transport (inline in Node: the same code a Worker runs, behind
 * the same MessageChannel semantics) against a real instrumented server: one publish per 100 ms however
 * many admin events arrive, the feed's events all delivered in order, a new connect or a disconnect
 * leaves no admin socket on the server.
 */
import type { Socket } from 'socket.io-client'
import type { FromAdminHost } from '../../inspector-ui/src/workers/admin-protocol'
import type { AdminTransport } from '../../inspector-ui/src/workers/admin-transport'
import type { PlainServer } from '../core/admin-helpers'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PUBLISH_EVERY_MS } from '../../inspector-ui/src/workers/admin-protocol'
import { startAdminTransport } from '../../inspector-ui/src/workers/admin-transport'
import { closeAll, connectClients, startPlainServer, until } from '../core/admin-helpers'

describe('the admin host (inline transport)', () => {
  let server: PlainServer
  let transport: AdminTransport | undefined
  let clients: Socket[] = []

  beforeAll(async () => {
    server = await startPlainServer({ password: 'secret' })
  })
  afterEach(() => {
    transport?.dispose()
    transport = undefined
    closeAll(clients)
    clients = []
  })
  afterAll(async () => {
    await server?.close()
  })

  const adminSockets = (): number => server.io.of('/admin').sockets.size

  function start(): { messages: FromAdminHost[], kind: Promise<string> } {
    const messages: FromAdminHost[] = []
    let ready!: (kind: string) => void
    const kind = new Promise<string>((resolve) => {
      ready = resolve
    })
    transport = startAdminTransport({ onReady: ready })
    transport.subscribe(m => messages.push(m))
    return { messages, kind }
  }

  it('publishes the tree at most every 100 ms and forwards every feed event', async () => {
    const { messages, kind } = start()
    transport!.send({ type: 'connect', gen: 1, options: { url: server.url, username: 'admin', password: 'secret' } })
    // No Worker in Node: the host runs in the page.
    expect(await kind).toBe('inline')
    await until(() => messages.some(m => m.type === 'connected' && m.gen === 1 && m.ok) || 'connected')
    await until(() => messages.some(m => m.type === 'snapshot') || 'the snapshot')

    clients = await connectClients(`${server.url}/namespace1`, 200)
    const from = messages.length
    const t0 = Date.now()
    await Promise.all(clients.map((s, i) => s.timeout(10_000).emitWithAck('enter', `room-${i % 20}`)))
    const total = (): number => messages.slice(from).reduce((n, m) => n + (m.type === 'publish' && m.feed ? m.feed.items.length : 0), 0)
    await until(() => total() >= 200 || `${total()} of 200 events`)
    await until(() => {
      const last = messages.findLast(m => m.type === 'publish' && m.tree)
      return (last?.type === 'publish' && last.tree?.totals.rooms === 20) || 'the 20 rooms'
    })
    const elapsed = Date.now() - t0
    const publishes = messages.slice(from).filter(m => m.type === 'publish' && (m.tree || m.feed))
    // Hundreds of admin events (room_joined, event_received), a handful of messages to the page.
    expect(publishes.length).toBeLessThanOrEqual(Math.ceil(elapsed / PUBLISH_EVERY_MS) + 2)
    const names = messages.slice(from).flatMap(m => m.type === 'publish' && m.feed ? m.feed.items.filter(e => e.direction === 'in').map(e => e.payload[0]) : [])
    expect(names.filter(n => n === 'enter')).toHaveLength(200)
  })

  it('closes the previous admin socket on a new connect, and this one on disconnect', async () => {
    const { messages } = start()
    transport!.send({ type: 'connect', gen: 1, options: { url: server.url, username: 'admin', password: 'secret' } })
    await until(() => messages.some(m => m.type === 'connected' && m.gen === 1) || 'the first connect')
    expect(adminSockets()).toBe(1)
    transport!.send({ type: 'connect', gen: 2, options: { url: server.url, username: 'admin', password: 'secret' } })
    await until(() => messages.some(m => m.type === 'connected' && m.gen === 2 && m.ok) || 'the second connect')
    await until(() => adminSockets() === 1 || `${adminSockets()} admin sockets`)
    transport!.send({ type: 'disconnect', gen: 2 })
    await until(() => messages.some(m => m.type === 'publish' && m.gen === 2 && m.state?.status === 'disconnected') || 'disconnected')
    await until(() => adminSockets() === 0 || `${adminSockets()} admin sockets`)
  })

  it('closes the admin socket when the transport is disposed', async () => {
    const { messages } = start()
    transport!.send({ type: 'connect', gen: 1, options: { url: server.url, username: 'admin', password: 'secret' } })
    await until(() => messages.some(m => m.type === 'connected' && m.ok) || 'connected')
    transport!.dispose()
    await until(() => adminSockets() === 0 || `${adminSockets()} admin sockets`)
  })
})
