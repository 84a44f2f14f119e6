/**
 * The demo server: the teaching tutorial's whole event set on socket.io 4.8, on '/', '/namespace1' and
 * '/namespace2', plus admin-ui on '/admin'. `createDemoServer` only attaches to the given http.Server;
 * `start.ts` listens and `index.ts` reads the environment.
 */
import type http from 'node:http'
import type { ServerOptions, Server as UntypedServer } from 'socket.io'
import type { AdminLoginLimits } from './features/admin/index'
import type { DemoIo, Feature, FeatureContext } from './types'
import { randomBytes } from 'node:crypto'
import { Server } from 'socket.io'
import { ADMIN_LOGIN_LIMITS, CHAT_RATE_LIMIT, DEMO_NAMESPACES, LIST_CAPS, LIST_RATE_LIMIT, MAX_ROOMS_PER_SOCKET, QUIZ_TIMEOUT_MS, STREAM_RATE_BUDGET } from '../../src/shared/demo-events'
import { createHostPolicy, guardHost } from '../../src/shared/host-check'
import { instrumentAdminUi, joinAdmins, useAdminToken, useNodeName, useOneSocketPerConnection } from './features/admin/index'
import { chat } from './features/chat/index'
import { echo } from './features/echo/index'
import { listing } from './features/listing/index'
import { presence } from './features/presence/index'
import { quiz } from './features/quiz/index'
import { rooms } from './features/rooms/index'
import { RateBudget } from './features/stream/budget'
import { stream } from './features/stream/index'
import { createHttpApp, createOriginCheck, isRequestOriginAllowed, safeHttpUrl } from './http'

export type { DemoIo } from './types'

export interface DemoServerOptions {
  /**
   * `auth: {token}` that makes a socket an admin (room `admins`, `welcome.admin`).
   * @default generated with crypto.randomBytes (exposed as `adminToken` on the result)
   */
  adminToken?: string
  /**
   * admin-ui basic-auth password of user "admin" on `/admin`.
   * @default generated with crypto.randomBytes (exposed as `adminPassword` on the result)
   */
  adminPassword?: string
  /**
   * Browser origins allowed to connect (CORS for polling, the Origin check for WebSocket); requests
   * without an Origin header (Node clients) and pages of this server always pass.
   * @default 'localhost': any http(s) origin on localhost, 127.0.0.1 or [::1], any port
   */
  corsOrigins?: string[] | 'localhost'
  /**
   * Host names answered besides the loopback ones (DNS rebinding guard, src/shared/host-check.ts): exact names
   * or addresses, or `.example.com` for a domain and its subdomains. Any other Host gets 421 on every request,
   * the socket.io handshake and admin-ui's `/admin` included. `startDemoServer` adds its `host` unless it is a
   * wildcard (`0.0.0.0`, `::`).
   * @default []
   */
  allowedHosts?: string[]
  /**
   * Link to the inspector shown on the demo page (http/https only).
   * @default 'http://localhost:5173'
   */
  inspectorUrl?: string
  /**
   * Where log lines go.
   * @default console.log
   */
  log?: (line: string) => void
  /**
   * Most rooms one socket may be in, its own id room not counted.
   * @default 100
   */
  maxRoomsPerSocket?: number
  /**
   * chat, chat:room and chat:direct together, per socket.
   * @default { points: 20, perMs: 1000 }
   */
  chatRateLimit?: { points: number, perMs: number }
  /**
   * list:room, list:rooms, list:namespace and list:server together, per socket.
   * @default { points: 10, perMs: 5000 } (LIST_RATE_LIMIT)
   */
  listRateLimit?: { points: number, perMs: number }
  /**
   * Longest lists in `list:*` answers: ids or rooms per list, member ids per room in list:rooms.
   * @default { items: 1000, membersPerRoom: 100 } (LIST_CAPS)
   */
  listCaps?: { items: number, membersPerRoom: number }
  /**
   * Ticks per second for all `stream:start` streams of the server together.
   * @default 50_000 (STREAM_RATE_BUDGET)
   */
  streamRateBudget?: number
  /**
   * Failed admin-ui logins per address before the growing wait, and the wait itself (login-guard.ts).
   * @default ADMIN_LOGIN_LIMITS: 5 free failures, then 1 s doubled per failure up to 60 s, forgotten after 15 min
   */
  adminLoginLimits?: Partial<AdminLoginLimits>
  /**
   * How long `quiz:start` waits for the answer.
   * @default 10_000 (QUIZ_TIMEOUT_MS)
   */
  quizTimeoutMs?: number
  /**
   * bcrypt cost for the admin-ui password hash (tests use 4 to start fast).
   * @default 10
   */
  bcryptRounds?: number
  /**
   * admin-ui's mode: 'development' sends every socket and event to the server view, 'production' only aggregates.
   * @default 'development'
   */
  adminUiMode?: 'development' | 'production'
  /**
   * This node's name when the demo runs as a cluster (`npm run demo:cluster`: `node-1`, `node-2`...): every demo
   * socket carries it as `socket.data.node` (admin-ui shows `data`), `welcome.node` says it, and admin-ui reports
   * under it as `serverId`. A single demo server has none and sends no `welcome.node`.
   */
  node?: string
  /**
   * Extra socket.io server options, applied last (tests shorten pingInterval/pingTimeout/connectTimeout).
   * @default {}
   */
  serverOptions?: Partial<ServerOptions>
}

