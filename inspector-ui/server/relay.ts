import type { EmitResult, RelayClientEvents, RelayCommand, RelayDiagnoseInput, RelayOpenOptions, RelayResult, RelayServerEvents, SessionOptions } from '#core'
/**
 * The relay: the page asks the inspector's own Node process to open a Socket.IO connection for it. The
 * connection runs here with socket.io-client (v4 or v2), so it can send what a browser cannot: any
 * header on WebSocket too, cookies for another site, an `Origin` of choice, TLS options (a custom CA,
 * `rejectUnauthorized: false` for self-signed development certificates), and it needs no CORS. Every log
 * entry and state change streams back to the page, where `RelaySession` shows it like a direct session.
 *
 * Isolation: each relay connection's session runs in a worker thread of its own (./relay-worker.ts, started by
 * ./relay-worker-host.ts). An exception that escapes a client library (engine.io-client throws on a malformed
 * open packet, for one) ends that worker only: the page gets a `relay session crashed` connect_error and a
 * disconnected snapshot, and this process (the inspector's web server, every other relayed tab, the demo
 * server under `npm start`) carries on. The sessions also guard their engine themselves
 * (src/core/session/engine-guard.ts); the worker is the net under everything else.
 *
 * Security: the relay is a socket.io 4.8 server on the inspector's own HTTP server (127.0.0.1 by
 * default), WebSocket only (a WebSocket handshake always carries `Origin`; a same-origin polling GET may
 * not). `allowRequest` refuses any handshake whose `Origin` is not one of `allowedOrigins`, and a
 * middleware refuses any socket without the per-start token (constant-time compare). A page on another
 * site cannot get the token (it is only in the served index.html) nor pass the origin check.
 *
 * Attached apps (issue 19, ./attach-hub.ts): a relay connection may instead list them (`attachList`, then
 * `attachedChanged` pushes) and watch one (`watch`): no worker then, the hub streams the app's backlog and
 * live entries to it, and its `emit` goes to the app (only with `allowEmit`). One `open` or one `watch` per
 * relay connection.
 *
 * @example
 * const relay = attachRelay(httpServer, { token, allowedOrigins: ['http://localhost:5173'] })
 * // page: new RelaySession(options, { log, relay: { url: 'http://localhost:5173', token } })
 * await relay.close()
 */
import type http from 'node:http'
import type { Socket } from 'socket.io'
import type { AttachHub, AttachWatch } from './attach-hub'
import type { RelayWorkerData } from './relay-worker'
import { ATTACH_MIRROR_NOTE, ATTACH_NO_ANSWER_ERROR, ATTACH_NO_FAULTS_ERROR, diagnoseConnection, handshakePathProblem, parseFaultCommand, RELAY_PATH } from '#core'
import { Server } from 'socket.io'
import { tokenMatches } from '../../src/shared/host-check'
import { SessionWorker } from './relay-worker-host'

export interface RelayOptions {
  /** The per-start secret the page got with its config. */
  token: string
  /** Exact origins (`http://localhost:5173`) whose pages may use the relay. */
  allowedOrigins: string[]
  /**
   * Extra gate run first on each handshake (the inspector's Host names and client-address rule): the reason to
   * refuse it (403), or `undefined`. @default none
   */
  checkRequest?: (req: http.IncomingMessage) => string | undefined
  /** @default '/relay/socket.io' */
  path?: string
  /**
   * The module each relayed session runs in, in a worker thread of its own (see ./relay-worker.ts).
   * @default SESSION_WORKER (./relay-worker.ts; tests give a module that wraps it)
   */
  sessionWorker?: URL
  /**
   * Unused: a relayed session keeps no log in its worker any more (its entries stream to the page once per
   * macrotask, `EntryStream`). Accepted so existing callers still type-check.
   * @deprecated
   */
  logLimits?: { maxEntries?: number, maxBytes?: number }
  /** The attach hub pages may list and watch (`attachList`, `watch`). @default none (the list is empty) */
  attach?: AttachHub
}

export interface Relay {
  /** The socket.io server (tests). */
  io: Server
  /** Sessions open now. */
  readonly sessionCount: number
  /** Dispose every session and stop accepting relay connections (the HTTP server stays up). */
  close: () => Promise<void>
}

