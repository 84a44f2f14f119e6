/**
 * The Server view in real Chromium against the demo server (admin-ui on /admin, credentials injected by
 * the inspector's server): the live tree follows joins and leaves, an action changes the server, wrong
 * credentials get their message. Set SCREENSHOTS=1 to refresh docs/screenshots/server-view.png.
 */
import type { Page } from 'playwright-core'
import type { Socket } from 'socket.io-client'
import type { Stack } from './harness'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeE2E, startStack } from './harness'

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
const TIMEOUT = 15_000

async function runTutorialStep(page: Page, n: number): Promise<void> {
  const step = page.locator(`[data-testid="tutorial-step"][data-step="${n}"]`)
  await step.getByTestId('tutorial-run').click()
  await step.and(page.locator('[data-state="done"]')).waitFor({ timeout: TIMEOUT })
}

async function openServerView(page: Page): Promise<void> {
  await page.getByTestId('server-tab').click()
  await page.getByTestId('tree-server').first().waitFor({ timeout: TIMEOUT })
}

function connectClient(url: string): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })
}

describeE2E('server view', () => {
  let stack: Stack
  const clients: Socket[] = []

  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    for (const c of clients) c.disconnect()
    await stack?.close()
  })

  it('shows the namespaces, the rooms and their members live, marking the inspector\'s own tabs', async () => {
    const page = await stack.newPage()
    // Two tabs of the inspector (through the tutorial's runs), both in room1.
    await page.getByTestId('tutorial-tab').click()
    for (const n of [1, 2, 6]) await runTutorialStep(page, n)

    await openServerView(page)
    await expect.poll(() => page.getByTestId('tree-server').getAttribute('data-id')).toBeTruthy()
    // The footer speaks to the user: no build timings or row counts (issue 11, polish).
    expect(await page.locator('.server-panel .foot').textContent()).not.toMatch(/\bms\b|rows|tree build/)
    for (const name of ['/', '/namespace1', '/namespace2', '/admin'])
      await page.locator(`[data-testid="tree-namespace"][data-name="${name}"]`).waitFor({ timeout: TIMEOUT })

    const room1 = (await stack.demo.io.of('/').in('room1').fetchSockets()).map(s => s.id).sort()
    expect(room1).toHaveLength(2)
    await page.locator('[data-testid="tree-room"][data-name="room1"]').waitFor()
    const shown = async () => (await page.locator('[data-testid="tree-socket"][data-room="room1"]').evaluateAll(els => els.map(e => e.getAttribute('data-id')))).sort()
    await expect.poll(shown).toEqual(room1)
    // Both are the inspector's own tabs.
    await expect.poll(() => page.locator('[data-testid="tree-socket"][data-room="room1"][data-mine="true"]').count()).toBe(2)
    await expect.poll(() => page.locator('[data-testid="tree-socket"][data-room="room1"][data-mine="true"]').first().textContent()).toMatch(/my tab \d/)

    // A socket from outside joins a room in /namespace1: it appears, not marked as ours.
    const outsider = await connectClient(`${stack.demo.url}/namespace1`)
    clients.push(outsider)
    await outsider.timeout(5000).emitWithAck('enter', 'lobby')
    const outsiderRow = page.locator(`[data-testid="tree-socket"][data-id="${outsider.id}"][data-room="lobby"]`)
    await outsiderRow.waitFor({ timeout: TIMEOUT })
    expect(await outsiderRow.getAttribute('data-mine')).toBeNull()

    // Tabs leave (tutorial step 7): room1 disappears from the tree.
    await page.getByTestId('tutorial-tab').click()
    await runTutorialStep(page, 7)
    await page.getByTestId('server-tab').click()
    await page.locator('[data-testid="tree-room"][data-name="room1"]').waitFor({ state: 'detached', timeout: TIMEOUT })
    expect(await stack.demo.io.of('/').in('room1').fetchSockets()).toHaveLength(0)

    // The outsider leaves: its row goes.
    outsider.disconnect()
    await outsiderRow.waitFor({ state: 'detached', timeout: TIMEOUT })
    await page.locator('[data-testid="tree-room"][data-name="lobby"]').waitFor({ state: 'detached', timeout: TIMEOUT })
  })

  it('changes the server from the view: join a room, emit to it, disconnect, each with its result', async () => {
    const target = await connectClient(`${stack.demo.url}/namespace2`)
    clients.push(target)
    const page = await stack.newPage()
    await openServerView(page)
    const row = page.locator(`[data-testid="tree-socket"][data-id="${target.id}"]`).first()
    await row.waitFor({ timeout: TIMEOUT })
    await row.click()

    // Join, confirmed.
    await page.getByTestId('action-room').fill('vip')
    await page.getByTestId('action-join').click()
    await page.getByTestId('action-confirm').click()
    await expect.poll(() => page.getByTestId('action-result').getAttribute('data-ok'), { timeout: TIMEOUT }).toBe('true')
    await expect.poll(() => page.getByTestId('action-result').textContent()).toContain('joined vip')
    expect((await stack.demo.io.of('/namespace2').in('vip').fetchSockets()).map(s => s.id)).toEqual([target.id])
    await page.locator('[data-testid="tree-room"][data-name="vip"]').waitFor({ timeout: TIMEOUT })
    await page.locator(`[data-testid="tree-socket"][data-room="vip"][data-id="${target.id}"]`).waitFor({ timeout: TIMEOUT })

    // Emit to the room; the client gets it.
    const got = new Promise<unknown[]>(resolve => target.once('echo', (...args: unknown[]) => resolve(args)))
    await page.locator('[data-testid="tree-room"][data-name="vip"]').click()
    await page.getByTestId('action-event').fill('echo')
    await page.getByTestId('action-args').fill('["hi from the view", 7]')
    await page.getByTestId('action-emit').click()
    await page.getByTestId('action-confirm').click()
    expect(await got).toEqual(['hi from the view', 7])
    await expect.poll(() => page.getByTestId('action-result').textContent(), { timeout: TIMEOUT }).toContain('delivered to 1 of 1')

    // Cancel does nothing; confirm disconnects.
    await page.locator(`[data-testid="tree-socket"][data-room="vip"][data-id="${target.id}"]`).click()
    await page.getByTestId('action-disconnect').click()
    await page.getByTestId('action-cancel').click()
    expect(target.connected).toBe(true)
    const reason = new Promise(resolve => target.once('disconnect', r => resolve(r)))
    await page.getByTestId('action-disconnect').click()
    await page.getByTestId('action-confirm').click()
    expect(await reason).toBe('io server disconnect')
    await page.locator(`[data-testid="tree-socket"][data-id="${target.id}"]`).first().waitFor({ state: 'detached', timeout: TIMEOUT })
  })

  it('says so when the credentials are wrong, and recovers with the right ones', async () => {
    const page = await stack.newPage()
    await openServerView(page)
    await page.getByTestId('server-password').fill('certainly not the password')
    await page.getByTestId('server-connect').click()
    const error = page.getByTestId('server-error')
    await error.waitFor({ timeout: TIMEOUT })
    expect(await error.textContent()).toMatch(/Wrong username or password/)
    expect(await error.getAttribute('data-kind')).toBe('auth')

    await page.getByTestId('server-password').fill(stack.demo.adminPassword)
    await page.getByTestId('server-connect').click()
    await error.waitFor({ state: 'detached', timeout: TIMEOUT })
    await page.getByTestId('tree-server').first().waitFor({ timeout: TIMEOUT })
  })

  it('says so when the namespace is not instrumented', async () => {
    const page = await stack.newPage()
    await openServerView(page)
    await page.getByTestId('server-namespace').fill('/not-admin')
    await page.getByTestId('server-connect').click()
    const error = page.getByTestId('server-error')
    await error.waitFor({ timeout: TIMEOUT })
    expect(await error.getAttribute('data-kind')).toBe('not-instrumented')
  })

  it('takes a screenshot of the server view', async () => {
    if (!process.env.SCREENSHOTS)
      return
    const extra = await Promise.all(Array.from({ length: 6 }, () => connectClient(`${stack.demo.url}/namespace1`)))
    clients.push(...extra)
    await Promise.all(extra.map((s, i) => s.timeout(5000).emitWithAck('enter', i % 2 ? 'room1' : 'room2')))
    const page = await stack.newPage()
    await page.getByTestId('tutorial-tab').click()
    for (const n of [1, 2, 6]) await runTutorialStep(page, n)
    await openServerView(page)
    await page.locator('[data-testid="tree-socket"][data-mine="true"]').first().click()
    await page.locator('[data-testid="tree-room"][data-name="room2"]').waitFor({ timeout: TIMEOUT })
    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOTS, 'server-view.png') })
    const dark = await stack.newPage('/', { colorScheme: 'dark' })
    await openServerView(dark)
    await dark.locator('[data-testid="tree-room"][data-name="room2"]').waitFor({ timeout: TIMEOUT })
    await dark.screenshot({ path: join(SCREENSHOTS, 'server-view-dark.png') })
  })
})
