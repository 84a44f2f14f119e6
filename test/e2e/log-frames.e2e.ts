/**
 * Issue 11, items 13–15 and the tree's polish, in real Chromium against a real socket.io 4 server:
 * - the text filter finds a row by what its preview shows (`seq: 12`), marks it in the row and in the
 *   detail's tree, and the detail names the path that matched;
 * - small binary shows its hex without a click, top-level and nested (`{ file: Buffer }`);
 * - Frames lists the upgrade (`2probe`, `3probe`, `5`, `6`), direct and through the relay, and its filters
 *   (packet type, direction, text) work;
 * - at 800 px the tree keeps `Array(300)` on one line.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { afterUpgrade } from '../fixtures/after-upgrade'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, rows, startStack } from './harness'

const TIMEOUT = 15_000
const SCREENSHOT = '/tmp/log-frames.png'

interface Target { url: string, close: () => Promise<void> }

/**
 * A socket.io 4 server that sends, on connection: 20 `tick` events (`{ seq, role }`, seq 12 is the admin),
 * binary top-level and nested, and a 300-item array. Its middleware waits for the upgrade, so the
 * browser's first poll is pending when the upgrade probe succeeds (the server then ends it with a `6`
 * noop). Heartbeat every second, so ping/pong frames are there to hide.
 */
async function startTarget(): Promise<Target> {
  const http = createServer()
  const sockets = trackSockets(http)
  const io = new Server(http, { cors: { origin: '*' }, pingInterval: 1000, pingTimeout: 5000 })
  io.use(afterUpgrade())
  io.on('connection', (socket) => {
    for (let seq = 1; seq <= 20; seq++)
      socket.emit('tick', { seq, role: seq === 12 ? 'admin' : 'user' })
    socket.emit('raw', Buffer.from([1, 2, 3, 0xAB]))
    socket.emit('upload', { file: Buffer.from([0xDE, 0xAD, 0xBE, 0xEF]), name: 'a.bin' })
    // Collapsed under an open object: its long preview squeezes the summary beside it.
    socket.emit('big', { items: Array.from({ length: 300 }, (_, i) => i), more: { text: 'x'.repeat(200) } })
  })
  const port = await listen(http)
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      io.disconnectSockets(true)
      await new Promise<void>(resolve => io.close(() => resolve()))
      await closeServer(http, sockets)
    },
  }
}

async function connectTab(page: Page, url: string, relay = false): Promise<void> {
  if (await page.getByTestId('session-tab').count() > 0)
    await page.getByTestId('new-session').click()
  await page.getByTestId('connect-url').fill(url)
  if (await page.getByTestId('connect-options-panel').count() === 0)
    await page.getByTestId('connect-options').click()
  await page.getByTestId('option-relay').setChecked(relay)
  // Closed again: the options panel takes the height the log needs.
  await page.getByTestId('connect-options').click()
  await page.getByTestId('connect-options-panel').waitFor({ state: 'detached' })
  await page.getByTestId('connect-button').click()
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
}