export interface DemoServer {
  io: DemoIo
  adminToken: string
  adminPassword: string
  /** Disconnects every socket, closes socket.io and the http.Server it is attached to. */
  close: () => Promise<void>
}

/** socket.io's default, set explicitly: a larger message is refused and its connection closed (1 MB). */
export const MAX_HTTP_BUFFER_SIZE = 1e6
export const ADMIN_NAMESPACE = '/admin'

/** Event handlers, attached to every socket as it connects; `presence` (welcome, lifecycle, kick) comes after. */
const HANDLERS: Feature[] = [rooms, chat, listing, echo, quiz, stream]

/**
 * Builds the demo server on `httpServer` (which may or may not be listening yet).
 * @example
 * const httpServer = http.createServer()
 * const demo = createDemoServer(httpServer, { log: () => {} })
 * httpServer.listen(3000)
 */
export function createDemoServer(httpServer: http.Server, options: DemoServerOptions = {}): DemoServer {
  const adminToken = options.adminToken || randomBytes(24).toString('base64url')
  const adminPassword = options.adminPassword || randomBytes(12).toString('base64url')
  const log = options.log ?? ((line: string) => console.log(line))
  const originAllowed = createOriginCheck(options.corsOrigins ?? 'localhost')
  // Built first: a malformed entry ends the start with its message.
  const hostPolicy = createHostPolicy({ allowedHosts: options.allowedHosts })

  // Express first: socket.io wraps the existing 'request' listeners and keeps /socket.io/ for itself.
  const app = createHttpApp({ inspectorUrl: safeHttpUrl(options.inspectorUrl ?? 'http://localhost:5173', 'http://localhost:5173') })
  httpServer.on('request', app)

  const io: DemoIo = new Server(httpServer, {
    // v2's `socketIo(httpServer)` allowed any origin; v3+ needs CORS set for a page on another origin (the inspector).
    cors: { origin: (origin, callback) => callback(null, origin === undefined || originAllowed(origin)) },
    // CORS is a browser's polling rule; WebSocket upgrades are checked here against the same list.
    allowRequest: (req, callback) => {
      // Host first (guardHost below already answers 421; this holds wherever the server is attached).
      if (!hostPolicy.allows(req.headers.host))
        return callback('host not allowed', false)
      const ok = isRequestOriginAllowed(req, originAllowed, hostPolicy.allows)
      callback(ok ? null : 'origin not allowed', ok)
    },
    maxHttpBufferSize: MAX_HTTP_BUFFER_SIZE,
    serveClient: true,
    ...options.serverOptions,
  })
  // In front of the page, socket.io (the client file, polling, WebSocket upgrades) and admin-ui: a request
  // under a Host name we were not started for gets 421 and reaches none of them.
  guardHost(httpServer, hostPolicy)

  const ctx: FeatureContext = {
    io,
    log,
    adminNamespace: ADMIN_NAMESPACE,
    maxRoomsPerSocket: options.maxRoomsPerSocket ?? MAX_ROOMS_PER_SOCKET,
    chatRateLimit: options.chatRateLimit ?? { ...CHAT_RATE_LIMIT },
    listRateLimit: options.listRateLimit ?? { ...LIST_RATE_LIMIT },
    listCaps: options.listCaps ?? { ...LIST_CAPS },
    // One budget for the whole server: every namespace's streams draw on it.
    streamBudget: new RateBudget(options.streamRateBudget ?? STREAM_RATE_BUDGET),
    quizTimeoutMs: options.quizTimeoutMs ?? QUIZ_TIMEOUT_MS,
  }

  // Only these three exist: any other namespace gets socket.io's own "Invalid namespace" (no dynamic namespaces).
  for (const name of DEMO_NAMESPACES) {
    const nsp = io.of(name)
    useAdminToken(nsp, adminToken)
    if (options.node)
      useNodeName(nsp, options.node)
    // Last middleware: once it says yes the socket connects, so a refused socket never holds the slot.
    useOneSocketPerConnection(nsp)
    nsp.on('connection', (socket) => {
      // Handlers first, synchronously: a client may emit right after its CONNECT.
      for (const feature of HANDLERS)
        feature(socket, ctx)
      // Join `admins` before the welcome, so `welcome.rooms` shows it. The in-memory adapter joins
      // synchronously; others return a promise, which is awaited before the welcome.
      const joined = joinAdmins(socket)
      if (joined)
        joined.then(() => presence(socket, ctx), err => log(`admin join failed for ${socket.id}: ${String(err)}`))
      else
        presence(socket, ctx)
    })
  }

  instrumentAdminUi(io as unknown as UntypedServer, {
    namespaceName: ADMIN_NAMESPACE,
    password: adminPassword,
    bcryptRounds: options.bcryptRounds ?? 10,
    mode: options.adminUiMode ?? 'development',
    loginLimits: { ...ADMIN_LOGIN_LIMITS, ...options.adminLoginLimits },
    log,
    serverId: options.node,
  })

  let closing: Promise<void> | undefined
  return {
    io,
    adminToken,
    adminPassword,
    close: () => closing ??= new Promise<void>((resolve, reject) => {
      io.close((err) => {
        // Closing an http.Server that never listened is not a failure of ours.
        if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING')
          reject(err)
        else
          resolve()
      })
    }),
  }
}
