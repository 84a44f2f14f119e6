/// <reference path="./socket.io-v2.d.ts" />
/**
 * The tutorial's core events on a real socket.io 2.x server (`socket.io-v2` = socket.io@2.5.1), so the
 * inspector's v2 client can be shown and tested against the servers people still run. Same event names
 * and ack shapes as the v4 demo (src/shared/demo-events.ts), written with v2's APIs: `socket.rooms` is an
 * object, `join`/`leave` take callbacks, rooms live in `nsp.adapter.rooms[room]`, the namespace's sockets
 * come from `nsp.clients()`, and a server-side ack has no timeout (a timer does it).
 *
 * v2 cannot `emit('error', …)` to a client (the name is reserved on the server and never sent), so an
 * error without an ack is written as a raw EVENT packet `["error", {message, event}]`, which is what a v4
 * server sends for `socket.emit('error', …)`.
 *
 * @example
 * const demo = await startDemoServerV2({ port: 0 })
 * console.log(demo.url) // http://127.0.0.1:54321
 * await demo.close()
 */
import type { AddressInfo } from 'node:net'
import type { NamespaceV2, ServerV2, SocketV2Server } from 'socket.io-v2'
import type { ChatMessage, Presence, Welcome } from '../../src/shared/demo-events'
import http from 'node:http'
import ServerV2Factory from 'socket.io-v2'
import { DEMO_NAMESPACES, isQuizAnswerCorrect, MAX_TEXT_LENGTH, QUIZ_QUESTION, QUIZ_TIMEOUT_MS } from '../../src/shared/demo-events'

export interface DemoServerV2Options {
  /** @default 3002; 0 = ephemeral */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
  /** How long `quiz` waits for the client's answer. @default QUIZ_TIMEOUT_MS (10 s) */
  quizTimeoutMs?: number
  /** One line per notable server event. @default no logging */
  log?: (line: string) => void
  /** Engine.IO 3 heartbeat (the client pings every `pingInterval`). @default 25000 */
  pingInterval?: number
  /** @default 5000 (socket.io 2.x's default) */
  pingTimeout?: number
}

export interface DemoServerV2 {
  io: ServerV2
  httpServer: http.Server
  port: number
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string
  close: () => Promise<void>
}

/** socket.io-parser 3.x EVENT packet type. */
const PACKET_EVENT = 2

type AckFn = (...args: unknown[]) => void

class ValidationError extends Error {}

function checkText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ValidationError(`${field} must be a non-empty string`)
  if (value.length > MAX_TEXT_LENGTH)
    throw new ValidationError(`${field} is longer than ${MAX_TEXT_LENGTH} characters`)
  return value
}

/** The socket's rooms without its own id room. */
function ownRooms(socket: SocketV2Server): string[] {
  return Object.keys(socket.rooms).filter(room => room !== socket.id)
}

function roomMembers(nsp: NamespaceV2, room: string): string[] {
  return Object.keys(nsp.adapter.rooms[room]?.sockets ?? {})
}

function namespaceClients(nsp: NamespaceV2): Promise<string[]> {
  return new Promise((resolve, reject) => {
    nsp.clients((err, ids) => err ? reject(err) : resolve(ids))
  })
}

function join(socket: SocketV2Server, room: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.join(room, err => err ? reject(err) : resolve())
  })
}

function leave(socket: SocketV2Server, room: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.leave(room, err => err ? reject(err) : resolve())
  })
}

/** The ack is the last argument when it is a function (v2 appends it, as v4 does). */
function splitAck(args: unknown[]): [unknown[], AckFn | undefined] {
  const last = args[args.length - 1]
  return typeof last === 'function' ? [args.slice(0, -1), last as AckFn] : [args, undefined]
}

function reportError(socket: SocketV2Server, event: string, message: string, ack: AckFn | undefined): void {
  if (ack) {
    ack({ ok: false, error: message, message, event })
    return
  }
  socket.packet({ type: PACKET_EVENT, data: ['error', { message, event }] })
}

