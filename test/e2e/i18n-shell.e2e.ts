/**
 * Issue 16 item 7, the shell in Korean, in real Chromium against the demo server: the header (view buttons,
 * Import, the theme button, the tab's tooltips and close button), the connect bar (its field, buttons, the
 * options panel's labels, help and the Recent policy) and the import error banner switch to Korean with the
 * header's `ui-lang` select; a connection still works in Korean; the choice is remembered after a reload; back
 * in English the wording is as it always was. URLs and file names are data and stay as they are.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { activeTab, describeE2E, startStack, UI_TIMEOUT } from './harness'

async function text(page: Page, testid: string): Promise<string> {
  return ((await page.getByTestId(testid).first().textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

/** The header's view buttons and the connect bar's buttons, in Korean. */
async function expectShellInKorean(page: Page): Promise<void> {
  await expect.poll(() => text(page, 'timeline-tab')).toBe('타임라인')
  expect(await text(page, 'server-tab')).toBe('서버')
  expect(await text(page, 'tutorial-tab')).toBe('튜토리얼')
  expect(await text(page, 'scenario-tab')).toBe('시나리오')
  expect(await text(page, 'catalog-tab')).toBe('카탈로그')
  expect(((await page.locator('.import-btn').textContent()) ?? '').trim()).toBe('가져오기')
  expect(await page.locator('.import-btn').getAttribute('title')).toBe('내보낸 로그를 읽기 전용 탭으로 엽니다')
  expect(await page.getByTestId('theme-toggle').getAttribute('title')).toBe('테마: 시스템')
  expect(await page.getByTestId('new-session').getAttribute('title')).toBe('새 연결 (Ctrl/Cmd+T, Alt+T)')
  expect(await text(page, 'connect-button')).toBe('연결')
  expect(await text(page, 'disconnect-button')).toBe('연결 끊기')
  expect(await text(page, 'connect-options')).toBe('옵션')
  expect(await page.getByTestId('connect-url').getAttribute('aria-label')).toBe('서버 URL (경로가 네임스페이스입니다)')
}

describeE2E('the shell and the connect bar in Korean', () => {
  let stack: Stack
  let demoUrl: string
  beforeAll(async () => {
    stack = await startStack()
    demoUrl = `http://127.0.0.1:${stack.demo.port}/`
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('switches the header and the connect bar to Korean, connects in Korean, and keeps the choice after a reload', async () => {
    const page = await stack.newPage()
    // English by default (an en-US browser), worded as always.
    expect(await text(page, 'timeline-tab')).toBe('Timeline')
    expect(await text(page, 'connect-button')).toBe('Connect')
    expect(await page.getByTestId('theme-toggle').getAttribute('title')).toBe('Theme: system')

    await page.getByTestId('ui-lang').selectOption('ko')
    await expectShellInKorean(page)

    // The options panel: labels, options and help in Korean; the code samples and option names as they are.
    await page.getByTestId('connect-options').click()
    const panel = page.getByTestId('connect-options-panel')
    await panel.waitFor({ timeout: UI_TIMEOUT })
    const options = ((await panel.textContent()) ?? '').replace(/\s+/g, ' ')
    for (const korean of ['핸드셰이크 경로', '전송 방식', '클라이언트', '파서', '릴레이를 통해', '자동으로 재연결', '별도 연결 (forceNew)', '최근 연결에 비밀 값 기억'])
      expect(options, `"${korean}" is missing`).toContain(korean)
    for (const english of ['Handshake path', 'Transports', 'reconnect automatically', 'Answer window', 'own connection', 'Must be the server', 'remember secrets'])
      expect(options, `"${english}" is still English`).not.toContain(english)
    expect((await page.locator('[data-testid="option-transports"] option[value="websocket"]').textContent())?.trim()).toBe('websocket만')
    expect(await text(page, 'recent-policy')).toContain('최근 연결에는 URL과 옵션이 남습니다. 비밀 값은 \'비밀 값 기억\'을 켰을 때만 남습니다')
    expect(await page.getByTestId('option-auth').getAttribute('placeholder')).toBe('{ token: "…" }')
    // The parser's help keeps the option's name in code between the Korean words.
    expect(((await panel.locator('code').first().textContent()) ?? '').trim()).toBe('parser')

    // The connect flow in Korean: the demo server, the tab connects; the tab's tooltips are Korean, its URL data.
    await page.getByTestId('connect-url').fill(demoUrl)
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => activeTab(page).getAttribute('title')).toBe(`${demoUrl.replace(/\/$/, '')} — 연결됨. 더블클릭하면 이름을 바꿉니다.`)
    expect(await activeTab(page).locator('.tab-close').getAttribute('aria-label')).toMatch(/^탭 1 닫기 \(.+\)$/)
    expect(await activeTab(page).locator('.tab-close').getAttribute('title')).toBe('닫기 (세션을 폐기합니다)')
    expect(await page.getByTestId('connect-button').getAttribute('title')).toBe('이 탭을 연결합니다 (새 탭: + 또는 Ctrl/Alt+T)')
    expect(await text(page, 'reconnect-button')).toBe('다시 연결')
    await page.getByTestId('disconnect-button').click()
    await activeTab(page).and(page.locator('[data-state="disconnected"]')).waitFor({ timeout: UI_TIMEOUT })
    // Recent remembers the URL; its select is worded in Korean.
    const recent = page.getByTestId('recent-select')
    await recent.waitFor({ timeout: UI_TIMEOUT })
    expect(await recent.getAttribute('aria-label')).toBe('최근 연결')
    expect((await recent.locator('option').first().textContent())?.trim()).toBe('최근 연결…')

    // A file that is not an export: the banner is Korean, the file name as it is.
    await page.getByTestId('import-log').setInputFiles({ name: 'not-an-export.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') })
    const importError = page.getByTestId('import-error')
    await expect.poll(() => importError.textContent(), { timeout: UI_TIMEOUT }).toContain('"not-an-export.json"을(를) 가져오지 못했습니다: ')
    expect(((await importError.locator('button').textContent()) ?? '').trim()).toBe('닫기')
    await importError.locator('button').click()
    await importError.waitFor({ state: 'detached', timeout: UI_TIMEOUT })

    // Remembered: a reload starts in Korean.
    await page.reload()
    await page.getByTestId('ui-lang').waitFor()
    expect(await page.getByTestId('ui-lang').inputValue()).toBe('ko')
    await expectShellInKorean(page)

    // Back in English: the wording as it always was.
    await page.getByTestId('ui-lang').selectOption('en')
    await expect.poll(() => text(page, 'timeline-tab')).toBe('Timeline')
    expect(await text(page, 'connect-button')).toBe('Connect')
    expect(await text(page, 'disconnect-button')).toBe('Disconnect')
    expect(await text(page, 'connect-options')).toBe('Options')
    expect(await page.getByTestId('theme-toggle').getAttribute('title')).toBe('Theme: system')
    expect(stack.pageErrors).toEqual([])
  })
})
