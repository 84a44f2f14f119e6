/**
 * Connection diagnostics against real broken servers (test/fixtures/broken-servers.ts), from Node: the
 * probes are real HTTP requests and the error causes are Node's.
 */
import type { Diagnosis } from '../../src/core/diagnose'
import type { BrokenServer } from '../fixtures/broken-servers'
import { io as ioc } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { classifyBody, diagnoseConnection, DIAGNOSES, DIAGNOSIS_CODES, explainFailure, parseTarget } from '../../src/core/diagnose'
import {
  ALLOWED_ORIGIN,
  MIDDLEWARE_ERROR,
  startClosingServer,
  startCorsRestrictedServer,
  startCustomPathServer,
  startHangingServer,
  startMiddlewareServer,
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
async function clientError(url: string, options: Record<string, unknown> = {}): Promise<{ message: string, data?: unknown }> {
  const socket = ioc(url, { reconnection: false, forceNew: true, timeout: 3000, ...options })
  try {
    return await new Promise((resolve, reject) => {
      socket.on('connect', () => reject(new Error('connected, expected a connect_error')))
      socket.on('connect_error', (err: Error & { data?: unknown }) => resolve({ message: err.message, data: err.data }))
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
    expect(DIAGNOSIS_CODES).toHaveLength(14)
    for (const code of DIAGNOSIS_CODES)
      expect(DIAGNOSES[code].suggestion.length).toBeGreaterThan(40)
  })
})
