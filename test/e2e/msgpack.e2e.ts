/**
 * msgpack servers (issue 13 item 1) in real Chromium: the Parser option, direct and through the relay, an
 * emit with ack, the decoded binary frames, and the diagnosis of a parser mismatch with its one-click switch.
 */
import type { Page } from 'playwright-core'
import type { ParserServer } from '../fixtures/msgpack-server'
import type { Stack } from './harness'
import { readFileSync } from 'node:fs'
import { DIAGNOSES } from '#core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startParserServer } from '../fixtures/msgpack-server'
import { activeTab, describeE2E, rows, send, startStack, UI_TIMEOUT } from './harness'

const SCREENSHOT = '/tmp/msgpack-frames.png'

let stack: Stack
let server: ParserServer

async function connect(page: Page, url: string, settings: { parser: 'default' | 'msgpack', relay?: boolean }): Promise<void> {
  await page.getByTestId('connect-url').fill(url)
  if (await page.getByTestId('connect-options-panel').count() === 0)
    await page.getByTestId('connect-options').click()
  await page.getByTestId('option-parser').selectOption(settings.parser)
  await page.getByTestId('option-relay').setChecked(settings.relay ?? false)
  await page.getByTestId('connect-button').click()
}

describeE2E('msgpack servers (issue 13 item 1)', () => {
  beforeAll(async () => {
    stack = await startStack()
    server = await startParserServer('msgpack')
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await stack?.close()
  })

  for (const relay of [false, true]) {
    it(`connects with the msgpack parser ${relay ? 'through the relay' : 'directly'}, emits with ack, and decodes the binary frames`, async () => {
      const page = await stack.newPage()
      await connect(page, `${server.url}/`, { parser: 'msgpack', relay })
      await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })

      await send(page, 'echo', '["hi", {n: 1}]', { ack: true })
      await rows(page, 'ack').first().waitFor({ timeout: UI_TIMEOUT })
      await rows(page, 'out', 'echo').first().waitFor()

      await page.getByTestId('frames-tab').click()
      await page.getByTestId('frames-filter-type').selectOption('message')
      // Every Socket.IO packet is one binary frame, named by its decoded type.
      const ack = page.locator('[data-testid="frame-row"]', { hasText: 'ACK (msgpack)' })
      await ack.first().waitFor({ timeout: UI_TIMEOUT })
      await ack.first().click()
      await expect.poll(() => page.getByTestId('frame-summary').textContent()).toMatch(/^\s*Socket\.IO ACK \(msgpack\) · namespace \/ · 1 arg · ack id \d+/)
      expect(await page.getByTestId('frame-raw').textContent()).toMatch(/^binary, \d+ B\nhex: {2}[0-9a-f]{2}( [0-9a-f]{2})+/)

      const event = page.locator('[data-testid="frame-row"][data-direction="out"]', { hasText: 'EVENT (msgpack)' })
      await event.first().click()
      await expect.poll(() => page.getByTestId('frame-summary').textContent()).toMatch(/Socket\.IO EVENT \(msgpack\) · namespace \/ · event "echo" · 2 args · ack id/)
      if (!relay)
        await page.screenshot({ path: SCREENSHOT })
      expect(stack.pageErrors).toEqual([])
    })
  }

  it('records the parser in the export (through the relay), and the imported capture\'s frames decode as msgpack', async () => {
    const page = await stack.newPage()
    await connect(page, `${server.url}/`, { parser: 'msgpack', relay: true })
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    await send(page, 'echo', '["kept", {n: 2}]', { ack: true })
    await rows(page, 'ack').first().waitFor({ timeout: UI_TIMEOUT })
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-log').click()])
    const path = await download.path()
    const text = readFileSync(path, 'utf8')
    expect(text).not.toContain('"$t":"undef"')
    const header = JSON.parse(text) as { sessions: { parser?: string }[] }
    expect(header.sessions.map(x => x.parser)).toEqual(['msgpack'])

    const fresh = await stack.newPage()
    await fresh.getByTestId('import-log').setInputFiles(path)
    await activeTab(fresh).and(fresh.locator('.readonly')).waitFor({ timeout: UI_TIMEOUT })
    await fresh.getByTestId('frames-tab').click()
    const event = fresh.locator('[data-testid="frame-row"][data-direction="out"]', { hasText: 'EVENT (msgpack)' })
    await event.first().waitFor({ timeout: UI_TIMEOUT })
    await event.first().click()
    await expect.poll(() => fresh.getByTestId('frame-summary').textContent()).toMatch(/Socket\.IO EVENT \(msgpack\) · namespace \/ · event "echo" · 2 args · ack id/)
    expect(stack.pageErrors).toEqual([])
  })

  it('diagnoses the default parser against a msgpack server, and its switch connects', async () => {
    const page = await stack.newPage()
    await connect(page, `${server.url}/`, { parser: 'default' })
    const diagnosis = page.locator('[data-testid="connect-diagnosis"][data-code="parser-mismatch"][data-status="done"]')
    await diagnosis.waitFor({ timeout: UI_TIMEOUT })
    expect(await diagnosis.textContent()).toContain(DIAGNOSES['parser-mismatch'].title)
    await page.getByTestId('diagnosis-use-parser').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    expect(await page.getByTestId('option-parser').inputValue()).toBe('msgpack')
  })

  it('diagnoses it through the relay too', async () => {
    const page = await stack.newPage()
    await connect(page, `${server.url}/`, { parser: 'default', relay: true })
    await page.locator('[data-testid="connect-diagnosis"][data-code="parser-mismatch"][data-status="done"]').waitFor({ timeout: UI_TIMEOUT })
    await page.getByTestId('diagnosis-use-parser').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
  })
})
