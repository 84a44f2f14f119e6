/**
 * The demo server as a cluster (`npm run demo:cluster`, issue 18): real processes (the primary, one worker per
 * node) on loopback, with the cluster adapter and with the Redis adapter against a real redis-server. Clients
 * connect to different nodes' ports, so every cross-node path (broadcast, rooms, direct messages, listings,
 * warnings, kick, admin-ui) is exercised; the front door is checked with polling-only clients (sticky sessions).
 */
import type { ChildProcess } from 'node:child_process'
import type { ManagerOptions, SocketOptions } from 'socket.io-client'
import type { StartedDemoCluster } from '../../demo-server/src/cluster/start'
import type { ChatMessage, Presence, Welcome } from '../../src/shared/demo-events'
import type { ClientSocket } from './helpers'
import { execFileSync, spawn } from 'node:child_process'
import net from 'node:net'
import process from 'node:process'
import v8 from 'node:v8'
import { diagnoseConnection } from '#core'
import { io } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { toCloneable } from '../../demo-server/src/cluster/adapter'
import { startDemoCluster } from '../../demo-server/src/cluster/start'
import { freePortRange, portFree } from '../fixtures/net-utils'
import { collect, expectSilence, waitFor } from './helpers'

const NODES = 3
const ADMIN_TOKEN = 'cluster-test-token'
const ADMIN_PASSWORD = 'cluster-test-password'

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  }
  catch {
    return false
  }
}

/** Debian's redis-server on a free loopback port, nothing saved; resolves once it answers. */
async function startRedis(): Promise<{ url: string, stop: () => Promise<void> }> {
  const port = await freePortRange(1)
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await gone
    }
  }
  for (let i = 0; i < 100; i++) {
    if (output.includes('Ready to accept connections'))
      return { url: `redis://127.0.0.1:${port}`, stop }
    if (child.exitCode !== null)
      break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  await stop()
  throw new Error(`redis-server did not start on port ${port}: ${output.slice(-500)}`)
}

/** A TCP front door WITHOUT sticky sessions: each connection goes to the next node (the nodes close every HTTP connection). */
function roundRobinProxy(ports: number[]): Promise<{ url: string, close: () => Promise<void> }> {
  let next = 0
  const open = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(ports[next++ % ports.length]!, '127.0.0.1')
    for (const s of [client, upstream]) {
      open.add(s)
      s.on('close', () => open.delete(s))
      s.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
  })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as net.AddressInfo).port
    resolve({
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((done) => {
        for (const s of open) s.destroy()
        server.close(() => done())
      }),
    })
  }))
}

const redisAvailable = hasRedisServer()
if (!redisAvailable)
  console.warn('cluster.test.ts: redis-server is not on PATH; the Redis adapter tests are skipped (apt-get install redis-server)')

it.runIf(process.env.CI === 'true' && !redisAvailable)('has redis-server under CI (.ci/run installs it)', () => {
  throw new Error('redis-server is not installed: .ci/run must install it for the Redis adapter tests')
})

