import type { Diagnosis, UpgradeEntry } from '#core'
/**
 * Connection diagnostics against real broken servers (test/fixtures/broken-servers.ts), from Node: the
 * probes are real HTTP requests and the error causes are Node's.
 */
import type { AddressInfo } from 'node:net'
import type { BrokenServer } from '../fixtures/broken-servers'
import { createServer } from 'node:http'
import { classifyBody, diagnoseConnection, DIAGNOSES, DIAGNOSIS_CODES, EventLog, explainFailure, explainUpgradeError, LiveSession, parseTarget, pathsInPage, refusalMessage } from '#core'
import { io as ioc } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ALLOWED_ORIGIN,
  APP_PATH,
  ENGINE_AUTH_TOKEN,
  MIDDLEWARE_ERROR,
  startAppPathServer,
  startClosingServer,
  startCorsRestrictedServer,
  startCustomPathServer,
  startEngineAuthServer,
  startHangingServer,
  startMiddlewareServer,
  startNonStickyCluster,
  startNothingListening,
  startPlainHttpServer,
  startSilentServer,
  startTlsServer,
  startV2Server,
  startV4Server,
} from '../fixtures/broken-servers'

const servers: BrokenServer[] = []
async function use<S extends BrokenServer>(start: Promise<S>): Promise<S> {
  const server = await start
  servers.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()))
})

/** The `connect_error` a real socket.io-client 4 gets from this URL (reconnection off). */
async function clientError(url: string, options: Record<string, unknown> = {}): Promise<{ message: string, data?: unknown, description?: unknown }> {
  const socket = ioc(url, { reconnection: false, forceNew: true, timeout: 3000, ...options })
  try {
    return await new Promise((resolve, reject) => {
      socket.on('connect', () => reject(new Error('connected, expected a connect_error')))
      socket.on('connect_error', (err: Error & { data?: unknown, description?: unknown }) => resolve({
        message: err.message,
        ...(err.data === undefined ? {} : { data: err.data }),
        // The transport's detail: the HTTP status of a failed polling request.
        ...(typeof err.description === 'number' ? { description: err.description } : {}),
      }))
    })
  }
  finally {
    socket.close()
  }
}

/** Whether a real socket.io-client 4 connects with these options (then disconnects). */
async function clientConnects(url: string, options: Record<string, unknown> = {}): Promise<boolean> {
  const socket = ioc(url, { reconnection: false, forceNew: true, timeout: 3000, ...options })
  try {
    return await new Promise((resolve) => {
      socket.on('connect', () => resolve(true))
      socket.on('connect_error', () => resolve(false))
    })
  }
  finally {
    socket.close()
  }
}

function expectActionable(d: Diagnosis): void {
  expect(d.title.length).toBeGreaterThan(10)
  expect(d.suggestion.length).toBeGreaterThan(20)
  expect(d.detail.length).toBeGreaterThan(20)
}

