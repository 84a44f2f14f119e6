import type { DiagnosisCode } from '#core'
/**
 * The inspector UI (built, served by its own server, in real Chromium) against a hostile server and against
 * broken servers: nothing executes, everything shows as text, the page stays responsive, and each broken
 * server ends in its own diagnosis in `[data-testid=connect-diagnosis]`.
 */
import type { Page } from 'playwright-core'
import type { BrokenServer } from '../fixtures/broken-servers'
import type { HostileKind, HostileServer, MalformedOpenServer } from '../fixtures/hostile-server'
import type { Stack } from './harness'
import { DIAGNOSES } from '#core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  MIDDLEWARE_ERROR,
  startClosingServer,
  startCorsRestrictedServer,
  startCustomPathServer,
  startHangingServer,
  startMiddlewareServer,
  startNothingListening,
  startPlainHttpServer,
  startRestartingServer,
  startSilentServer,
  startTlsServer,
  startV2Server,
  startV4Server,
} from '../fixtures/broken-servers'
import { FLOOD_COUNT, HOSTILE_KINDS, startHostileServer, startMalformedOpenServer, XSS_PAYLOADS } from '../fixtures/hostile-server'
import { describeE2E, startStack, useServer } from './harness'

/**
 * TODO: flip to true once the connect view shows `diagnoseConnection()`'s title/detail/suggestion in
 * `[data-testid=connect-diagnosis]` (today LifecyclePanel shows the raw connect_error message and data only,
 * and nothing for a ping timeout). Until then the cases that need the diagnosis text are skipped.
 */
const DIAGNOSIS_WIRED = true
/**
 * TODO: a page's failed `fetch` says nothing about why, so "closed mid-handshake" looks like "nothing listening"
 * from the browser. Flip once the diagnosis runs where Node's error causes are visible (the relay, or an
 * endpoint of the inspector's server calling `diagnoseConnection`).
 */
const NODE_PROBE_WIRED = true

/** Fill the URL field of the active tab and press Connect. */
async function connect(page: Page, url: string): Promise<void> {
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-button').click()
}

async function waitForTabState(page: Page, state: string, timeout = 15_000): Promise<void> {
  try {
    await page.locator(`[data-testid=session-tab][data-state=${state}]`).first().waitFor({ timeout })
  }
  catch (error) {
    // Say what the page showed instead: a timeout alone does not tell a missed close from a stuck page.
    const seen = await page.evaluate(() => ({
      tabs: [...document.querySelectorAll('[data-testid=session-tab]')].map(t => t.getAttribute('data-state')),
      rows: [...document.querySelectorAll('[data-testid=log-row]')].slice(-8).map(r => r.textContent?.replace(/\s+/g, ' ').slice(0, 120)),
      hidden: document.hidden,
    }), undefined).catch((e: unknown) => ({ unavailable: String(e) }))
    throw new Error(`tab never reached "${state}" in ${timeout} ms; the page showed ${JSON.stringify(seen)}`, { cause: error })
  }
}

/** Wait for the diagnosis element to contain `text` (the diagnosis may refine while probes run). */
async function waitForDiagnosis(page: Page, text: string | RegExp, timeout = 30_000): Promise<string> {
  const el = page.getByTestId('connect-diagnosis').filter({ hasText: text })
  await el.first().waitFor({ timeout })
  return (await el.first().textContent()) ?? ''
}

/** A page round trip, bounded: the page's main thread must answer within `ms` (a liveness check). */
async function roundTrip(page: Page, ms = 10_000): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false)
  })
  try {
    return await Promise.race([page.evaluate(() => true), timeout])
  }
  finally {
    clearTimeout(timer)
  }
}

function pwned(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as { __pwned?: unknown }).__pwned)
}

