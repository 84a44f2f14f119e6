/**
 * The inspector's own server sends the headers a devtool page should have (issue 7, "Headers"): a CSP
 * without inline script or eval (Monaco's worker from our origin), nosniff, no framing, no referrer. It
 * serves a stand-in dist (the real one is checked in Chromium by test/e2e/csp.e2e.ts).
 */
import type { InspectorServer } from '../../inspector-ui/server/index'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { io as ioc } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageConfigFor, relayRefusal, startInspectorServer } from '../../inspector-ui/server/index'
import { createHostPolicy } from '../../src/shared/host-check'

function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of csp.split(';').map(p => p.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/)
    map.set(name.toLowerCase(), values)
  }
  return map
}

describe('the inspector server\'s security headers', () => {
  let server: InspectorServer
  let dist: string

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'sio-inspector-dist-'))
    mkdirSync(join(dist, 'assets'))
    writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><script type="module" src="./assets/app.js"></script></body></html>')
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    server = await startInspectorServer({ port: 0, distDir: dist, config: { demoUrl: 'http://localhost:3000"><script>alert(1)</script>' } })
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dist, { recursive: true, force: true })
  })

  for (const path of ['/', '/assets/app.js', '/favicon.svg', '/no-such-file']) {
    it(`sends them on ${path}`, async () => {
      const res = await fetch(`${server.url}${path}`)
      const csp = res.headers.get('content-security-policy') ?? ''
      const d = directives(csp)
      const script = d.get('script-src') ?? d.get('default-src') ?? []
      expect(script).toContain('\'self\'')
      expect(script).not.toContain('\'unsafe-inline\'')
      expect(script).not.toContain('\'unsafe-eval\'')
      expect(script.some(v => v.startsWith('data:') || v === 'blob:' || v === '*')).toBe(false)
      expect(d.get('worker-src')).toEqual(['\'self\''])
      expect(d.get('object-src')).toEqual(['\'none\''])
      expect(d.get('frame-ancestors')).toEqual(['\'none\''])
      expect(d.get('base-uri')).toEqual(['\'self\''])
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin')
      expect(res.headers.get('x-powered-by')).toBeNull()
      await res.arrayBuffer()
    })
  }

  it('hands the page its config in an escaped meta tag, with the relay token, and no inline script', async () => {
    const res = await fetch(`${server.url}/`)
    const html = await res.text()
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(html).not.toContain('<script>alert(1)</script>')
    const meta = /<meta name="sio-inspector-config" content="([^"]*)">/.exec(html)
    expect(meta).not.toBeNull()
    const config = JSON.parse(meta![1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as { relay?: { token: string } }
    expect(config.relay?.token).toBe(server.token)
    expect(html.match(/<script\b[^>]*>/g)?.every(tag => /\ssrc=/.test(tag))).toBe(true)
  })

  it('listens on 127.0.0.1 by default', () => {
    const address = server.httpServer.address()
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1')
  })
})

/** A raw request with the headers given (fetch cannot set Host); upgrades resolve with their status line. */
function rawRequest(port: number, path: string, headers: Record<string, string>, host = '127.0.0.1'): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path, headers, agent: false })
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve({ status: res.statusCode ?? 0, body: '' })
    })
    req.on('error', reject)
    req.end()
  })
}

const WS_UPGRADE = { 'Connection': 'Upgrade', 'Upgrade': 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }

/** Connects to the relay like a page would, with the headers given; resolves 'connected' or the error message. */
function relayConnect(server: InspectorServer, headers: Record<string, string>, token = server.token): Promise<string> {
  const socket = ioc(`http://127.0.0.1:${server.port}`, {
    path: '/relay/socket.io',
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 3000,
    auth: { token },
    extraHeaders: headers,
  })
  return new Promise<string>((resolve) => {
    socket.on('connect', () => resolve('connected'))
    socket.on('connect_error', err => resolve(err.message))
  }).finally(() => socket.close())
}

