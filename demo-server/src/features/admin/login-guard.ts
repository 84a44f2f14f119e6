/**
 * The guard in front of admin-ui's basic auth on `/admin`.
 *
 * admin-ui 0.5.1 checks every CONNECT to its namespace with bcryptjs' `compare`, before any login and with
 * no limit: bcryptjs is plain JavaScript, one compare at cost 10 holds the event loop for about 60 ms, so
 * 100 CONNECTs with wrong passwords (4.8 KB over one WebSocket) froze the server for 6 s. This guard takes
 * admin-ui's middleware out of the namespace and calls it itself, only for credentials it has already found
 * right without bcrypt:
 * - the password is checked with HMAC-SHA256 under a random key made at start, compared in constant time
 *   (a few microseconds); a wrong one is refused here and never reaches bcrypt;
 * - an address that keeps failing waits: after `freeFailures` failures, `baseDelayMs`, doubled with each
 *   further failure, up to `maxDelayMs`; refusals during the wait are immediate and say how long is left;
 * - one connection has at most one `/admin` socket, pending or connected, and one address at most one login
 *   in progress (the right password still costs one bcrypt compare, in admin-ui).
 * admin-ui's own check still runs, unchanged, for what gets through: a right password gets its `session`,
 * and a session id re-authenticates without bcrypt. Sessions live in `AdminSessions` (they expire).
 */
import type { Namespace, Socket } from 'socket.io'
import type { AdminLoginErrorData } from '../../../../src/shared/demo-events'
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export interface AdminLoginLimits {
  /**
   * Failed logins an address may make before it has to wait.
   * @default 5
   */
  freeFailures: number
  /**
   * The wait after the `freeFailures`-th failure; each further failure doubles it.
   * @default 1000
   */
  baseDelayMs: number
  /**
   * Longest wait.
   * @default 60_000
   */
  maxDelayMs: number
  /**
   * An address's failures are forgotten this long after its last one.
   * @default 900_000 (15 min)
   */
  forgetAfterMs: number
  /**
   * Most addresses remembered at once; past it, the one whose last failure is oldest is forgotten.
   * @default 10_000
   */
  maxAddresses: number
}

/**
 * Failed logins per remote address, with an exponential wait. In process memory: a login is checked by the
 * process its socket reaches. Keyed by the exact address: behind a reverse proxy every client shares the
 * proxy's address (and its wait), and IPv6 clients that hop addresses within their /64 are not grouped.
 * @example
 * const backoff = new LoginBackoff({ ...ADMIN_LOGIN_LIMITS, freeFailures: 1 }) // from src/shared/demo-events
 * backoff.fail('10.0.0.1')
 * backoff.retryIn('10.0.0.1') // 1000
 */
export class LoginBackoff {
  // Map order is the order of last failures (a failure moves its address to the end): eviction drops the oldest.
  private readonly records = new Map<string, { failures: number, retryAt: number, last: number }>()

  constructor(private readonly limits: AdminLoginLimits, private readonly now: () => number = Date.now) {}

  /** Milliseconds the address must still wait; 0 when it may try now. */
  retryIn(address: string): number {
    const record = this.current(address)
    return record ? Math.max(0, record.retryAt - this.now()) : 0
  }

  fail(address: string): void {
    const now = this.now()
    const record = this.current(address) ?? { failures: 0, retryAt: 0, last: now }
    record.failures++
    record.last = now
    const over = record.failures - this.limits.freeFailures
    if (over >= 0)
      record.retryAt = now + Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** over)
    this.records.delete(address)
    this.records.set(address, record)
    for (const oldest of this.records.keys()) {
      if (this.records.size <= this.limits.maxAddresses)
        break
      this.records.delete(oldest)
    }
  }

  /** A successful login forgets the address's failures. */
  succeed(address: string): void {
    this.records.delete(address)
  }

  private current(address: string): { failures: number, retryAt: number, last: number } | undefined {
    const record = this.records.get(address)
    if (record && this.now() - record.last > this.limits.forgetAfterMs) {
      this.records.delete(address)
      return undefined
    }
    return record
  }
}

/**
 * admin-ui's session store (its `Store` interface), with what its `InMemoryStore` lacks: sessions expire
 * (after a day, as its RedisStore's default) and at most `max` are kept (the oldest go first). `has` is
 * synchronous, so the guard checks a session id without waiting.
 */
export class AdminSessions {
  private readonly expiry = new Map<string, number>()

  constructor(private readonly ttlMs = 24 * 60 * 60 * 1000, private readonly max = 1000, private readonly now: () => number = Date.now) {}

  has(sessionId: unknown): boolean {
    if (typeof sessionId !== 'string')
      return false
    const expires = this.expiry.get(sessionId)
    if (expires === undefined)
      return false
    if (expires <= this.now()) {
      this.expiry.delete(sessionId)
      return false
    }
    return true
  }

  doesSessionExist(sessionId: string): Promise<boolean> {
    return Promise.resolve(this.has(sessionId))
  }

  saveSession(sessionId: string): void {
    this.expiry.set(sessionId, this.now() + this.ttlMs)
    for (const oldest of this.expiry.keys()) {
      if (this.expiry.size <= this.max)
        break
      this.expiry.delete(oldest)
    }
  }
}