describeE2E('log filter, inline binary and frames (issue 11)', () => {
  let stack: Stack
  let target: Target

  beforeAll(async () => {
    stack = await startStack()
    target = await startTarget()
  })
  afterAll(async () => {
    await target?.close()
    await stack?.close()
  })

  it('finds a row by `seq: 12` copied from its preview, marks it, and names the matched path', async () => {
    const page = await stack.newPage()
    // Tall enough for every row of the virtual list.
    await page.setViewportSize({ width: 1280, height: 1400 })
    await connectTab(page, `${target.url}/`)
    await expect.poll(() => rows(page, 'in', 'tick').count(), { timeout: TIMEOUT }).toBe(20)

    // Copy from the row's preview, as a user would.
    const preview = (await rows(page, 'in', 'tick').locator('[data-testid="log-row-preview"]').nth(11).textContent())!
    expect(preview).toBe('{seq: 12, role: "admin"}')
    const copied = preview.slice(1, 'seq: 12'.length + 1)
    expect(copied).toBe('seq: 12')
    await page.getByTestId('log-filter').fill(copied)
    await expect.poll(() => rows(page, 'in', 'tick').count()).toBe(1)
    const row = rows(page, 'in', 'tick').first()
    expect(await row.textContent()).toContain('{seq: 12, role: "admin"}')
    expect(await row.locator('mark').allTextContents()).toEqual(['seq: 12'])

    await row.click()
    await expect.poll(() => page.getByTestId('match-path').allTextContents()).toEqual(['$[0].seq'])
    expect(await page.locator('.entry-detail .detail-body mark').allTextContents()).toEqual(['seq', '12'])

    // `role: "admin"` too, and a plain word: marked inside the value.
    await page.getByTestId('log-filter').fill('role: "admin"')
    await expect.poll(() => page.getByTestId('match-path').allTextContents()).toEqual(['$[0].role'])
    expect(await rows(page, 'in', 'tick').count()).toBe(1)
    await page.getByTestId('log-filter').fill('ADMIN')
    await expect.poll(() => page.locator('.entry-detail .detail-body mark').allTextContents()).toEqual(['admin'])
    await page.getByTestId('log-filter').fill('')
    await expect.poll(() => rows(page, 'in', 'tick').count()).toBe(20)
    expect(await page.getByTestId('match-path').count()).toBe(0)
    expect(await page.locator('[data-testid="log-row"] mark').count()).toBe(0)
  })

  it('shows a 4-byte Buffer and nested binary as hex in the row and in the tree, and keeps Array(300) whole at 800 px', async () => {
    const page = await stack.newPage()
    await page.setViewportSize({ width: 800, height: 800 })
    await connectTab(page, `${target.url}/`)
    await rows(page, 'in', 'big').first().waitFor({ timeout: TIMEOUT })

    expect(await rows(page, 'in', 'raw').first().locator('[data-testid="log-row-preview"]').textContent()).toBe('<4 B: 01 02 03 ab>')
    expect(await rows(page, 'in', 'upload').first().locator('[data-testid="log-row-preview"]').textContent())
      .toBe('{file: <4 B: de ad be ef>, name: "a.bin"}')

    // One event at a time (a narrow window shows few rows).
    const open = async (name: string): Promise<void> => {
      await page.getByTestId('log-name-filter').fill(name)
      await expect.poll(() => page.locator('[data-testid="log-row"]').count()).toBe(1)
      await rows(page, 'in', name).first().click()
    }
    await open('raw')
    await expect.poll(() => page.getByTestId('json-hex').allTextContents()).toEqual(['01 02 03 ab'])
    // Nested: the object opens with the row, its Buffer shows its bytes without a click.
    await open('upload')
    await expect.poll(() => page.getByTestId('json-hex').allTextContents()).toEqual(['de ad be ef'])

    await open('big')
    const summary = page.locator('.entry-detail .json-summary', { hasText: 'Array(300)' })
    await summary.waitFor()
    const box = (await summary.boundingBox())!
    const lineHeight = await summary.evaluate(el => Number.parseFloat(getComputedStyle(el).lineHeight))
    // One line: never broken mid-word.
    expect(box.height).toBeLessThan(lineHeight * 1.5)
    // The bytes as the filter finds them: marked in the row and in the tree.
    await open('upload')
    await page.getByTestId('log-filter').fill('de ad')
    await expect.poll(() => page.getByTestId('match-path').allTextContents()).toEqual(['$[0].file'])
    expect(await page.getByTestId('json-hex').locator('mark').allTextContents()).toEqual(['de ad'])
    expect(await rows(page, 'in', 'upload').first().locator('mark').allTextContents()).toEqual(['de ad'])
    await page.screenshot({ path: SCREENSHOT })
  })

  it('lists the upgrade probe, the upgrade and the noop in Frames, direct and relayed, and filters frames', async () => {
    const page = await stack.newPage()
    for (const relay of [false, true]) {
      await connectTab(page, `${target.url}/`, relay)
      await page.getByTestId('frames-tab').click()
      // Only the upgrade's frames: they fit on screen whatever came after them.
      await page.getByTestId('frames-filter-type').selectOption('upgrade')
      const wire = (): Promise<string[]> => page.getByTestId('frame-wire').allTextContents()
      await expect.poll(wire, { timeout: TIMEOUT }).toEqual(['2probe', '3probe', '6', '5'])
      const probes = page.locator('[data-testid="frame-row"][data-probe="true"]')
      expect(await probes.evaluateAll(els => els.map(el => `${el.getAttribute('data-direction')} ${el.textContent}`)))
        .toEqual([expect.stringMatching(/^out .*probe.*websocket.*2probe$/), expect.stringMatching(/^in .*probe.*websocket.*3probe$/)])

      // Everything but the Socket.IO messages: heartbeats are there...
      await page.getByTestId('frames-filter-type').selectOption('engine')
      const heartbeat = page.locator('[data-testid="frame-row"]:is([data-type="ping"], [data-type="pong"]):not([data-probe])')
      await heartbeat.first().waitFor({ timeout: TIMEOUT })
      // ...until "hide ping/pong", which keeps the probe.
      await page.getByTestId('frames-filter-type').selectOption('no-heartbeat')
      await page.getByTestId('frames-filter-text').fill('probe')
      await expect.poll(wire).toEqual(['2probe', '3probe'])
      expect(await heartbeat.count()).toBe(0)
      expect(await page.locator('[data-testid="frame-row"] mark').allTextContents()).toEqual(['probe', 'probe'])
      await page.getByTestId('frames-filter-direction').selectOption('out')
      await expect.poll(wire).toEqual(['2probe'])
      // Reset for the next tab.
      await page.getByTestId('frames-filter-text').fill('')
      await page.getByTestId('frames-filter-direction').selectOption('all')
      await page.getByTestId('frames-filter-type').selectOption('all')
      await page.getByTestId('events-tab').click()
    }
    expect(stack.pageErrors).toEqual([])
  })
  it('keeps log and frame rows visible and clickable in a short window with the connect options open', async () => {
    // A short window, the header's tools on a second row, the options open: the detail panes shrink,
    // the lists keep a few rows (a list squeezed to nothing had its rows under the toolbar, unclickable).
    const page = await stack.newPage()
    await page.setViewportSize({ width: 900, height: 620 })
    await page.getByTestId('connect-url').fill(`${target.url}/`)
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
    await page.getByTestId('connect-options').click()
    await rows(page, 'in', 'tick').first().click({ timeout: TIMEOUT })
    await page.getByTestId('frames-tab').click()
    await page.getByTestId('frame-row').first().click({ timeout: TIMEOUT })
    expect(await page.getByTestId('frame-raw').count()).toBe(1)
    expect(stack.pageErrors).toEqual([])
  })
})
