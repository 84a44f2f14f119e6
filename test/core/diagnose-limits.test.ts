/**
 * The probes as a way to read other URLs (issue 12, item 2): they run in the relay, a Node process on the
 * user's machine, so they must only fetch handshake URLs they built, follow no redirect, and keep of an
 * answer that is not Socket.IO only a short, sanitised excerpt. Against real local HTTP services.
 */
import type { AddressInfo } from 'node:net'
import http from 'node:http'
import { bodyExcerpt, diagnoseConnection, handshakePathProblem } from '#core'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveDiagnoseInput } from '../../inspector-ui/server/relay'

/** What a loopback-only service would never hand to a page. */
const SECRET = 'LOOPBACK-ONLY-SECRET-7f3a'

interface Service { url: string, seen: string[], close: () => Promise<void> }
const services: Service[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map(s => s.close()))
})

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Service> {
  const seen: string[] = []
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '')
    handler(req, res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const service: Service = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
  services.push(service)
  return service
}

/** A service that answers its secret at `/` only (and 404 elsewhere), like an admin page on loopback. */
function secretAtRoot(): Promise<Service> {
  return serve((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (path === '/' || path === '/secret')
      res.end(`${SECRET} ${'x'.repeat(300)}`)
    else
      res.writeHead(404).end('Not found')
  })
}

describe('handshakePathProblem', () => {
  it.each([
    ['/x#', /must not contain "#"/],
    ['/#', /must not contain "#"/],
    ['/x?a=1', /must not contain "\?"/],
    ['/a/../b', /"\." or "\.\." segments/],
    ['/a/%2E%2e/b', /"\." or "\.\." segments/],
    ['..', /"\." or "\.\." segments/],
    ['http://evil.example/', /not a URL/],
    ['javascript:alert(1)', /not a URL/],
    ['//evil.example/socket.io', /must not contain "\/\/"/],
    ['/a\\b', /must not contain "\\"/],
    ['/a\u0000b', /control characters/],
    ['/a\nb', /control characters/],
    [`/${'a'.repeat(300)}`, /longer than 256/],
  ])('refuses %j with a message that says why', (path, why) => {
    const problem = handshakePathProblem(path)
    expect(problem).toMatch(/^the handshake path ".*/)
    expect(problem).toMatch(why)
  })

  it.each([undefined, '', '/socket.io', '/socket.io/', 'io/', '/api/socket.io', '/a.b/c..d', '/@x', '/ws:1'])('accepts %j', (path) => {
    expect(handshakePathProblem(path)).toBeUndefined()
  })
})

describe('bodyExcerpt', () => {
  it('keeps 80 printable characters at most', () => {
    const excerpt = bodyExcerpt(`<html>\n\t<title>\u001B[31mHi\u0000\u202E</title>${'y'.repeat(200)}`)
    expect(excerpt.startsWith('<html> <title> [31mHi </title>yyy')).toBe(true)
    expect(Array.from(excerpt.replace(/…$/, ''))).toHaveLength(80)
    // eslint-disable-next-line no-control-regex -- what must not remain
    expect(excerpt).not.toMatch(/[\u0000-\u001F\u007F\u202E]/)
  })
})

describe('diagnoseConnection only fetches handshake URLs it built', () => {
  it.each(['/#', '/x?', '/socket.io/../..', 'http://127.0.0.1:1/secret#'])('refuses the path %j without any request', async (path) => {
    const service = await secretAtRoot()
    const d = await diagnoseConnection({ url: `${service.url}/`, path, timeoutMs: 1000 })
    expect(d.title).toBe('The handshake path is not valid')
    expect(d.detail).toContain('the handshake path')
    expect(d.probe).toEqual([])
    expect(service.seen).toEqual([])
    expect(JSON.stringify(d)).not.toContain(SECRET)
  })

  it('does not turn a "%23" in the URL\'s path (a namespace) into a "#" of a probe URL', async () => {
    const service = await secretAtRoot()
    const d = await diagnoseConnection({ url: `${service.url}/%23`, timeoutMs: 1000 })
    expect(d.code).toBe('not-a-socketio-server')
    expect(service.seen.length).toBeGreaterThan(0)
    expect(service.seen.every(url => url.includes('EIO='))).toBe(true)
    expect(JSON.stringify(d)).not.toContain(SECRET)
  })

  it('follows no redirect to a URL it did not build', async () => {
    const target = await secretAtRoot()
    const redirecting = await serve((_req, res) => {
      res.writeHead(302, { Location: `${target.url}/secret` }).end('Found')
    })
    const d = await diagnoseConnection({ url: `${redirecting.url}/`, timeoutMs: 1000 })
    expect(target.seen).toEqual([])
    expect(d.code).toBe('not-a-socketio-server')
    expect(d.probe[0]).toMatchObject({ purpose: 'handshake', outcome: 'answered', status: 302 })
    expect(JSON.stringify(d)).not.toContain(SECRET)
  })
})

describe('what a diagnosis keeps of answers that are not Socket.IO', () => {
  it('keeps a short excerpt without control characters, never the rest of the body', async () => {
    const service = await serve((_req, res) => {
      res.setHeader('Content-Type', 'text/plain')
      res.end(`service v1\u0000\u001B[2J\r\n${'z'.repeat(100)}${SECRET}`)
    })
    const d = await diagnoseConnection({ url: `${service.url}/`, timeoutMs: 1000 })
    expect(d.code).toBe('not-a-socketio-server')
    expect(d.probe.length).toBeGreaterThan(1)
    for (const p of d.probe) {
      expect(Array.from(p.bodyStart ?? '').length).toBeLessThanOrEqual(81)
      // eslint-disable-next-line no-control-regex -- what must not remain
      expect(p.bodyStart ?? '').not.toMatch(/[\u0000-\u001F\u007F]/)
    }
    expect(d.probe[0].bodyStart).toMatch(/^service v1 \[2J zzz/)
    expect(JSON.stringify(d)).not.toContain(SECRET)
  })

  it('bounds the message of an answer shaped like an Engine.IO error', async () => {
    const service = await serve((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 3, message: `${'m'.repeat(150)}${SECRET}` }))
    })
    const d = await diagnoseConnection({ url: `${service.url}/`, timeoutMs: 1000 })
    expect(d.detail).toContain('mmmm')
    expect(JSON.stringify(d)).not.toContain(SECRET)
  })
})

describe('the relay\'s diagnose command', () => {
  it.each(['/x#', '/x?a', '/../admin', 'http://127.0.0.1:6379/'])('refuses the path %j with a message', (path) => {
    expect(() => resolveDiagnoseInput({ url: 'http://127.0.0.1:3000/', path })).toThrow(/^diagnose: the handshake path .* must/)
  })

  it('accepts a plain handshake path', () => {
    expect(resolveDiagnoseInput({ url: 'http://127.0.0.1:3000/', path: '/custom-io' }).path).toBe('/custom-io')
  })
})
