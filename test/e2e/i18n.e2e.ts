/**
 * Issue 16 item 7, a session's side of the UI in Korean, in real Chromium: the header's `ui-lang` switch
 * turns the tab's page, the event log and its rows, the connection, heartbeat and fault panels, the frames
 * view and "Copy as code" into Korean at once (no reload), the choice is remembered after a reload, and a
 * connection's diagnosis is shown in Korean by its code while its detail (which quotes the server) stays as
 * the core wrote it. English stays the default for an English browser.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startV4Server } from '../fixtures/broken-servers'
import { activeTab, describeE2E, rows, startStack, UI_TIMEOUT, useServer } from './harness'

async function connect(page: Page, url: string): Promise<void> {
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-button').click()
}

async function text(page: Page, testid: string): Promise<string> {
  return ((await page.getByTestId(testid).first().textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

describeE2E('the session UI in Korean', () => {
  let stack: Stack
  let demoUrl: string
  beforeAll(async () => {
    stack = await startStack()
    demoUrl = `http://127.0.0.1:${stack.demo.port}/`
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('switches the tab\'s page, log, panels and frames to Korean, and keeps the choice after a reload', async () => {
    const page = await stack.newPage()
    // English by default (an en-US browser).
    await connect(page, demoUrl)
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => text(page, 'connection-state')).toBe('connected')
    expect(await text(page, 'log-pause')).toBe('Pause')

    await page.getByTestId('ui-lang').selectOption('ko')
    // The same page, now in Korean: no reload, no reconnect.
    await expect.poll(() => text(page, 'connection-state')).toBe('연결됨')
    expect(await text(page, 'events-tab')).toBe('이벤트')
    expect(await text(page, 'frames-tab')).toBe('프레임')
    expect(await text(page, 'log-pause')).toBe('일시 정지')
    expect(await text(page, 'log-clear')).toBe('지우기')
    expect(await page.getByTestId('log-filter').getAttribute('placeholder')).toBe('텍스트로 거르기…')
    expect(await page.locator('[data-testid="heartbeat"] h3').textContent()).toBe('핸드셰이크와 하트비트')
    expect(await text(page, 'heartbeat-last-packet')).toMatch(/^\d+초 전$/)
    expect(await page.locator('[data-testid="faults"] h3').textContent()).toBe('장애 주입')
    expect(await text(page, 'fault-drop-transport')).toBe('transport 끊기')
    expect(await text(page, 'copy-as-code')).toBe('코드로 복사')
    // The rows: the direction column and the lifecycle previews; the socket id and transport are data.
    const connectRow = rows(page, 'lifecycle').and(page.locator('[data-kind="connect"]')).first()
    await expect.poll(async () => (await connectRow.locator('.c-dir').textContent())?.trim()).toBe('● 상태')
    expect(await connectRow.getByTestId('log-row-preview').textContent()).toMatch(/^id \S+ (?:polling|websocket) 사용$/)
    expect(await connectRow.locator('.c-name').getAttribute('title')).toBe('네임스페이스가 소켓을 받아들였습니다 (소켓 id, transport, 복구 여부).')
    const socketIds = page.locator('details.id-history summary')
    expect((await socketIds.textContent())?.trim()).toMatch(/^소켓 id \(1\)$/)

    // The selected entry's detail.
    expect((await page.locator('.entry-detail .detail-empty').textContent())?.trim()).toBe('행을 선택하면 모든 인자를 볼 수 있습니다.')
    await rows(page, 'in', 'welcome').first().click()
    await page.locator('.entry-detail').getByRole('button', { name: '값 복사' }).waitFor({ timeout: UI_TIMEOUT })
    expect(await page.locator('.entry-detail .json-key').first().textContent()).toBe('인자 0:')
    await page.screenshot({ path: '/tmp/i18n-ko-session.png' })

    // The frames view.
    await page.getByTestId('frames-tab').click()
    await page.getByTestId('frame-row').first().waitFor({ timeout: UI_TIMEOUT })
    expect((await page.locator('[data-testid="frames-filter-type"] option[value="no-heartbeat"]').textContent())?.trim()).toBe('ping/pong 숨기기')
    await page.getByTestId('frame-row').first().click()
    await expect.poll(() => page.locator('.frame-detail h4').first().textContent()).toMatch(/^원본 \(/)

    // Remembered: a reload comes back in Korean (whether or not the tab itself is restored).
    await page.reload()
    await page.getByTestId('ui-lang').waitFor()
    expect(await page.getByTestId('ui-lang').inputValue()).toBe('ko')
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ko')
    if (await page.getByTestId('events-tab').count() === 0)
      await expect.poll(() => page.locator('.welcome p').textContent()).toContain('위에 서버 URL을 입력하고')
    else
      expect(await text(page, 'events-tab')).toBe('이벤트')

    // And back to English.
    await page.getByTestId('ui-lang').selectOption('en')
    if (await page.getByTestId('events-tab').count() === 0)
      await expect.poll(() => page.locator('.welcome p').textContent()).toContain('Enter a server URL above')
    else
      await expect.poll(() => text(page, 'events-tab')).toBe('Events')
  })

  it('shows a diagnosis in Korean by its code; the detail quotes the server as the core wrote it', async () => {
    const server = await useServer(startV4Server())
    const page = await stack.newPage()
    await page.getByTestId('ui-lang').selectOption('ko')
    await connect(page, `${server.url}/nope`)
    const diagnosis = page.locator('[data-testid=connect-diagnosis][data-code="invalid-namespace"][data-status=done]').first()
    await diagnosis.waitFor({ timeout: 30_000 })
    expect(await diagnosis.locator('.diag-title').textContent()).toBe('서버에 그런 네임스페이스가 없습니다')
    expect(await diagnosis.locator('.diag-suggestion').textContent()).toContain('네임스페이스는 서버가 선언해야만 존재합니다')
    // The detail is the core's, in English: it names what the server answered.
    expect(await diagnosis.locator('.diag-detail').textContent()).toContain('Invalid namespace')
    expect(await diagnosis.textContent()).toContain('socket.io는 스스로 다시 시도하지 않습니다')
    // The connect_error row: the server's message is data; the row's tooltip is Korean.
    const errorRow = rows(page, 'lifecycle').and(page.locator('[data-kind="connect_error"]')).first()
    expect(await errorRow.getByTestId('log-row-preview').textContent()).toContain('Invalid namespace')
    expect(await errorRow.locator('.c-name').getAttribute('title')).toMatch(/^연결이나 네임스페이스가 거부되었습니다/)
    // No script error (the probes' own failed requests are logged by the browser as console errors: not ours).
    expect(stack.pageErrors.filter(e => e.startsWith('pageerror'))).toEqual([])
  })
})