describe.each([
  { adapter: 'cluster' as const, skip: false },
  { adapter: 'redis' as const, skip: !redisAvailable },
])('the demo cluster with the $adapter adapter', ({ adapter, skip }) => {
  let cluster: StartedDemoCluster
  let redis: { url: string, stop: () => Promise<void> } | undefined
  const logs: string[] = []
  let sockets: ClientSocket[] = []

  beforeAll(async () => {
    if (skip)
      return
    if (adapter === 'redis')
      redis = await startRedis()
    const port = await freePortRange(NODES + 1)
    cluster = await startDemoCluster({ port, nodes: NODES, adapter, redisUrl: redis?.url, adminPassword: ADMIN_PASSWORD, adminToken: ADMIN_TOKEN, log: line => logs.push(line) })
  }, 90_000)

  afterEach(() => {
    for (const s of sockets)
      s.disconnect()
    sockets = []
  })

  afterAll(async () => {
    await cluster?.close()
    await redis?.stop()
  }, 30_000)

  /** A connected socket on node `index` (1-based; 0 is the front door), with its welcome. */
  async function connect(index: number, namespace = '/namespace1', options: Partial<ManagerOptions & SocketOptions> = {}): Promise<{ socket: ClientSocket, welcome: Welcome }> {
    const base = index === 0 ? cluster.url : cluster.nodes[index - 1]!.url
    const socket: ClientSocket = io(`${base}${namespace}`, { transports: ['websocket'], forceNew: true, reconnection: false, ...options })
    sockets.push(socket)
    const welcome = waitFor<Welcome>(socket, 'welcome', 10_000)
    const failed = waitFor<Error>(socket, 'connect_error', 10_000).then(err => Promise.reject(err), () => new Promise<never>(() => {}))
    return { socket, welcome: await Promise.race([welcome, failed]) }
  }

  it.skipIf(skip)('names its nodes node-1.. and listens on PORT + i, the front door on PORT', async () => {
    expect(cluster.nodes.map(n => n.name)).toEqual(['node-1', 'node-2', 'node-3'])
    expect(cluster.nodes.map(n => n.port)).toEqual([1, 2, 3].map(i => cluster.port + i))
    expect(cluster.url).toBe(`http://127.0.0.1:${cluster.port}`)
    const nodes = await Promise.all([1, 2, 3].map(async i => (await connect(i)).welcome.node))
    expect(nodes).toEqual(['node-1', 'node-2', 'node-3'])
  })

  it.skipIf(skip)('broadcasts chat to sockets on every node', async () => {
    const [a, b, c] = await Promise.all([connect(1), connect(2), connect(3)])
    const atB = waitFor<ChatMessage>(b.socket, 'chat')
    const atC = waitFor<ChatMessage>(c.socket, 'chat')
    const ack = await a.socket.emitWithAck('chat', 'hello nodes')
    expect(ack).toMatchObject({ ok: true })
    expect((ack as { delivered: number }).delivered).toBeGreaterThanOrEqual(2)
    expect(await atB).toMatchObject({ from: a.socket.id, text: 'hello nodes' })
    expect(await atC).toMatchObject({ from: a.socket.id, text: 'hello nodes' })
  })

  it.skipIf(skip)('sends chat:room to the members on other nodes, lists the room from any node', async () => {
    const [a, b, c] = await Promise.all([connect(1), connect(2), connect(3)])
    const room = `room-${adapter}`
    expect(await a.socket.emitWithAck('enter', room)).toMatchObject({ ok: true, rooms: [room] })
    expect(await b.socket.emitWithAck('enter', room)).toMatchObject({ ok: true, rooms: [room] })
    const atA = waitFor<ChatMessage>(a.socket, 'chat')
    const atB = waitFor<ChatMessage>(b.socket, 'chat')
    const cHears = collect<ChatMessage>(c.socket, 'chat')
    // The sender (node-3) is not a member: the message crosses to node-1 and node-2 only.
    expect(await c.socket.emitWithAck('chat:room', room, 'across')).toEqual({ ok: true, delivered: 2 })
    expect(await atA).toMatchObject({ from: c.socket.id, room, text: 'across' })
    expect(await atB).toMatchObject({ from: c.socket.id, room, text: 'across' })
    expect(cHears).toEqual([])

    const listed = await c.socket.emitWithAck('list:room', room)
    expect(listed).toMatchObject({ ok: true, room })
    expect(((listed as { sockets: string[] }).sockets).sort()).toEqual([a.socket.id, b.socket.id].sort())
    const rooms = await c.socket.emitWithAck('list:rooms') as { ok: true, rooms: Record<string, string[]> }
    expect(rooms.rooms[room]!.sort()).toEqual([a.socket.id, b.socket.id].sort())
    const ns = await a.socket.emitWithAck('list:namespace') as { ok: true, sockets: string[] }
    expect(ns.sockets).toEqual(expect.arrayContaining([a.socket.id, b.socket.id, c.socket.id]))
    const server = await b.socket.emitWithAck('list:server') as { ok: true, namespaces: Record<string, string[]> }
    expect(server.namespaces['/namespace1']).toEqual(expect.arrayContaining([a.socket.id, b.socket.id, c.socket.id]))
    expect(Object.keys(server.namespaces).sort()).toEqual(['/', '/namespace1', '/namespace2'])
  })

  it.skipIf(skip)('delivers chat:direct to a socket on another node, and knows unknown ids cluster-wide', async () => {
    const [a, c] = await Promise.all([connect(1), connect(3)])
    const atC = waitFor<ChatMessage>(c.socket, 'chat')
    expect(await a.socket.emitWithAck('chat:direct', c.socket.id, 'just you')).toEqual({ ok: true, delivered: 1 })
    expect(await atC).toMatchObject({ from: a.socket.id, to: c.socket.id, text: 'just you' })
    const unknown = await a.socket.emitWithAck('chat:direct', 'no-such-socket', 'x')
    expect(unknown).toMatchObject({ ok: false, error: expect.stringContaining('unknown socket id') })
  })

  it.skipIf(skip)('warns the admins on another node, and keeps a room named after a remote socket id out', async () => {
    const [admin, a, b] = await Promise.all([connect(3, '/namespace1', { auth: { token: ADMIN_TOKEN } }), connect(1), connect(2)])
    expect(admin.welcome).toMatchObject({ admin: true, rooms: ['admins'], node: 'node-3' })
    const warning = waitFor<{ from: string, event: string }>(admin.socket, 'warning')
    const ack = await a.socket.emitWithAck('chat', 42 as unknown as string)
    expect(ack).toMatchObject({ ok: false })
    expect(await warning).toMatchObject({ from: a.socket.id, event: 'chat', namespace: '/namespace1' })
    // `enter` checks the room name against every node's sockets.
    expect(await a.socket.emitWithAck('enter', b.socket.id)).toMatchObject({ ok: false, error: expect.stringContaining('socket id') })
  })

  it.skipIf(skip)('kicks a socket: the others on other nodes see it leave', async () => {
    const [a, b] = await Promise.all([connect(1), connect(2)])
    // Read now: a disconnected client socket has no id.
    const id = b.socket.id
    const left = new Promise<Presence>((resolve) => {
      a.socket.on('presence', (p) => {
        if (p.id === id && p.action === 'left')
          resolve(p)
      })
    })
    const reason = new Promise<string>(resolve => b.socket.once('disconnect', resolve))
    b.socket.emit('kick')
    expect(await reason).toBe('io server disconnect')
    expect(await left).toMatchObject({ id, action: 'left', reason: 'server namespace disconnect' })
  })

  it.skipIf(skip)('serves admin-ui on node 1 with the sockets of node 2 and the server_stats of every node', async () => {
    const b = await connect(2)
    const admin = io(`${cluster.nodes[0]!.url}/admin`, { auth: { username: 'admin', password: ADMIN_PASSWORD }, transports: ['websocket'], forceNew: true, reconnection: false })
    sockets.push(admin as unknown as ClientSocket)
    const serverIds = new Set<string>()
    const allSeen = new Promise<void>((resolve) => {
      admin.on('server_stats', (stats: { serverId: string }) => {
        serverIds.add(stats.serverId)
        if (serverIds.size === NODES)
          resolve()
      })
    })
    const all = await waitFor<Array<{ id: string, nsp: string, data: { node?: string } }>>(admin, 'all_sockets', 10_000)
    expect(all.find(s => s.id === b.socket.id)).toMatchObject({ nsp: '/namespace1', data: { node: 'node-2' } })
    // A socket connecting on node 3 afterwards is reported too, with its node.
    const connected = new Promise<{ id: string, data: { node?: string } }>((resolve) => {
      admin.on('socket_connected', (s: { id: string, data: { node?: string } }) => {
        if (s.data?.node === 'node-3')
          resolve(s)
      })
    })
    const c = await connect(3)
    expect(await connected).toMatchObject({ id: c.socket.id, data: { node: 'node-3' } })
    // Each node sends its server_stats every 2 s; wait for all three (bounded by the test timeout).
    await allSeen
    expect([...serverIds].sort()).toEqual(['node-1', 'node-2', 'node-3'])
  }, 20_000)

  it.skipIf(skip)('balances polling-only clients through the sticky front door: every session completes and exchanges events', async () => {
    const clients = []
    for (let i = 0; i < 6; i++)
      clients.push(await connect(0, '/namespace2', { transports: ['polling'] }))
    for (const c of clients)
      expect(c.socket.io.engine.transport.name).toBe('polling')
    const nodes = new Set(clients.map(c => c.welcome.node))
    expect(nodes.size).toBeGreaterThan(1)
    const room = `door-${adapter}`
    for (const c of clients)
      expect(await c.socket.emitWithAck('enter', room)).toMatchObject({ ok: true })
    const [first, ...others] = clients
    const heard = Promise.all(others.map(c => waitFor<ChatMessage>(c.socket, 'chat')))
    expect(await first!.socket.emitWithAck('chat:room', room, 'through the door')).toEqual({ ok: true, delivered: others.length })
    for (const m of await heard)
      expect(m).toMatchObject({ from: first!.socket.id, room, text: 'through the door' })
    // Each session is still its own (several polling requests each, all on its node).
    expect(new Set(clients.map(c => c.socket.id)).size).toBe(clients.length)
  }, 30_000)

  it.skipIf(skip || adapter !== 'cluster')('without sticky sessions, polling fails with "Session ID unknown", and the diagnosis says so', async () => {
    const proxy = await roundRobinProxy(cluster.nodes.map(n => n.port))
    try {
      const d = await diagnoseConnection({ url: `${proxy.url}/namespace1` })
      expect(d.code).toBe('sticky-sessions-missing')
      expect(d.detail).toContain('Session ID unknown')
      expect(d.suggestedSettings).toEqual({ transports: ['websocket'] })
      // WebSocket-only clients do not need sticky sessions.
      const ws = io(`${proxy.url}/namespace1`, { transports: ['websocket'], forceNew: true, reconnection: false })
      sockets.push(ws as unknown as ClientSocket)
      expect((await waitFor<Welcome>(ws, 'welcome', 10_000)).node).toMatch(/^node-\d$/)
    }
    finally {
      await proxy.close()
    }
  })

  it.skipIf(skip)('sends nothing across to a socket that was not addressed', async () => {
    const [a, b] = await Promise.all([connect(1, '/'), connect(2, '/namespace2')])
    // Namespaces stay apart across nodes too.
    const ack = await a.socket.emitWithAck('chat', 'only in /')
    expect(ack).toMatchObject({ ok: true })
    await expectSilence(b.socket, 'chat')
  })
})

