/**
 * The Server, Catalog, Scenario, Tutorial and Attach views in Korean (issue 16 item 7), in real Chromium
 * against the demo server: the header's `ui-lang` select switches every label of these views (not only the
 * tutorial), the choice survives a reload, and back in English the views read as before. Set
 * SCREENSHOTS=1 to refresh docs/screenshots/server-view-ko.png.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeE2E, startStack } from './harness'

const TIMEOUT = 15_000
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')

async function openServerView(page: Page): Promise<void> {
  await page.getByTestId('server-tab').click()
  await page.getByTestId('tree-server').first().waitFor({ timeout: TIMEOUT })
  await page.getByTestId('server-status').and(page.locator('[data-status="connected"]')).waitFor({ timeout: TIMEOUT })
}

/** Korean: what the server view shows once connected to the demo server's admin-ui. */
async function expectServerViewInKorean(page: Page): Promise<void> {
  const panel = page.getByTestId('server-panel')
  await expect.poll(() => page.getByTestId('server-status').textContent(), { timeout: TIMEOUT }).toBe('실시간')
  expect(await page.getByTestId('server-connect').textContent()).toContain('다시 연결')
  expect(await page.getByTestId('tree-expand-all').textContent()).toContain('룸 모두 펼치기')
  expect(await page.getByTestId('server-summary').textContent()).toMatch(/네임스페이스 \d+개/)
  expect(await page.getByTestId('server-details').textContent()).toContain('소켓, 룸 또는 네임스페이스를 선택하면')
  expect(await page.getByTestId('server-event-feed').locator('h3').textContent()).toBe('이벤트')
  expect(await page.getByTestId('server-event-filter').getAttribute('placeholder')).toBe('필터: 이벤트, 소켓 id 또는 네임스페이스')
  expect(await page.getByTestId('tree-namespace').first().locator('.kind').textContent()).toBe('네임스페이스')
  const text = (await panel.textContent()) ?? ''
  for (const english of ['Server URL', 'Expand rooms', 'Waiting for', 'Select a socket', 'Live: changes'])
    expect(text, `"${english}" is still English`).not.toContain(english)
}

describeE2E('the views in Korean', () => {
  let stack: Stack

  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('switches the server, catalog, scenario, tutorial and attach views to Korean and remembers it', async () => {
    const page = await stack.newPage()
    await openServerView(page)
    expect(await page.getByTestId('server-status').textContent()).toBe('live')
    expect(await page.getByTestId('tree-expand-all').textContent()).toContain('Expand rooms')

    await page.getByTestId('ui-lang').selectOption('ko')
    await expectServerViewInKorean(page)
    expect(await page.locator('html').getAttribute('lang')).toBe('ko')

    // A socket's details: the facts' labels are Korean, the data (its id, namespace) as it is.
    await page.getByTestId('tree-socket').first().click()
    const details = page.getByTestId('server-details')
    await expect.poll(() => details.textContent(), { timeout: TIMEOUT }).toContain('클라이언트 id')
    expect(await details.locator('h3').textContent()).toContain('소켓')
    expect(await details.locator('h3 code').textContent()).toBe(await page.getByTestId('tree-socket').first().getAttribute('data-id'))
    if (process.env.SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true })
      await page.screenshot({ path: join(SCREENSHOTS, 'server-view-ko.png') })
    }

    await page.getByTestId('catalog-tab').click()
    expect(await page.getByTestId('catalog-empty').textContent()).toContain('아직 이벤트가 없습니다')
    expect(await page.getByTestId('catalog-export').textContent()).toContain('AsyncAPI 3.0 내보내기')

    await page.getByTestId('scenario-tab').click()
    const scenario = page.getByTestId('scenario-panel')
    expect(await scenario.textContent()).toContain('아직 시나리오가 없습니다')
    expect(await scenario.locator('strong').first().textContent()).toBe('시나리오')

    // The tutorial follows the same choice (its own switch shows it).
    await page.getByTestId('tutorial-tab').click()
    expect(await page.getByTestId('lang-switch').inputValue()).toBe('ko')
    expect(await page.getByTestId('tutorial-panel').locator('h2').textContent()).toBe('따라하는 튜토리얼: 네임스페이스와 룸')

    await page.getByTestId('attach-open').click()
    const attach = page.getByTestId('attach-panel')
    await attach.waitFor({ timeout: TIMEOUT })
    expect(await attach.locator('h2').textContent()).toContain('내 앱 검사하기')
    expect(await page.getByTestId('attach-close').textContent()).toContain('닫기')
    await page.getByTestId('attach-close').click()
    await attach.waitFor({ state: 'detached', timeout: TIMEOUT })

    // Remembered: after a reload the page starts in Korean.
    await page.reload()
    expect(await page.getByTestId('ui-lang').inputValue()).toBe('ko')
    await openServerView(page)
    await expectServerViewInKorean(page)

    // And back: the English wording is as it always was.
    await page.getByTestId('ui-lang').selectOption('en')
    await expect.poll(() => page.getByTestId('server-status').textContent(), { timeout: TIMEOUT }).toBe('live')
    expect(await page.getByTestId('server-event-feed').locator('h3').textContent()).toBe('Events')
    await page.getByTestId('catalog-tab').click()
    expect(await page.getByTestId('catalog-empty').textContent()).toContain('No events yet.')
    expect(stack.pageErrors).toEqual([])
  })

  it('words a connection error by its kind in Korean and keeps the core\'s English sentence beside it', async () => {
    const page = await stack.newPage()
    await openServerView(page)
    await page.getByTestId('ui-lang').selectOption('ko')
    // An action's confirmation is Korean; the room and the socket id are data, as typed.
    await page.getByTestId('tree-socket').first().click()
    const id = await page.getByTestId('tree-socket').first().getAttribute('data-id')
    await page.getByTestId('action-room').fill('방-room1')
    await page.getByTestId('action-join').click()
    expect(await page.getByTestId('action-confirm-box').textContent()).toContain(`소켓 ${id}을(를) 룸 "방-room1"에 참여시킬까요?`)
    await page.getByTestId('action-cancel').click()

    await page.getByTestId('server-password').fill('certainly not the password')
    await page.getByTestId('server-connect').click()
    const error = page.getByTestId('server-error')
    await error.waitFor({ timeout: TIMEOUT })
    expect(await error.getAttribute('data-kind')).toBe('auth')
    expect(await error.locator('strong').textContent()).toBe('/admin의 사용자 이름 또는 비밀번호가 틀렸습니다.')
    expect(await page.getByTestId('server-error-original').textContent()).toContain('Wrong username or password')
    // In English, the core's sentence is the headline, as before.
    await page.getByTestId('ui-lang').selectOption('en')
    expect(await error.locator('strong').textContent()).toMatch(/^Wrong username or password for \/admin/)
    expect(await page.getByTestId('server-error-original').count()).toBe(0)
  })
})
