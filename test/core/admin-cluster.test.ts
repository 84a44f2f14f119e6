import type { LogEntry, SerializedSocket, ServerStats, SocketRow } from '#core'
/**
 * The server view's model and admin client with several servers (issue 18): a node row per `server_stats`
 * serverId, each socket marked with its node (`data.node`), the node rows listing their sockets; the
 * session's node from `welcome`; and, against a real demo cluster (3 processes behind `startDemoCluster`),
 * an admin client on node 1 that sees every node and acts on sockets of the others.
 */
import type { Socket } from 'socket.io-client'
import type { StartedDemoCluster } from '../../demo-server/src/cluster/start'
import { AdminClient, MAX_NODE_NAME, nodeOfData, rowKey, ServerModel, SessionNodes } from '#core'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoCluster } from '../../demo-server/src/cluster/start'
import { freePortRange } from '../fixtures/net-utils'
import { until } from './admin-helpers'

function stats(serverId: string, sockets = 0): ServerStats {
  return {
    serverId,
    hostname: 'h',
    pid: 1,
    uptime: 1,
    clientsCount: sockets,
    pollingClientsCount: 0,
    namespaces: [{ name: '/', socketsCount: sockets }],
  }
}

function sock(id: string, node: string | undefined, rooms: string[] = [], nsp = '/'): SerializedSocket {
  return {
    id,
    nsp,
    rooms: [id, ...rooms],
    clientId: 'c',
    transport: 'websocket',
    data: node === undefined ? {} : { node },
    handshake: { address: '127.0.0.1', issued: 1 },
  }
}

const socketRows = (rows: readonly { kind: string }[]) => rows.filter((r): r is SocketRow => r.kind === 'socket')