describe('the cluster adapter\'s messages', () => {
  it('copies what IPC cannot clone (admin-ui\'s Proxy around socket.data), keeping binary as it is', () => {
    const data = new Proxy({ admin: false, node: 'node-2', nested: new Proxy({ a: [1, 2] }, {}) }, {})
    const message = { type: 8, data: { sockets: [{ id: 'x', rooms: ['x'], data, bin: Buffer.from([1, 2, 3]) }] }, fn: () => {} }
    expect(() => v8.serialize(message)).toThrow(/could not be cloned/)
    const copy = toCloneable(message) as typeof message
    expect(() => v8.serialize(copy)).not.toThrow()
    expect(copy.data.sockets[0]).toEqual({ id: 'x', rooms: ['x'], data: { admin: false, node: 'node-2', nested: { a: [1, 2] } }, bin: Buffer.from([1, 2, 3]) })
    expect(Buffer.isBuffer(copy.data.sockets[0]!.bin)).toBe(true)
    expect(copy.fn).toBeUndefined()
  })
})

describe('startDemoCluster', () => {
  it('fails with the node and the port when a node\'s port is taken, and leaves no process behind', async () => {
    const port = await freePortRange(3)
    const blocker = net.createServer()
    await new Promise<void>(resolve => blocker.listen(port + 2, '127.0.0.1', resolve))
    try {
      await expect(startDemoCluster({ port, nodes: 2 })).rejects.toThrow(new RegExp(`node-2 \\(port ${port + 2}\\) did not start: .*EADDRINUSE`))
      // Every node has ended: node-1's port is free again.
      let free = false
      for (let i = 0; i < 50 && !free; i++) {
        free = await portFree(port + 1)
        if (!free)
          await new Promise(resolve => setTimeout(resolve, 100))
      }
      expect(free).toBe(true)
    }
    finally {
      await new Promise(resolve => blocker.close(resolve))
    }
  }, 60_000)
})
