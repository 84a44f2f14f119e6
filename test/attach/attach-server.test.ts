import type { AddressInfo } from 'node:net'
import type { Socket as ClientSocket } from 'socket.io-client'
import type { ServerDetach } from '../../src/attach/index'
import type { FakeHub } from './hub'
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { Adapter } from 'socket.io-adapter'
import { io as connect } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { attachServer } from '../../src/attach/index'
import { delay, entry, ofKind, startHub, waitFor } from './hub'

let hub: FakeHub
const clients: ClientSocket[] = []
const detaches: ServerDetach[] = []
const closers: (() => Promise<void>)[] = []

beforeAll(async () => {
  hub = await startHub()
})
afterEach(async () => {
  for (const d of detaches.splice(0)) d()
  for (const c of clients.splice(0)) c.close()
  for (const close of closers.splice(0)) await close()
  hub.apps.clear()
})
afterAll(async () => {
  await hub.close()
})

/** A small app server: `echo` answers with the same event, `join` joins a room, `shout` broadcasts to the others. */
async function appServer(options: ConstructorParameters<typeof Server>[1] = {}): Promise<{ io: Server, url: (nsp?: string) => string }> {
  const http = createServer()
  const io = new Server(http, options)
  const wire = (nsp: ReturnType<Server['of']>): void => {
    nsp.on('connection', (socket) => {
      socket.emit('welcome', socket.id)
      socket.on('echo', (...args: unknown[]) => {
        const last = args[args.length - 1]
        if (typeof last === 'function')
          (args.pop() as (...a: unknown[]) => void)(...args)
        else
          socket.emit('echo', ...args)
      })
      socket.on('join', (room: string, ack: () => void) => {
        socket.join(room)
        ack()
      })
      socket.on('shout', (text: string) => socket.broadcast.emit('shouted', text))
      socket.on('bye', () => socket.disconnect())
    })
  }
  wire(io.of('/'))
  wire(io.of('/chat'))
  await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
  const port = (http.address() as AddressInfo).port
  closers.push(async () => {
    io.disconnectSockets(true)
    await new Promise<void>(resolve => io.close(() => resolve()))
    http.closeAllConnections()
  })
  return { io, url: (nsp = '/') => `http://127.0.0.1:${port}${nsp === '/' ? '' : nsp}` }
}

async function client(url: string): Promise<ClientSocket> {
  const c = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  clients.push(c)
  await new Promise<void>(resolve => c.once('connect', () => resolve()))
  return c
}

function attached(io: Server, name = 'api'): ServerDetach {
  const d = attachServer(io, { inspector: hub.url, token: hub.token, name })
  detaches.push(d)
  return d
}

