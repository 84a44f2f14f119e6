/**
 * The inspector server's AsyncAPI endpoints (issue 17, inspector-ui/server/asyncapi.ts): `POST
 * /api/asyncapi/parse` parses a posted document with @asyncapi/parser, `GET /api/asyncapi/fetch?url=` fetches a
 * server's own `/asyncapi.json` (else `/asyncapi.yaml`) from this process. Both want the per-start token, from
 * our own page, on this machine. Real servers on 127.0.0.1:0: the inspector (stand-in dist), the demo server (it
 * serves its document), a plain socket.io server (none), and small HTTP servers for YAML, redirects, silence.
 */
import type { AddressInfo } from 'node:net'
import type { StartedDemoServer } from '../../demo-server/src/start'
import type { InspectorServer } from '../../inspector-ui/server/index'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Server } from 'socket.io'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../../demo-server/src/start'
import { ASYNCAPI_MAX_BYTES, fetchAsyncApiDocument } from '../../inspector-ui/server/asyncapi'
import { startInspectorServer } from '../../inspector-ui/server/index'

const YAML_DOC = `asyncapi: 2.6.0
info:
  title: YAML only
  version: 1.0.0
channels:
  /:
    subscribe:
      message:
        name: hello
        payload:
          type: array
          items:
            - type: string
`

/** An HTTP server on 127.0.0.1:0 with this handler; `close` ends it and its connections. */
async function httpServer(handler: http.RequestListener): Promise<{ url: string, server: http.Server, close: () => Promise<void> }> {
  const server = http.createServer(handler)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** A raw request (fetch cannot set Host or send from another address). */
function rawRequest(port: number, path: string, options: { method?: string, headers?: Record<string, string>, body?: string, host?: string } = {}): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: options.host ?? '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false })
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

let dist: string
let inspector: InspectorServer
let demo: StartedDemoServer
let bare: { url: string, close: () => Promise<void> }
let plainIo: Server
let yamlOnly: { url: string, close: () => Promise<void> }
let redirects: { url: string, close: () => Promise<void> }

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'sio-inspector-dist-'))
  writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
  inspector = await startInspectorServer({ port: 0, distDir: dist })
  demo = await startDemoServer({ port: 0, host: '127.0.0.1', bcryptRounds: 4, log: () => {} })
  // A Socket.IO server that documents nothing: every other path is a 404.
  bare = await httpServer((_req, res) => {
    res.writeHead(404).end('not found')
  })
  plainIo = new Server((bare as unknown as { server: http.Server }).server)
  yamlOnly = await httpServer((req, res) => {
    if (req.url === '/asyncapi.yaml')
      return void res.writeHead(200, { 'Content-Type': 'application/yaml' }).end(YAML_DOC)
    res.writeHead(404).end()
  })
  // /r<n>/asyncapi.json redirects n times before the document (the demo's, served here as is).
  redirects = await httpServer(async (req, res) => {
    const match = /^\/r(\d+)\/asyncapi\.json$/.exec(req.url ?? '')
    if (match && Number(match[1]) > 0)
      return void res.writeHead(302, { Location: `/r${Number(match[1]) - 1}/asyncapi.json` }).end()
    if (req.url === '/r0/asyncapi.json')
      return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(await (await fetch(`${demo.url}/asyncapi.json`)).text())
    if (req.url === '/asyncapi.json')
      return void res.writeHead(301, { Location: 'file:///etc/passwd' }).end()
    res.writeHead(404).end()
  })
})
afterAll(async () => {
  await inspector?.close()
  await demo?.close()
  await new Promise<void>(resolve => plainIo ? plainIo.close(() => resolve()) : resolve())
  await bare?.close()
  await yamlOnly?.close()
  await redirects?.close()
  rmSync(dist, { recursive: true, force: true })
})