describe('the inspector server\'s Host names and secrets (DNS rebinding, network exposure)', () => {
  const PASSWORD = 'admin-ui-password-of-the-demo'
  let server: InspectorServer
  let dist: string

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'sio-inspector-dist-'))
    mkdirSync(join(dist, 'assets'))
    writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)')
    server = await startInspectorServer({
      port: 0,
      distDir: dist,
      allowedHosts: ['devbox.lan'],
      config: { demoUrl: 'http://localhost:3000', admin: { url: 'http://localhost:3000', namespace: '/admin', username: 'admin', password: PASSWORD } },
    })
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dist, { recursive: true, force: true })
  })

  it('answers 421 to a page request under a foreign Host, without the token or the password', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js']) {
      const res = await rawRequest(server.port, path, { Host: `evil.example:${server.port}` })
      expect(res.status, path).toBe(421)
      expect(res.body).not.toContain(server.token)
      expect(res.body).not.toContain(PASSWORD)
    }
  })

  it('serves the page with its secrets under the loopback names and the allowed ones', async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, `devbox.lan:${server.port}`]) {
      const res = await rawRequest(server.port, '/', { Host: host })
      expect(res.status, host).toBe(200)
      expect(res.body).toContain(server.token)
      expect(res.body).toContain(PASSWORD)
    }
  })

  it('refuses a relay handshake under a foreign Host even with an allowed Origin and the right token', async () => {
    const origin = `http://localhost:${server.port}`
    const upgrade = await rawRequest(server.port, '/relay/socket.io/?EIO=4&transport=websocket', { ...WS_UPGRADE, Host: `evil.example:${server.port}`, Origin: origin })
    expect(upgrade.status).toBe(421)
    expect(await relayConnect(server, { Host: `evil.example:${server.port}`, Origin: origin })).not.toBe('connected')
    // The rebound page's own origin is refused as well.
    expect(await relayConnect(server, { Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}` })).not.toBe('connected')
    // The same handshake under our own name connects: the refusals above are the Host check's.
    expect(await relayConnect(server, { Host: `localhost:${server.port}`, Origin: origin })).toBe('connected')
    expect(await relayConnect(server, { Host: `devbox.lan:${server.port}`, Origin: `http://devbox.lan:${server.port}` })).toBe('connected')
  })

  it('refuses to start with a malformed allowed host, naming it', async () => {
    await expect(startInspectorServer({ port: 0, distDir: dist, allowedHosts: ['http://devbox.lan/'] })).rejects.toThrow(/allowed host "http:\/\/devbox\.lan\/"/)
  })

  it('gives a client on another machine the page config without the relay token or the admin-ui password', () => {
    const config = { demoUrl: 'http://localhost:3000', relay: { url: 'http://localhost:5173', token: 't0ken' }, admin: { url: 'http://localhost:3000', namespace: '/admin', username: 'admin', password: PASSWORD } }
    for (const address of ['192.168.1.20', '::ffff:10.0.0.5', 'fd00::1', undefined]) {
      const served = pageConfigFor(config, address, false)
      expect(served).toEqual({ demoUrl: 'http://localhost:3000' })
      expect(JSON.stringify(served)).not.toContain('t0ken')
    }
    expect(pageConfigFor(config, '127.0.0.1', false)).toBe(config)
    expect(pageConfigFor(config, '::ffff:127.0.0.1', false)).toBe(config)
    // The explicit opt-in (INSPECTOR_EXPOSE_SECRETS=1) hands them out to anyone.
    expect(pageConfigFor(config, '192.168.1.20', true)).toBe(config)
  })

  it('refuses relay handshakes from another machine unless secrets are exposed', () => {
    const policy = createHostPolicy({ host: '0.0.0.0', allowedHosts: ['devbox.lan'] })
    const from = (host: string, remoteAddress: string) => ({ headers: { host }, socket: { remoteAddress } })
    expect(relayRefusal(from('devbox.lan:5173', '192.168.1.20'), policy, false)).toMatch(/other machines/)
    expect(relayRefusal(from('devbox.lan:5173', '192.168.1.20'), policy, true)).toBeUndefined()
    expect(relayRefusal(from('devbox.lan:5173', '127.0.0.1'), policy, false)).toBeUndefined()
    expect(relayRefusal(from('evil.example:5173', '127.0.0.1'), policy, true)).toBe('host not allowed')
  })
})

/** An IPv4 address of this machine that is not loopback (a request to it comes from a non-loopback peer). */
function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal)
        return a.address
    }
  }
  return undefined
}

// Needs an interface other than loopback: a request to its address comes from that address, as another machine's would.
describe.skipIf(nonLoopbackAddress() === undefined)('the inspector server seen from another machine (HOST=0.0.0.0)', () => {
  const PASSWORD = 'admin-ui-password-of-the-demo'
  const address = nonLoopbackAddress()!
  let server: InspectorServer
  let dist: string

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'sio-inspector-dist-'))
    writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
    server = await startInspectorServer({
      port: 0,
      host: '0.0.0.0',
      distDir: dist,
      allowedHosts: [address],
      config: { demoUrl: 'http://localhost:3000', admin: { url: 'http://localhost:3000', namespace: '/admin', username: 'admin', password: PASSWORD } },
    })
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dist, { recursive: true, force: true })
  })

  it('serves the page without the relay token or the admin-ui password', async () => {
    const res = await rawRequest(server.port, '/', { Host: `${address}:${server.port}` }, address)
    expect(res.status).toBe(200)
    expect(res.body).not.toContain(server.token)
    expect(res.body).not.toContain(PASSWORD)
    // The same page on loopback has both: the difference is the peer's address.
    const local = await rawRequest(server.port, '/', { Host: `localhost:${server.port}` })
    expect(local.body).toContain(server.token)
  })

  it('answers its relay handshakes 403, without the token, whatever Host and Origin it sends', async () => {
    for (const [host, origin] of [[`${address}:${server.port}`, `http://${address}:${server.port}`], [`localhost:${server.port}`, `http://localhost:${server.port}`]]) {
      const upgrade = await rawRequest(server.port, '/relay/socket.io/?EIO=4&transport=websocket', { ...WS_UPGRADE, Host: host, Origin: origin }, address)
      expect(upgrade.status, host).toBe(403)
      expect(upgrade.body).not.toContain(server.token)
      const polling = await rawRequest(server.port, '/relay/socket.io/?EIO=4&transport=polling', { Host: host, Origin: origin }, address)
      expect(polling.status, host).toBe(403)
    }
    // From loopback the same upgrade goes through (the 403 is the peer check's).
    const local = await rawRequest(server.port, '/relay/socket.io/?EIO=4&transport=websocket', { ...WS_UPGRADE, Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` })
    expect(local.status).toBe(101)
  })
})