describeE2E('the inspector against a hostile server', () => {
  let stack: Stack
  let hostile: HostileServer
  beforeAll(async () => {
    stack = await startStack()
    hostile = await startHostileServer()
  })
  afterAll(async () => {
    await hostile?.close()
    await stack?.close()
  })

  it('shows every payload as text, runs none of them and stays responsive', async () => {
    const page = await stack.newPage()
    await connect(page, hostile.url)
    await waitForTabState(page, 'connected')

    // Script-shaped names, values and keys.
    for (const kind of ['xss-event-names', 'xss-values', 'xss-keys'] as HostileKind[])
      expect(await hostile.send(kind)).toBe(1)
    const xssRow = page.getByTestId('log-row').filter({ hasText: '<img src=x onerror=window.__pwned=1>' }).first()
    await xssRow.waitFor({ timeout: 15_000 })
    expect((await xssRow.textContent())).toContain('<img')
    const keysRow = page.locator('[data-testid=log-row][data-event=xss-keys]').first()
    await keysRow.waitFor({ timeout: 15_000 })
    expect((await keysRow.textContent())).toContain('<img')
    // No payload became markup: no element the payloads would create, body still displayed.
    expect(await page.locator('.log-row img, .log-row script, .log-row svg').count()).toBe(0)
    expect(await page.evaluate(() => getComputedStyle(document.body).display)).not.toBe('none')
    expect(await pwned(page)).toBeUndefined()

    // 5 MB string and binary: rows appear, the page still answers.
    await hostile.send('big-string')
    await hostile.send('big-binary')
    await page.locator('[data-testid=log-row][data-event=big-binary]').first().waitFor({ timeout: 30_000 })
    await page.locator('[data-testid=log-row][data-event=big-string]').first().waitFor({ timeout: 30_000 })
    expect(await roundTrip(page)).toBe(true)

    // Everything else, one kind at a time (the log is a virtual list: only rows on screen exist), the flood last.
    const lastEventOf: Partial<Record<HostileKind, string>> = { 'many-names': 'name-199' }
    for (const kind of HOSTILE_KINDS.filter(k => !k.startsWith('xss') && !k.startsWith('big-') && k !== 'flood').concat('big-array')) {
      await hostile.send(kind)
      await page.locator(`[data-testid=log-row][data-event=${lastEventOf[kind] ?? kind}]`).first().waitFor({ timeout: 30_000 })
    }
    expect(await roundTrip(page)).toBe(true)
    await hostile.send('flood')
    // The newest row (autoscroll) is the last flood event.
    await page.locator('[data-testid=log-row][data-event=flood]').filter({ hasText: String(FLOOD_COUNT - 1) }).first().waitFor({ timeout: 60_000 })
    expect(await roundTrip(page)).toBe(true)

    expect(await pwned(page)).toBeUndefined()
    expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined()
    expect(await page.getByTestId('session-tab').first().getAttribute('data-state')).toBe('connected')
    expect(stack.pageErrors.filter(e => e.startsWith('pageerror'))).toEqual([])
  })

  it('shows a script-shaped event name as the literal name', async () => {
    const page = await stack.newPage()
    await connect(page, hostile.url)
    await waitForTabState(page, 'connected')
    await hostile.send('xss-event-names')
    for (const payload of XSS_PAYLOADS.slice(0, 2)) {
      const row = page.getByTestId('log-row').filter({ hasText: payload }).first()
      await row.waitFor({ timeout: 15_000 })
      expect(await row.getAttribute('data-event')).toBe(payload)
    }
    expect(await pwned(page)).toBeUndefined()
  })
})

