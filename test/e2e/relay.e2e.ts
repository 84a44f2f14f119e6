/**
 * Connect to any Socket.IO server (issue 8), through the UI and its `data-testid` contract, in real Chromium:
 * a socket.io 2.x server with the v2 client, and servers a browser page cannot reach by itself (CORS that
 * allows another origin, a required `Authorization` header and cookie, a self-signed certificate) reached
 * through the inspector's relay; the relay refusing strangers; and the diagnosis's one-click fixes.
 */
import type { Page } from 'playwright-core'
import type { DemoServerV2 } from '../../demo-server/v2/start-v2'
import type { BrokenServer } from '../fixtures/broken-servers'
import type { Stack } from './harness'
import { createServer } from 'node:http'
import { RELAY_PATH } from '#core'
import { Server } from 'socket.io'
import { io as ioClient } from 'socket.io-client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { ALLOWED_ORIGIN, startCorsRestrictedServer, startCustomPathServer, startTlsServer } from '../fixtures/broken-servers'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, rows, selectTab, send, startStack, useServer } from './harness'

const TIMEOUT = 15_000

interface ConnectSettings {
  client?: 'v4' | 'v2'
  relay?: boolean
  headers?: string
  cookies?: string
  origin?: string
  insecure?: boolean
}

async function openOptions(page: Page): Promise<void> {
  if (await page.getByTestId('connect-options-panel').count() === 0)
    await page.getByTestId('connect-options').click()
  await page.getByTestId('connect-options-panel').waitFor()
}

/** Fill the form of the active tab (a new tab when tabs exist) and press Connect. */
async function startConnect(page: Page, url: string, settings: ConnectSettings = {}): Promise<void> {
  if (await page.getByTestId('session-tab').count() > 0)
    await page.getByTestId('new-session').click()
  await page.getByTestId('connect-url').fill(url)
  await openOptions(page)
  await page.getByTestId('option-client').selectOption(settings.client ?? 'v4')
  await page.getByTestId('option-relay').setChecked(settings.relay ?? false)
  await page.getByTestId('option-headers').fill(settings.headers ?? '')
  if (settings.relay) {
    await page.getByTestId('option-cookies').fill(settings.cookies ?? '')
    await page.getByTestId('option-origin').fill(settings.origin ?? '')
    await page.getByTestId('option-tls-insecure').setChecked(settings.insecure ?? false)
  }
  await page.getByTestId('connect-button').click()
}

async function connectTab(page: Page, url: string, settings: ConnectSettings = {}): Promise<string> {
  await startConnect(page, url, settings)
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
  await expect.poll(() => page.getByTestId('socket-id').textContent()).toMatch(/\S{10,}/)
  return (await page.getByTestId('socket-id').textContent())!.trim()
}

/** Stop the tab's reconnection loop, if it has one (a middleware refusal already ended it). */
async function stopTab(page: Page): Promise<void> {
  const button = page.getByTestId('disconnect-button')
  if (await button.isEnabled())
    await button.click()
}

async function waitForDiagnosis(page: Page, text: string | RegExp, timeout = 30_000): Promise<string> {
  const el = page.getByTestId('connect-diagnosis').filter({ hasText: text })
  await el.first().waitFor({ timeout })
  return (await el.first().textContent()) ?? ''
}

/** A socket.io 4 server that wants `Authorization: Bearer t0k3n` and the cookie `sid=abc` (no CORS for pages). */
async function startCredentialServer(): Promise<BrokenServer & { seen: () => number }> {
  const server = createServer()
  const sockets = trackSockets(server)
  const io = new Server(server)
  let connections = 0
  io.use((socket, next) => {
    const { authorization, cookie } = socket.handshake.headers
    if (authorization === 'Bearer t0k3n' && /(?:^|;\s*)sid=abc(?:;|$)/.test(cookie ?? ''))
      return next()
    next(Object.assign(new Error('credentials required'), { data: { authorization: authorization ?? null, cookie: cookie ?? null } }))
  })
  io.on('connection', (socket) => {
    connections++
    socket.emit('hello', { authorized: true })
  })
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen: () => connections,
    close: async () => {
      io.close()
      await closeServer(server, sockets)
    },
  }
}

