/**
 * The server view's event feed (issue 16, item 6) in real Chromium against the demo server (admin-ui in
 * development mode on /admin): events both ways show as text rows, the filter and the direction toggle
 * narrow them, a row's socket id selects that socket in the tree, a burst stays virtual and bounded, and a
 * server in production mode says how to turn the events on.
 */
import type { Page } from 'playwright-core'
import type { Socket } from 'socket.io-client'
import type { Stack } from './harness'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeE2E, startStack } from './harness'

const TIMEOUT = 15_000

async function openServerView(page: Page): Promise<void> {
  await page.getByTestId('server-tab').click()
  await page.getByTestId('tree-server').first().waitFor({ timeout: TIMEOUT })
  await page.getByTestId('server-event-feed').waitFor({ timeout: TIMEOUT })
}

function connectClient(url: string): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })
}

const feedRows = (page: Page, extra = '') => page.locator(`[data-testid="server-event-feed"] [data-testid="server-event"]${extra}`)

describeE2E('server view: event feed', () => {
  let stack: Stack
  const clients: Socket[] = []

  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    for (const c of clients) c.disconnect()
    await stack?.close()
  })

  it('shows events both ways as text rows, filters them, and selects a row\'s socket in the tree', async () => {
    const page = await stack.newPage()
    await openServerView(page)
    expect(await page.getByTestId('server-event-feed').getAttribute('data-support')).toBe('enabled')
    expect(await page.getByTestId('server-events-disabled').count()).toBe(0)

    const a = await connectClient(`${stack.demo.url}/namespace1`)
    const b = await connectClient(`${stack.demo.url}/`)
    clients.push(a, b)
    // In: a client's event whose payload looks like markup. Out: the server emits to one socket.
    a.emit('feed-probe', { html: '<img src=x onerror="window.__pwned=1">' }, 2)
    const got = new Promise(resolve => b.once('feed-news', resolve))
    // Any event name, not only the demo's typed ones: the feed shows whatever the server sends.
    const untyped = stack.demo.io.of('/').sockets.get(b.id!)! as unknown as { emit: (event: string, ...args: unknown[]) => boolean }
    untyped.emit('feed-news', { n: 1 })
    await got

    const probe = feedRows(page, '[data-event="feed-probe"]')
    await probe.waitFor({ timeout: TIMEOUT })
    expect(await probe.getAttribute('data-direction')).toBe('in')
    expect(await probe.getAttribute('data-socket')).toBe(a.id)
    expect(await probe.getAttribute('data-nsp')).toBe('/namespace1')
    // Text, never markup: the payload shows as characters and made no element.
    expect(await probe.textContent()).toContain('<img src=x onerror=')
    expect(await probe.locator('img').count()).toBe(0)
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
    const news = feedRows(page, '[data-event="feed-news"]')
    await news.waitFor({ timeout: TIMEOUT })
    expect(await news.getAttribute('data-direction')).toBe('out')
    expect(await news.getAttribute('data-socket')).toBe(b.id)

    // The filter narrows to the matching rows: by name, then by socket id.
    await page.getByTestId('server-event-filter').fill('feed-probe')
    await expect.poll(async () => [...new Set(await feedRows(page).evaluateAll(els => els.map(e => e.getAttribute('data-event'))))]).toEqual(['feed-probe'])
    await page.getByTestId('server-event-filter').fill(b.id!)
    await expect.poll(async () => [...new Set(await feedRows(page).evaluateAll(els => els.map(e => e.getAttribute('data-socket'))))]).toEqual([b.id])
    // The direction toggle: only what the server sent (to b: at least feed-news).
    await page.locator('[data-testid="server-event-direction"] button[data-value="out"]').click()
    await expect.poll(async () => [...new Set(await feedRows(page).evaluateAll(els => els.map(e => e.getAttribute('data-direction'))))]).toEqual(['out'])
    expect(await feedRows(page, '[data-event="feed-news"]').count()).toBe(1)
    await page.locator('[data-testid="server-event-direction"] button[data-value="in"]').click()
    await page.getByTestId('server-event-filter').fill('no event is called this')
    await expect.poll(() => feedRows(page).count()).toBe(0)
    await page.getByTestId('server-event-filter').fill('')
    await page.locator('[data-testid="server-event-direction"] button[data-value="all"]').click()

    // A row's socket id selects that socket in the tree.
    await feedRows(page, '[data-event="feed-probe"]').getByTestId('server-event-socket').click()
    await page.locator(`[data-testid="tree-socket"][data-id="${a.id}"].selected`).waitFor({ timeout: TIMEOUT })
    // And the row itself shows its full arguments, as text.
    await feedRows(page, '[data-event="feed-probe"]').click()
    expect(await page.getByTestId('server-event-detail').textContent()).toContain('feed-probe')

    // Clear empties the feed; new events come in after it.
    await page.getByTestId('server-event-clear').click()
    await expect.poll(() => feedRows(page, '[data-event="feed-probe"]').count()).toBe(0)
    a.emit('after-clear')
    await feedRows(page, '[data-event="after-clear"]').waitFor({ timeout: TIMEOUT })

    // A socket that has gone since its event: the click says so instead of selecting nothing silently.
    const aId = a.id!
    a.disconnect()
    await page.locator(`[data-testid="tree-socket"][data-id="${aId}"]`).waitFor({ state: 'detached', timeout: TIMEOUT })
    await feedRows(page, '[data-event="after-clear"]').getByTestId('server-event-socket').click()
    await expect.poll(() => page.getByTestId('server-event-gone').textContent(), { timeout: TIMEOUT }).toContain('no longer connected')
    expect(stack.pageErrors).toEqual([])
  })

  it('keeps up with a burst: rows stay virtual, the feed bounded, the oldest dropped and counted', async () => {
    const page = await stack.newPage()
    await openServerView(page)
    const c = await connectClient(`${stack.demo.url}/`)
    clients.push(c)
    const N = 6000
    for (let i = 0; i < N; i++) c.emit('burst', i)
    await expect.poll(() => page.locator('[data-testid="server-event"][data-event="burst"]').last().textContent(), { timeout: 60_000 }).toContain(String(N - 1))
    await page.getByTestId('server-event-dropped').waitFor({ timeout: TIMEOUT })
    // Bounded: the ring holds 5,000; rendered: only the rows on screen.
    expect(await page.getByTestId('server-event-count').textContent()).toContain('5000 event(s)')
    expect(await feedRows(page).count()).toBeLessThan(60)
    // The page still answers, and the filter works over the whole ring.
    await page.getByTestId('server-event-filter').fill('burst')
    await expect.poll(() => page.getByTestId('server-event-count').textContent()).toMatch(/\d+ of 5000 event\(s\)/)
    expect(stack.pageErrors).toEqual([])
  }, 90_000)
})

describeE2E('server view: event feed against a server that sends no events', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({ demo: { adminUiMode: 'production' } })
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('says the server does not send its events and how to enable them', async () => {
    const page = await stack.newPage()
    await page.getByTestId('server-tab').click()
    const note = page.getByTestId('server-events-disabled')
    await note.waitFor({ timeout: TIMEOUT })
    expect(await note.textContent()).toContain('mode: "development"')
    expect(await page.getByTestId('server-event-feed').getAttribute('data-support')).toBe('disabled')
    expect(await feedRows(page).count()).toBe(0)
  })
})
