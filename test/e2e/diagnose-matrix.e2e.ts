import type { DiagnosisCode } from '#core'
/**
 * Every broken server, run the way a user runs it: the built inspector UI in real Chromium, connecting from
 * the page and through the relay (the option "through the relay"), must end in the same diagnosis (issue 11,
 * item 3), whose title never blames CORS when the server allows the page's origin. Then the one-click fixes of
 * the new diagnoses, followed by Connect, must reach the server.
 */
import type { Page } from 'playwright-core'
import type { BrokenServer } from '../fixtures/broken-servers'
import type { Stack } from './harness'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
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
import { startMalformedOpenServer } from '../fixtures/hostile-server'
import { describeE2E, startStack, useServer } from './harness'

type Via = 'page' | 'relay'
/** What a case ends in: a diagnosis code, or a connection (the relay has no CORS to fail on). */
type Outcome = DiagnosisCode | 'connects'

interface MatrixCase {
  name: string
  start: () => Promise<BrokenServer>
  /** The URL typed into the connect bar (default: the server's URL, namespace `/`). */
  url?: (s: BrokenServer) => string
  /** The outcome from the page and through the relay (both the same unless the server's CORS matters). */
  outcome: Outcome | Record<Via, Outcome>
  /** Whether the server's CORS allows the inspector's page (then no title may blame CORS). @default true */
  allowsOrigin?: boolean
  /** Text the diagnosis must show. */
  text?: string
  /** The refusal cuts the upgrade probe short: its `upgrade_error` row must say why. */
  abandonedUpgrade?: boolean
}

const CASES: MatrixCase[] = [
  { name: 'nothing listening', start: startNothingListening, outcome: 'unreachable' },
  // From the page: "unreachable", which it cannot refine; the relay's Node probe sees the closed connection.
  { name: 'a server that closes the connection mid-handshake', start: startClosingServer, outcome: 'handshake-closed' },
  { name: 'a plain web server', start: startPlainHttpServer, outcome: 'not-a-socketio-server' },
  { name: 'Socket.IO at /custom-io typed into the URL', start: startCustomPathServer, url: s => `${s.url}/custom-io`, outcome: 'no-socketio-at-path', text: '/custom-io' },
  { name: 'a server that never answers', start: startHangingServer, outcome: 'timeout' },
  { name: 'a socket.io 2.x server', start: startV2Server, outcome: 'server-v2' },
  { name: 'a server whose CORS allows another origin only', start: startCorsRestrictedServer, outcome: { page: 'cors-rejected', relay: 'connects' }, allowsOrigin: false },
  { name: 'a self-signed https server', start: startTlsServer, outcome: 'tls-error', text: 'certificate' },
  { name: 'a server that goes silent after the handshake', start: startSilentServer, outcome: 'ping-timeout' },
  { name: 'an unknown namespace', start: startV4Server, url: s => `${s.url}/nope`, outcome: 'invalid-namespace', text: '"/nope"' },
  // The WebSocket upgrade is held 500 ms, so the refusal always cuts the client's upgrade probe short (item 4).
  { name: 'a middleware rejection', start: () => startMiddlewareServer({ slowUpgradeMs: 500 }), outcome: 'middleware-rejected', text: MIDDLEWARE_ERROR.data.reason, abandonedUpgrade: true },
  { name: 'a malformed open packet', start: () => startMalformedOpenServer('cut-json'), outcome: 'malformed-handshake' },
  // Issue 11, item 1: the app's HTML (no CORS headers) at /socket.io/ must not read as CORS.
  { name: 'an Express app with Socket.IO at /my-rt', start: startAppPathServer, outcome: 'no-socketio-at-path', text: `Use the path ${APP_PATH}` },
  { name: 'an Express app with Socket.IO at /my-rt typed into the URL', start: startAppPathServer, url: s => `${s.url}${APP_PATH}`, outcome: 'no-socketio-at-path', text: `Use the path ${APP_PATH}` },
  // The same app with its page at "/" only (socket.io's chat example): Express's 404 page names no path.
  { name: 'an Express app with Socket.IO at /my-rt and its page at / only', start: () => startAppPathServer({ page: 'root' }), outcome: 'no-socketio-at-path', text: `Use the path ${APP_PATH}` },
  // Item 2: engine middleware (socket.io's passport-jwt example) answering 401.
  { name: 'an engine middleware answering 401', start: startEngineAuthServer, outcome: 'handshake-refused', text: '(HTTP 401): authentication' },
  { name: 'an engine middleware answering 403 with a JSON message', start: () => startEngineAuthServer({ status: 403, contentType: 'application/json', body: '{"message":"admins only"}' }), outcome: 'handshake-refused', text: 'admins only' },
  // Item 3: several nodes without sticky sessions.
  { name: 'two nodes without sticky sessions', start: startNonStickyCluster, outcome: 'sticky-sessions-missing', text: 'Use WebSocket only' },
]

async function openOptions(page: Page): Promise<void> {
  if (await page.getByTestId('connect-options-panel').count() === 0)
    await page.getByTestId('connect-options').click()
}