describeE2E('connect anywhere: v2 servers and the relay', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('drives the tutorial\'s events on a socket.io 2.x server with the v2 client', async () => {
    const demo: DemoServerV2 = await useServer(startDemoServerV2({ port: 0, host: '127.0.0.1' }))
    const page = await stack.newPage()
    const firstId = await connectTab(page, `${demo.url}/`, { client: 'v2' })
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'in', 'welcome').first().textContent()).toContain(firstId)

    // Chat from a second tab reaches the first, not the sender.
    await connectTab(page, `${demo.url}/`, { client: 'v2' })
    await send(page, 'chat', '["hello from v2 tab 2"]')
    await rows(page, 'out', 'chat').first().waitFor({ timeout: TIMEOUT })
    await selectTab(page, 0)
    await rows(page, 'in', 'chat').filter({ hasText: 'hello from v2 tab 2' }).first().waitFor({ timeout: TIMEOUT })
    await selectTab(page, 1)
    await page.waitForTimeout(300)
    expect(await rows(page, 'in', 'chat').count()).toBe(0)

    // Emit with an ack.
    await send(page, 'echo', '["ping", {n: 1}]', { ack: true })
    const ack = rows(page, 'ack', 'echo').first()
    await ack.waitFor({ timeout: TIMEOUT })
    expect(await ack.textContent()).toContain('"ping"')

    // The server's quiz, answered through the pending ack box.
    await send(page, 'quiz:start', '')
    await page.getByTestId('ack-answer').waitFor({ timeout: TIMEOUT })
    await page.getByTestId('ack-answer').fill('[42]')
    await page.getByTestId('ack-send').click()
    const result = rows(page, 'in', 'quiz:result').first()
    await result.waitFor({ timeout: TIMEOUT })
    expect(await result.textContent()).toContain('correct: true')

    // Frames: EIO3 frames, decoded.
    await page.getByTestId('frames-tab').click()
    const frame = page.getByTestId('frame-row').filter({ hasText: 'quiz:result' }).first()
    await frame.waitFor({ timeout: TIMEOUT })
    await frame.click()
    await expect.poll(() => page.getByTestId('frame-raw').textContent()).toContain('quiz:result')
    await page.getByTestId('events-tab').click()

    // A kick, with its reason.
    const id = (await page.getByTestId('socket-id').textContent())!.trim()
    await send(page, 'kick', '')
    await activeTab(page).and(page.locator('[data-state="disconnected"]')).waitFor({ timeout: TIMEOUT })
    const row = page.getByTestId('id-history-row').first()
    await expect.poll(() => row.textContent()).toContain('io server disconnect')
    expect(await row.textContent()).toContain(id)
  })

  it('reaches a v4 server that only allows another origin through the relay', async () => {
    const server = await useServer(startCorsRestrictedServer())
    server.io.on('connection', socket => socket.emit('hello', 'through the relay'))
    const page = await stack.newPage()
    await connectTab(page, `${server.url}/`, { relay: true, origin: ALLOWED_ORIGIN })
    await rows(page, 'in', 'hello').filter({ hasText: 'through the relay' }).first().waitFor({ timeout: TIMEOUT })
    // The whole page works as for a direct session: an emit goes out, frames are there.
    await page.getByTestId('frames-tab').click()
    await page.getByTestId('frame-row').first().waitFor({ timeout: TIMEOUT })
  })

  it('sends an Authorization header and a cookie through the relay, and is refused without them', async () => {
    const server = await useServer(startCredentialServer())
    const page = await stack.newPage()
    // Without the cookie: the server's middleware refuses, and the diagnosis shows its message and data.
    await startConnect(page, `${server.url}/`, { relay: true, headers: '{"Authorization": "Bearer t0k3n"}' })
    const text = await waitForDiagnosis(page, 'credentials required')
    expect(text).toContain('Bearer t0k3n')
    expect(server.seen()).toBe(0)
    await stopTab(page)

    await connectTab(page, `${server.url}/`, { relay: true, headers: '{"Authorization": "Bearer t0k3n"}', cookies: 'sid=abc; theme=dark' })
    await rows(page, 'in', 'hello').first().waitFor({ timeout: TIMEOUT })
    expect(server.seen()).toBe(1)
  })

  it('connects to a self-signed https server with "accept self-signed certificates"', async () => {
    const server = await useServer(startTlsServer())
    server.io.on('connection', socket => socket.emit('hello', 'over tls'))
    const page = await stack.newPage()
    // Through the relay but without accepting the certificate: the relay's probe says why.
    await startConnect(page, `${server.url}/`, { relay: true })
    const text = await waitForDiagnosis(page, /certificate/i, 45_000)
    expect(text).toMatch(/self[- ]signed/i)
    await stopTab(page)

    await connectTab(page, `${server.url}/`, { relay: true, insecure: true })
    await rows(page, 'in', 'hello').filter({ hasText: 'over tls' }).first().waitFor({ timeout: TIMEOUT })
  })

  it('the relay refuses a connection without its token and one from another origin', async () => {
    const origin = stack.inspectorUrl
    const attempt = (auth: Record<string, string>, headerOrigin: string): Promise<string> => new Promise((resolve) => {
      const socket = ioClient(stack.inspectorUrl, { path: RELAY_PATH, transports: ['websocket'], auth, extraHeaders: { Origin: headerOrigin }, reconnection: false, forceNew: true })
      socket.on('connect', () => {
        socket.disconnect()
        resolve('connected')
      })
      socket.on('connect_error', (err) => {
        socket.disconnect()
        resolve(`refused: ${err.message}`)
      })
    })
    expect(await attempt({ token: stack.inspector.token }, origin)).toBe('connected')
    expect(await attempt({}, origin)).toMatch(/refused: relay: missing or wrong token/)
    expect(await attempt({ token: 'x'.repeat(stack.inspector.token.length) }, origin)).toMatch(/refused/)
    expect(await attempt({ token: stack.inspector.token }, 'http://evil.example')).toMatch(/^refused/)
  })
})