describe('server model with several servers', () => {
  it('lists every node sorted by name, each with the sockets living on it, then the namespaces with every socket\'s node', () => {
    const model = new ServerModel()
    // Reports arrive in any order; node-10 sorts after node-2.
    for (const id of ['node-2', 'node-10', 'node-1']) model.setServerStats(stats(id))
    model.addSocket(sock('a', 'node-1', ['room1']))
    model.addSocket(sock('b', 'node-2', ['room1']))
    model.addSocket(sock('c', 'node-2'))
    model.addSocket(sock('x', undefined, [], '/admin'))
    const rows = model.flatten(() => true)
    expect(rows.map(r => r.key)).toEqual([
      rowKey.server('node-1'),
      rowKey.nodeSocket('node-1', '/', 'a'),
      rowKey.server('node-2'),
      rowKey.nodeSocket('node-2', '/', 'b'),
      rowKey.nodeSocket('node-2', '/', 'c'),
      rowKey.server('node-10'),
      rowKey.namespace('/'),
      rowKey.room('/', 'room1'),
      rowKey.socket('/', 'room1', 'a'),
      rowKey.socket('/', 'room1', 'b'),
      rowKey.group('/'),
      rowKey.socket('/', undefined, 'c'),
      rowKey.namespace('/admin'),
      rowKey.group('/admin'),
      rowKey.socket('/admin', undefined, 'x'),
    ])
    const servers = rows.filter(r => r.kind === 'server')
    expect(servers.map(r => r.kind === 'server' && [r.id, r.nodeSockets, r.expandable])).toEqual([
      ['node-1', 1, true],
      ['node-2', 2, true],
      // A node with no socket has nothing to open.
      ['node-10', 0, false],
    ])
    const marks = Object.fromEntries(socketRows(rows).filter(r => r.underNode === undefined).map(r => [r.id, r.node ?? 'unknown']))
    expect(marks).toEqual({ a: 'node-1', b: 'node-2', c: 'node-2', x: 'unknown' })
    expect(socketRows(rows).filter(r => r.underNode === 'node-2').map(r => r.id)).toEqual(['b', 'c'])
    // The upper bound counts the node listings too.
    expect(model.estimatedRows).toBeGreaterThanOrEqual(rows.length)
  })

  it('closed node rows hide their sockets; the namespace tree keeps them', () => {
    const model = new ServerModel()
    model.setServerStats(stats('node-1'))
    model.setServerStats(stats('node-2'))
    model.addSocket(sock('a', 'node-1'))
    const rows = model.flatten(key => !key.startsWith('s:'))
    expect(rows.filter(r => r.kind === 'server').every(r => !r.expanded)).toBe(true)
    expect(socketRows(rows).map(r => [r.id, r.underNode])).toEqual([['a', undefined]])
  })

  it('follows a socket whose data.node changes (socket_updated) and forgets it when it goes', () => {
    const model = new ServerModel()
    model.setServerStats(stats('node-1'))
    model.setServerStats(stats('node-2'))
    // admin-ui reports the connection before the demo's handler sets data.node: socket_updated follows.
    model.addSocket(sock('a', undefined))
    expect(model.socketsOnNode('node-1').size).toBe(0)
    model.updateSocket({ id: 'a', nsp: '/', data: { node: 'node-1' } })
    expect([...model.socketsOnNode('node-1')].map(s => s.id)).toEqual(['a'])
    model.updateSocket({ id: 'a', nsp: '/', data: { node: 'node-2', admin: true } })
    expect(model.socketsOnNode('node-1').size).toBe(0)
    expect(model.getSocket('/', 'a')?.node).toBe('node-2')
    // An update without data leaves the node alone.
    model.updateSocket({ id: 'a', nsp: '/', transport: 'polling' })
    expect(model.getSocket('/', 'a')?.node).toBe('node-2')
    model.removeSocket('/', 'a')
    expect(model.socketsOnNode('node-2').size).toBe(0)
    model.addSocket(sock('b', 'node-1'))
    model.reset([sock('c', 'node-2')])
    expect(model.socketsOnNode('node-1').size).toBe(0)
    expect(model.socketsOnNode('node-2').size).toBe(1)
    model.clear()
    expect(model.socketsOnNode('node-2').size).toBe(0)
  })

  it('marks a node whose reports stopped as silent, and only in a cluster', () => {
    const model = new ServerModel()
    model.setServerStats(stats('node-1'), 1000)
    expect(model.flatten(() => true, 60_000).find(r => r.kind === 'server')).toMatchObject({ silentMs: undefined })
    model.setServerStats(stats('node-2'), 1000)
    model.setServerStats(stats('node-1'), 9000)
    const rows = model.flatten(() => true, 9000)
    expect(rows.filter(r => r.kind === 'server').map(r => r.kind === 'server' && [r.id, r.silentMs])).toEqual([['node-1', undefined], ['node-2', 8000]])
  })

  it('keeps one server as the tree\'s root, with no node listing', () => {
    const model = new ServerModel()
    model.setServerStats(stats('node-1'))
    model.addSocket(sock('a', 'node-1'))
    const rows = model.flatten(() => true)
    expect(rows.map(r => r.key)).toEqual([rowKey.server('node-1'), rowKey.namespace('/'), rowKey.group('/'), rowKey.socket('/', undefined, 'a')])
    const server = rows[0]
    expect(server.kind === 'server' && server.nodeSockets).toBeUndefined()
  })

  it('takes only a usable node name from a server\'s data', () => {
    expect(nodeOfData({ node: 'node-1' })).toBe('node-1')
    for (const bad of [undefined, null, 'node-1', [], {}, { node: 3 }, { node: '' }, { node: 'x'.repeat(MAX_NODE_NAME + 1) }, { node: { toString: 'x' } }])
      expect(nodeOfData(bad)).toBeUndefined()
  })
})

describe('session nodes from welcome', () => {
  let id = 0
  const header = (sessionId: string) => ({ id: ++id, sessionId, time: id })
  const welcome = (sessionId: string, arg: unknown, direction: 'in' | 'out' = 'in') =>
    ({ ...header(sessionId), kind: 'event', direction, name: 'welcome', args: [arg] }) as unknown as LogEntry
  const connect = (sessionId: string) => ({ ...header(sessionId), kind: 'connect', direction: 'lifecycle', socketId: 's', engineId: 'e', transport: 'websocket', recovered: false }) as unknown as LogEntry
  const chat = (sessionId: string) => ({ ...header(sessionId), kind: 'event', direction: 'in', name: 'chat', args: [{ node: 'node-9' }] }) as unknown as LogEntry

  it('keeps the node of each session\'s last incoming welcome, cleared by a new connection', () => {
    const nodes = new SessionNodes()
    expect(nodes.note(connect('t1'))).toBe(false)
    expect(nodes.note(welcome('t1', { id: 's', namespace: '/', rooms: [], node: 'node-2' }))).toBe(true)
    expect(nodes.note(welcome('t2', { id: 's', namespace: '/', rooms: [] }))).toBe(false)
    // Other events, even with a `node` field, and our own outgoing "welcome" change nothing.
    expect(nodes.note(chat('t2'))).toBe(false)
    expect(nodes.note(welcome('t2', { node: 'node-3' }, 'out'))).toBe(false)
    expect(nodes.get('t1')).toBe('node-2')
    expect(nodes.get('t2')).toBeUndefined()
    // Reconnected through the front door: no node until its welcome says which.
    expect(nodes.note(connect('t1'))).toBe(true)
    expect(nodes.get('t1')).toBeUndefined()
    nodes.note(welcome('t1', { node: 'node-1' }))
    expect([...nodes.snapshot()]).toEqual([['t1', 'node-1']])
    // A welcome that names no usable node clears it.
    expect(nodes.note(welcome('t1', { node: '<b>'.repeat(100) }))).toBe(true)
    expect(nodes.get('t1')).toBeUndefined()
  })
})

