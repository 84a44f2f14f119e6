/**
 * Issue 12 item 7: the benchmark probe (`?bench=<json>`, inspector-ui/src/bench/) must not ship. A link with
 * `?bench=` to the shipped inspector must not make it connect, emit, post a report or import a capture by
 * itself (README: a link never connects by itself). Only the bench build (`vite build --mode bench` into
 * inspector-ui/dist-bench, made by `npm run bench` itself: bench/build-ui.ts) carries the probe, and there
 * it still works.
 */
import type { AddressInfo } from 'node:net'
import type { Stack } from './harness'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildBenchUi } from '../../bench/build-ui'
import { startInspectorServer } from '../../inspector-ui/server/index'
import { ROOT } from '../../scripts/build-if-stale'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { describeE2E, startStack, UI_TIMEOUT } from './harness'

/** String literals found only in the probe's sources (checked below, so a rename cannot make the test vacuous). */
const PROBE_MARKERS = ['no scroller in the event log', 'churnStarted', 'serverview']

function builtScripts(distDir: string): Array<{ file: string, text: string }> {
  const assets = join(distDir, 'assets')
  return readdirSync(assets).filter(f => f.endsWith('.js')).map(file => ({ file, text: readFileSync(join(assets, file), 'utf8') }))
}

/** A real socket.io 4 server that counts everything that reaches it (HTTP requests, upgrades, sockets). */
async function startCountingServer(): Promise<{ url: string, seen: () => { requests: number, connections: number }, close: () => Promise<void> }> {
  const server = createServer()
  const sockets = trackSockets(server)
  let requests = 0
  let connections = 0
  server.prependListener('request', () => {
    requests++
  })
  server.prependListener('upgrade', () => {
    requests++
  })
  const io = new Server(server, { cors: { origin: true } })
  io.on('connection', () => {
    connections++
  })
  io.of(/.*/).on('connection', () => {})
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    seen: () => ({ requests, connections }),
    close: async () => {
      io.close()
      await closeServer(server, sockets)
    },
  }
}

/** An HTTP server standing in for the bench's report / capture / cue addresses: counts every request. */
async function startCollector(): Promise<{ url: string, hits: () => number, close: () => Promise<void> }> {
  let hits = 0
  const server = createServer((_req, res) => {
    hits++
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.writeHead(204).end()
  })
  const sockets = trackSockets(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => closeServer(server, sockets),
  }
}

