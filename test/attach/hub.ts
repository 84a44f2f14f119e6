/**
 * A stand-in for the inspector's attach hub in the attach tests: a real socket.io 4.8 server on
 * 127.0.0.1 that speaks src/core/attach/protocol.ts — it checks the handshake (token, protocol), decodes
 * every `entries` batch and `state` with the relay wire, and checks each entry the way the hub completes it
 * (`bytes`, a disconnect's `explanation`, an id and a session) with the capture validator.
 */
import type { AttachAppEvents, AttachAppState, AttachEmitOptions, AttachHandshake, AttachHubEvents, EmitResult } from '#core'
import type { AddressInfo } from 'node:net'
import type { Socket } from 'socket.io'
import { createServer } from 'node:http'
import { ATTACH_PATH, ATTACH_PROTOCOL, decodeWire, encodeWire, entryProblem } from '#core'
import { Server } from 'socket.io'

/** An entry as the app sent it, tags revived. */
export type SentEntry = Record<string, any> & { kind: string, direction: string, time: number, mono: number }

export interface HubApp {
  readonly handshake: AttachHandshake
  /** Every entry received, in order, over every connection of this attachId. */
  readonly entries: SentEntry[]
  readonly states: AttachAppState[]
  /** Entries the capture validator refused (should stay empty). */
  readonly problems: string[]
  /** Connections this attachId made (1 + reconnections). */
  connections: number
  socket: Socket<AttachAppEvents, AttachHubEvents>
  /** Ask the app to emit (protocol's hub → app `emit`). */
  emit: (name: string, args: unknown[], options?: AttachEmitOptions) => Promise<EmitResult>
}

export interface FakeHub {
  readonly port: number
  readonly url: string
  readonly token: string
  readonly apps: Map<string, HubApp>
  /** Handshakes refused (wrong token or protocol). */
  refused: number
  /** The apps' mirrors that are connected now. */
  connected: () => number
  /** The only app (or the first): waits until one attached. */
  app: (timeoutMs?: number) => Promise<HubApp>
  /** Stop listening and drop every connection (the mirror sees `transport close`). */
  stop: () => Promise<void>
  /** Listen again on the same port. */
  restart: () => Promise<void>
  close: () => Promise<void>
}

/** A port that was free a moment ago (for a hub that starts later). */
export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as AddressInfo).port
  await new Promise<void>(resolve => srv.close(() => resolve()))
  return port
}

export async function startHub(options: { token?: string, port?: number } = {}): Promise<FakeHub> {
  const token = options.token ?? 'secret-token'
  const http = createServer()
  const io = new Server<AttachAppEvents, AttachHubEvents>(http, { path: ATTACH_PATH, transports: ['websocket'], maxHttpBufferSize: 64e6 })
  const apps = new Map<string, HubApp>()
  const hub: FakeHub = {
    port: 0,
    url: '',
    token,
    apps,
    refused: 0,
    connected: () => io.of('/').sockets.size,
    app: timeoutMs => waitFor(() => apps.values().next().value, timeoutMs ?? 8000, 'an attached app'),
    stop: async () => {
      io.disconnectSockets(true)
      const engine = io.engine as unknown as { clients: Record<string, { close: () => void }> }
      for (const client of Object.values(engine.clients)) client.close()
      http.closeAllConnections()
      await new Promise<void>(resolve => http.close(() => resolve()))
    },
    restart: async () => {
      await new Promise<void>(resolve => http.listen(hub.port, '127.0.0.1', resolve))
    },
    close: async () => {
      io.disconnectSockets(true)
      await new Promise<void>(resolve => io.close(() => resolve()))
      http.closeAllConnections()
    },
  }
  io.use((socket, next) => {
    const auth = socket.handshake.auth as Partial<AttachHandshake>
    if (auth.token !== token) {
      hub.refused++
      next(new Error('invalid attach token'))
      return
    }
    if (auth.protocol !== ATTACH_PROTOCOL) {
      hub.refused++
      next(new Error(`attach protocol ${String(auth.protocol)} is not ${ATTACH_PROTOCOL}`))
      return
    }
    next()
  })
  io.on('connection', (socket) => {
    const hs = socket.handshake.auth as AttachHandshake
    let app = apps.get(hs.attachId)
    if (!app) {
      const created: HubApp = {
        handshake: hs,
        entries: [],
        states: [],
        problems: [],
        connections: 0,
        socket,
        emit: (name, args, opts = {}) => new Promise(resolve => created.socket.emit('emit', name, encodeWire(args), opts, resolve)),
      }
      app = created
      apps.set(hs.attachId, created)
    }
    const a = app
    a.connections++
    a.socket = socket
    socket.on('entries', (text, sentMono) => {
      if (typeof sentMono !== 'number')
        a.problems.push('sentMono is not a number')
      if (typeof text === 'string')
        a.problems.push('entries sent as text, not UTF-8 bytes')
      const list = decodeWire(typeof text === 'string' ? text : new TextDecoder().decode(text)) as SentEntry[]
      for (const e of list) {
        for (const field of ['id', 'sessionId'] as const) {
          if (field in e)
            a.problems.push(`${e.kind} carries ${field}`)
        }
        const completed = { ...e, id: 1, sessionId: 'hub', ...('bytes' in e || !['event', 'ack', 'frame'].includes(e.kind) ? {} : { bytes: 0 }), ...(e.kind === 'disconnect' ? { explanation: 'x' } : {}) }
        const problem = entryProblem(completed)
        if (problem)
          a.problems.push(`${problem}: ${JSON.stringify(e).slice(0, 200)}`)
        a.entries.push(e)
      }
    })
    socket.on('state', (text) => {
      a.states.push(decodeWire(text) as AttachAppState)
    })
  })
  await new Promise<void>(resolve => http.listen(options.port ?? 0, '127.0.0.1', resolve))
  const port = (http.address() as AddressInfo).port
  Object.assign(hub, { port, url: `http://127.0.0.1:${port}` })
  return hub
}

/** Poll `get` every 10 ms until it returns something truthy (bounded by `timeoutMs`). */
export async function waitFor<T>(get: () => T | undefined | null | false, timeoutMs = 5000, what = 'a condition'): Promise<T> {
  const start = Date.now()
  for (;;) {
    const v = get()
    if (v)
      return v
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

export const delay = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** The entries of one kind (and direction). */
export function ofKind(app: HubApp, kind: string, direction?: string): SentEntry[] {
  return app.entries.filter(e => e.kind === kind && (direction === undefined || e.direction === direction))
}

/** Wait for an entry matching `pred`. */
export function entry(app: HubApp, pred: (e: SentEntry) => boolean, timeoutMs = 5000, what = 'an entry'): Promise<SentEntry> {
  return waitFor(() => app.entries.find(pred), timeoutMs, what)
}
