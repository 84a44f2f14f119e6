import type { Socket } from 'socket.io-client'
import type { StartedDemoServer } from '../../demo-server/src/start'
import type { PlainServer } from './admin-helpers'
import http from 'node:http'
import { AdminClient, rowKey, ServerModel } from '#core'
import { Server } from 'socket.io'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../../demo-server/src/start'
import { closeAll, compareWithServer, connectClients, startPlainServer, until } from './admin-helpers'

const DEMO_NSPS = ['/', '/namespace1', '/namespace2']

describe('admin client against the demo server', () => {
  let demo: StartedDemoServer
  let clients: Socket[] = []
  const admins: AdminClient[] = []
  const newAdmin = (password?: string) => {
    const a = new AdminClient({ url: demo.url, username: 'admin', password: password ?? demo.adminPassword })
    admins.push(a)
    return a
  }

  beforeAll(async () => {
    demo = await startDemoServer({ port: 0, log: () => {}, bcryptRounds: 4 })
    clients = [
      ...await connectClients(`${demo.url}/`, 60),
      ...await connectClients(`${demo.url}/namespace1`, 60),
      ...await connectClients(`${demo.url}/namespace2`, 30),
    ]
    await Promise.all(clients.map((s, i) => s.timeout(5000).emitWithAck('enter', `room${i % 10}`)))
  }, 60_000)

  afterAll(async () => {
    for (const a of admins) a.dispose()
    closeAll(clients)
    await demo?.close()
  })

  it('connects with the right credentials, gets a session, config and the full tree', async () => {
    const admin = newAdmin()
    const res = await admin.connect()
    expect(res).toEqual({ ok: true })
    expect(admin.state().status).toBe('connected')
    expect(admin.state().features).toEqual(expect.arrayContaining(['EMIT', 'JOIN', 'LEAVE', 'DISCONNECT', 'ALL_EVENTS']))
    await until(() => admin.model.hasSnapshot || 'no all_sockets')
    expect(await compareWithServer(admin.model, demo.io, DEMO_NSPS)).toBe(true)
    // The admin's own socket is in the tree too.
    expect(admin.model.getSocket('/admin', admin.state().socketId!)).toBeDefined()
    // server_stats comes every 2 s.
    await until(() => admin.model.servers.size === 1 || 'no server_stats', 5000)
    const server = [...admin.model.servers.values()][0]
    expect(server.clientsCount).toBeGreaterThanOrEqual(clients.length)
    expect(server.namespaces.map(n => n.name)).toEqual(expect.arrayContaining(DEMO_NSPS))
  })

  it('follows joins, leaves and disconnects made by the clients', async () => {
    const admin = newAdmin()
    await admin.connect()
    await until(() => admin.model.hasSnapshot || 'no all_sockets')
    await Promise.all(clients.slice(0, 40).map(s => s.timeout(5000).emitWithAck('enter', 'moved')))
    await Promise.all(clients.slice(10, 30).map(s => s.timeout(5000).emitWithAck('leaveAll')))
    closeAll(clients.slice(100, 110))
    await until(() => compareWithServer(admin.model, demo.io, DEMO_NSPS))
    expect(admin.model.namespaces.get('/')?.rooms.get('moved')?.members.size).toBe(20)
  })

  it('joins, leaves, emits to and disconnects a socket from the server view, and reports each result', async () => {
    const admin = newAdmin()
    await admin.connect()
    await until(() => admin.model.hasSnapshot || 'no all_sockets')
    const target = clients[5]
    const id = target.id!

    const joined = await admin.join('/', 'vip', id)
    expect(joined).toMatchObject({ ok: true, observed: true })
    expect((await demo.io.in('vip').fetchSockets()).map(s => s.id)).toEqual([id])
    expect(admin.model.namespaces.get('/')?.rooms.get('vip')?.members.has(id)).toBe(true)

    const received = new Promise(resolve => target.once('echo', (...args: unknown[]) => resolve(args)))
    const emitted = await admin.emitTo('/', 'vip', 'echo', ['from admin', 1])
    expect(emitted).toMatchObject({ ok: true, observed: true })
    if (emitted.ok)
      expect(emitted.message).toContain('delivered to 1 of 1')
    expect(await received).toEqual(['from admin', 1])

    const left = await admin.leave('/', 'vip', id)
    expect(left).toMatchObject({ ok: true, observed: true })
    expect(await demo.io.in('vip').fetchSockets()).toHaveLength(0)
    await until(() => !admin.model.namespaces.get('/')?.rooms.has('vip') || 'vip still there')

    const reason = new Promise(resolve => target.once('disconnect', r => resolve(r)))
    const kicked = await admin.disconnectSocket('/', id)
    expect(kicked).toMatchObject({ ok: true, observed: true })
    expect(await reason).toBe('io server disconnect')
    expect(admin.model.getSocket('/', id)).toBeUndefined()
  })

  it('refuses actions the server does not allow or when not connected', async () => {
    const admin = newAdmin()
    expect(await admin.join('/', 'x', 'y')).toEqual({ ok: false, error: 'Not connected to the admin namespace.' })
  })

  it('says "wrong username or password" for bad credentials', async () => {
    const admin = newAdmin('not the password')
    const res = await admin.connect()
    expect(res.ok).toBe(false)
    if (!res.ok) {
      expect(res.error.kind).toBe('auth')
      expect(res.error.message).toMatch(/Wrong username or password/)
    }
    expect(admin.state().status).toBe('error')
  })

  it('says "not instrumented" for an admin namespace the server does not have', async () => {
    const admin = new AdminClient({ url: demo.url, namespace: '/nope', username: 'admin', password: 'x' })
    admins.push(admin)
    const res = await admin.connect()
    expect(!res.ok && res.error.kind).toBe('not-instrumented')
    expect(!res.ok && res.error.message).toMatch(/not instrumented with @socket.io\/admin-ui/)
  })
})