function pageConfig(html: string): { asyncapi?: { parseUrl: string, fetchUrl: string, token: string } } {
  const meta = /<meta name="sio-inspector-config" content="([^"]*)">/.exec(html)
  return JSON.parse(meta![1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
}

/** The endpoints as the page would call them: URLs from its config, resolved against its own URL. */
async function endpoints(): Promise<{ parse: string, fetch: string, token: string }> {
  const page = `${inspector.url}/`
  const { asyncapi } = pageConfig(await (await fetch(page)).text())
  expect(asyncapi).toBeDefined()
  return { parse: new URL(asyncapi!.parseUrl, page).href, fetch: new URL(asyncapi!.fetchUrl, page).href, token: asyncapi!.token }
}

async function post(body: string, token: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number, json: any }> {
  const { parse } = await endpoints()
  const res = await fetch(parse, { method: 'POST', body, headers: { 'Content-Type': 'text/plain', ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...headers } })
  return { status: res.status, json: await res.json() }
}

async function lookup(url: string, token: string): Promise<{ status: number, json: any }> {
  const res = await fetch(`${(await endpoints()).fetch}?url=${encodeURIComponent(url)}`, { headers: { Authorization: `Bearer ${token}` } })
  return { status: res.status, json: await res.json() }
}

describe('the page config', () => {
  it('tells the page where the AsyncAPI endpoints are, with the per-start token', async () => {
    const { parse, fetch: fetchUrl, token } = await endpoints()
    expect(token).toBe(inspector.token)
    expect(parse).toBe(`${inspector.url}/api/asyncapi/parse`)
    expect(fetchUrl).toBe(`${inspector.url}/api/asyncapi/fetch`)
  })
})

describe('the parse endpoint, POST /api/asyncapi/parse', () => {
  it('parses a valid document (the demo\'s, JSON) into the parse result', async () => {
    const text = await (await fetch(`${demo.url}/asyncapi.json`)).text()
    const { status, json } = await post(text, inspector.token)
    expect(status).toBe(200)
    expect(json.ok).toBe(true)
    expect(json.document.asyncapi).toBe('3.0.0')
    expect(json.document.channels.namespace1.address).toBe('/namespace1')
  })

  it('parses YAML too', async () => {
    const { status, json } = await post(YAML_DOC, inspector.token)
    expect(status).toBe(200)
    expect(json.ok).toBe(true)
    expect(json.document.info.title).toBe('YAML only')
  })

  it('answers an invalid document with ok: false and the parser\'s diagnostics', async () => {
    const { status, json } = await post(JSON.stringify({ asyncapi: '3.0.0', info: { title: 'no version' }, channels: { c: { address: 7 } } }), inspector.token)
    expect(status).toBe(200)
    expect(json.ok).toBe(false)
    expect(json.diagnostics.length).toBeGreaterThan(0)
    expect(JSON.stringify(json.diagnostics)).toMatch(/version|address/)
  })

  it('refuses a request without the token, with a wrong one, or from another origin (403, no token in the answer)', async () => {
    for (const [token, headers] of [[undefined, {}], ['wrong', {}], [`${inspector.token}x`, {}], [inspector.token, { Origin: 'http://evil.example' }]] as const) {
      const { status, json } = await post(YAML_DOC, token, headers)
      expect(status, String(token)).toBe(403)
      expect(JSON.stringify(json)).not.toContain(inspector.token)
      expect(json.error).toMatch(/token|origin/)
    }
    // Our own page's origin (same origin as the endpoint), with the token, goes through: the refusals above are the checks'.
    expect((await post(YAML_DOC, inspector.token, { Origin: new URL((await endpoints()).parse).origin })).status).toBe(200)
    // A page of ours under another of our names is another origin: it calls its own origin's endpoint instead.
    expect((await post(YAML_DOC, inspector.token, { Origin: `http://127.0.0.1:${inspector.port}` })).status).toBe(403)
  })

  it('refuses a document over the size cap with 413, declared or streamed', async () => {
    const big = 'x'.repeat(ASYNCAPI_MAX_BYTES + 1)
    const { status, json } = await post(big, inspector.token)
    expect(status).toBe(413)
    expect(json.error).toMatch(/too large/)
    // Without a Content-Length (chunked), the cap holds while reading.
    const { parse } = await endpoints()
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(parse, { method: 'POST', headers: { 'Authorization': `Bearer ${inspector.token}`, 'Transfer-Encoding': 'chunked' }, agent: false }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      const chunk = 'y'.repeat(1024 * 1024)
      for (let i = 0; i < 6; i++) req.write(chunk)
      req.end()
    })
    expect(chunked).toBe(413)
    // The server carries on.
    expect((await post(YAML_DOC, inspector.token)).status).toBe(200)
  })
})

