/**
 * The HTTP side: the tutorial page, the browser client, the security headers and the origin checks.
 */
import { io } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
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
