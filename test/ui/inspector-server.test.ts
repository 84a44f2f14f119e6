/**
 * The inspector's own server sends the headers a devtool page should have (issue 7, "Headers"): a CSP
 * without inline script or eval (Monaco's worker from our origin), nosniff, no framing, no referrer. It
 * serves a stand-in dist (the real one is checked in Chromium by test/e2e/csp.e2e.ts).
 */
import type { InspectorServer } from '../../inspector-ui/server/index'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startInspectorServer } from '../../inspector-ui/server/index'

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
