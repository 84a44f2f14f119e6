/**
 * Issue 11, items 5-12, in real Chromium against real servers (the demo server, its socket.io 2.x twin):
 * one tab per connection (Connect reconnects the tab, with its log and id history), labels that say
 * what a tab is, Recent that only remembers what worked, a grey dot for a tab that never connected,
 * honest imported captures and server ack requests, closed tabs in the Timeline, pause per tab.
 *
 * The never-connected mark: a tab keeps `data-state="disconnected"` and gets `data-ever-connected="false"`
 * and `data-dot="never"` (grey); a failed one `data-dot="failed"` (red).
 */
import type { Page } from 'playwright-core'
import type { DemoServerV2 } from '../../demo-server/v2/start-v2'
import type { Stack } from './harness'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { activeTab, describeE2E, rows, selectTab, send, startStack, UI_TIMEOUT } from './harness'

const TIMEOUT = UI_TIMEOUT

async function openOptions(page: Page): Promise<void> {
  if (await page.getByTestId('connect-options-panel').count() === 0)
    await page.getByTestId('connect-options').click()
  await page.getByTestId('connect-options-panel').waitFor()
}

async function waitConnected(page: Page): Promise<string> {
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
  await expect.poll(() => page.getByTestId('socket-id').textContent()).toMatch(/\S{10,}/)
  return (await page.getByTestId('socket-id').textContent())!.trim()
}

/** Fill the active tab's URL (a new tab first when `newTab`) and press Connect. */
async function connectTo(page: Page, url: string, options: { newTab?: boolean, relay?: boolean } = {}): Promise<void> {
  if (options.newTab)
    await page.getByTestId('new-session').click()
  await page.getByTestId('connect-url').fill(url)
  if (options.relay !== undefined) {
    await openOptions(page)
    await page.getByTestId('option-relay').setChecked(options.relay)
  }
  await page.getByTestId('connect-button').click()
}

async function stopIfLive(page: Page): Promise<void> {
  const button = page.getByTestId('disconnect-button')
  if (await button.isEnabled())
    await button.click()
}

function dotColor(page: Page, index: number): Promise<string> {
  return page.getByTestId('session-tab').nth(index).locator('.dot').evaluate(el => getComputedStyle(el).backgroundColor)
}