function attachNamespace(nsp: NamespaceV2, options: Required<Pick<DemoServerV2Options, 'quizTimeoutMs'>> & { log: (line: string) => void }): void {
  nsp.on('connection', (socket) => {
    const log = options.log
    log(`connected ${nsp.name} ${socket.id}`)
    let quizPending = false
    let quizTimer: ReturnType<typeof setTimeout> | undefined

    const welcome: Welcome = { id: socket.id, namespace: nsp.name, rooms: ownRooms(socket) }
    socket.emit('welcome', welcome)
    socket.broadcast.emit('presence', { id: socket.id, action: 'joined' } satisfies Presence)

    /** Registers a handler that gets the arguments without the ack, and reports its errors. */
    const handle = (event: string, run: (args: unknown[], ack: AckFn | undefined) => void | Promise<void>): void => {
      socket.on(event, (...raw: unknown[]) => {
        const [args, ack] = splitAck(raw)
        Promise.resolve()
          .then(() => run(args, ack))
          .catch((err: unknown) => {
            const message = err instanceof Error ? err.message : String(err)
            if (!(err instanceof ValidationError))
              log(`error in ${event}: ${message}`)
            reportError(socket, event, message, ack)
          })
      })
    }
    const requireAck = (ack: AckFn | undefined, event: string): AckFn => {
      if (!ack)
        throw new ValidationError(`${event} needs an ack callback`)
      return ack
    }

    handle('chat', ([text], ack) => {
      const message: ChatMessage = { from: socket.id, text: checkText(text, 'text'), at: Date.now() }
      socket.broadcast.emit('chat', message)
      ack?.({ ok: true, delivered: Math.max(0, Object.keys(nsp.connected).length - 1) })
    })

    handle('chat:room', ([roomArg, textArg], ack) => {
      const room = checkText(roomArg, 'roomId')
      const text = checkText(textArg, 'text')
      socket.to(room).emit('chat', { from: socket.id, text, at: Date.now(), room } satisfies ChatMessage)
      ack?.({ ok: true, delivered: roomMembers(nsp, room).filter(id => id !== socket.id).length })
    })

    handle('chat:direct', ([idArg, textArg], ack) => {
      const to = checkText(idArg, 'socketId')
      const text = checkText(textArg, 'text')
      if (!nsp.connected[to])
        throw new ValidationError(`unknown socket id "${to.slice(0, 40)}" in namespace ${nsp.name} (socket ids are per namespace)`)
      nsp.to(to).emit('chat', { from: socket.id, text, at: Date.now(), to } satisfies ChatMessage)
      ack?.({ ok: true, delivered: 1 })
    })

    handle('enter', async ([roomArg], ack) => {
      const room = checkText(roomArg, 'roomId')
      if (nsp.connected[room])
        throw new ValidationError('roomId is a socket id: every socket already has its own private room')
      if (!(room in socket.rooms)) {
        await join(socket, room)
        socket.to(room).emit('presence', { id: socket.id, action: 'enter', room } satisfies Presence)
      }
      ack?.({ ok: true, rooms: ownRooms(socket) })
    })

    handle('leave', async ([roomArg], ack) => {
      const room = checkText(roomArg, 'roomId')
      if (room === socket.id)
        throw new ValidationError('a socket cannot leave its own id room')
      if (room in socket.rooms) {
        await leave(socket, room)
        socket.to(room).emit('presence', { id: socket.id, action: 'leave', room } satisfies Presence)
      }
      ack?.({ ok: true, rooms: ownRooms(socket) })
    })

    handle('leaveAll', async (_args, ack) => {
      // v2's `socket.leaveAll()` would drop the id room too (and with it direct messages): leave the others.
      for (const room of ownRooms(socket)) {
        await leave(socket, room)
        socket.to(room).emit('presence', { id: socket.id, action: 'leave', room } satisfies Presence)
      }
      ack?.({ ok: true, rooms: ownRooms(socket) })
    })

    handle('list:room', ([roomArg], ackArg) => {
      const ack = requireAck(ackArg, 'list:room')
      const room = checkText(roomArg, 'roomId')
      ack({ ok: true, room, sockets: roomMembers(nsp, room) })
    })

    handle('list:rooms', (_args, ackArg) => {
      const ack = requireAck(ackArg, 'list:rooms')
      const rooms = Object.create(null) as Record<string, string[]>
      for (const name of Object.keys(nsp.adapter.rooms).sort()) {
        if (!nsp.connected[name])
          rooms[name] = roomMembers(nsp, name)
      }
      ack({ ok: true, namespace: nsp.name, rooms })
    })

    handle('list:namespace', async (_args, ackArg) => {
      const ack = requireAck(ackArg, 'list:namespace')
      ack({ ok: true, namespace: nsp.name, sockets: await namespaceClients(nsp) })
    })

    handle('echo', (args, ack) => {
      if (ack)
        ack(...args)
      else
        socket.emit('echo', ...args)
    })

    handle('quiz:start', (_args, ack) => {
      if (quizPending)
        throw new ValidationError('a quiz is already waiting for its answer')
      quizPending = true
      ack?.({ ok: true, question: QUIZ_QUESTION })
      let answered = false
      // v2 acks have no timeout: a timer decides, and a late answer is ignored.
      quizTimer = setTimeout(() => {
        if (answered)
          return
        answered = true
        quizPending = false
        if (socket.connected)
          socket.emit('quiz:result', { timedOut: true })
      }, options.quizTimeoutMs)
      quizTimer.unref?.()
      socket.emit('quiz', { question: QUIZ_QUESTION }, (answer: unknown) => {
        if (answered)
          return
        answered = true
        quizPending = false
        clearTimeout(quizTimer)
        if (socket.connected)
          socket.emit('quiz:result', { answer, correct: isQuizAnswerCorrect(answer) })
      })
    })

    handle('kick', (_args, ack) => {
      ack?.({ ok: true })
      log(`kick ${nsp.name} ${socket.id}`)
      // `true` closes the whole connection, as the v4 demo's `disconnect(true)` does.
      socket.disconnect(true)
    })

    socket.on('disconnect', (reason: string) => {
      clearTimeout(quizTimer)
      log(`disconnect ${nsp.name} ${socket.id}: ${reason}`)
      nsp.emit('presence', { id: socket.id, action: 'left', reason } satisfies Presence)
    })
  })
}

