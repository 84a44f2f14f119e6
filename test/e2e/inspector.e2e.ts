/**
 * The inspector UI in real Chromium against the demo server, driven only through the `data-testid`
 * contract (inspector-ui/README.md). Each test opens its own browser context (own localStorage).
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { activeTab, compose, describeE2E, rows, selectTab, send, startStack } from './harness'

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
const TIMEOUT = 15_000

/** Open a tab on `url` (a new one when tabs exist) and wait until it is connected. */
async function connectTab(page: Page, url: string): Promise<string> {
  if (await page.getByTestId('session-tab').count() > 0)
    await page.getByTestId('new-session').click()
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-button').click()
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
  await expect.poll(() => page.getByTestId('socket-id').textContent()).toMatch(/\S{10,}/)
  return (await page.getByTestId('socket-id').textContent())!.trim()
}

describeE2E('inspector UI', () => {
  let stack: Stack
  let demoUrl: string

  beforeAll(async () => {
    stack = await startStack()
    demoUrl = `http://127.0.0.1:${stack.demo.port}`
    mkdirSync(SCREENSHOTS, { recursive: true })
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('connects to / and /namespace1, shows each socket id and its welcome event', async () => {
    const page = await stack.newPage()
    // The page opens pointed at the demo server beside it.
    await expect.poll(() => page.getByTestId('connect-url').inputValue()).toBe(`${demoUrl}/`)
    const rootId = await connectTab(page, `${demoUrl}/`)
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'in', 'welcome').first().textContent()).toContain(rootId)
    await expect.poll(() => page.getByTestId('id-history-row').count()).toBe(1)

    const nsId = await connectTab(page, `${demoUrl}/namespace1`)
    expect(nsId).not.toBe(rootId)
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'in', 'welcome').first().textContent()).toContain('/namespace1')
    expect(await page.getByTestId('connection-state').getAttribute('data-state')).toBe('connected')
    await expect.poll(() => page.locator('[data-testid="session-tab"][data-state="connected"]').count()).toBe(2)

    await page.setViewportSize({ width: 1280, height: 720 })
    await rows(page, 'in', 'welcome').first().click()
    await page.screenshot({ path: join(SCREENSHOTS, 'session.png') })
  })

  it('a chat from one tab reaches the other tab and not the sender', async () => {
    const page = await stack.newPage()
    await connectTab(page, `${demoUrl}/`)
    await connectTab(page, `${demoUrl}/`)
    await send(page, 'chat', '["hello from tab 2"]')
    await rows(page, 'out', 'chat').first().waitFor({ timeout: TIMEOUT })

    await selectTab(page, 0)
    const arrived = rows(page, 'in', 'chat').filter({ hasText: 'hello from tab 2' })
    await arrived.first().waitFor({ timeout: TIMEOUT })

    await selectTab(page, 1)
    await rows(page, 'out', 'chat').first().waitFor()
    // Give a stray echo time to arrive before checking it did not.
    await page.waitForTimeout(300)
    expect(await rows(page, 'in', 'chat').count()).toBe(0)

    // The timeline shows both sides.
    await page.getByTestId('timeline-tab').click()
    await rows(page, 'in', 'chat').first().waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'out', 'chat').count()).toBe(1)
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline.png') })
  })

  it('joins a room and a chat to that room reaches its member', async () => {
    const page = await stack.newPage()
    await connectTab(page, `${demoUrl}/namespace2`)
    await send(page, 'enter', '["room1"]', { ack: true })
    const ack = rows(page, 'ack', 'enter').first()
    await ack.waitFor({ timeout: TIMEOUT })
    expect(await ack.textContent()).toContain('room1')

    await connectTab(page, `${demoUrl}/namespace2`)
    await send(page, 'chat:room', '["room1", "hi room"]', { ack: true })
    await rows(page, 'ack', 'chat:room').first().waitFor({ timeout: TIMEOUT })

    await selectTab(page, 0)
    const got = rows(page, 'in', 'chat').filter({ hasText: 'hi room' })
    await got.first().waitFor({ timeout: TIMEOUT })
    expect(await got.first().textContent()).toContain('room1')
  })

  it('emits with an ack and shows the answer under its emit with the latency', async () => {
    const page = await stack.newPage()
    await connectTab(page, `${demoUrl}/`)
    await send(page, 'echo', '["ping", {n: 1}]', { ack: true })
    const ack = rows(page, 'ack', 'echo').first()
    await ack.waitFor({ timeout: TIMEOUT })
    expect(await ack.textContent()).toContain('"ping"')
    expect(await ack.textContent()).toMatch(/\d+ ms/)
    // The emit row links to its ack.
    expect(await rows(page, 'out', 'echo').first().textContent()).toMatch(/ack ↩ \d+ ms/)
    // Open the ack: every argument as a tree.
    await ack.click()
    await expect.poll(() => page.locator('.entry-detail').textContent()).toContain('ping')
  })

  it('answers the server\'s quiz through the pending ack box', async () => {
    const page = await stack.newPage()
    await connectTab(page, `${demoUrl}/`)
    await send(page, 'quiz:start', '')
    await page.getByTestId('ack-answer').waitFor({ timeout: TIMEOUT })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.screenshot({ path: join(SCREENSHOTS, 'quiz.png') })
    await page.getByTestId('ack-answer').fill('[42]')
    await page.getByTestId('ack-send').click()
    const result = rows(page, 'in', 'quiz:result').first()
    await result.waitFor({ timeout: TIMEOUT })
    expect(await result.textContent()).toContain('correct: true')
    expect(await page.getByTestId('ack-answer').count()).toBe(0)
  })

  it('shows a kick as a server disconnect with its reason in plain words', async () => {
    const page = await stack.newPage()
    const id = await connectTab(page, `${demoUrl}/`)
    await send(page, 'kick', '')
    await page.locator('[data-testid="session-tab"][data-state="disconnected"]').waitFor({ timeout: TIMEOUT })
    const row = page.getByTestId('id-history-row').first()
    await expect.poll(() => row.textContent()).toContain('io server disconnect')
    expect(await row.textContent()).toContain(id)
    const disconnect = rows(page, 'lifecycle').filter({ hasText: 'io server disconnect' })
    await disconnect.first().waitFor({ timeout: TIMEOUT })
  })

  it('shows an invalid argument as an error and sends nothing', async () => {
    const page = await stack.newPage()
    await connectTab(page, `${demoUrl}/`)
    await compose(page, 'chat', '["unclosed')
    await page.getByTestId('emit-error').waitFor({ timeout: TIMEOUT })
    await page.getByTestId('emit-send').click()
    await page.waitForTimeout(300)
    expect(await rows(page, 'out').count()).toBe(0)
    expect(await page.getByTestId('emit-error').textContent()).toMatch(/\S/)
    // A reserved name is refused too.
    await compose(page, 'disconnect', '[]')
    await page.getByTestId('emit-send').click()
    await expect.poll(() => page.getByTestId('emit-error').textContent()).toContain('reserved')
    expect(await rows(page, 'out').count()).toBe(0)
  })

  it('exports a session and imports it back as a read-only tab', async () => {
    const page = await stack.newPage()
    await connectTab(page, `${demoUrl}/namespace1`)
    await send(page, 'chat', '["kept in the file"]')
    await rows(page, 'out', 'chat').first().waitFor({ timeout: TIMEOUT })

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-log').click(),
    ])
    const path = await download.path()
    const text = readFileSync(path, 'utf8')
    expect(JSON.parse(text)).toMatchObject({ format: 'sio-inspector', version: 1 })

    await page.getByTestId('import-log').setInputFiles(path)
    await expect.poll(() => page.getByTestId('session-tab').count()).toBe(2)
    await activeTab(page).and(page.locator('.readonly')).waitFor({ timeout: TIMEOUT })
    await rows(page, 'out', 'chat').filter({ hasText: 'kept in the file' }).first().waitFor({ timeout: TIMEOUT })
    await rows(page, 'in', 'welcome').first().waitFor()

    // A file that is not an export gets a clear refusal.
    await page.getByTestId('import-log').setInputFiles({ name: 'not-an-export.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') })
    await expect.poll(() => page.getByTestId('import-error').textContent()).toContain('not-an-export.json')
    expect(await page.getByTestId('session-tab').count()).toBe(2)
  })

  it('shows the frames of a session with the decoded packet (screenshot, dark theme)', async () => {
    const page = await stack.newPage('/', { colorScheme: 'dark' })
    await page.setViewportSize({ width: 1280, height: 720 })
    await connectTab(page, `${demoUrl}/`)
    await send(page, 'chat', '["hello", {n: 1}]', { ack: true })
    await rows(page, 'ack', 'chat').first().waitFor({ timeout: TIMEOUT })
    await page.screenshot({ path: join(SCREENSHOTS, 'session-dark.png') })
    await page.getByTestId('frames-tab').click()
    const frame = page.getByTestId('frame-row').filter({ hasText: '["chat"' }).first()
    await frame.waitFor({ timeout: TIMEOUT })
    await frame.click()
    await expect.poll(() => page.getByTestId('frame-raw').textContent()).toContain('chat')
    await page.screenshot({ path: join(SCREENSHOTS, 'frames-dark.png') })
  })

  it('pre-fills the connection from a ?url= link without connecting', async () => {
    const target = `${demoUrl}/namespace2`
    const page = await stack.newPage(`/?url=${encodeURIComponent(target)}`)
    await expect.poll(() => page.getByTestId('connect-url').inputValue()).toBe(target)
    expect(await page.getByTestId('session-tab').count()).toBe(0)
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('connect-button')
  })

  it('caused no page errors', () => {
    expect(stack.pageErrors.filter(line => !/favicon|404/.test(line))).toEqual([])
  })
})