/**
 * A password check that costs microseconds: HMAC-SHA256 under a key made at start, both sides the same
 * length, compared in constant time. Only a right password goes on to admin-ui's bcrypt compare.
 */
export function createPasswordCheck(password: string): (given: unknown) => boolean {
  const key = randomBytes(32)
  const mac = (value: string): Buffer => createHmac('sha256', key).update(value).digest()
  const expected = mac(password)
  return given => typeof given === 'string' && timingSafeEqual(mac(given), expected)
}

type Middleware = (socket: Socket, next: (err?: Error) => void) => unknown

export interface AdminLoginGuardOptions {
  username: string
  password: string
  sessions: AdminSessions
  limits: AdminLoginLimits
  log: (line: string) => void
}

function refusal(message: string, data: AdminLoginErrorData): Error {
  return Object.assign(new Error(message), { data })
}

/**
 * Puts the guard in place of admin-ui's auth middleware on `nsp` (call right after `instrument()`), and
 * calls admin-ui's middleware from it. Throws at start if admin-ui did not add exactly one middleware: a
 * newer admin-ui that does otherwise must be looked at, not silently left unguarded.
 */
/** Right-password logins from one address that may wait behind the one in progress. */
const MAX_QUEUED_LOGINS_PER_ADDRESS = 8

export function guardAdminLogin(nsp: Namespace, options: AdminLoginGuardOptions): void {
  // `_fns` is socket.io's middleware list (private in its types); admin-ui's auth is the only entry.
  const fns = (nsp as unknown as { _fns?: Middleware[] })._fns
  if (!Array.isArray(fns) || fns.length !== 1)
    throw new Error(`expected exactly one admin-ui auth middleware on ${nsp.name}, found ${Array.isArray(fns) ? fns.length : 'none'}`)
  const [adminUiAuth] = fns.splice(0, 1)

  const backoff = new LoginBackoff(options.limits)
  const passwordMatches = createPasswordCheck(options.password)
  /** Per engine connection: its `/admin` socket, still logging in or connected. */
  const connections = new WeakMap<object, 'pending' | 'connected'>()
  /**
   * Per address: the login in progress (its bcrypt compare) and the right-password logins waiting behind it.
   * Only right passwords get here, so a waiting login is a real user (two server views opened at once, a
   * reconnect): it waits its turn instead of being refused. The queue is short; past it, a refusal.
   */
  const addressQueues = new Map<string, Array<() => void>>()

  nsp.use((socket, next) => {
    const conn = socket.conn
    const held = connections.get(conn)
    if (held === 'pending')
      return next(refusal('this connection already has an admin login in progress', { reason: 'login-in-progress' }))
    if (held === 'connected')
      return next(refusal(`this connection already has a socket in ${nsp.name}`, { reason: 'already-connected' }))

    const address = socket.handshake.address
    const wait = backoff.retryIn(address)
    if (wait > 0)
      return next(refusal(`too many admin login attempts, retry in ${Math.ceil(wait / 1000)} s`, { reason: 'too-many-attempts', retryInMs: wait }))

    const raw: unknown = socket.handshake.auth
    const auth = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
    // What admin-ui accepts, decided without bcrypt: a live session id, or the right username and password.
    const known = options.sessions.has(auth.sessionId) || (auth.username === options.username && passwordMatches(auth.password))
    if (!known) {
      backoff.fail(address)
      // admin-ui's own wording, which clients (admin-ui's UI, the inspector) recognise as "wrong password".
      return next(new Error('invalid credentials'))
    }
    const queue = addressQueues.get(address)
    if (queue && queue.length >= MAX_QUEUED_LOGINS_PER_ADDRESS)
      return next(refusal('too many admin logins from this address at once; retry when they end', { reason: 'login-in-progress' }))

    connections.set(conn, 'pending')
    if (queue) {
      queue.push(() => start())
    }
    else {
      addressQueues.set(address, [])
      start()
    }

    function release(): void {
      const waiting = addressQueues.get(address)
      const nextLogin = waiting?.shift()
      if (nextLogin)
        nextLogin()
      else
        addressQueues.delete(address)
    }

    function start(): void {
      if (socket.conn.readyState === 'closed') {
        connections.delete(conn)
        release()
        next(new Error('the connection closed before its turn to log in'))
        return
      }
      let settled = false
      const done = (err?: Error): void => {
        if (settled)
          return
        settled = true
        release()
        if (err) {
          connections.delete(conn)
          backoff.fail(address)
        }
        else {
          backoff.succeed(address)
          connections.set(conn, 'connected')
          const forget = (): void => {
            if (connections.get(conn) === 'connected')
              connections.delete(conn)
          }
          socket.once('disconnect', forget)
          conn.once('close', forget)
        }
        next(err)
      }
      const failed = (err: unknown): void => {
        options.log(`admin-ui auth failed for ${socket.id}: ${err instanceof Error ? err.message : String(err)}`)
        done(new Error('internal error'))
      }
      try {
        // admin-ui's middleware is async: a rejection would otherwise be unhandled (and end the process).
        const result = adminUiAuth(socket, done)
        if (result instanceof Promise)
          result.catch(failed)
      }
      catch (err) {
        failed(err)
      }
    }
  })
}
