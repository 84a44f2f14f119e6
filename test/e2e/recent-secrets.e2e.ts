/**
 * Issue 12 item 9: Recent lives in the inspector origin's localStorage, in clear. A connection made with an
 * `auth` token and an `Authorization` header leaves neither there, unless "remember secrets" is ticked for
 * it; the options say what Recent keeps, and loading a stripped entry says what to fill in again.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, startStack, UI_TIMEOUT } from './harness'

const TOKEN = 'auth-t0ken-4f9a'
const BEARER = 'Bearer b3arer-77c1'

/** A socket.io 4 server (CORS for any page) that records the auth token and header each socket came with. */
async function startRecordingServer(): Promise<{ url: string, seen: Array<{ token: unknown, authorization: unknown }>, close: () => Promise<void> }> {
  const server = createServer()
  const sockets = trackSockets(server)
  const io = new Server(server, { cors: { origin: true, credentials: true }, transports: ['polling'] })
  const seen: Array<{ token: unknown, authorization: unknown }> = []
  const record = (socket: { handshake: { auth: unknown, headers: Record<string, unknown> } }): void => {
    seen.push({ token: (socket.handshake.auth as { token?: unknown }).token, authorization: socket.handshake.headers.authorization })
  }
  io.on('connection', record)
  // Any other namespace too (`/kept`): each test remembers its own URL.
  io.of(/^\/.+$/).on('connection', record)
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      io.close()
      await closeServer(server, sockets)
    },
  }
}

async function recentInPage(page: Page): Promise<string> {
  return page.evaluate(() => localStorage.getItem('sio-inspector-v1-recent') ?? '')
}

/** Connect the active form with the token and the header (polling only: a browser sends headers there). */
async function connectWithSecrets(page: Page, url: string, remember: boolean): Promise<void> {
  if (await page.getByTestId('session-tab').count() > 0)
    await page.getByTestId('new-session').click()
  await page.getByTestId('connect-url').fill(url)
  if (await page.getByTestId('connect-options-panel').count() === 0)
    await page.getByTestId('connect-options').click()
  await page.getByTestId('option-transports').selectOption('polling')
  await page.getByTestId('option-auth').fill(`{ token: "${TOKEN}" }`)
  await page.getByTestId('option-headers').fill(`{ Authorization: "${BEARER}", "X-Trace": "on" }`)
  await page.getByTestId('option-remember-secrets').setChecked(remember)
  await page.getByTestId('connect-button').click()
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
}

describeE2E('Recent keeps no secrets unless asked', () => {
  let stack: Stack
  let server: Awaited<ReturnType<typeof startRecordingServer>>
  beforeAll(async () => {
    stack = await startStack()
    server = await startRecordingServer()
  })
  afterAll(async () => {
    await stack?.close()
    await server?.close()
  })

  it('connects with an auth token and an Authorization header and keeps neither in localStorage', async () => {
    const page = await stack.newPage()
    await connectWithSecrets(page, `${server.url}/`, false)
    // It did connect with both.
    await expect.poll(() => server.seen.length, { timeout: UI_TIMEOUT }).toBe(1)
    expect(server.seen[0]).toEqual({ token: TOKEN, authorization: BEARER })
    await expect(page.getByTestId('recent-policy').textContent()).resolves.toMatch(/Recent keeps URLs and options; secrets only when 'remember secrets' is on/)

    const stored = await recentInPage(page)
    expect(stored).toContain(`${server.url}/`)
    expect(stored).toContain('X-Trace')
    expect(stored).not.toContain(TOKEN)
    expect(stored).not.toContain('b3arer')
    expect(stored).not.toContain('Authorization":"')

    // After a reload, loading it from Recent says what to fill in again.
    await page.reload()
    await page.locator('select.recent').selectOption(`${server.url}/`)
    await expect(page.getByTestId('recent-secrets-omitted').textContent()).resolves.toMatch(/auth, header Authorization/)
    await expect(page.getByTestId('connect-url').inputValue()).resolves.toBe(`${server.url}/`)
  })

  it('keeps them when "remember secrets" is ticked for that connection', async () => {
    const page = await stack.newPage()
    await connectWithSecrets(page, `${server.url}/kept`, true)
    const stored = JSON.parse(await recentInPage(page)) as Array<{ url: string, rememberSecrets?: boolean, auth?: unknown, extraHeaders?: Record<string, string> }>
    const kept = stored.find(e => e.url === `${server.url}/kept`)
    expect(kept).toMatchObject({ rememberSecrets: true, auth: { token: TOKEN }, extraHeaders: { Authorization: BEARER } })

    await page.reload()
    await page.locator('select.recent').selectOption(`${server.url}/kept`)
    await page.getByTestId('connect-options').click()
    await expect(page.getByTestId('option-remember-secrets').isChecked()).resolves.toBe(true)
    await expect(page.getByTestId('option-auth').inputValue()).resolves.toContain(TOKEN)
    expect(await page.getByTestId('recent-secrets-omitted').count()).toBe(0)
  })
})