describeE2E('one-click fixes from the diagnosis', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  async function fixAndReconnect(page: Page, label: string | RegExp): Promise<void> {
    await page.getByTestId('diagnosis-fix').filter({ hasText: label }).click()
    await stopTab(page)
    await page.getByTestId('connect-button').click()
  }

  it('offers the switch to the v2 client for a socket.io 2.x server, and it works', async () => {
    const demo = await useServer(startDemoServerV2({ port: 0, host: '127.0.0.1' }))
    const page = await stack.newPage()
    await startConnect(page, `${demo.url}/`)
    await waitForDiagnosis(page, 'v2')
    await fixAndReconnect(page, 'Switch to the v2 client')
    await openOptions(page)
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('option-client').inputValue()).toBe('v2')
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })
  })

  it('suggests the handshake path and moves it out of the URL', async () => {
    const server = await useServer(startCustomPathServer())
    const page = await stack.newPage()
    await startConnect(page, `${server.url}/custom-io`)
    await waitForDiagnosis(page, '/custom-io')
    await fixAndReconnect(page, 'Use the path /custom-io')
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('connect-url').inputValue()).toBe(`${server.url}/`)
    await openOptions(page)
    expect(await page.getByTestId('option-path').inputValue()).toBe('/custom-io')
  })

  it('for a CORS rejection offers WebSocket only and the relay; each connects', async () => {
    const server = await useServer(startCorsRestrictedServer())
    const page = await stack.newPage()
    await startConnect(page, `${server.url}/`)
    await waitForDiagnosis(page, 'WebSocket')
    expect(await page.getByTestId('diagnosis-fix').filter({ hasText: 'Connect through the relay' }).count()).toBe(1)
    await fixAndReconnect(page, 'Use WebSocket only')
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })

    const second = await stack.newPage()
    await startConnect(second, `${server.url}/`)
    await waitForDiagnosis(second, 'WebSocket')
    await fixAndReconnect(second, 'Connect through the relay')
    await activeTab(second).and(second.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
    await openOptions(second)
    expect(await second.getByTestId('option-relay').isChecked()).toBe(true)
  })
})
