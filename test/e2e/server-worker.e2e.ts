/**
 * The server view's admin socket runs in a Worker in the built page (issue 20 item 6), in real Chromium:
 * the page's main thread never sends the admin namespace's CONNECT, the tree still shows, a reconnect or
 * a disconnect leaves no admin socket behind on the server, and where `Worker` is missing the same host
 * runs in the page (the inline fallback) with the same tree.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeE2E, startStack, UI_TIMEOUT } from './harness'

/**
 * Records, in the page's main thread only, what WebSockets send: a Worker has its own `WebSocket`, which
 * this doesn't patch. socket.io's CONNECT to the admin namespace is the text frame `40/admin,…`.
 */
function recordMainThreadSends(): void {
  const sent: string[] = []
  ;(window as unknown as { __mainSends: string[] }).__mainSends = sent
  const send = WebSocket.prototype.send
  WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
    if (typeof data === 'string')
      sent.push(data)
    return send.call(this, data)
  }
}

async function mainThreadAdminConnects(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __mainSends: string[] }).__mainSends.filter(s => s.startsWith('40/admin')).length)
}

/** A page (fresh context) with the recorder, and optionally without `Worker`, at the inspector. */
async function openPage(stack: Stack, options: { noWorker?: boolean } = {}): Promise<Page> {
  const page = await stack.newPage()
  await page.context().addInitScript(recordMainThreadSends)
  if (options.noWorker) {
    await page.context().addInitScript(() => {
      delete (window as { Worker?: unknown }).Worker
    })
  }
  await page.reload()
  // The page is configured with the demo server's credentials: the Server tab connects on first show.
  await page.getByTestId('server-tab').click()
  return page
}

describeE2E('server view in a Worker', () => {
  let stack: Stack

  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  const adminSockets = (): number => stack.demo.io.of('/admin').sockets.size

  it('runs the admin socket in a Worker: no admin CONNECT from the main thread, the tree shows', async () => {
    const page = await openPage(stack)
    await page.getByTestId('tree-server').first().waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => page.getByTestId('server-panel').getAttribute('data-transport')).toBe('worker')
    expect(page.workers().some(w => /admin-worker/.test(w.url()))).toBe(true)
    await page.locator('[data-testid="tree-namespace"][data-name="/namespace1"]').waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => adminSockets()).toBe(1)
    expect(await mainThreadAdminConnects(page)).toBe(0)

    // A reconnect replaces the admin socket, a disconnect closes it: none left on the server.
    await page.getByTestId('server-connect').click()
    await page.locator('[data-testid="server-status"][data-status="connected"]').waitFor({ timeout: UI_TIMEOUT })
    await page.getByTestId('tree-server').first().waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => adminSockets()).toBe(1)
    await page.getByTestId('server-disconnect').click()
    await page.locator('[data-testid="server-status"][data-status="disconnected"]').waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => adminSockets()).toBe(0)
    expect(await mainThreadAdminConnects(page)).toBe(0)
  })

  it('falls back to the page when Worker is unavailable, with the same tree', async () => {
    const page = await openPage(stack, { noWorker: true })
    await page.getByTestId('tree-server').first().waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => page.getByTestId('server-panel').getAttribute('data-transport')).toBe('inline')
    await page.locator('[data-testid="tree-namespace"][data-name="/namespace1"]').waitFor({ timeout: UI_TIMEOUT })
    // The recorder sees the page's own admin socket here: the check above is not blind.
    expect(await mainThreadAdminConnects(page)).toBeGreaterThan(0)
    await expect.poll(() => adminSockets()).toBe(1)
    await page.getByTestId('server-disconnect').click()
    await expect.poll(() => adminSockets()).toBe(0)
  })
})