describeE2E('the benchmark probe is not in the shipped inspector', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(() => stack?.close())

  it('the probe sources carry the marker strings this test looks for', () => {
    const sources = ['probe.ts', 'probe-biglog.ts', 'server-probe.ts', 'start.ts'].map(f => readFileSync(join(ROOT, 'inspector-ui', 'src', 'bench', f), 'utf8')).join('\n')
    for (const marker of PROBE_MARKERS)
      expect(sources).toContain(marker)
  })

  it('the production build (inspector-ui/dist) contains no probe code', () => {
    const scripts = builtScripts(join(ROOT, 'inspector-ui', 'dist'))
    expect(scripts.length).toBeGreaterThan(0)
    expect(scripts.map(s => s.file).filter(f => /probe|measure/.test(f))).toEqual([])
    for (const { file, text } of scripts) {
      for (const marker of PROBE_MARKERS)
        expect(text.includes(marker), `${file} contains "${marker}"`).toBe(false)
      expect(/\.get\(["'`]bench["'`]\)/.test(text), `${file} reads the "bench" parameter`).toBe(false)
    }
  })

  it('a ?bench= link makes the inspector connect, post, fetch or import nothing by itself', async () => {
    const target = await startCountingServer()
    const collector = await startCollector()
    try {
      const configs = [
        { mode: 'ingest', report: `${collector.url}/report/a`, url: `${target.url}/`, rate: 100, count: 10 },
        { mode: 'biglog', report: `${collector.url}/report/b`, capture: `${collector.url}/capture.json`, nameFilter: 'x', textFilter: 'y', jumpFrames: 1, wheelFrames: 1, wheelPx: 1 },
        { mode: 'serverview', firstReport: `${collector.url}/report/c`, churnStarted: `${collector.url}/hold/c`, report: `${collector.url}/report/d`, admin: { url: target.url, username: 'admin', password: 'x' }, sockets: 1, finalSockets: 1 },
      ]
      for (const config of configs) {
        const page = await stack.newPage('/')
        const foreign: string[] = []
        const inspectorOrigin = new URL(stack.inspectorUrl).origin
        page.on('request', (request) => {
          if (new URL(request.url()).origin !== inspectorOrigin)
            foreign.push(request.url())
        })
        page.on('websocket', (socket) => {
          if (new URL(socket.url()).host !== new URL(stack.inspectorUrl).host)
            foreign.push(socket.url())
        })
        await page.goto(`${stack.inspectorUrl}/?bench=${encodeURIComponent(JSON.stringify(config))}`)
        await page.getByTestId('connect-button').waitFor({ timeout: UI_TIMEOUT })
        await page.waitForLoadState('networkidle')
        // The probe used to start at once after mount (a dynamic import, then a session or a fetch): give
        // it well over the time it needed, then check that nothing reached anything.
        await page.waitForTimeout(1500)
        expect(foreign, `${config.mode}: requests to other origins`).toEqual([])
        expect(target.seen(), `${config.mode}: the socket.io server`).toEqual({ requests: 0, connections: 0 })
        expect(collector.hits(), `${config.mode}: the report / capture server`).toBe(0)
        expect(await page.getByTestId('session-tab').count(), `${config.mode}: tabs`).toBe(0)
        await page.context().close()
      }
      // The counters do see a connection: the same page connects when the user presses Connect.
      const page = await stack.newPage('/')
      await page.getByTestId('connect-url').fill(`${target.url}/`)
      await page.getByTestId('connect-button').click()
      await expect.poll(() => target.seen().connections, { timeout: UI_TIMEOUT }).toBe(1)
      await page.context().close()
    }
    finally {
      await collector.close()
      await target.close()
    }
  })
})

describeE2E('the bench build (npm run bench) still runs its probe', () => {
  let outDir: string
  let stack: Stack
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'sio-bench-dist-'))
    await buildBenchUi({ outDir, log: () => {} })
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
    rmSync(outDir, { recursive: true, force: true })
  })

  it('is built into its own folder with the probe, and ?bench= runs an ingest scenario there', async () => {
    expect(existsSync(join(outDir, 'index.html'))).toBe(true)
    const all = builtScripts(outDir).map(s => s.text).join('\n')
    for (const marker of PROBE_MARKERS)
      expect(all).toContain(marker)

    const benchInspector = await startInspectorServer({ port: 0, distDir: outDir, config: { demoUrl: `http://127.0.0.1:${stack.demo.port}` } })
    let resolveReport: (body: string) => void = () => {}
    const reported = new Promise<string>((resolve) => {
      resolveReport = resolve
    })
    const collector = createServer((req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*')
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => {
        body += chunk
      })
      req.on('end', () => {
        res.writeHead(204).end()
        if (req.method === 'POST')
          resolveReport(body)
      })
    })
    const sockets = trackSockets(collector)
    const port = await listen(collector)
    try {
      const config = { mode: 'ingest', report: `http://127.0.0.1:${port}/report`, url: `http://127.0.0.1:${stack.demo.port}/`, rate: 200, count: 200 }
      const page = await stack.browser.newPage()
      await page.goto(`http://127.0.0.1:${benchInspector.port}/?bench=${encodeURIComponent(JSON.stringify(config))}`)
      const report = JSON.parse(await reported) as { ok: boolean, received?: number, error?: string }
      expect(report.error).toBeUndefined()
      expect(report.ok).toBe(true)
      expect(report.received).toBe(200)
      await page.close()
    }
    finally {
      await closeServer(collector, sockets)
      await benchInspector.close()
    }
  })
})
