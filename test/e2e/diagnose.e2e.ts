import type { DiagnoseInput, Diagnosis, DiagnosisCode } from '#core'
/**
 * `diagnoseConnection` running in a real Chromium page (own origin, CORS and certificate rules apply) against
 * every broken server. The page is a bare one served here with the diagnose module bundled by Vite, so this
 * checks the browser side of the diagnostics independently of the inspector UI (hostile.e2e.ts checks the UI).
 */
import type { Browser, Page } from 'playwright-core'
import type { BrokenServer } from '../fixtures/broken-servers'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  APP_PATH,
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
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { describeE2E, launchBrowser, useServer } from './harness'

declare global {
  interface Window {
    SioDiagnose: { diagnoseConnection: (input: DiagnoseInput) => Promise<Diagnosis> }
  }
}

/** The diagnose module as one classic script exposing `window.SioDiagnose`. */
async function bundleDiagnose(): Promise<string> {
  const entry = fileURLToPath(new URL('../../src/core/diagnose/index.ts', import.meta.url))
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry, formats: ['iife'], name: 'SioDiagnose', fileName: 'diagnose' } },
  })
  const result = Array.isArray(out) ? out[0] : out
  if (!('output' in result))
    throw new Error('vite build returned a watcher')
  return result.output[0].code
}

describeE2E('diagnoseConnection in a browser page', () => {
  let browser: Browser
  let page: Page
  let pageServer: ReturnType<typeof createServer>
  let pageSockets: ReturnType<typeof trackSockets>
  beforeAll(async () => {
    const script = await bundleDiagnose()
    pageServer = createServer((req, res) => {
      if (req.url === '/diagnose.js')
        return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>diagnose</title><script src="/diagnose.js"></script>')
    })
    pageSockets = trackSockets(pageServer)
    const port = await listen(pageServer)
    browser = await launchBrowser()
    page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${port}/`)
    await page.waitForFunction(() => typeof window.SioDiagnose?.diagnoseConnection === 'function')
  })
  afterAll(async () => {
    await browser?.close()
    if (pageServer)
      await closeServer(pageServer, pageSockets)
  })

  function diagnose(input: Omit<DiagnoseInput, 'pageOrigin'>): Promise<Diagnosis> {
    return page.evaluate(i => window.SioDiagnose.diagnoseConnection({ ...i, pageOrigin: location.origin }), { timeoutMs: 1500, ...input })
  }

  const cases: Array<{ name: string, start: () => Promise<BrokenServer>, url?: (s: BrokenServer) => string, code: DiagnosisCode, check?: (d: Diagnosis) => void }> = [
    { name: 'nothing listening', start: startNothingListening, code: 'unreachable' },
    {
      name: 'a server that closes the connection mid-handshake (a page cannot tell it from nothing listening)',
      start: startClosingServer,
      code: 'unreachable',
      check: d => expect(d.detail).toContain('closes the connection'),
    },
    { name: 'a plain web server', start: startPlainHttpServer, code: 'not-a-socketio-server', check: d => expect(d.detail).toContain('404') },
    {
      name: 'Socket.IO at /custom-io typed into the URL',
      start: startCustomPathServer,
      url: s => `${s.url}/custom-io`,
      code: 'no-socketio-at-path',
      check: d => expect(d.suggestedPath).toBe('/custom-io'),
    },
    { name: 'a server that never answers', start: startHangingServer, code: 'timeout' },
    { name: 'a socket.io 2.x server', start: startV2Server, code: 'server-v2', check: d => expect(d.suggestedSettings).toEqual({ client: 'v2' }) },
    {
      name: 'a server whose CORS allows another origin only',
      start: startCorsRestrictedServer,
      code: 'cors-rejected',
      check: (d) => {
        expect(d.probe.map(p => p.outcome)).toEqual(['network-error', 'opaque', 'answered'])
        expect(d.suggestedSettings).toEqual({ transports: ['websocket'] })
      },
    },
    {
      name: 'a self-signed https server (the page can only suggest the certificate)',
      start: startTlsServer,
      code: 'unreachable',
      check: d => expect(d.suggestion).toContain('certificate'),
    },
    { name: 'a server that goes silent after the handshake', start: startSilentServer, code: 'ping-timeout' },
    {
      name: 'an unknown namespace',
      start: startV4Server,
      url: s => `${s.url}/nope`,
      code: 'invalid-namespace',
      check: d => expect(d.detail).toContain('"/nope"'),
    },
    {
      name: 'a middleware rejection with data',
      start: startMiddlewareServer,
      code: 'middleware-rejected',
      check: d => expect(d.detail).toContain(MIDDLEWARE_ERROR.data.reason),
    },
    {
      // The app's HTML at /socket.io/ has no CORS headers; /my-rt (in the URL) answers readably: not CORS.
      name: 'an Express app with Socket.IO at /my-rt typed into the URL',
      start: startAppPathServer,
      url: s => `${s.url}${APP_PATH}`,
      code: 'no-socketio-at-path',
      check: (d) => {
        expect(d.suggestedSettings).toEqual({ path: APP_PATH })
        expect(d.title).not.toMatch(/CORS/)
      },
    },
    {
      // Nothing readable anywhere from the page: it says so (pageBlind) and the UI asks the relay.
      name: 'an Express app with Socket.IO at a path the page cannot see',
      start: startAppPathServer,
      code: 'cors-rejected',
      check: (d) => {
        expect(d.pageBlind).toBe(true)
        expect(d.detail).toContain('something other than Socket.IO')
        expect(d.suggestedSettings).toEqual({ relay: true })
      },
    },
    {
      name: 'an engine middleware answering 401',
      start: startEngineAuthServer,
      code: 'handshake-refused',
      check: (d) => {
        expect(d.title).toContain('(HTTP 401): authentication')
        expect(d.detail).toContain('"Unauthorized"')
        expect(d.pageBlind).toBeUndefined()
      },
    },
    {
      name: 'two nodes without sticky sessions',
      start: startNonStickyCluster,
      code: 'sticky-sessions-missing',
      check: d => expect(d.suggestedSettings).toEqual({ transports: ['websocket'] }),
    },
  ]
  for (const c of cases) {
    it(`says "${c.code}" for ${c.name}`, async () => {
      const server = await useServer(c.start())
      const d = await diagnose({ url: c.url ? c.url(server) : server.url })
      expect(d.code).toBe(c.code)
      c.check?.(d)
    })
  }
})