describeE2E('the inspector against broken servers', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('shows a middleware rejection with its message and data', async () => {
    const server = await useServer(startMiddlewareServer())
    const page = await stack.newPage()
    await connect(page, server.url)
    const text = await waitForDiagnosis(page, MIDDLEWARE_ERROR.message)
    expect(text).toContain(MIDDLEWARE_ERROR.data.reason)
  })

  it('says the namespace is unknown', async () => {
    const server = await useServer(startV4Server())
    const page = await stack.newPage()
    await connect(page, `${server.url}/nope`)
    await waitForDiagnosis(page, 'Invalid namespace')
  })

  it('brings the session back after the server restarts on the same port, keeping earlier entries', async () => {
    // A short heartbeat: should a close ever go unseen by the browser, the client still notices within 5 s
    // (a ping timeout) instead of the default 45 s; either way the tab must show "reconnecting", then come back.
    const server = await useServer(startRestartingServer({ pingInterval: 2000, pingTimeout: 3000 }))
    const page = await stack.newPage()
    await connect(page, server.url)
    await waitForTabState(page, 'connected')
    const hello = page.locator('[data-testid=log-row][data-event=hello]')
    await hello.first().waitFor({ timeout: 15_000 })
    await server.stop()
    await waitForTabState(page, 'reconnecting')
    await server.start()
    await waitForTabState(page, 'connected', 30_000)
    await hello.nth(1).waitFor({ timeout: 15_000 })
    expect(await hello.count()).toBe(2)
    expect(await page.locator('[data-testid=log-row][data-event=hello]').first().textContent()).toContain('generation')
  })

  // Each case: the fixture, the URL to type, the diagnosis code the browser-side probe ends in, extra text.
  // Each case: the fixture, the URL to type, the diagnosis the probe ends in (several where it depends on
  // whether the probe runs in the page or in Node), and text the diagnosis must contain.
  const cases: Array<{ name: string, start: () => Promise<BrokenServer>, url?: (s: BrokenServer) => string, codes: DiagnosisCode[], text?: string, nodeOnly?: boolean }> = [
    { name: 'nothing listening', start: startNothingListening, codes: ['unreachable'] },
    { name: 'a plain web server without Socket.IO', start: startPlainHttpServer, codes: ['not-a-socketio-server'] },
    { name: 'Socket.IO at /custom-io typed into the URL', start: startCustomPathServer, url: s => `${s.url}/custom-io`, codes: ['no-socketio-at-path'], text: '/custom-io' },
    { name: 'a server that never answers', start: startHangingServer, codes: ['timeout'] },
    { name: 'a socket.io 2.x server', start: startV2Server, codes: ['server-v2'], text: 'v2' },
    { name: 'a server whose CORS refuses this page', start: startCorsRestrictedServer, codes: ['cors-rejected'], text: 'WebSocket' },
    // A page cannot tell a bad certificate from a refused connection: it says "unreachable" and names the certificate.
    { name: 'a self-signed https server', start: startTlsServer, codes: ['tls-error', 'unreachable'], text: 'certificate' },
    { name: 'a server that answers the handshake then goes silent', start: startSilentServer, codes: ['ping-timeout'] },
    { name: 'a server that closes the connection mid-handshake', start: startClosingServer, codes: ['handshake-closed'], nodeOnly: true },
  ]
  for (const c of cases) {
    const run = DIAGNOSIS_WIRED && (!c.nodeOnly || NODE_PROBE_WIRED) ? it : it.skip
    run(`ends in its own diagnosis (${c.codes.join(' or ')}) for ${c.name}`, async () => {
      const server = await useServer(c.start())
      const page = await stack.newPage()
      await connect(page, c.url ? c.url(server) : server.url)
      const titles = new RegExp(c.codes.map(code => DIAGNOSES[code].title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))
      const text = await waitForDiagnosis(page, titles, 45_000)
      if (c.text)
        expect(text).toContain(c.text)
    })
  }
})

describeE2E('the inspector against a malformed Engine.IO handshake', () => {
  let stack: Stack
  let hostile: HostileServer
  let bad: MalformedOpenServer
  beforeAll(async () => {
    stack = await startStack()
    hostile = await startHostileServer()
    // `0{"sid":"x",` over WebSocket and polling alike: engine.io-client's JSON.parse throws on it.
    bad = await startMalformedOpenServer('cut-json')
  })
  afterAll(async () => {
    await bad?.close()
    await hostile?.close()
    await stack?.close()
  })

  for (const via of ['page', 'relay'] as const) {
    it(`ends the tab with the malformed-handshake diagnosis ${via === 'relay' ? 'through the relay' : 'from the page'}, without a page error, while another tab keeps working`, async () => {
      const page = await stack.newPage()
      const errorsBefore = stack.pageErrors.length
      // Another tab, connected to a good server.
      await connect(page, hostile.url)
      await waitForTabState(page, 'connected')

      await page.getByTestId('new-session').click()
      if (await page.getByTestId('connect-options-panel').count() === 0)
        await page.getByTestId('connect-options').click()
      await page.getByTestId('option-relay').setChecked(via === 'relay')
      await connect(page, bad.url)
      const diagnosis = page.locator('[data-testid=connect-diagnosis][data-code=malformed-handshake][data-status=done]')
      await diagnosis.waitFor({ timeout: 30_000 })
      const text = (await diagnosis.textContent()) ?? ''
      expect(text).toContain(`${DIAGNOSES['malformed-handshake'].title}: the open packet is not valid JSON`)
      // The packet's first characters, as text.
      expect(text).toContain(bad.packet)
      await waitForTabState(page, 'disconnected')
      expect(await page.getByTestId('diagnosis-probing').count()).toBe(0)

      // The other tab still receives.
      await page.getByTestId('session-tab').first().click()
      expect(await hostile.send('zero-args')).toBeGreaterThan(0)
      await page.locator('[data-testid=log-row][data-event=zero-args]').first().waitFor({ timeout: 15_000 })
      expect(await roundTrip(page)).toBe(true)
      expect(stack.pageErrors.slice(errorsBefore).filter(e => e.startsWith('pageerror'))).toEqual([])
    })
  }
})