describe('attachServer()', () => {
  it('mirrors every socket\'s connect, incoming and outgoing events with their arguments, each with peer and peerNamespace', async () => {
    const { io, url } = await appServer()
    const before = await client(url('/chat'))
    attached(io)
    const app = await hub.app()
    expect(app.handshake).toMatchObject({ role: 'server', namespace: '*', name: 'api', allowEmit: false, frames: false })
    expect(app.handshake.url).toMatch(/^http:\/\/localhost:\d+$/)
    await waitFor(() => app.states.at(-1)?.status === 'connected', 5000, 'the server state')
    const c = await client(url('/'))
    const welcome = await entry(app, e => e.kind === 'event' && e.name === 'welcome' && e.peer === c.id)
    expect(welcome).toMatchObject({ direction: 'out', peerNamespace: '/', args: [c.id] })
    expect(await c.emitWithAck('echo', 'a', new Uint8Array([1, 2]))).toBe('a')
    const inEcho = await entry(app, e => e.kind === 'event' && e.direction === 'in' && e.name === 'echo' && e.peer === c.id)
    // The ack callback is not one of the arguments.
    expect(inEcho.args).toEqual(['a', new Uint8Array([1, 2])])
    before.emit('echo', { x: 1 })
    const outEcho = await entry(app, e => e.kind === 'event' && e.direction === 'out' && e.name === 'echo' && e.peer === before.id)
    expect(outEcho).toMatchObject({ peerNamespace: '/chat', args: [{ x: 1 }] })
    // Connects: the socket already there at attach time, then the new one.
    const connects = ofKind(app, 'connect')
    expect(connects.map(e => [e.peer, e.peerNamespace])).toEqual([[before.id, '/chat'], [c.id, '/']])
    expect(connects[1]).toMatchObject({ socketId: c.id, transport: 'websocket', recovered: false, direction: 'in' })
    for (const e of app.entries) {
      expect(typeof e.peer).toBe('string')
      expect(typeof e.peerNamespace).toBe('string')
    }
    expect(app.problems).toEqual([])
  })

  it('links acks both ways: a client\'s request and the server\'s answer, the server\'s request and the client\'s answer', async () => {
    const { io, url } = await appServer()
    attached(io)
    const app = await hub.app()
    const c = await client(url('/chat'))
    c.on('ask', (n: number, answer: (v: unknown) => void) => answer({ doubled: n * 2 }))
    // The client asks, the server's handler answers (the echo handler calls the ack with the arguments).
    expect(await c.emitWithAck('echo', 'ping', 7)).toBe('ping')
    const asked = await entry(app, e => e.kind === 'event' && e.direction === 'in' && e.name === 'echo' && e.peer === c.id)
    expect(asked.correlationId).toMatch(/^s\.i\d+$/)
    const answered = await entry(app, e => e.kind === 'ack' && e.direction === 'out' && e.correlationId === asked.correlationId)
    expect(answered).toMatchObject({ name: 'echo', args: ['ping', 7], timedOut: false, peer: c.id, peerNamespace: '/chat' })
    expect(answered.latencyMs).toBeGreaterThanOrEqual(0)
    // The server asks, the client answers.
    const server = [...io.of('/chat').sockets.values()].find(s => s.id === c.id)!
    expect(await server.timeout(2000).emitWithAck('ask', 21)).toEqual({ doubled: 42 })
    const out = await entry(app, e => e.kind === 'event' && e.direction === 'out' && e.name === 'ask')
    expect(out.correlationId).toMatch(/^s\.o\d+$/)
    const back = await entry(app, e => e.kind === 'ack' && e.direction === 'in' && e.correlationId === out.correlationId)
    expect(back).toMatchObject({ name: 'ask', args: [{ doubled: 42 }], timedOut: false, peer: c.id })
    // An event without an ack request carries no correlation id.
    c.emit('echo', 'plain')
    const plain = await entry(app, e => e.kind === 'event' && e.direction === 'in' && e.name === 'echo' && (e.args as unknown[])[0] === 'plain')
    expect(plain.correlationId).toBeUndefined()
    expect(app.problems).toEqual([])
  })

  it('restores the sockets\' packet methods on detach (no own property left)', async () => {
    const { io, url } = await appServer()
    const d = attached(io)
    await hub.app()
    const c = await client(url('/'))
    const server = [...io.of('/').sockets.values()].find(s => s.id === c.id)!
    expect(Object.prototype.hasOwnProperty.call(server, 'packet')).toBe(true)
    expect(Object.prototype.hasOwnProperty.call(server, '_onpacket')).toBe(true)
    d()
    expect(Object.prototype.hasOwnProperty.call(server, 'packet')).toBe(false)
    expect(Object.prototype.hasOwnProperty.call(server, '_onpacket')).toBe(false)
    // The socket works as before.
    expect(await c.emitWithAck('echo', 'after')).toBe('after')
  })

  it('mirrors broadcasts once per local recipient (io.emit, io.to(room).emit, socket.broadcast.emit)', async () => {
    const { io, url } = await appServer()
    attached(io)
    const app = await hub.app()
    const [a, b, c] = [await client(url('/chat')), await client(url('/chat')), await client(url('/chat'))]
    await a.emitWithAck('join', 'room-1')
    await b.emitWithAck('join', 'room-1')
    io.of('/chat').emit('news', 1)
    io.of('/chat').to('room-1').emit('room-news', 2)
    c.emit('shout', 'hey')
    await waitFor(() => ofKind(app, 'event', 'out').filter(e => e.name === 'shouted').length === 2, 5000, 'the broadcast from c')
    const peers = (name: string): string[] => ofKind(app, 'event', 'out').filter(e => e.name === name).map(e => e.peer).sort()
    expect(peers('news')).toEqual([a.id, b.id, c.id].sort())
    expect(peers('room-news')).toEqual([a.id, b.id].sort())
    expect(peers('shouted')).toEqual([a.id, b.id].sort())
    expect(ofKind(app, 'event', 'out').find(e => e.name === 'room-news')!.args).toEqual([2])
    expect(app.problems).toEqual([])
  })

  it('lists the recipients itself when the adapter does not notify outgoing listeners (a custom adapter)', async () => {
    // An adapter whose broadcast writes to the recipients without calling their outgoing listeners.
    class QuietAdapter extends Adapter {
      override broadcast(packet: any, opts: any): void {
        packet.nsp = this.nsp.name
        const self = this as unknown as { encoder: { encode: (p: unknown) => unknown[] }, apply: (o: unknown, fn: (s: any) => void) => void }
        const encoded = self.encoder.encode(packet)
        self.apply(opts, socket => socket.client.writeToEngine(encoded, { preEncoded: true }))
      }
    }
    const { io, url } = await appServer({ adapter: QuietAdapter as any })
    attached(io)
    const app = await hub.app()
    const [a, b] = [await client(url('/chat')), await client(url('/chat'))]
    const got = new Promise(resolve => b.once('news', resolve))
    io.of('/chat').emit('news', 'quiet')
    expect(await got).toBe('quiet')
    io.of('/chat').emit('news', 'again')
    await waitFor(() => ofKind(app, 'event', 'out').filter(e => e.name === 'news').length === 4, 5000, 'four news entries')
    const news = ofKind(app, 'event', 'out').filter(e => e.name === 'news')
    expect(news.map(e => [e.peer, e.args[0]]).sort()).toEqual([[a.id, 'again'], [a.id, 'quiet'], [b.id, 'again'], [b.id, 'quiet']].sort())
  })

  it('picks up namespaces made after attach, and logs each socket\'s disconnect with its reason', async () => {
    const { io, url } = await appServer()
    attached(io)
    const app = await hub.app()
    io.of('/late').on('connection', socket => socket.emit('hello-late'))
    const c = await client(url('/late'))
    await entry(app, e => e.kind === 'event' && e.name === 'hello-late' && e.peer === c.id && e.peerNamespace === '/late')
    const d = await client(url('/chat'))
    const dId = d.id
    d.emit('bye')
    const bye = await entry(app, e => e.kind === 'disconnect' && e.peer === dId)
    expect(bye).toMatchObject({ direction: 'out', reason: 'server namespace disconnect', socketId: dId, willReconnect: false, peerNamespace: '/chat' })
    const cId = c.id
    c.disconnect()
    const left = await entry(app, e => e.kind === 'disconnect' && e.peer === cId)
    expect(left).toMatchObject({ direction: 'in', reason: 'client namespace disconnect', willReconnect: false })
    expect(app.problems).toEqual([])
  })

  it('refuses emits from the inspector (read-only)', async () => {
    const { io } = await appServer()
    attached(io)
    const app = await hub.app()
    expect(await app.emit('echo', [])).toEqual({ ok: false, error: 'attachServer() is read-only: the inspector cannot emit through a server' })
  })

  it('detach restores every listener and the adapters, and mirrors nothing more', async () => {
    const { io, url } = await appServer()
    const chat = io.of('/chat')
    const a = await client(url('/chat'))
    const sa = chat.sockets.get(a.id!)!
    const counts = (): number[] => [sa.listenersAny().length, sa.listenersAnyOutgoing().length, sa.listeners('disconnect').length, chat.listeners('connect').length, io.of('/').listeners('new_namespace').length]
    const before = counts()
    const d = attached(io)
    const app = await hub.app()
    expect(counts()).not.toEqual(before)
    expect(Object.prototype.hasOwnProperty.call(chat.adapter, 'broadcast')).toBe(true)
    d()
    d()
    expect(counts()).toEqual(before)
    expect(Object.prototype.hasOwnProperty.call(chat.adapter, 'broadcast')).toBe(false)
    await entry(app, e => e.kind === 'note' && /detach\(\)/.test(e.message))
    const n = app.entries.length
    a.emit('echo', 'after')
    await new Promise(resolve => a.once('echo', resolve))
    chat.emit('news', 1)
    await delay(100)
    expect(app.entries.length).toBe(n)
  })

  it('a wrong token is refused once and the server keeps working', async () => {
    const { io, url } = await appServer()
    const errors: string[] = []
    const d = attachServer(io, { inspector: hub.url, token: 'wrong', name: 'api', onError: m => errors.push(m) })
    detaches.push(d)
    await waitFor(() => errors.length === 1, 5000, 'onError')
    expect(errors[0]).toMatch(/invalid attach token/)
    const c = await client(url('/'))
    expect(await c.emitWithAck('echo', 'fine')).toBe('fine')
    expect(io.of('/').listeners('new_namespace').length).toBe(0)
    hub.refused = 0
  })
})