describeE2E('tabs: one tab per connection, honest states', () => {
  let stack: Stack
  let demoUrl: string
  let port: number
  let v2: DemoServerV2

  beforeAll(async () => {
    stack = await startStack()
    port = stack.demo.port
    demoUrl = `http://127.0.0.1:${port}`
    v2 = await startDemoServerV2({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await v2?.close()
    await stack?.close()
  })

  it('a one-click fix, then Connect, reconnects the same tab with its log; so does an option change', async () => {
    const page = await stack.newPage()
    // A v4 client against a socket.io 2.x server fails; the diagnosis offers the v2 client.
    await connectTo(page, `${v2.url}/`)
    const fix = page.getByTestId('diagnosis-fix').filter({ hasText: 'Switch to the v2 client' })
    await fix.waitFor({ timeout: 30_000 })
    await page.screenshot({ path: '/tmp/tabs-1-failed.png' })
    await fix.click()
    await stopIfLive(page)
    await page.getByTestId('connect-button').click()
    const first = await waitConnected(page)
    expect(await page.getByTestId('session-tab').count()).toBe(1)
    // The failure is still in this tab's log, and the welcome of the fixed connection came after it.
    await rows(page, 'lifecycle').filter({ hasText: 'server error' }).first().waitFor({ timeout: TIMEOUT })
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })
    await activeTab(page).getByTestId('tab-mark-v2').waitFor()
    await expect(page.getByTestId('session-client').textContent()).resolves.toMatch(/v2.*in this page/)

    // Change an option while connected: Connect is offered again and reconnects this same tab.
    await openOptions(page)
    await page.getByTestId('option-transports').selectOption('websocket')
    await page.getByTestId('connect-button').click()
    await expect.poll(() => page.getByTestId('id-history-row').count(), { timeout: TIMEOUT }).toBe(2)
    const second = await waitConnected(page)
    expect(second).not.toBe(first)
    expect(await page.getByTestId('session-tab').count()).toBe(1)
    await expect.poll(() => rows(page, 'in', 'welcome').count()).toBe(2)
    const history = await page.getByTestId('id-history-row').allTextContents()
    expect(history[0]).toContain(second)
    expect(history[0]).toContain('now')
    expect(history[1]).toContain(first)
    expect(history[1]).toContain('io client disconnect')
    await page.screenshot({ path: '/tmp/tabs-2-same-tab.png' })
    // A new tab only from + (and Ctrl+T / Alt+T).
    await page.keyboard.press('Alt+T')
    await expect.poll(() => page.getByTestId('session-tab').count()).toBe(2)
  })

  it('labels a tab host:port /namespace with the relay mark, the full URL in its title, renamable by double-click', async () => {
    const page = await stack.newPage()
    await connectTo(page, `${demoUrl}/namespace1`, { relay: true })
    await waitConnected(page)
    const tab = activeTab(page)
    expect(await tab.getByTestId('session-tab-label').textContent()).toBe(`127.0.0.1:${port} /namespace1`)
    await tab.getByTestId('tab-mark-relay').waitFor()
    expect(await tab.getByTestId('tab-mark-v2').count()).toBe(0)
    expect(await tab.getAttribute('title')).toContain(`${demoUrl}/namespace1`)
    expect(await tab.getAttribute('data-state')).toBe('connected')
    await expect(page.getByTestId('session-client').textContent()).resolves.toMatch(/v4.*through the relay/)

    await tab.getByTestId('session-tab-label').dblclick()
    const input = page.getByTestId('session-tab-rename')
    await input.waitFor()
    expect(await input.inputValue()).toBe(`127.0.0.1:${port} /namespace1`)
    await input.fill('lobby')
    await input.press('Enter')
    await expect.poll(() => tab.getByTestId('session-tab-label').textContent()).toBe('lobby')
    // Escape keeps the name; an empty name gives the default back.
    await tab.getByTestId('session-tab-label').dblclick()
    await input.fill('something else')
    await input.press('Escape')
    await expect.poll(() => tab.getByTestId('session-tab-label').textContent()).toBe('lobby')
    await tab.getByTestId('session-tab-label').dblclick()
    await input.fill('')
    await input.press('Enter')
    await expect.poll(() => tab.getByTestId('session-tab-label').textContent()).toBe(`127.0.0.1:${port} /namespace1`)
    await page.screenshot({ path: '/tmp/tabs-3-labels.png', clip: { x: 0, y: 0, width: 1280, height: 200 } })
  })

  it('Recent keeps the last working options and their time; a failed attempt does not overwrite them', async () => {
    const page = await stack.newPage()
    const url = `${demoUrl}/namespace2`
    await page.getByTestId('connect-url').fill(url)
    await openOptions(page)
    await page.getByTestId('option-timeout').fill('7000')
    await page.getByTestId('connect-button').click()
    await waitConnected(page)
    const option = page.getByTestId('recent-option').and(page.locator(`[value="${url}"]`))
    await expect.poll(() => option.getAttribute('label'), { timeout: TIMEOUT }).toMatch(new RegExp(`^${url.replace(/\./g, '\\.')} · connected \\d\\d:\\d\\d$`))
    await page.getByTestId('disconnect-button').click()
    await activeTab(page).and(page.locator('[data-state="disconnected"]')).waitFor({ timeout: TIMEOUT })

    // The same URL with a wrong path and another timeout: it fails, and Recent keeps what worked.
    await page.getByTestId('option-path').fill('/wrong')
    await page.getByTestId('option-timeout').fill('9000')
    await page.getByTestId('option-reconnection').setChecked(false)
    await page.getByTestId('connect-button').click()
    await rows(page, 'lifecycle').filter({ hasText: 'xhr poll error' }).first().waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('session-tab').count()).toBe(1)
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('sio-inspector-v1-recent') ?? '[]') as Array<Record<string, unknown>>)
    expect(stored.find(e => e.url === url)).toMatchObject({ path: '/socket.io', timeout: 7000 })

    await page.reload()
    await page.locator('select.recent').selectOption(url)
    await openOptions(page)
    expect(await page.getByTestId('option-path').inputValue()).toBe('/socket.io')
    expect(await page.getByTestId('option-timeout').inputValue()).toBe('7000')
  })

  it('a tab that never connected has a grey dot, a failed one red; option fields are checked as they are typed', async () => {
    const page = await stack.newPage()
    // No tab yet: the hint names the demo server this inspector runs beside (its port, not 3000).
    expect(await page.getByTestId('welcome-example-url').textContent()).toBe(`${demoUrl}/namespace1`)
    // A long reconnection delay: the tab waits seconds for socket.io's first attempt.
    await openOptions(page)
    await page.getByTestId('option-delay').fill('5000')
    await connectTo(page, 'http://127.0.0.1:1/')
    await rows(page, 'lifecycle').filter({ hasText: 'xhr poll error' }).first().waitFor({ timeout: TIMEOUT })
    // Waiting for the first attempt: no "attempt 0" (there was none yet), on the tab or in the panel.
    expect(await page.getByTestId('connection-state').getAttribute('data-state')).toBe('reconnecting')
    expect(await page.getByTestId('connection-state').textContent()).toBe('reconnecting')
    expect(await page.getByTestId('session-tab').nth(0).textContent()).not.toContain('(0)')
    await stopIfLive(page)
    const failed = page.getByTestId('session-tab').nth(0)
    await expect.poll(() => failed.getAttribute('data-dot')).toBe('failed')
    const panelDot = (): Promise<string> => page.locator('.lifecycle .state-dot').evaluate(el => getComputedStyle(el).backgroundColor)
    const failedPanelDot = await panelDot()
    await page.getByTestId('new-session').click()
    const fresh = page.getByTestId('session-tab').nth(1)
    expect(await fresh.getAttribute('data-state')).toBe('disconnected')
    expect(await fresh.getAttribute('data-ever-connected')).toBe('false')
    expect(await fresh.getAttribute('data-dot')).toBe('never')
    const [red, grey] = [await dotColor(page, 0), await dotColor(page, 1)]
    expect(grey).not.toBe(red)
    const [r, g, b] = grey.match(/\d+/g)!.map(Number)
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThan(40) // a grey, not a colour
    // The connection panel's dot says the same as the tab's.
    expect(failedPanelDot).toBe(red)
    expect(await panelDot()).toBe(grey)

    // Validation while typing: the error shows without Connect, and goes when fixed.
    await openOptions(page)
    await page.getByTestId('option-timeout').fill('soon')
    await page.getByTestId('option-timeout-error').waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('option-timeout-error').textContent()).toMatch(/whole number/)
    await page.getByTestId('option-auth').fill('{ token: ')
    await page.getByTestId('option-auth-error').waitFor()
    await page.getByTestId('option-timeout').fill('20000')
    await page.getByTestId('option-auth').fill('')
    await expect.poll(() => page.getByTestId('option-timeout-error').count()).toBe(0)
    expect(await page.getByTestId('option-auth-error').count()).toBe(0)
    await page.screenshot({ path: '/tmp/tabs-4-dots.png', clip: { x: 0, y: 0, width: 1280, height: 120 } })
  })

  it('an imported capture is "imported", read-only, with its file, time and source URL, and no "now"', async () => {
    const page = await stack.newPage()
    // The side pane at its narrowest: the recorded times must still show whole.
    await page.evaluate(() => localStorage.setItem('sio-inspector-v1-prefs', JSON.stringify({ panes: { side: 300 } })))
    await page.reload()
    await connectTo(page, `${demoUrl}/namespace1`)
    const id = await waitConnected(page)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-log').click()])
    const path = await download.path()
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: 'sio-inspector' })

    await page.getByTestId('import-log').setInputFiles({ name: 'capture-ns1.json', mimeType: 'application/json', buffer: readFileSync(path) })
    await expect.poll(() => page.getByTestId('session-tab').count()).toBe(2)
    const tab = activeTab(page)
    await tab.and(page.locator('[data-state="imported"]')).waitFor({ timeout: TIMEOUT })
    expect(await page.locator('[data-testid="session-tab"][data-state="connected"]').count()).toBe(1)
    await tab.getByTestId('tab-mark-imported').waitFor()
    const notice = page.getByTestId('imported-notice')
    await notice.waitFor()
    await expect.poll(() => notice.textContent()).toContain('capture-ns1.json')
    const text = (await notice.textContent())!
    expect(text).toContain('imported capture (read-only)')
    expect(text).toContain(`${demoUrl}/namespace1`)
    expect(text).toMatch(/recorded \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/)
    // No connection controls; the URL field shows the captured URL.
    expect(await page.getByTestId('connect-button').count()).toBe(0)
    expect(await page.getByTestId('disconnect-button').count()).toBe(0)
    expect(await page.getByTestId('reconnect-button').count()).toBe(0)
    expect(await page.getByTestId('connect-url').inputValue()).toBe(`${demoUrl}/namespace1`)
    expect(await page.getByTestId('connect-url').isDisabled()).toBe(true)
    // Recent would fill the URL field with another URL: not offered on a capture.
    expect(await page.getByTestId('recent-select').count()).toBe(0)
    expect(await page.getByTestId('connection-state').getAttribute('data-state')).toBe('imported')
    // The recorded id, ended where the capture ends: never "→ now".
    const row = page.getByTestId('id-history-row').first()
    expect(await row.textContent()).toContain(id)
    expect(await row.textContent()).toContain('end of capture')
    expect(await row.textContent()).not.toMatch(/→ now/)
    // Never cut off: the times wrap between their parts instead.
    const when = row.locator('.when')
    expect(await when.evaluate(el => el.scrollWidth <= el.clientWidth)).toBe(true)
    expect(await when.textContent()).toMatch(/\d\d:\d\d:\d\d\.\d{3} → \d\d:\d\d:\d\d\.\d{3} \(end of capture\) \(\d+ s\)/)
    await page.screenshot({ path: '/tmp/tabs-5-imported.png' })
  })

  it('a server-asked ack shows how long the server has waited and the inspector\'s own window as such', async () => {
    const page = await stack.newPage()
    await connectTo(page, `${demoUrl}/`)
    await waitConnected(page)
    await send(page, 'quiz:start', '')
    const pending = page.getByTestId('pending-ack')
    await pending.waitFor({ timeout: TIMEOUT })
    await expect.poll(() => pending.getByTestId('ack-waiting').textContent()).toMatch(/^the server has been waiting \d+ s$/)
    // It counts up (the time the server has waited), never down from an invented server deadline.
    await expect.poll(async () => Number((await pending.getByTestId('ack-waiting').textContent())!.match(/\d+/)![0]), { timeout: 5000 }).toBeGreaterThanOrEqual(1)
    const window = (await pending.getByTestId('ack-window').textContent())!
    expect(window).toContain('The server\'s timeout is unknown to a client')
    expect(window).toMatch(/inspector's own answer window \(60 s, set in Options\) closes in \d+ s/)
    await page.screenshot({ path: '/tmp/tabs-6-ack.png' })
    await page.getByTestId('ack-answer').fill('[42]')
    await page.getByTestId('ack-send').click()
    await rows(page, 'in', 'quiz:result').first().waitFor({ timeout: TIMEOUT })
  })

  it('the Timeline keeps a closed tab\'s label on its rows, marked closed', async () => {
    const page = await stack.newPage()
    await connectTo(page, `${demoUrl}/`)
    await waitConnected(page)
    await connectTo(page, `${demoUrl}/namespace1`, { newTab: true })
    await waitConnected(page)
    await page.getByTestId('session-tab').nth(0).getByRole('button', { name: /^Close tab 1/ }).click()
    await expect.poll(() => page.getByTestId('session-tab').count()).toBe(1)
    await page.getByTestId('timeline-tab').click()
    const closedRow = page.locator('[data-testid="log-row"] .c-session').filter({ hasText: `127.0.0.1:${port} / (closed)` })
    await closedRow.first().waitFor({ timeout: TIMEOUT })
    const openRow = page.locator('[data-testid="log-row"] .c-session').filter({ hasText: `127.0.0.1:${port} /namespace1` })
    await openRow.first().waitFor()
    const sessions = await page.locator('[data-testid="log-row"] .c-session').allTextContents()
    expect(sessions.every(s => s.trim().length > 0)).toBe(true)
    await page.screenshot({ path: '/tmp/tabs-7-timeline.png' })
  })

  it('pause belongs to its tab and survives switching tabs and back', async () => {
    const page = await stack.newPage()
    await connectTo(page, `${demoUrl}/`)
    await waitConnected(page)
    await connectTo(page, `${demoUrl}/`, { newTab: true })
    await waitConnected(page)
    await selectTab(page, 0)
    await page.getByTestId('log-pause').click()
    await expect.poll(() => page.getByTestId('log-pause').getAttribute('aria-pressed')).toBe('true')
    const shown = await rows(page, 'in').count()

    // Tab 2 (not paused) chats; tab 1 receives the broadcast while it is away and paused.
    await selectTab(page, 1)
    expect(await page.getByTestId('log-pause').getAttribute('aria-pressed')).toBe('false')
    await send(page, 'chat', '["while you were away"]')
    await rows(page, 'out', 'chat').first().waitFor({ timeout: TIMEOUT })
    await selectTab(page, 0)
    expect(await page.getByTestId('log-pause').getAttribute('aria-pressed')).toBe('true')
    await page.locator('.paused-note').waitFor()
    // Recorded (the Timeline has it), not drawn in the paused tab.
    await page.getByTestId('timeline-tab').click()
    await rows(page, 'in', 'chat').filter({ hasText: 'while you were away' }).first().waitFor({ timeout: TIMEOUT })
    await selectTab(page, 0)
    expect(await page.getByTestId('log-pause').getAttribute('aria-pressed')).toBe('true')
    expect(await rows(page, 'in', 'chat').count()).toBe(0)
    expect(await rows(page, 'in').count()).toBe(shown)
    await page.getByTestId('log-pause').click()
    await rows(page, 'in', 'chat').filter({ hasText: 'while you were away' }).first().waitFor({ timeout: TIMEOUT })
  })

  it('caused no page errors', () => {
    // The deliberate failures (a wrong path without CORS, nothing listening on port 1) are logged by Chromium.
    expect(stack.pageErrors.filter(line => !/favicon|404|ERR_CONNECTION_REFUSED|Failed to load resource|\/wrong\/\?EIO=/.test(line))).toEqual([])
  })
})
