import type { ServerModel } from '#core'
/** Helpers shared by the admin-ui protocol tests. */
import type { Socket } from 'socket.io-client'
import { io } from 'socket.io-client'

export async function connectClients(url: string, count: number, batch = 250): Promise<Socket[]> {
  const sockets: Socket[] = []
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i)
    const created = Array.from({ length: n }, () => io(url, { transports: ['websocket'], forceNew: true, reconnection: false }))
    sockets.push(...created)
    await Promise.all(created.map(s => new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve())
      s.once('connect_error', reject)
    })))
  }
  return sockets
}

export function closeAll(sockets: readonly Socket[]): void {
  for (const s of sockets) s.disconnect()
}

/** Resolves when `check()` is true (checked every `everyMs`), or throws after `timeoutMs` with the last mismatch. */
export async function until(check: () => Promise<string | true> | string | true, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs
  let last: string | true = 'never checked'
  while (Date.now() < end) {
    last = await check()
    if (last === true)
      return
    await new Promise(r => setTimeout(r, everyMs))
  }
  throw new Error(`timed out: ${last}`)
}

interface FetchedSocket { id: string, rooms: Set<string> }
interface Fetchable { of: (nsp: string) => { fetchSockets: () => Promise<FetchedSocket[]> } }

/** `true` when the model's sockets and rooms of `nsps` equal the server's `fetchSockets()`, else the first difference. */
export async function compareWithServer(model: ServerModel, server: Fetchable, nsps: readonly string[]): Promise<string | true> {
  for (const nsp of nsps) {
    const fetched = await server.of(nsp).fetchSockets()
    const ns = model.namespaces.get(nsp)
    const modelCount = ns?.sockets.size ?? 0
    if (fetched.length !== modelCount)
      return `${nsp}: server has ${fetched.length} sockets, model ${modelCount}`
    for (const s of fetched) {
      const info = ns?.sockets.get(s.id)
      if (!info)
        return `${nsp}: model lacks ${s.id}`
      if (info.rooms.size !== s.rooms.size)
        return `${nsp}/${s.id}: rooms ${[...s.rooms].join(',')} vs model ${[...info.rooms].join(',')}`
      for (const r of s.rooms) {
        if (!info.rooms.has(r))
          return `${nsp}/${s.id}: model lacks room ${r}`
        if (r !== s.id && !ns!.rooms.get(r)?.members.has(s.id))
          return `${nsp}: room ${r} lacks member ${s.id}`
      }
    }
    // No stale room in the model.
    for (const room of ns?.rooms.values() ?? []) {
      for (const id of room.members) {
        if (!ns!.sockets.get(id)?.rooms.has(room.name))
          return `${nsp}: room ${room.name} holds stale ${id}`
      }
    }
  }
  return true
}

export interface PlainServer {
  url: string
  io: import('socket.io').Server
  close: () => Promise<void>
}

/**
 * A bare socket.io server, optionally instrumented with admin-ui exactly as the demo server does (basic
 * auth user `admin`, `mode: 'development'`), with the tutorial's `enter`/`leave`/`leaveAll` and nothing
 * else. Used where the demo server's per-connection `presence` broadcast (O(n) per connect, O(n²) for n
 * connects) would dominate: the 5,000-socket test.
 */
export async function startPlainServer(options: { instrument?: boolean, password?: string, namespaceName?: string } = {}): Promise<PlainServer> {
  const http = await import('node:http')
  const { Server } = await import('socket.io')
  const { instrument } = await import('@socket.io/admin-ui')
  const bcrypt = (await import('bcryptjs')).default
  const httpServer = http.createServer((_req, res) => {
    res.writeHead(404).end('not found')
  })
  const ioServer = new Server(httpServer, { cors: { origin: true } })
  for (const name of ['/', '/namespace1']) {
    ioServer.of(name).on('connection', (socket) => {
      socket.on('enter', (room: string, ack?: (r: unknown) => void) => {
        socket.join(room)
        ack?.({ ok: true, rooms: [...socket.rooms] })
      })
      socket.on('leave', (room: string, ack?: (r: unknown) => void) => {
        socket.leave(room)
        ack?.({ ok: true, rooms: [...socket.rooms] })
      })
      socket.on('leaveAll', (ack?: (r: unknown) => void) => {
        for (const r of [...socket.rooms]) {
          if (r !== socket.id)
            socket.leave(r)
        }
        ack?.({ ok: true, rooms: [...socket.rooms] })
      })
    })
  }
  if (options.instrument !== false) {
    instrument(ioServer, {
      namespaceName: options.namespaceName ?? '/admin',
      auth: { type: 'basic', username: 'admin', password: bcrypt.hashSync(options.password ?? 'secret', 4) },
      mode: 'development',
    })
  }
  await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', () => resolve()))
  const address = httpServer.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    io: ioServer,
    close: () => new Promise<void>(resolve => ioServer.close(() => resolve())),
  }
}
