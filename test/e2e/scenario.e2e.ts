/**
 * Issue 15 in real Chromium: two tabs do the tutorial's rooms flow on the demo server, the Timeline saves
 * them as one scenario, Run replays it in fresh tabs and every step passes; the scenario exports as a file
 * (and as a Vitest test); a damaged scenario file is refused with a message naming the field.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { activeTab, describeE2E, rows, selectTab, send, startStack, UI_TIMEOUT } from './harness'

const TIMEOUT = UI_TIMEOUT
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')

async function connectTab(page: Page, url: string): Promise<void> {
  if (await page.getByTestId('session-tab').count() > 0)
    await page.getByTestId('new-session').click()
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-button').click()
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
}

async function closeAllTabs(page: Page): Promise<void> {
  for (let n = await page.getByTestId('session-tab').count(); n > 0; n--)
    await page.getByTestId('session-tab').first().getByRole('button', { name: /^Close tab/ }).click()
}

/** The saved scenario's steps as the panel lists them: kind and the text of the row. */
async function stepKinds(page: Page): Promise<{ kind: string, text: string }[]> {
  return page.getByTestId('scenario-step').evaluateAll(els => els.map(el => ({ kind: el.getAttribute('data-kind') ?? '', text: el.textContent ?? '' })))
}

