import type { Socket } from 'socket.io-client'
import type { PlainServer } from './admin-helpers'
import { AdminClient } from '#core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAll, compareWithServer, connectClients, startPlainServer, until } from './admin-helpers'

const SOCKETS = 5000
const ROOMS = 500

// A socket.io server instrumented like the demo server, without the demo's `presence` broadcast on every
// connect (5,000 connects would cost 12.5 M presence messages). test/core/admin.test.ts runs the same
// protocol against the demo server itself with fewer sockets.
describe('admin client with 5,000 sockets in 500 rooms', () => {
  let demo: PlainServer
  let clients: Socket[] = []
  let admin: AdminClient | undefined

  beforeAll(async () => {
    demo = await startPlainServer({ password: 'secret' })
    clients = await connectClients(`${demo.url}/namespace1`, SOCKETS)
    // Rooms through the demo's own `enter` handler, in batches so acks don't pile up.
    for (let i = 0; i < SOCKETS; i += 500) {
      await Promise.all(clients.slice(i, i + 500).map((s, j) => s.timeout(10_000).emitWithAck('enter', `room-${(i + j) % ROOMS}`)))
    }
  }, 120_000)

  afterAll(async () => {
    admin?.dispose()
    closeAll(clients)
    await demo?.close()
  }, 60_000)

  it('builds the full tree from all_sockets and agrees with fetchSockets()', async () => {
    admin = new AdminClient({ url: demo.url, username: 'admin', password: 'secret' })
    const t0 = performance.now()
    const res = await admin.connect()
    expect(res.ok).toBe(true)
    await until(() => admin!.model.hasSnapshot || 'no snapshot yet', 20_000)
    const firstTree = performance.now() - t0
    const t1 = performance.now()
    const rows = admin.model.flatten(() => true)
    const flattenMs = performance.now() - t1
    const t2 = performance.now()
    admin.model.flatten(() => true)
    const reflattenMs = performance.now() - t2
    console.log(`[admin-scale] first full tree: ${Math.round(firstTree)} ms (client says ${admin.state().firstTreeMs} ms); flatten of ${rows.length} rows: ${flattenMs.toFixed(1)} ms cold, ${reflattenMs.toFixed(1)} ms warm`)
    expect(admin.model.namespaces.get('/namespace1')?.sockets.size).toBe(SOCKETS)
    expect(admin.model.namespaces.get('/namespace1')?.rooms.size).toBe(ROOMS)
    expect(await compareWithServer(admin.model, demo.io, ['/namespace1'])).toBe(true)
    expect(rows.filter(r => r.kind === 'socket' && r.nsp === '/namespace1')).toHaveLength(SOCKETS)
    expect(rows.filter(r => r.kind === 'room')).toHaveLength(ROOMS)
  }, 60_000)

  it('follows joins, moves, leaves, disconnects and new sockets incrementally', async () => {
    const model = admin!.model
    let notifications = 0
    const off = model.subscribe(() => notifications++)
    const t0 = performance.now()
    // 1,000 moves: leave the old room, enter a new one.
    await Promise.all(clients.slice(0, 1000).map(async (s, i) => {
      await s.timeout(10_000).emitWithAck('leave', `room-${i % ROOMS}`)
      await s.timeout(10_000).emitWithAck('enter', `room-${(i + 7) % ROOMS}`)
    }))
    // 500 extra joins, server side.
    demo.io.of('/namespace1').in('room-3').socketsJoin('extra')
    // 200 leaveAll, 300 disconnects, 250 newcomers.
    await Promise.all(clients.slice(1000, 1200).map(s => s.timeout(10_000).emitWithAck('leaveAll')))
    closeAll(clients.slice(1200, 1500))
    const newcomers = await connectClients(`${demo.url}/namespace1`, 250)
    clients.push(...newcomers)
    await until(() => compareWithServer(model, demo.io, ['/namespace1']), 20_000, 100)
    const settled = performance.now() - t0
    off()
    console.log(`[admin-scale] ~4,000 changes settled in ${Math.round(settled)} ms with ${notifications} batched notifications`)
    expect(model.namespaces.get('/namespace1')?.sockets.size).toBe(SOCKETS - 300 + 250)
    expect(model.namespaces.get('/namespace1')?.rooms.get('extra')?.members.size).toBeGreaterThan(0)
    // Batching: far fewer notifications than events.
    expect(notifications).toBeLessThan(2000)
  }, 60_000)
})
