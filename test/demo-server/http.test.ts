/**
 * The HTTP side: the tutorial page, the browser client, the security headers and the origin checks.
 */
import http from 'node:http'
import { io } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { isLocalhostOrigin, isRequestOriginAllowed } from '../../demo-server/src/http'
import { TestBed, waitFor } from './helpers'

let bed: TestBed
afterEach(() => bed.cleanup())

async function start(options: Parameters<TestBed['start']>[0] = {}): Promise<string> {
  bed = new TestBed()
  return (await bed.start(options)).url
}

describe('the demo page', () => {
  it('is served at / with the browser client the tutorial\'s way and no inline script', async () => {
    const url = await start({ inspectorUrl: 'http://localhost:5999/' })
    const response = await fetch(`${url}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toContain('script-src \'self\'')
    expect(csp).not.toContain('unsafe-inline')
    const html = await response.text()
    expect(html).toContain('<script src="/socket.io/socket.io.js"')
    expect(html).toContain('<script src="/app.js"')
    // Every <script> tag has a src: no inline script.
    expect(html.match(/<script[^>]*>/g)!.every(tag => tag.includes(' src='))).toBe(true)
    expect(html).toContain('href="http://localhost:5999/"')
  })

  it('serves its script, which writes peers\' text with textContent only', async () => {
    const url = await start()
    const js = await (await fetch(`${url}/app.js`)).text()
    expect(js).toContain('textContent')
    expect(js).not.toContain('innerHTML')
    const client = await fetch(`${url}/socket.io/socket.io.js`)
    expect(client.status).toBe(200)
    expect(await client.text()).toContain('Socket.IO v4')
  })

  it('redirects /index.html to / instead of serving the raw template', async () => {
    const url = await start()
    const response = await fetch(`${url}/index.html`, { redirect: 'manual' })
    expect(response.status).toBe(301)
    expect(response.headers.get('location')).toBe('/')
  })

  it('never turns a javascript: inspector URL into a link', async () => {
    const url = await start({ inspectorUrl: 'javascript:alert(1)' })
    const html = await (await fetch(`${url}/`)).text()
    expect(html).not.toContain('javascript:')
    expect(html).toContain('href="http://localhost:5173"')
  })

  it('escapes the inspector URL into the attribute', async () => {
    const url = await start({ inspectorUrl: 'http://localhost:5173/?a="><script>x</script>' })
    const html = await (await fetch(`${url}/`)).text()
    expect(html).not.toContain('"><script>x')
  })
})

describe('origins', () => {
  it('allows polling CORS from any localhost origin by default and refuses others', async () => {
    const url = await start()
    const ok = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'http://localhost:5173' } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    const ipv6 = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'http://[::1]:8080' } })
    expect(ipv6.status).toBe(200)
    const evil = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'http://evil.example' } })
    expect(evil.status).toBe(403)
  })

  it('checks the WebSocket origin against the same list', async () => {
    const url = await start({ corsOrigins: ['https://inspector.example'] })
    const allowed = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Origin: 'https://inspector.example' } })
    const refused = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Origin: 'http://localhost:5173' } })
    try {
      const [, err] = await Promise.all([waitFor(allowed, 'welcome'), waitFor<Error>(refused, 'connect_error')])
      expect(err.message).toBe('websocket error')
    }
    finally {
      allowed.disconnect()
      refused.disconnect()
    }
  })

  it('lets clients without an Origin header (Node, curl) connect', async () => {
    const url = await start({ corsOrigins: ['https://inspector.example'] })
    const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`)
    expect(response.status).toBe(200)
  })
})

/** A raw request with the headers given (fetch cannot set Host); upgrades resolve with their status line. */
function rawRequest(url: string, path: string, headers: Record<string, string>): Promise<{ status: number, body: string }> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: false })
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

/** Resolves 'connected' or the connect_error's message. */
function connectOutcome(url: string, options: Parameters<typeof io>[1]): Promise<string> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 3000, ...options })
  return new Promise<string>((resolve) => {
    socket.on('connect', () => resolve('connected'))
    socket.on('connect_error', err => resolve(err.message))
  }).finally(() => socket.close())
}

describe('host names (DNS rebinding)', () => {
  const secrets = { adminToken: 'the-admin-token-of-this-test', adminPassword: 'the-admin-ui-password-of-this-test' }

  it('answers 421 to the page, the client file and the handshake under a foreign Host', async () => {
    const url = await start(secrets)
    const { port } = new URL(url)
    // A rebound page: its Origin matches the Host it sends.
    const rebound = { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` }
    for (const path of ['/', '/app.js', '/socket.io/socket.io.js', '/socket.io/?EIO=4&transport=polling', '/admin']) {
      const res = await rawRequest(url, path, rebound)
      expect(res.status, path).toBe(421)
      expect(res.body).not.toContain(secrets.adminToken)
      expect(res.body).not.toContain(secrets.adminPassword)
      expect(res.body).not.toContain('"sid"')
    }
    const upgrade = await rawRequest(url, '/socket.io/?EIO=4&transport=websocket', {
      ...rebound,
      'Connection': 'Upgrade',
      'Upgrade': 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    })
    expect(upgrade.status).toBe(421)
    // The same requests under our own name are answered: the 421s above are the Host check's.
    expect((await rawRequest(url, '/socket.io/?EIO=4&transport=polling', { Host: `localhost:${port}`, Origin: `http://localhost:${port}` })).body).toContain('"sid"')
  })

  it('keeps a rebound page out of admin-ui on /admin even with the right password', async () => {
    const url = await start(secrets)
    const { port } = new URL(url)
    const auth = { username: 'admin', password: secrets.adminPassword }
    const rebound = await connectOutcome(`${url}/admin`, { auth, extraHeaders: { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` } })
    expect(rebound).not.toBe('connected')
    expect(await connectOutcome(`${url}/admin`, { auth, extraHeaders: { Host: `localhost:${port}`, Origin: `http://localhost:${port}` } })).toBe('connected')
  })

  it('answers the names given in allowedHosts, and same-origin pages under them', async () => {
    const url = await start({ allowedHosts: ['devbox.lan', '.example.com'], corsOrigins: ['https://inspector.example'] })
    const { port } = new URL(url)
    for (const host of ['devbox.lan', 'class.example.com']) {
      const res = await rawRequest(url, '/socket.io/?EIO=4&transport=polling', { Host: `${host}:${port}`, Origin: `http://${host}:${port}` })
      expect(res.status, host).toBe(200)
      expect(res.body).toContain('"sid"')
    }
    expect((await rawRequest(url, '/', { Host: `devbox.lan.evil.example:${port}` })).status).toBe(421)
  })

  it('does not take "Origin matches Host" for a same-origin page when the Host is not ours', () => {
    const hostAllowed = (host: string | undefined): boolean => host === 'localhost:3000'
    const req = (host: string, origin?: string) => ({ headers: { host, ...(origin ? { origin } : {}) } })
    expect(isRequestOriginAllowed(req('evil.example:3000', 'http://evil.example:3000'), isLocalhostOrigin, hostAllowed)).toBe(false)
    expect(isRequestOriginAllowed(req('evil.example:3000'), isLocalhostOrigin, hostAllowed)).toBe(false)
    expect(isRequestOriginAllowed(req('localhost:3000', 'http://localhost:3000'), () => false, hostAllowed)).toBe(true)
    expect(isRequestOriginAllowed(req('localhost:3000'), () => false, hostAllowed)).toBe(true)
  })
})