describe('the fetch endpoint, GET /api/asyncapi/fetch', () => {
  it('fetches and parses a running demo server\'s /asyncapi.json (a Socket.IO URL is fine)', async () => {
    const { status, json } = await lookup(`${demo.url.replace('http:', 'ws:')}/socket.io/?EIO=4`, inspector.token)
    expect(status).toBe(200)
    expect(json).toMatchObject({ found: true, url: `${demo.url}/asyncapi.json`, ok: true })
    expect(Object.values(json.document.channels).map((c: any) => c.address).sort()).toEqual(['/', '/namespace1', '/namespace2'])
  })

  it('answers found: false for a server without a document, having tried both paths', async () => {
    const { status, json } = await lookup(bare.url, inspector.token)
    expect(status).toBe(200)
    expect(json.found).toBe(false)
    expect(json.reason).toContain(`${bare.url}/asyncapi.json: HTTP 404`)
    expect(json.reason).toContain(`${bare.url}/asyncapi.yaml: HTTP 404`)
  })

  it('falls back to /asyncapi.yaml', async () => {
    const { json } = await lookup(yamlOnly.url, inspector.token)
    expect(json).toMatchObject({ found: true, url: `${yamlOnly.url}/asyncapi.yaml`, ok: true })
    expect(json.document.info.title).toBe('YAML only')
  })

  it('follows no redirect to anything but http(s)', async () => {
    const { status, json } = await lookup(redirects.url, inspector.token)
    expect(status).toBe(200)
    expect(json).toEqual({ found: false, reason: `${redirects.url}/asyncapi.json: redirect to a file: URL refused` })
  })

  it('refuses non-http(s) URLs and a missing url with 400, and a wrong token with 403', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/', 'not a url']) {
      const { status, json } = await lookup(url, inspector.token)
      expect(status, url).toBe(400)
      expect(json.error).toMatch(/scheme|not a URL/)
    }
    const res = await fetch((await endpoints()).fetch, { headers: { Authorization: `Bearer ${inspector.token}` } })
    expect(res.status).toBe(400)
    expect((await lookup(demo.url, 'wrong')).status).toBe(403)
    // Without any token at all: 403 too, and nothing was fetched on the caller's behalf.
    expect((await fetch(`${(await endpoints()).fetch}?url=${encodeURIComponent(demo.url)}`)).status).toBe(403)
  })
})

describe('fetchAsyncApiDocument', () => {
  // Only an origin is taken, so the chain starts at a server whose /asyncapi.json redirects into /r<n-1>/...
  it('follows 2 redirects to the document, and gives up after a third', async () => {
    const chain = async (n: number): Promise<{ found: boolean, reason?: string }> => {
      const entry = await httpServer((req, res) => {
        if (req.url === '/asyncapi.json')
          return void res.writeHead(302, { Location: `${redirects.url}/r${n - 1}/asyncapi.json` }).end()
        res.writeHead(404).end()
      })
      try {
        return await fetchAsyncApiDocument(entry.url)
      }
      finally {
        await entry.close()
      }
    }
    expect((await chain(2)).found).toBe(true)
    const three = await chain(3)
    expect(three.found).toBe(false)
    expect(three.reason).toMatch(/more than 2 redirects/)
  })

  it('gives up on a server that does not answer, with the reason', async () => {
    const silent = await httpServer(() => {})
    try {
      const result = await fetchAsyncApiDocument(silent.url, { timeoutMs: 200 })
      expect(result).toEqual({ found: false, reason: `${silent.url}/asyncapi.json: no answer within 200 ms` })
    }
    finally {
      await silent.close()
    }
  })

  it('refuses a document over the size cap, declared or not', async () => {
    const big = await httpServer((req, res) => {
      if (req.url === '/asyncapi.json')
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('x'.repeat(2000))
      res.writeHead(200, { 'Content-Type': 'application/yaml', 'Transfer-Encoding': 'chunked' }).end('y'.repeat(2000))
    })
    try {
      expect(await fetchAsyncApiDocument(big.url, { maxBytes: 1000 })).toEqual({ found: false, reason: `${big.url}/asyncapi.json: larger than 1000 bytes` })
    }
    finally {
      await big.close()
    }
  })

  it('does not take an HTML catch-all page for a document', async () => {
    const spa = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><p>app</p>')
    })
    try {
      const result = await fetchAsyncApiDocument(spa.url)
      expect(result.found).toBe(false)
    }
    finally {
      await spa.close()
    }
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

describe.skipIf(nonLoopbackAddress() === undefined)('the endpoints seen from another machine (HOST=0.0.0.0)', () => {
  const address = nonLoopbackAddress()!
  let open: InspectorServer

  beforeAll(async () => {
    open = await startInspectorServer({ port: 0, host: '0.0.0.0', distDir: dist, allowedHosts: [address] })
  })
  afterAll(() => open?.close())

  it('refuses them with 403 even with the right token, and leaves the endpoints out of the page config', async () => {
    const headers = { Host: `${address}:${open.port}`, Authorization: `Bearer ${open.token}` }
    const parse = await rawRequest(open.port, '/api/asyncapi/parse', { method: 'POST', headers, body: YAML_DOC, host: address })
    expect(parse.status).toBe(403)
    expect(parse.body).toMatch(/other machines/)
    const fetched = await rawRequest(open.port, `/api/asyncapi/fetch?url=${encodeURIComponent(demo.url)}`, { headers, host: address })
    expect(fetched.status).toBe(403)
    const page = await rawRequest(open.port, '/', { headers: { Host: `${address}:${open.port}` }, host: address })
    expect(pageConfig(page.body).asyncapi).toBeUndefined()
    // From this machine the same request goes through: the 403 is the peer check's.
    const local = await rawRequest(open.port, '/api/asyncapi/parse', { method: 'POST', headers: { Host: `localhost:${open.port}`, Authorization: `Bearer ${open.token}` }, body: YAML_DOC })
    expect(local.status).toBe(200)
  })
})