describe('admin client error messages', () => {
  let plain: PlainServer | undefined
  const closers: (() => Promise<void> | void)[] = []
  afterAll(async () => {
    for (const c of closers) await c()
    await plain?.close()
  })

  it('says "not instrumented" for a socket.io server without admin-ui', async () => {
    plain = await startPlainServer({ instrument: false })
    const admin = new AdminClient({ url: plain.url, username: 'admin', password: 'x' })
    closers.push(() => admin.dispose())
    const res = await admin.connect()
    expect(!res.ok && res.error.kind).toBe('not-instrumented')
  })

  it('says "not a Socket.IO server" for an HTTP server that is something else', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
    closers.push(() => new Promise<void>(resolve => server.close(() => resolve())))
    const port = (server.address() as { port: number }).port
    const admin = new AdminClient({ url: `http://127.0.0.1:${port}`, username: 'admin', password: 'x' })
    closers.push(() => admin.dispose())
    const res = await admin.connect()
    expect(!res.ok && res.error.kind).toBe('not-socketio')
    expect(!res.ok && res.error.message).toMatch(/HTTP 404/)
  })

  it('says "nothing answered" for a closed port', async () => {
    const server = http.createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
    const port = (server.address() as { port: number }).port
    await new Promise<void>(resolve => server.close(() => resolve()))
    const admin = new AdminClient({ url: `http://127.0.0.1:${port}` })
    closers.push(() => admin.dispose())
    const res = await admin.connect()
    expect(!res.ok && res.error.kind).toBe('unreachable')
  })

  it('says "unknown protocol" when the admin namespace never sends config', async () => {
    const httpServer = http.createServer()
    const io = new Server(httpServer)
    io.of('/admin').on('connection', () => {}) // an /admin namespace that isn't admin-ui
    await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', () => resolve()))
    closers.push(() => new Promise<void>(resolve => io.close(() => resolve())))
    const port = (httpServer.address() as { port: number }).port
    const admin = new AdminClient({ url: `http://127.0.0.1:${port}`, configTimeoutMs: 300 })
    closers.push(() => admin.dispose())
    const res = await admin.connect()
    expect(!res.ok && res.error.kind).toBe('protocol')
    expect(!res.ok && res.error.message).toMatch(/no admin-ui "config"/)
  })

  it('says "unknown protocol" when config has an unexpected shape', async () => {
    const httpServer = http.createServer()
    const io = new Server(httpServer)
    io.of('/admin').on('connection', s => s.emit('config', { features: 'all' }))
    await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', () => resolve()))
    closers.push(() => new Promise<void>(resolve => io.close(() => resolve())))
    const port = (httpServer.address() as { port: number }).port
    const admin = new AdminClient({ url: `http://127.0.0.1:${port}` })
    closers.push(() => admin.dispose())
    const res = await admin.connect()
    expect(!res.ok && res.error.kind).toBe('protocol')
  })
})

describe('server model', () => {
  const sock = (id: string, nsp: string, rooms: string[]) => ({ id, nsp, rooms: [id, ...rooms], clientId: 'c', transport: 'websocket', data: {}, handshake: { address: '127.0.0.1', issued: 1 } })

  it('notifies once per macrotask however many changes', async () => {
    const model = new ServerModel()
    let calls = 0
    model.subscribe(() => calls++)
    for (let i = 0; i < 100; i++) model.addSocket(sock(`s${i}`, '/', ['a']))
    expect(calls).toBe(0)
    await new Promise(r => setTimeout(r, 5))
    expect(calls).toBe(1)
    expect(model.version).toBeGreaterThanOrEqual(100)
  })

  it('keeps private rooms out of the room list and lists roomless sockets in a group', () => {
    const model = new ServerModel()
    model.setServerStats({ serverId: 'srv', hostname: 'h', pid: 1, uptime: 3, clientsCount: 2, pollingClientsCount: 0, namespaces: [{ name: '/', socketsCount: 2 }, { name: '/empty', socketsCount: 0 }] })
    model.addSocket(sock('a', '/', ['room10', 'room2']))
    model.addSocket(sock('b', '/', []))
    const rows = model.flatten(() => true)
    expect(rows.map(r => r.key)).toEqual([
      rowKey.server('srv'),
      rowKey.namespace('/'),
      rowKey.room('/', 'room2'),
      rowKey.socket('/', 'room2', 'a'),
      rowKey.room('/', 'room10'),
      rowKey.socket('/', 'room10', 'a'),
      rowKey.group('/'),
      rowKey.socket('/', undefined, 'b'),
      rowKey.namespace('/empty'),
    ])
    // Collapsing a room hides its sockets.
    const collapsed = model.flatten(key => key !== rowKey.room('/', 'room2'))
    expect(collapsed.some(r => r.key === rowKey.socket('/', 'room2', 'a'))).toBe(false)
  })

  it('ignores room_joined before socket_connected and room_left after socket_disconnected', () => {
    const model = new ServerModel()
    expect(model.joinRoom('/', 'x', 'ghost')).toBe(false)
    model.addSocket(sock('a', '/', ['r']))
    model.removeSocket('/', 'a')
    expect(model.leaveRoom('/', 'r', 'a')).toBe(false)
    expect(model.namespaces.get('/')?.rooms.size).toBe(0)
    expect(model.totalSockets).toBe(0)
  })
})