type RelaySocket = Socket<RelayClientEvents, RelayServerEvents>

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function stringRecord(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined)
    return undefined
  if (!isRecord(v))
    throw new TypeError(`${what} must be an object of strings`)
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string')
      throw new TypeError(`${what}.${k} must be a string`)
    // Node refuses header values with CR/LF anyway; say so clearly instead of failing at connect time.
    if (/[\r\n]/.test(val) || /[\r\n:]/.test(k))
      throw new TypeError(`${what}.${k} contains a forbidden character`)
    out[k] = val
  }
  return out
}

/** Check what the page sent and turn it into the session's options (headers merged, TLS kept apart). */
export function resolveOpenOptions(raw: unknown): { options: SessionOptions, headers: Record<string, string> | undefined, tls: { ca?: string, rejectUnauthorized?: boolean } } {
  if (!isRecord(raw) || typeof raw.url !== 'string')
    throw new TypeError('open: options.url must be a string')
  const o = raw as unknown as RelayOpenOptions
  const url = new URL(o.url)
  if (!/^(?:https?|wss?):$/.test(url.protocol))
    throw new TypeError(`open: unsupported URL scheme ${url.protocol}`)
  if (o.client !== undefined && o.client !== 'v4' && o.client !== 'v2')
    throw new TypeError('open: client must be "v4" or "v2"')
  if (o.parser !== undefined && o.parser !== 'default' && o.parser !== 'msgpack')
    throw new TypeError('open: parser must be "default" or "msgpack"')
  const headers: Record<string, string> = { ...stringRecord(o.extraHeaders, 'extraHeaders') }
  if (o.cookies !== undefined) {
    if (typeof o.cookies !== 'string')
      throw new TypeError('open: cookies must be a string')
    if (o.cookies)
      headers.Cookie = o.cookies
  }
  if (o.origin !== undefined) {
    if (typeof o.origin !== 'string')
      throw new TypeError('open: origin must be a string')
    if (o.origin)
      headers.Origin = o.origin
  }
  const tls: { ca?: string, rejectUnauthorized?: boolean } = {}
  if (o.tls !== undefined) {
    if (!isRecord(o.tls))
      throw new TypeError('open: tls must be an object')
    if (o.tls.ca !== undefined) {
      if (typeof o.tls.ca !== 'string')
        throw new TypeError('open: tls.ca must be a PEM string')
      tls.ca = o.tls.ca
    }
    if (o.tls.rejectUnauthorized !== undefined) {
      if (typeof o.tls.rejectUnauthorized !== 'boolean')
        throw new TypeError('open: tls.rejectUnauthorized must be a boolean')
      tls.rejectUnauthorized = o.tls.rejectUnauthorized
    }
  }
  const { extraHeaders: _h, cookies: _c, origin: _o, tls: _t, ...rest } = o
  const options: SessionOptions = { ...rest, forceNew: true }
  const hasHeaders = Object.keys(headers).length > 0
  if (hasHeaders)
    options.extraHeaders = headers
  return { options, headers: hasHeaders ? headers : undefined, tls }
}

/** Check a `diagnose` request from the page (it is input like any other). */
export function resolveDiagnoseInput(raw: unknown): RelayDiagnoseInput {
  if (!isRecord(raw) || typeof raw.url !== 'string' || raw.url.length > 4096)
    throw new TypeError('diagnose: input.url must be a string')
  const url = new URL(raw.url)
  if (!/^(?:https?|wss?):$/.test(url.protocol))
    throw new TypeError(`diagnose: unsupported URL scheme ${url.protocol}`)
  const text = (v: unknown, what: string, max = 2000): string | undefined => {
    if (v === undefined || v === null)
      return undefined
    if (typeof v !== 'string' || v.length > max)
      throw new TypeError(`diagnose: ${what} must be a string`)
    return v
  }
  const input: RelayDiagnoseInput = { url: raw.url }
  input.path = text(raw.path, 'path')
  // The probes run in this process: only handshake URLs they build (no `#`, `?`, `..`, scheme in the path).
  const pathProblem = handshakePathProblem(input.path)
  if (pathProblem)
    throw new TypeError(`diagnose: ${pathProblem}`)
  input.disconnectReason = text(raw.disconnectReason, 'disconnectReason')
  input.pageOrigin = text(raw.pageOrigin, 'pageOrigin')
  if (Array.isArray(raw.transports))
    input.transports = raw.transports.filter((t): t is string => typeof t === 'string').slice(0, 4)
  if (isRecord(raw.error) && typeof raw.error.message === 'string')
    input.error = { message: raw.error.message.slice(0, 2000), data: raw.error.data, description: raw.error.description }
  // Each probe request is time-limited; keep the whole probe bounded too.
  input.timeoutMs = typeof raw.timeoutMs === 'number' && Number.isFinite(raw.timeoutMs) ? Math.min(Math.max(raw.timeoutMs, 200), 10_000) : 4000
  return input
}