/** Fill the URL, tick "through the relay" or not, press Connect. */
async function connect(page: Page, url: string, via: Via): Promise<void> {
  await openOptions(page)
  await page.getByTestId('option-relay').setChecked(via === 'relay')
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-button').click()
}

/** The finished diagnosis of the active tab, with this code; its title and whole text. */
async function finishedDiagnosis(page: Page, code: DiagnosisCode, timeout = 45_000): Promise<{ title: string, text: string }> {
  const done = page.locator(`[data-testid=connect-diagnosis][data-status=done]`).first()
  try {
    await page.locator(`[data-testid=connect-diagnosis][data-code="${code}"][data-status=done]`).first().waitFor({ timeout })
  }
  catch (error) {
    const seen = await done.getAttribute('data-code', { timeout: 1000 }).catch(() => 'none')
    const text = await page.getByTestId('connect-diagnosis').first().textContent({ timeout: 1000 }).catch(() => '')
    const tabs = await page.locator('[data-testid=session-tab]').evaluateAll(els => els.map(e => e.getAttribute('data-state'))).catch(() => [])
    throw new Error(`expected the diagnosis "${code}", the page showed "${seen}" (tabs: ${JSON.stringify(tabs)}): ${text?.replace(/\s+/g, ' ').slice(0, 400)}`, { cause: error })
  }
  return {
    title: (await done.locator('.diag-title').textContent()) ?? '',
    text: (await done.textContent()) ?? '',
  }
}

async function waitForConnectedTab(page: Page, timeout = 20_000): Promise<void> {
  await page.locator('[data-testid=session-tab][data-state=connected]').first().waitFor({ timeout })
}

describeE2E('every broken server ends in the same diagnosis from the page and through the relay', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  for (const c of CASES) {
    for (const via of ['page', 'relay'] as const) {
      const outcome = typeof c.outcome === 'string' ? c.outcome : c.outcome[via]
      it(`${c.name}, ${via === 'page' ? 'from the page' : 'through the relay'}: ${outcome}`, async () => {
        const server = await useServer(c.start())
        const page = await stack.newPage()
        await connect(page, c.url ? c.url(server) : server.url, via)
        if (outcome === 'connects') {
          await waitForConnectedTab(page)
          expect(await page.getByTestId('connect-diagnosis').count()).toBe(0)
          return
        }
        const { title, text } = await finishedDiagnosis(page, outcome)
        if (c.allowsOrigin ?? true)
          expect(title).not.toMatch(/CORS|origin/i)
        if (c.text)
          expect(text).toContain(c.text)
        if (via === 'relay' || outcome !== 'unreachable')
          expect(text).not.toContain('Checking the server to say why')
        if (c.abandonedUpgrade) {
          // Item 4: the upgrade probe cut short by the refusal says so; no bare "probe error: socket closed".
          const rows = page.locator('[data-testid=log-row][data-kind=upgrade_error]')
          await rows.first().waitFor({ timeout: 15_000 })
          for (const row of await rows.allTextContents())
            expect(row).toContain('the WebSocket upgrade was abandoned because the connection was refused')
        }
      })
    }
  }
})

describeE2E('the one-click fixes of the new diagnoses reach the server', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  async function pressFix(page: Page, label: string): Promise<void> {
    await page.getByTestId('diagnosis-fix').filter({ hasText: label }).first().click()
    await page.getByTestId('connect-button').click()
  }

  for (const via of ['page', 'relay'] as const) {
    it(`"Use the path /my-rt", then Connect, reaches the app's Socket.IO (${via})`, async () => {
      const server = await useServer(startAppPathServer())
      const page = await stack.newPage()
      await connect(page, server.url, via)
      await finishedDiagnosis(page, 'no-socketio-at-path')
      await pressFix(page, `Use the path ${APP_PATH}`)
      await waitForConnectedTab(page)
      expect(server.connections).toBeGreaterThanOrEqual(1)
      await openOptions(page)
      expect(await page.getByTestId('option-path').inputValue()).toBe(APP_PATH)
    })

    it(`"Use WebSocket only", then Connect, gets past two nodes without sticky sessions (${via})`, async () => {
      const cluster = await useServer(startNonStickyCluster())
      const page = await stack.newPage()
      await connect(page, cluster.url, via)
      await finishedDiagnosis(page, 'sticky-sessions-missing')
      await pressFix(page, 'Use WebSocket only')
      await waitForConnectedTab(page)
      expect(cluster.connections[0]).toBeGreaterThanOrEqual(1)
    })
  }

  it('a 401 from engine middleware: "Connect through the relay" and an Authorization header get in', async () => {
    const server = await useServer(startEngineAuthServer())
    const page = await stack.newPage()
    await connect(page, server.url, 'page')
    await finishedDiagnosis(page, 'handshake-refused')
    await page.getByTestId('diagnosis-fix').filter({ hasText: 'Connect through the relay' }).first().click()
    await openOptions(page)
    expect(await page.getByTestId('option-relay').isChecked()).toBe(true)
    await page.getByTestId('option-headers').fill(JSON.stringify({ Authorization: `Bearer ${ENGINE_AUTH_TOKEN}` }))
    await page.getByTestId('connect-button').click()
    await waitForConnectedTab(page)
    expect(server.connections).toBeGreaterThanOrEqual(1)
  })
})
