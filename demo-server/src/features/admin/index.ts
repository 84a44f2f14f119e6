/**
 * Two kinds of admin, both off unless the right secret is shown:
 * - a tutorial socket that connects with `auth: {token}` equal to the admin token joins the room `admins`
 *   (so it gets the `warning`s) and is marked `socket.data.admin`;
 * - the `/admin` namespace is @socket.io/admin-ui's, for the inspector's server view, behind basic auth.
 */
import type { Server } from 'socket.io'
import type { AuthErrorData } from '../../../../src/shared/demo-events'
import type { DemoNsp, DemoSocket } from '../../types'
import type { AdminLoginLimits } from './login-guard'
import { createHash, timingSafeEqual } from 'node:crypto'
import { instrument } from '@socket.io/admin-ui'
import bcrypt from 'bcryptjs'
import { ADMINS_ROOM } from '../../../../src/shared/demo-events'
import { AdminSessions, guardAdminLogin } from './login-guard'

export type { AdminLoginLimits } from './login-guard'

/**
 * Compares in constant time. Hashing both sides first gives equal lengths, so neither the content nor
 * the length of the token leaks through timing (`timingSafeEqual` throws on different lengths).
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/**
 * Middleware on each demo namespace: no token is a normal user; a token that is not the admin token
 * refuses the connection, with `data` saying why (the client's `connect_error` shows `err.data`).
 */
export function useAdminToken(nsp: DemoNsp, adminToken: string): void {
  nsp.use((socket, next) => {
    const auth: unknown = socket.handshake.auth
    const token = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>).token : undefined
    if (token === undefined || token === null) {
      socket.data.admin = false
      return next()
    }
    if (typeof token === 'string' && secretsEqual(token, adminToken)) {
      socket.data.admin = true
      return next()
    }
    const err = new Error('invalid admin token') as Error & { data: AuthErrorData }
    err.data = {
      reason: 'bad-admin-token',
      hint: 'auth.token must equal the admin token printed by the demo server at start (ADMIN_TOKEN); connect without a token to join as a normal user',
    }
    next(err)
  })
}

/**
 * Middleware on each demo namespace of a cluster node: the socket carries its node's name in `data`, which
 * `fetchSockets()` and admin-ui see from every node (where a socket lives is otherwise invisible remotely).
 */
export function useNodeName(nsp: DemoNsp, node: string): void {
  nsp.use((socket, next) => {
    socket.data.node = node
    next()
  })
}

/**
 * Namespaces each engine connection has a socket in, connected or still in middleware. socket.io checks
 * for a duplicate CONNECT only once the first one has finished, so a burst of CONNECTs to one namespace
 * from one connection would make a socket each (one client, a thousand sockets, a thousand `presence`).
 */
const openNamespaces = new WeakMap<object, Set<string>>()

/** Refuses a second CONNECT to the same namespace on the same connection; must be the last middleware. */
export function useOneSocketPerConnection(nsp: DemoNsp): void {
  nsp.use((socket, next) => {
    let names = openNamespaces.get(socket.conn)
    if (!names)
      openNamespaces.set(socket.conn, names = new Set())
    if (names.has(nsp.name))
      return next(new Error(`this connection already has a socket in ${nsp.name}`))
    const held = names
    held.add(nsp.name)
    const release = (): void => {
      held.delete(nsp.name)
    }
    // Freed when the socket goes (or the connection closes before it could connect).
    socket.once('disconnect', release)
    socket.conn.once('close', release)
    next()
  })
}

/**
 * Admins join `admins` on connection: a room, so that other processes see who is admin. Returns the
 * adapter's promise when it gives one (Redis...), nothing when the join is already done.
 */
export function joinAdmins(socket: DemoSocket): Promise<void> | void {
  if (socket.data.admin)
    return socket.join(ADMINS_ROOM)
}

export interface AdminUiOptions {
  namespaceName: string
  password: string
  bcryptRounds: number
  mode: 'development' | 'production'
  loginLimits: AdminLoginLimits
  log: (line: string) => void
  /** admin-ui's `serverId` (its `server_stats` are per server id): the node name in a cluster. */
  serverId?: string
}

/** admin-ui's basic-auth user name. */
export const ADMIN_UI_USERNAME = 'admin'

/**
 * Instruments the server for admin-ui (and the inspector's server view). The password is stored as a
 * bcrypt hash (bcryptjs makes `$2b$`, which admin-ui's bcryptjs 2.4 verifies; never `$2y$`). `mode` is
 * set explicitly because admin-ui otherwise reads NODE_ENV, which is "test" under vitest and would turn
 * the per-socket events off. The login guard (login-guard.ts) then goes in front of admin-ui's auth, so
 * that only right credentials ever reach its bcrypt compare.
 */
export function instrumentAdminUi(io: Server, options: AdminUiOptions): void {
  const sessions = new AdminSessions()
  instrument(io, {
    namespaceName: options.namespaceName,
    auth: { type: 'basic', username: ADMIN_UI_USERNAME, password: bcrypt.hashSync(options.password, options.bcryptRounds) },
    mode: options.mode,
    store: sessions,
    ...(options.serverId ? { serverId: options.serverId } : {}),
  })
  guardAdminLogin(io.of(options.namespaceName), {
    username: ADMIN_UI_USERNAME,
    password: options.password,
    sessions,
    limits: options.loginLimits,
    log: options.log,
  })
}