/**
 * Attach the relay to the inspector's HTTP server.
 *
 * @example
 * attachRelay(httpServer, { token, allowedOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`] })
 */
export function attachRelay(httpServer: http.Server, options: RelayOptions): Relay {
  if (!options.token)
    throw new Error('attachRelay: a token is required')
  const expected = Buffer.from(options.token)
  const allowed = new Set(options.allowedOrigins)
  /** Relay connection id → its open session (one worker thread each). */
  const sessions = new Map<string, { stop: () => Promise<void>, terminate: () => Promise<void> }>()

  const io = new Server<RelayClientEvents, RelayServerEvents>(httpServer, {
    path: options.path ?? RELAY_PATH,
    transports: ['websocket'],
    serveClient: false,
    // The inspector's own server may carry other upgrades (none today): do not cut them.
    destroyUpgrade: false,
    // Arguments of a user's emit may be large (binary); the default 1 MB is the usual server's limit too.
    maxHttpBufferSize: 100 * 1024 * 1024,
    allowRequest: (req, callback) => {
      const refused = options.checkRequest?.(req)
      if (refused !== undefined)
        return callback(refused, false)
      const origin = req.headers.origin
      if (typeof origin === 'string' && allowed.has(origin))
        callback(null, true)
      else
        callback('origin not allowed', false)
    },
  })

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined
    if (tokenMatches(auth?.token, expected))
      next()
    else
      next(new Error('relay: missing or wrong token'))
  })

  io.on('connection', (socket: RelaySocket) => {
    /** What the page opened (one session per relay connection): kept so that `connect` after a crash starts anew. */
    let opened: Omit<RelayWorkerData, 'entry'> | undefined
    /** The worker thread running the session; `ended` after a crash until the page connects again. */
    let worker: SessionWorker | undefined
    /** The attached socket this connection watches instead (no worker then). */
    let watching: AttachWatch | undefined
    /** Stops the `attachedChanged` pushes this connection asked for with `attachList`. */
    let offList: (() => void) | undefined

    const stop = (): Promise<void> => {
      const w = worker
      worker = undefined
      opened = undefined
      sessions.delete(socket.id)
      return w ? w.dispose() : Promise.resolve()
    }

    /** Start the session's worker; what it streams goes to the page as it is (already wire-encoded). */
    const start = (data: Omit<RelayWorkerData, 'entry'>): SessionWorker => {
      const w = new SessionWorker(data, {
        entries: (text, sentMono) => socket.emit('entries', text, sentMono),
        state: text => socket.emit('state', text),
        // A crash has already been reported to the page (an entry and a snapshot); no session is open now.
        ended: (crash) => {
          if (crash && worker === w)
            sessions.delete(socket.id)
        },
      }, options.sessionWorker)
      worker = w
      sessions.set(socket.id, { stop, terminate: () => w.terminate() })
      return w
    }

    socket.on('open', (raw, id, ack) => {
      const reply = (r: RelayResult): void => {
        if (typeof ack === 'function')
          ack(r)
      }
      if (opened || watching) {
        reply({ ok: false, error: 'this relay connection already has a session' })
        return
      }
      try {
        if (typeof id !== 'string' || !id || id.length > 200)
          throw new TypeError('open: a session id is required')
        // Ids are the page's own (`s1`…): two pages (or a reload) use the same ones, so the relay keys its
        // sessions by relay connection, which carries one session.
        const { options: sessionOptions, tls } = resolveOpenOptions(raw)
        const data = { options: sessionOptions, tls, id }
        const w = start(data)
        opened = data
        void w.opened.then((result) => {
          if (!result.ok && worker === w)
            void stop()
          reply(result)
        })
      }
      catch (err) {
        reply({ ok: false, error: err instanceof Error ? err.message : String(err) })
      }
    })

    // --- attached apps (./attach-hub.ts) ---
    socket.on('attachList', (ack) => {
      const reply = typeof ack === 'function' ? ack : () => {}
      const hub = options.attach
      if (!hub)
        return reply([])
      offList ??= hub.onChange(list => socket.emit('attachedChanged', list))
      reply(hub.list())
    })

    socket.on('watch', (attachId, sessionId, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {}
      if (opened || watching)
        return reply({ ok: false, error: 'this relay connection already has a session' })
      if (!options.attach)
        return reply({ ok: false, error: 'attach is off in this inspector' })
      const result = options.attach.watch(attachId, sessionId, {
        entries: (text, sentMono) => socket.emit('entries', text, sentMono),
        state: text => socket.emit('state', text),
      })
      if (!result.ok)
        return reply(result)
      watching = result.watch
      reply({ ok: true })
    })

    socket.on('command', (command: RelayCommand) => {
      if (watching) {
        // The app's own code connects and disconnects its socket; the page's tab only watches.
        if (command === 'dispose') {
          watching.close()
          watching = undefined
        }
        else {
          watching.note('info', ATTACH_MIRROR_NOTE)
        }
        return
      }
      if (!opened)
        return
      if (command === 'dispose') {
        void stop()
        return
      }
      if (command !== 'connect' && command !== 'disconnect' && command !== 'reconnect')
        return
      let w = worker
      if (!w || w.ended) {
        // The session's worker crashed: connecting again starts a new one (same options, same id).
        if (command === 'disconnect')
          return
        w = start(opened)
      }
      w.command(command)
    })

    /** The worker that may take an emit or an ack answer, or the error result to give instead. */
    const live = (ack: unknown): { w: SessionWorker, reply: (result: EmitResult) => void } | undefined => {
      const reply = typeof ack === 'function' ? ack as (result: EmitResult) => void : () => {}
      if (!worker || worker.ended) {
        reply({ ok: false, error: 'no session is open on this relay connection' })
        return undefined
      }
      return { w: worker, reply }
    }

    // Arguments travel as wire text to the worker, which decodes and checks them: every failure is a result.
    socket.on('emit', (name, argsText, emitOptions, ack) => {
      if (watching) {
        const reply = typeof ack === 'function' ? ack : () => {}
        void watching.emit(name, argsText, emitOptions).then(reply)
        return
      }
      const target = live(ack)
      void target?.w.emit(String(name), argsText, isRecord(emitOptions) ? emitOptions : {}).then(target.reply)
    })

    socket.on('answerAck', (correlationId, argsText, ack) => {
      if (watching) {
        if (typeof ack === 'function')
          ack({ ok: false, error: ATTACH_NO_ANSWER_ERROR })
        return
      }
      const target = live(ack)
      void target?.w.answerAck(String(correlationId), argsText).then(target.reply)
    })

    // Fault injection: checked here (input like any other), run by the worker's session.
    socket.on('fault', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {}
      if (watching)
        return reply({ ok: false, error: ATTACH_NO_FAULTS_ERROR })
      let command
      try {
        command = parseFaultCommand(raw)
      }
      catch (err) {
        reply({ ok: false, error: err instanceof Error ? err.message : String(err) })
        return
      }
      const target = live(ack)
      void target?.w.fault(command).then(target.reply)
    })

    // Probes in Node, one at a time per relay connection (the page asks once per failure streak).
    let diagnosing = false
    socket.on('diagnose', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {}
      if (diagnosing) {
        reply({ ok: false, error: 'a diagnosis is already running on this relay connection' })
        return
      }
      let input: RelayDiagnoseInput
      try {
        input = resolveDiagnoseInput(raw)
      }
      catch (err) {
        reply({ ok: false, error: err instanceof Error ? err.message : String(err) })
        return
      }
      diagnosing = true
      diagnoseConnection(input)
        .then(diagnosis => reply({ ok: true, diagnosis }))
        .catch((err: unknown) => reply({ ok: false, error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          diagnosing = false
        })
    })

    // The page went away (closed, reloaded, relay connection lost): its connection goes with it.
    socket.on('disconnect', () => {
      watching?.close()
      watching = undefined
      offList?.()
      offList = undefined
      void stop()
    })
  })

  return {
    io,
    get sessionCount() { return sessions.size },
    close: async () => {
      // Shutting down: end the session threads at once (their sockets close with them).
      await Promise.all([...sessions.values()].map(s => s.terminate()))
      sessions.clear()
      io.disconnectSockets(true)
      // Not `io.close()`: it would close the inspector's HTTP server too.
      io.engine.close()
    },
  }
}