/**
 * Starts the v2 demo: an HTTP server with a socket.io 2.x server on it, namespaces `/`, `/namespace1`,
 * `/namespace2`. Any origin may connect (v2's default `origins: '*:*'`), as the v4 demo's `localhost` CORS
 * default would allow for a local inspector.
 */
export async function startDemoServerV2(options: DemoServerV2Options = {}): Promise<DemoServerV2> {
  const httpServer = http.createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('socket.io 2.x demo server: connect with a v2 client')
  })
  const io = ServerV2Factory(httpServer, {
    serveClient: false,
    ...(options.pingInterval !== undefined ? { pingInterval: options.pingInterval } : {}),
    ...(options.pingTimeout !== undefined ? { pingTimeout: options.pingTimeout } : {}),
  })
  const resolved = { quizTimeoutMs: options.quizTimeoutMs ?? QUIZ_TIMEOUT_MS, log: options.log ?? (() => {}) }
  for (const name of DEMO_NAMESPACES)
    attachNamespace(io.of(name), resolved)

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(options.port ?? 3002, host, () => {
      httpServer.off('error', reject)
      resolve()
    })
  })
  const port = (httpServer.address() as AddressInfo).port
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  let closed: Promise<void> | undefined
  return {
    io,
    httpServer,
    port,
    url: `http://${shownHost}:${port}`,
    close: () => closed ??= new Promise<void>((resolve) => {
      // `io.close()` closes every socket, the engine and the HTTP server.
      io.close(() => resolve())
      httpServer.closeAllConnections()
    }),
  }
}