describeE2E('scenario: a capture is a test', () => {
  let stack: Stack
  let demoUrl: string

  beforeAll(async () => {
    stack = await startStack()
    demoUrl = `http://127.0.0.1:${stack.demo.port}`
  })
  afterAll(() => stack?.close())

  it('records the rooms flow in two tabs, saves it as a scenario, runs it green in fresh tabs, exports it', async () => {
    const page = await stack.newPage()
    // A's `presence joined` (B arrived) and B's own connect reach the page on two sockets at once: the log may
    // hold either first, and the scenario must replay either way.
    await connectTab(page, `${demoUrl}/namespace1`)
    await connectTab(page, `${demoUrl}/namespace1`)
    await selectTab(page, 0)
    await rows(page, 'in', 'presence').first().waitFor({ timeout: TIMEOUT })
    await send(page, 'enter', '["room1"]', { ack: true })
    await rows(page, 'ack', 'enter').first().waitFor({ timeout: TIMEOUT })
    await selectTab(page, 1)
    await send(page, 'enter', '["room1"]', { ack: true })
    await rows(page, 'ack', 'enter').first().waitFor({ timeout: TIMEOUT })
    await selectTab(page, 0)
    await expect.poll(() => rows(page, 'in', 'presence').count(), { timeout: TIMEOUT }).toBe(2)
    await send(page, 'chat:room', '["room1", "hello room"]', { ack: true })
    await rows(page, 'ack', 'chat:room').first().waitFor({ timeout: TIMEOUT })
    await send(page, 'list:room', '["room1"]', { ack: true })
    await rows(page, 'ack', 'list:room').first().waitFor({ timeout: TIMEOUT })
    await selectTab(page, 1)
    await rows(page, 'in', 'chat').first().waitFor({ timeout: TIMEOUT })

    // Every tab at once: the Timeline's Save as scenario.
    await page.getByTestId('timeline-tab').click()
    await page.getByTestId('scenario-save').click()
    await page.getByTestId('scenario-panel').waitFor({ timeout: TIMEOUT })

    const steps = await stepKinds(page)
    expect(steps.filter(s => s.kind === 'connect')).toHaveLength(2)
    expect(steps.some(s => s.kind === 'expect-event' && s.text.includes('expect chat'))).toBe(true)
    expect(steps.some(s => s.kind === 'expect-ack' && s.text.includes('list:room'))).toBe(true)
    await expect.poll(() => page.locator('[data-testid="scenario-step"]:not([data-status="pending"])').count()).toBe(0)

    // The recorded tabs leave (list:room would count them among the room's sockets), then Run.
    await closeAllTabs(page)
    await page.getByTestId('scenario-tab').click()
    await page.getByTestId('scenario-fast').check()
    await page.getByTestId('scenario-run').click()
    await page.locator('[data-testid="scenario-run-summary"][data-running="false"]').waitFor({ timeout: 30_000 })
    const failed = await page.locator('[data-testid="scenario-step"][data-status="fail"]').allTextContents()
    expect(failed).toEqual([])
    await expect.poll(() => page.locator('[data-testid="scenario-step"][data-status="pass"]').count()).toBe(steps.length)
    await expect.poll(() => page.getByTestId('scenario-run-summary').getAttribute('data-ok')).toBe('true')
    // The replay ran in fresh tabs (through the sessions store: they are tabs like any other).
    await expect.poll(() => page.getByTestId('session-tab').count()).toBe(2)
    await expect.poll(() => page.getByTestId('scenario-step-timing').first().textContent()).toMatch(/ms/)
    await page.screenshot({ path: join(SCREENSHOTS, 'scenario-panel.png') })

    // Pin a field that the server will not send again: that step fails, with the diff.
    const chatIndex = steps.findIndex(s => s.kind === 'expect-event' && s.text.includes('expect chat'))
    const chatStep = page.getByTestId('scenario-step').nth(chatIndex)
    await chatStep.getByTestId('scenario-step-payload').click()
    await chatStep.locator('[data-testid="scenario-field"][data-path="$[0].text"]').click()
    await chatStep.getByTestId('scenario-rule-kind').selectOption('exact')
    await chatStep.getByTestId('scenario-rule-value').fill('"something else"')
    await chatStep.getByTestId('scenario-rule-apply').click()
    await chatStep.locator('[data-testid="scenario-rule"][data-rule="exact"]').waitFor()
    await page.getByTestId('scenario-run').click()
    await page.locator('[data-testid="scenario-run-summary"][data-running="false"][data-ok="false"]').waitFor({ timeout: 30_000 })
    await expect.poll(() => chatStep.getAttribute('data-status')).toBe('fail')
    await expect.poll(() => chatStep.getByTestId('scenario-step-diff').textContent()).toContain('$[0].text expected')

    // A bad pattern is refused in the editor; `ignore` replaces the exact rule, and the run is green again.
    await chatStep.locator('[data-testid="scenario-field"][data-path="$[0].text"]').click()
    await chatStep.getByTestId('scenario-rule-kind').selectOption('regex')
    await chatStep.getByTestId('scenario-rule-value').fill('(unclosed')
    await chatStep.getByTestId('scenario-rule-apply').click()
    await chatStep.getByTestId('scenario-rule-error').waitFor()
    await chatStep.getByTestId('scenario-rule-kind').selectOption('ignore')
    await chatStep.getByTestId('scenario-rule-apply').click()
    await chatStep.locator('[data-testid="scenario-rule"][data-rule="ignore"]').waitFor()
    await page.getByTestId('scenario-run').click()
    await page.locator('[data-testid="scenario-run-summary"][data-running="false"][data-ok="true"]').waitFor({ timeout: 30_000 })
    // Back to exact for the export below.
    await chatStep.locator('[data-testid="scenario-field"][data-path="$[0].text"]').click()
    await chatStep.getByTestId('scenario-rule-kind').selectOption('exact')
    await chatStep.getByTestId('scenario-rule-value').fill('"something else"')
    await chatStep.getByTestId('scenario-rule-apply').click()
    await chatStep.locator('[data-testid="scenario-rule"][data-rule="exact"]').waitFor()

    // Export: the project's scenario format, with the pinned rule; and the Vitest test.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scenario-export').click()])
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { format: string, steps: { rules?: unknown[] }[] }
    expect(exported.format).toBe('sio-inspector-scenario')
    expect(exported.steps[chatIndex]!.rules).toEqual([{ path: '$[0].text', rule: 'exact', value: 'something else' }])
    const [vitest] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scenario-export-vitest').click()])
    expect(vitest.suggestedFilename()).toMatch(/\.test\.ts$/)
    expect(readFileSync((await vitest.path())!, 'utf8')).toContain('socket.io-client')
    expect(stack.pageErrors).toEqual([])
  }, 120_000)

  it('a tab recorded through the relay saves from its own tab and replays through the relay', async () => {
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${demoUrl}/namespace2`)
    await page.getByTestId('connect-options').click()
    await page.getByTestId('option-relay').setChecked(true)
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
    await send(page, 'enter', '["relay-room"]', { ack: true })
    await rows(page, 'ack', 'enter').first().waitFor({ timeout: TIMEOUT })
    await page.getByTestId('scenario-save').click()
    await page.getByTestId('scenario-panel').waitFor({ timeout: TIMEOUT })
    await closeAllTabs(page)
    await page.getByTestId('scenario-run').click()
    await page.locator('[data-testid="scenario-run-summary"][data-running="false"]').waitFor({ timeout: 30_000 })
    expect(await page.locator('[data-testid="scenario-step"][data-status="fail"]').allTextContents()).toEqual([])
    expect(await page.getByTestId('scenario-run-summary').getAttribute('data-ok')).toBe('true')
    await expect.poll(() => page.getByTestId('session-tab').count()).toBe(1)
    await page.getByTestId('session-tab').first().getByTestId('tab-mark-relay').waitFor()
  })

  it('a damaged scenario file is refused with a message naming the field', async () => {
    const page = await stack.newPage()
    await page.getByTestId('scenario-tab').click()
    const damaged = {
      format: 'sio-inspector-scenario',
      version: 1,
      name: 'damaged',
      allowanceMs: 5000,
      sessions: [{ id: 's1', url: `${demoUrl}/namespace1`, options: {} }],
      steps: [
        { kind: 'connect', session: 's1' },
        { kind: 'emit', session: 's1', name: 'enter', args: ['room1'], ack: true, atMs: 5 },
        { kind: 'emit', session: 's1', name: 'chat:room', args: 'room1', ack: true, atMs: 9 },
      ],
    }
    await page.getByTestId('scenario-import').setInputFiles({ name: 'damaged.scenario.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(damaged, null, 2)) })
    await expect.poll(() => page.getByTestId('scenario-import-error').textContent(), { timeout: TIMEOUT }).toMatch(/damaged\.scenario\.json.*steps\[2\]\.args/)
    expect(await page.getByTestId('scenario-step').count()).toBe(0)
  })
})