describe('diagnoseConnection against real servers', () => {
  it('says nothing is listening on a freed port (connection refused)', async () => {
    const server = await use(startNothingListening())
    const error = await clientError(server.url)
    const d = await diagnoseConnection({ url: server.url, error })
    expect(d.code).toBe('unreachable')
    expect(d.detail).toContain('ECONNREFUSED')
    expect(d.probe[0]).toMatchObject({ purpose: 'handshake', outcome: 'network-error', errorCode: 'ECONNREFUSED' })
    expectActionable(d)
  })

  it('finds Socket.IO at /custom-io when that path was typed into the URL, and suggests it as the path', async () => {
    const server = await use(startCustomPathServer())
    // socket.io-client takes the URL's path for the namespace and asks /socket.io/, which is a 404 here.
    const url = `${server.url}/custom-io`
    const error = await clientError(url)
    const d = await diagnoseConnection({ url, error })
    expect(d.code).toBe('no-socketio-at-path')
    expect(d.suggestedPath).toBe('/custom-io')
    expect(d.suggestedSettings).toEqual({ path: '/custom-io' })
    expect(d.suggestion).toContain('remove "/custom-io" from the URL')
    expectActionable(d)
  })

  it('finds Socket.IO at a path the caller adds to the candidates', async () => {
    const server = await use(startCustomPathServer())
    const plain = await diagnoseConnection({ url: server.url })
    expect(plain.code).toBe('not-a-socketio-server')
    const d = await diagnoseConnection({ url: server.url, candidatePaths: ['custom-io/'] })
    expect(d.code).toBe('no-socketio-at-path')
    expect(d.suggestedPath).toBe('/custom-io')
  })

  it('finds Socket.IO at /socketio, one of the usual paths, without help', async () => {
    const server = await use(startV4Server({ path: '/socketio' }))
    const d = await diagnoseConnection({ url: server.url, error: { message: 'xhr poll error' }, timeoutMs: 800 })
    expect(d.code).toBe('no-socketio-at-path')
    expect(d.suggestedPath).toBe('/socketio')
  })

  it('finds the path even when the server holds requests to unknown paths forever (bare socket.io)', async () => {
    const server = await use(startV4Server())
    const d = await diagnoseConnection({ url: server.url, path: '/wrong-path', timeoutMs: 800 })
    expect(d.code).toBe('no-socketio-at-path')
    expect(d.suggestedPath).toBe('/socket.io')
    expect(d.probe[0]).toMatchObject({ purpose: 'handshake', outcome: 'timeout' })
  })

  it('says a plain web server is not a Socket.IO server when no usual path answers', async () => {
    const server = await use(startPlainHttpServer())
    const d = await diagnoseConnection({ url: server.url, error: { message: 'xhr poll error' } })
    expect(d.code).toBe('not-a-socketio-server')
    expect(d.detail).toContain('404')
    expect(d.suggestedPath).toBeUndefined()
    expectActionable(d)
  })

  it('names the unknown namespace, from the client error and from its own probe', async () => {
    const server = await use(startV4Server())
    const url = `${server.url}/nope`
    const error = await clientError(url)
    expect(error.message).toBe('Invalid namespace')
    const fromError = await diagnoseConnection({ url, error })
    expect(fromError.code).toBe('invalid-namespace')
    expect(fromError.detail).toContain('"/nope"')
    expect(fromError.suggestion).toContain('declares')
    // Without the client's error, the probe's own CONNECT gets the same answer from the server.
    const probed = await diagnoseConnection({ url })
    expect(probed.code).toBe('invalid-namespace')
    expect(probed.probe.some(p => p.purpose === 'namespace' && p.bodyStart?.includes('Invalid namespace'))).toBe(true)
  })

  it('suggests moving "/socket.io" from the URL to the path option when it was taken for a namespace', async () => {
    const server = await use(startV4Server())
    const url = `${server.url}/socket.io`
    const d = await diagnoseConnection({ url, error: await clientError(url) })
    expect(d.code).toBe('invalid-namespace')
    expect(d.suggestedSettings).toEqual({ path: '/socket.io' })
  })

  it('shows a middleware rejection with its message and data', async () => {
    const server = await use(startMiddlewareServer())
    const error = await clientError(server.url)
    expect(error).toEqual({ message: MIDDLEWARE_ERROR.message, data: MIDDLEWARE_ERROR.data })
    const d = await diagnoseConnection({ url: server.url, error })
    expect(d.code).toBe('middleware-rejected')
    expect(d.detail).toContain('"not authorized"')
    expect(d.detail).toContain('"token missing"')
    expect(d.detail).toContain('4010')
    // The probe (no auth) is rejected the same way, so a transport-level error still ends here.
    const probed = await diagnoseConnection({ url: server.url })
    expect(probed.code).toBe('middleware-rejected')
    expect(probed.detail).toContain('token missing')
  })

  it('recognises a socket.io 2.x server and suggests the v2 client', async () => {
    const server = await use(startV2Server())
    const error = await clientError(server.url)
    const d = await diagnoseConnection({ url: server.url, error })
    expect(d.code).toBe('server-v2')
    expect(d.suggestedSettings).toEqual({ client: 'v2' })
    expect(d.detail).toMatch(/\d+:0\{/)
    expectActionable(d)
  })

  it('reports the untrusted self-signed certificate of an https server', async () => {
    const server = await use(startTlsServer())
    const d = await diagnoseConnection({ url: server.url, error: { message: 'xhr poll error' } })
    expect(d.code).toBe('tls-error')
    expect(d.detail).toMatch(/SELF_SIGNED|self[- ]signed/i)
    expectActionable(d)
  })

  it('says an https URL to a plain http server does not speak TLS', async () => {
    const server = await use(startV4Server())
    const d = await diagnoseConnection({ url: server.url.replace('http:', 'https:') })
    expect(d.code).toBe('tls-error')
    expect(d.suggestion).toContain(server.url)
  })

  it('says the server never answered when it accepts and hangs', async () => {
    const server = await use(startHangingServer())
    const d = await diagnoseConnection({ url: server.url, timeoutMs: 500, error: { message: 'timeout' } })
    expect(d.code).toBe('timeout')
    expect(d.probe.every(p => p.outcome === 'timeout')).toBe(true)
    expectActionable(d)
  })

  it('says the server closed the connection during the handshake', async () => {
    const server = await use(startClosingServer())
    const d = await diagnoseConnection({ url: server.url, error: await clientError(server.url) })
    expect(d.code).toBe('handshake-closed')
    expectActionable(d)
  })

  it('detects a server that answers the handshake and then sends no heartbeat', async () => {
    const server = await use(startSilentServer())
    const d = await diagnoseConnection({ url: server.url })
    expect(d.code).toBe('ping-timeout')
    expect(d.detail).toContain(`${server.pingInterval} + ${server.pingTimeout} ms`)
  })

  it('finds no problem with a healthy server that keeps pinging', async () => {
    const server = await use(startV4Server())
    server.io.engine.opts.pingInterval = 300
    server.io.engine.opts.pingTimeout = 300
    const d = await diagnoseConnection({ url: server.url })
    expect(d.code).toBe('unknown')
    expect(d.probe.some(p => p.purpose === 'ping' && p.bodyStart === '2')).toBe(true)
  })

  it('sees, from Node, that the server\'s CORS would refuse a page of another origin', async () => {
    const server = await use(startCorsRestrictedServer())
    const d = await diagnoseConnection({ url: server.url, pageOrigin: 'http://127.0.0.1:5173' })
    expect(d.code).toBe('cors-rejected')
    expect(d.detail).toContain(ALLOWED_ORIGIN)
    const allowed = await diagnoseConnection({ url: server.url, pageOrigin: ALLOWED_ORIGIN })
    expect(allowed.code).not.toBe('cors-rejected')
  })
})

describe('explainFailure and helpers', () => {
  it('explains a ping timeout disconnect without probing', () => {
    expect(explainFailure({ url: 'http://localhost:1/', disconnectReason: 'ping timeout' })?.code).toBe('ping-timeout')
    expect(explainFailure({ url: 'http://localhost:1/', error: { message: 'xhr poll error' } })).toBeUndefined()
  })

  it('treats any connect_error with data as a middleware rejection', () => {
    const d = explainFailure({ url: 'http://localhost:1/', error: { message: 'nope', data: { a: 1 } } })
    expect(d?.code).toBe('middleware-rejected')
    expect(d?.detail).toContain('{"a":1}')
  })

  it('splits the URL into namespace and handshake path like socket.io-client', () => {
    expect(parseTarget('wss://h:1/chat/', 'io/')).toMatchObject({ origin: 'https://h:1', namespace: '/chat', path: '/io', secure: true })
    expect(() => parseTarget('ftp://h/')).toThrow(/scheme/)
  })

  it('answers an invalid URL with a diagnosis, not a throw', async () => {
    const d = await diagnoseConnection({ url: 'not a url' })
    expect(d.code).toBe('unknown')
    expect(d.title).toContain('URL')
  })

  it('classifies handshake bodies', () => {
    expect(classifyBody('0{"sid":"a","upgrades":[]}')).toBe('eio4-open')
    expect(classifyBody('96:0{"sid":"a"}2:40')).toBe('eio3-open')
    expect(classifyBody('{"code":5,"message":"Unsupported protocol version"}')).toBe('eio-error')
    expect(classifyBody('<!DOCTYPE html><html>', 'text/html')).toBe('html')
  })

  it('has a title and a suggestion for every code', () => {
    expect(DIAGNOSIS_CODES).toHaveLength(17)
    for (const code of DIAGNOSIS_CODES)
      expect(DIAGNOSES[code].suggestion.length).toBeGreaterThan(40)
  })
})

describe('real servers of issue 11: app paths, engine middleware, several nodes', () => {
  it('finds the handshake path an Express app\'s page names, from the bare URL and from the path typed into the URL', async () => {
    const server = await use(startAppPathServer())
    // The app answers /socket.io/ with its HTML page: socket.io-client 4 takes it for a broken payload.
    expect((await clientError(server.url)).message).toBe('server error')
    for (const url of [server.url, `${server.url}${APP_PATH}`]) {
      const d = await diagnoseConnection({ url, error: { message: 'server error' }, pageOrigin: 'http://127.0.0.1:5173' })
      expect(d.code).toBe('no-socketio-at-path')
      expect(d.suggestedSettings).toEqual({ path: APP_PATH })
      expect(d.title).not.toMatch(/CORS/)
    }
    // The suggestion works: with the path, a real client connects.
    expect(await clientConnects(server.url, { path: APP_PATH })).toBe(true)
    expect(server.connections).toBe(1)
  })

  it('finds the path the app\'s page at / names when the handshake path answers Express\'s 404 page (socket.io\'s chat example)', async () => {
    const server = await use(startAppPathServer({ page: 'root' }))
    for (const url of [server.url, `${server.url}${APP_PATH}`]) {
      const d = await diagnoseConnection({ url, error: { message: 'xhr poll error' }, pageOrigin: 'http://127.0.0.1:5173' })
      expect(d.code, url).toBe('no-socketio-at-path')
      expect(d.suggestedSettings).toEqual({ path: APP_PATH })
      expect(d.title).not.toMatch(/CORS/)
      // Said once, with the path (the table's general wording would repeat it).
      expect(d.suggestion.match(/Set the path option/g), d.suggestion).toHaveLength(1)
      expect(d.suggestion).toContain(`"${APP_PATH}"`)
    }
  })

  it('says an engine middleware refused the handshake with HTTP 401, with its message and what it asks for', async () => {
    const server = await use(startEngineAuthServer())
    const error = await clientError(server.url)
    expect(error).toEqual({ message: 'xhr poll error', description: 401 })
    const d = await diagnoseConnection({ url: server.url, error, pageOrigin: 'http://127.0.0.1:5173' })
    expect(d.code).toBe('handshake-refused')
    expect(d.title).toBe(`${DIAGNOSES['handshake-refused'].title} (HTTP 401): authentication`)
    expect(d.detail).toContain('"Unauthorized"')
    expect(d.detail).toContain('WWW-Authenticate: Bearer realm="Users"')
    expect(d.detail).toContain('io.engine.use')
    expect(d.suggestion).toContain('Authorization')
    expect(d.suggestion).toContain('cookie')
    expect(d.suggestedSettings).toEqual({ relay: true })
    expectActionable(d)
    // `auth` does not get past it; the header and the cookie do.
    expect(await clientConnects(server.url, { auth: { token: ENGINE_AUTH_TOKEN } })).toBe(false)
    expect(await clientConnects(server.url, { extraHeaders: { authorization: `Bearer ${ENGINE_AUTH_TOKEN}` } })).toBe(true)
    expect(await clientConnects(server.url, { extraHeaders: { cookie: `token=${ENGINE_AUTH_TOKEN}` } })).toBe(true)
  })

  it('quotes the message of a 403 JSON refusal, bounded, as text', async () => {
    const server = await use(startEngineAuthServer({ status: 403, contentType: 'application/json', body: JSON.stringify({ message: `admins only <b>${'x'.repeat(200)}` }) }))
    const d = await diagnoseConnection({ url: server.url })
    expect(d.code).toBe('handshake-refused')
    expect(d.title).toContain('(HTTP 403)')
    const quoted = /Its answer says: "([^"]*)"/.exec(d.detail)?.[1] ?? ''
    expect(quoted.startsWith('admins only <b>xxx')).toBe(true)
    expect(Array.from(quoted).length).toBeLessThanOrEqual(81)
  })

  it('says allowRequest and a failing engine middleware refused the handshake (Engine.IO errors 4 and 3)', async () => {
    const forbidden = await use(startV4Server())
    forbidden.io.engine.opts.allowRequest = (_req, callback) => callback('not from this network', false)
    const d4 = await diagnoseConnection({ url: forbidden.url })
    expect(d4.code).toBe('handshake-refused')
    expect(d4.title).toContain('(HTTP 403)')
    expect(d4.detail).toContain('allowRequest')
    expect(d4.detail).toContain('not from this network')

    const failing = await use(startV4Server())
    failing.io.engine.use((_req: unknown, _res: unknown, next: (err?: Error) => void) => next(new Error('session store down')))
    const d3 = await diagnoseConnection({ url: failing.url })
    expect(d3.code).toBe('handshake-refused')
    expect(d3.title).toContain('(HTTP 400): engine middleware error')
  })

  it('says the server runs on several nodes without sticky sessions ("Session ID unknown"), and WebSocket only works', async () => {
    const cluster = await use(startNonStickyCluster())
    const error = await clientError(cluster.url)
    expect(error).toMatchObject({ message: 'xhr post error', description: 400 })
    const d = await diagnoseConnection({ url: cluster.url, error })
    expect(d.code).toBe('sticky-sessions-missing')
    expect(d.detail).toContain('Session ID unknown')
    expect(d.suggestion).toMatch(/WebSocket only.*sticky sessions/)
    expect(d.suggestedSettings).toEqual({ transports: ['websocket'] })
    expect(d.probe.at(-1)).toMatchObject({ purpose: 'namespace', status: 400 })
    expect(await clientConnects(cluster.url, { transports: ['websocket'] })).toBe(true)
  })

  it('never reports what else a page names: paths that do not answer Socket.IO leave no trace past the excerpt', async () => {
    const secret = 'LOOPBACK-PAGE-SECRET'
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head><title>${'a page '.repeat(20)}</title></head><script src="/${secret}/socket.io.js"></script><script>x({ path: "/${secret}2" })</script></html>`)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    servers.push({ url: '', port: 0, close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }) })
    const d = await diagnoseConnection({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, timeoutMs: 1000 })
    expect(d.code).toBe('not-a-socketio-server')
    expect(JSON.stringify(d)).not.toContain(secret)
  })

  it('reads handshake paths from a page and messages from refusals', () => {
    expect(pathsInPage('<script src="/my-rt/socket.io.js"></script><script src="/a/b/socket.io.min.js">')).toEqual(['/my-rt', '/a/b'])
    expect(pathsInPage('io({ path: \'/rt/\' }); io("https://x", { path: "/../x" })')).toEqual(['/rt'])
    expect(pathsInPage('<script src="https://cdn.socket.io/4.8.1/socket.io.min.js"></script>')).toEqual([])
    expect(pathsInPage('path: "/a" path: "/b" path: "/c" path: "/d"')).toHaveLength(3)
    expect(refusalMessage('{"message":"jwt expired"}')).toBe('jwt expired')
    expect(refusalMessage('{"error":"invalid_token","error_description":"The token expired"}')).toBe('The token expired')
    expect(refusalMessage('<html><head><style>h1{}</style></head><body><h1>401 Unauthorized</h1></body></html>', 'text/html')).toBe('401 Unauthorized')
    expect(refusalMessage('')).toBeUndefined()
  })
})

describe('the upgrade_error row after a refusal', () => {
  it('says the WebSocket upgrade was abandoned because the connection was refused', async () => {
    // The refusal comes over polling while the WebSocket upgrade request is held: the probe is cut short.
    const server = await use(startMiddlewareServer({ slowUpgradeMs: 500 }))
    const log = new EventLog()
    const session = new LiveSession({ url: server.url, reconnection: false }, { log, id: 'upgrade-noise' })
    try {
      session.connect()
      const deadline = Date.now() + 5000
      while (Date.now() < deadline && ![...log].some(e => e.kind === 'upgrade_error'))
        await new Promise(resolve => setTimeout(resolve, 20))
      const kinds = [...log].filter(e => e.kind !== 'frame').map(e => e.kind)
      expect(kinds).toEqual(['connecting', 'connect_error', 'upgrade_error'])
      const row = [...log].find(e => e.kind === 'upgrade_error') as UpgradeEntry
      expect(row.message).toBe('probe error: socket closed: the WebSocket upgrade was abandoned because the connection was refused')
    }
    finally {
      session.dispose()
    }
  })

  it('keeps every other upgrade error as it is, and says "closed" without a refusal', () => {
    expect(explainUpgradeError('probe error: Error: websocket error', true)).toBe('probe error: Error: websocket error')
    expect(explainUpgradeError('probe error: transport closed', false)).toBe('probe error: transport closed: the WebSocket upgrade was abandoned because the connection was closed')
  })
})