// ---------------------------------------------------------------------------------------------------------
// Against a real cluster.

function connect(url: string): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })
}

describe('admin client on one node of a demo cluster', () => {
  let cluster: StartedDemoCluster
  const clients: Socket[] = []
  let admin: AdminClient

  beforeAll(async () => {
    cluster = await startDemoCluster({ port: await freePortRange(3 + 1), nodes: 3 })
    // Two sockets on each node, straight to its port.
    for (const node of cluster.nodes) {
      for (let i = 0; i < 2; i++) clients.push(await connect(node.url))
    }
    admin = new AdminClient({ url: cluster.nodes[0].url, username: 'admin', password: cluster.adminPassword })
    const res = await admin.connect()
    expect(res).toEqual({ ok: true })
  }, 90_000)

  afterAll(async () => {
    admin?.dispose()
    for (const c of clients) c.disconnect()
    await cluster?.close()
  })

  it('lists every node (server_stats per serverId) and marks every demo socket with its node', async () => {
    await until(() => admin.model.servers.size === 3 || `servers: ${[...admin.model.servers.keys()]}`, 15_000)
    expect(admin.model.serverIds()).toEqual(cluster.nodes.map(n => n.name))
    await until(() => clients.every(c => admin.model.getSocket('/', c.id!)) || 'not every socket yet')
    for (const [i, node] of cluster.nodes.entries()) {
      const here = [...admin.model.socketsOnNode(node.name)].map(s => s.id).sort()
      expect(here).toEqual([clients[2 * i].id, clients[2 * i + 1].id].sort())
    }
    const rows = admin.model.flatten(() => true)
    const servers = rows.filter(r => r.kind === 'server')
    expect(servers.map(r => r.kind === 'server' && r.nodeSockets)).toEqual([2, 2, 2])
  })

  it('joins, emits to, leaves and disconnects a socket of another node', async () => {
    const target = clients[3] // on node-2
    const id = target.id!
    expect(admin.model.getSocket('/', id)?.node).toBe(cluster.nodes[1].name)

    const joined = await admin.join('/', 'across', id)
    expect(joined).toMatchObject({ ok: true, observed: true })
    if (joined.ok)
      expect(joined.message).toContain(`on ${cluster.nodes[1].name}`)
    expect(admin.model.namespaces.get('/')?.rooms.get('across')?.members.has(id)).toBe(true)

    const got = new Promise(resolve => target.once('echo', (...args: unknown[]) => resolve(args)))
    const emitted = await admin.emitTo('/', 'across', 'echo', ['from node-1\'s admin'])
    expect(emitted).toMatchObject({ ok: true, observed: true })
    expect(await got).toEqual(['from node-1\'s admin'])

    expect(await admin.leave('/', 'across', id)).toMatchObject({ ok: true, observed: true })
    await until(() => !admin.model.namespaces.get('/')?.rooms.has('across') || 'room still there')

    const reason = new Promise(resolve => target.once('disconnect', r => resolve(r)))
    expect(await admin.disconnectSocket('/', id)).toMatchObject({ ok: true, observed: true })
    expect(await reason).toBe('io server disconnect')
    expect(admin.model.getSocket('/', id)).toBeUndefined()
    expect([...admin.model.socketsOnNode(cluster.nodes[1].name)].map(s => s.id)).toEqual([clients[2].id])
  })
})
