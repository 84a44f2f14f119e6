/**
 * Issue 16 items 1 and 3 in real Chromium against the real demo server: a saved connection survives a
 * reload and opens as a tab (or focuses the tab on it); open tabs come back after a reload — labels, order,
 * the active tab — disconnected, and "reconnect all" connects them; the workspace file exported here
 * imports into a fresh browser (no secrets in it); a bad file says what is wrong and changes nothing.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { activeTab, describeE2E, startStack, UI_TIMEOUT } from './harness'

const TOKEN = 'ws-e2e-t0ken-31c7'

async function waitConnected(page: Page): Promise<void> {
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
}

function item(page: Page, name: string) {
  return page.locator(`[data-testid="workspace-item"][data-name="${name}"]`)
}

async function openPanel(page: Page): Promise<void> {
  await page.getByTestId('workspace-open').click()
  await page.getByTestId('workspace-panel').waitFor({ timeout: UI_TIMEOUT })
}

async function saveAs(page: Page, name: string): Promise<void> {
  await page.getByTestId('workspace-save-name').fill(name)
  await page.getByTestId('workspace-save').click()
  await expect.poll(() => page.getByTestId('workspace-save-note').textContent({ timeout: 1000 }).catch(() => '')).toContain(`Saved "${name}"`)
}

describeE2E('workspace: saved connections and tabs restored after a reload', () => {
  let stack: Stack
  let demoUrl: string

  beforeAll(async () => {
    stack = await startStack()
    demoUrl = `http://127.0.0.1:${stack.demo.port}`
  })
  afterAll(() => stack?.close())

  it('saves a connection to the demo server; after a reload it opens from the list as a tab, then focuses it', async () => {
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${demoUrl}/namespace1`)
    await page.getByTestId('connect-options').click()
    await page.getByTestId('option-timeout').fill('7000')
    await page.getByTestId('option-auth').fill(`{ token: "${TOKEN}" }`)
    await saveAs(page, 'demo ns1')
    expect(await page.getByTestId('workspace-save-note').textContent()).toContain('Left out: auth.')
    // Saving opens the sidebar: the new connection is listed at once, no other button needed.
    await item(page, 'demo ns1').waitFor({ timeout: UI_TIMEOUT })
    // Once more under the same name: it asks first.
    await page.getByTestId('workspace-save-name').fill('demo ns1')
    await page.getByTestId('workspace-save').click()
    await page.getByTestId('workspace-save-exists').waitFor()
    await page.getByTestId('workspace-save-replace').click()
    await expect.poll(() => page.getByTestId('workspace-save-note').textContent()).toContain('Replaced "demo ns1"')
    expect(await page.evaluate(() => Object.values(localStorage).join('\n'))).not.toContain(TOKEN)

    await page.reload()
    expect(await page.getByTestId('session-tab').count()).toBe(0)
    // The sidebar stays open across the reload.
    await page.getByTestId('workspace-panel').waitFor({ timeout: UI_TIMEOUT })
    const group = page.locator(`[data-testid="workspace-group"][data-server="127.0.0.1:${stack.demo.port}"]`)
    await group.waitFor()
    expect(await item(page, 'demo ns1').textContent()).toContain('without auth')
    await item(page, 'demo ns1').click()
    await expect.poll(() => page.getByTestId('session-tab').count()).toBe(1)
    expect(await page.getByTestId('workspace-panel').count()).toBe(1)
    const tab = activeTab(page)
    expect(await tab.getAttribute('data-state')).toBe('disconnected')
    expect(await tab.getByTestId('session-tab-label').textContent()).toBe('demo ns1')
    expect(await page.getByTestId('connect-url').inputValue()).toBe(`${demoUrl}/namespace1`)
    await page.getByTestId('connect-options').click()
    expect(await page.getByTestId('option-timeout').inputValue()).toBe('7000')
    expect(await page.getByTestId('workspace-secrets-omitted').textContent()).toContain('fill in auth again')
    await page.getByTestId('connect-button').click()
    await waitConnected(page)

    // From the list again: the tab already on it, not a second one.
    await page.getByTestId('new-session').click()
    await expect.poll(() => page.getByTestId('session-tab').count()).toBe(2)
    await openPanel(page)
    await item(page, 'demo ns1').click()
    await expect.poll(() => activeTab(page).getByTestId('session-tab-label').textContent()).toBe('demo ns1')
    expect(await page.getByTestId('session-tab').count()).toBe(2)

    // Rename and delete in the list.
    await openPanel(page)
    await item(page, 'demo ns1').getByTestId('workspace-rename').click()
    await page.getByTestId('workspace-rename-input').fill('demo one')
    await page.getByTestId('workspace-rename-apply').click()
    await item(page, 'demo one').waitFor()
    expect(await page.getByTestId('session-tab').count()).toBe(2)
    await item(page, 'demo one').getByTestId('workspace-delete').click()
    await page.getByTestId('workspace-empty').waitFor()
    await page.getByTestId('workspace-close').click()
    await expect.poll(() => page.getByTestId('workspace-panel').count()).toBe(0)
    // Closed stays closed after a reload.
    await page.reload()
    await page.getByTestId('connect-url').waitFor()
    expect(await page.getByTestId('workspace-panel').count()).toBe(0)
  })

  it('open tabs come back after a reload: labels, order, the active tab, disconnected; reconnect all connects them', async () => {
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${demoUrl}/namespace1`)
    await page.getByTestId('connect-button').click()
    await waitConnected(page)
    await page.getByTestId('new-session').click()
    await page.getByTestId('connect-url').fill(`${demoUrl}/namespace2`)
    await page.getByTestId('connect-button').click()
    await waitConnected(page)
    const second = page.getByTestId('session-tab').nth(1)
    await second.getByTestId('session-tab-label').dblclick()
    await page.getByTestId('session-tab-rename').fill('Second')
    await page.keyboard.press('Enter')
    await expect.poll(() => second.getByTestId('session-tab-label').textContent()).toBe('Second')
    await page.getByTestId('session-tab').nth(0).click()
    await page.getByTestId('session-tab').nth(0).and(page.locator('[aria-selected="true"]')).waitFor()
    expect(await page.getByTestId('reconnect-all').count()).toBe(0)

    await page.reload()
    const tabs = page.getByTestId('session-tab')
    await expect.poll(() => tabs.count(), { timeout: UI_TIMEOUT }).toBe(2)
    expect(await tabs.evaluateAll(els => els.map(el => el.getAttribute('data-state')))).toEqual(['disconnected', 'disconnected'])
    expect(await page.getByTestId('session-tab-label').allTextContents()).toEqual([`127.0.0.1:${stack.demo.port} /namespace1`, 'Second'])
    expect(await tabs.nth(0).getAttribute('aria-selected')).toBe('true')
    expect(await page.getByTestId('connect-url').inputValue()).toBe(`${demoUrl}/namespace1`)
    // Logs are not kept: the restored tab has no rows.
    expect(await page.locator('[data-testid="log-row"]').count()).toBe(0)
    const all = page.getByTestId('reconnect-all')
    expect(await all.textContent()).toContain('Reconnect all (2)')

    await all.click()
    await expect.poll(() => tabs.evaluateAll(els => els.map(el => el.getAttribute('data-state'))), { timeout: UI_TIMEOUT }).toEqual(['connected', 'connected'])
    expect(await page.getByTestId('reconnect-all').count()).toBe(0)

    // A closed tab stays closed after the next reload.
    await tabs.nth(1).getByRole('button', { name: /^Close tab 2/ }).click()
    await expect.poll(() => tabs.count()).toBe(1)
    await page.reload()
    await expect.poll(() => page.getByTestId('session-tab-label').allTextContents(), { timeout: UI_TIMEOUT }).toEqual([`127.0.0.1:${stack.demo.port} /namespace1`])
  })

  it('exports the workspace without secrets and imports it into a fresh browser; a bad file says what is wrong', async () => {
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${demoUrl}/namespace1`)
    await page.getByTestId('connect-options').click()
    await page.getByTestId('option-auth').fill(`{ token: "${TOKEN}" }`)
    await page.getByTestId('option-remember-secrets').setChecked(true)
    await saveAs(page, 'with secret')
    expect(await page.getByTestId('workspace-save-note').textContent()).toContain('Kept in clear in this browser: auth.')
    await page.getByTestId('connect-url').fill(`${demoUrl}/namespace2`)
    await page.getByTestId('option-auth').fill('')
    await saveAs(page, 'plain')

    await openPanel(page)
    expect(await item(page, 'with secret').getByTestId('workspace-secrets-kept').count()).toBe(1)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('workspace-export').click()])
    expect(download.suggestedFilename()).toBe('socketio-inspector-workspace.json')
    const text = readFileSync((await download.path())!, 'utf8')
    expect(text).not.toContain(TOKEN)
    expect(JSON.parse(text)).toMatchObject({ format: 'socketio-inspector-workspace', version: 1 })
    await expect.poll(() => page.getByTestId('workspace-note').textContent()).toContain('Left out of the file (secrets): "with secret": auth.')

    const fresh = await stack.newPage()
    await openPanel(fresh)
    await fresh.getByTestId('workspace-empty').waitFor()
    // A bad file first (dropped on the panel): one message, nothing imported.
    await fresh.evaluate((json) => {
      const data = new DataTransfer()
      data.items.add(new File([json], 'newer.json', { type: 'application/json' }))
      document.querySelector('[data-testid="workspace-panel"] .box')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
    }, JSON.stringify({ format: 'socketio-inspector-workspace', version: 9, connections: [] }))
    await expect.poll(() => fresh.getByTestId('workspace-import-error').textContent({ timeout: 1000 }).catch(() => '')).toContain('made by a newer Socket.IO Inspector')
    await fresh.getByTestId('workspace-import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(text.replace('"name": "plain"', '"name": 5')) })
    await expect.poll(() => fresh.getByTestId('workspace-import-error').textContent()).toContain('"broken.json" was not imported, nothing changed: connections[1].name: expected text')
    expect(await fresh.getByTestId('workspace-item').count()).toBe(0)

    await fresh.getByTestId('workspace-import').setInputFiles({ name: 'ws.json', mimeType: 'application/json', buffer: Buffer.from(text) })
    await expect.poll(() => fresh.getByTestId('workspace-note').textContent({ timeout: 1000 }).catch(() => '')).toContain('Imported from "ws.json": 2 connections')
    expect(await fresh.getByTestId('workspace-import-error').count()).toBe(0)
    expect((await fresh.getByTestId('workspace-item').evaluateAll(els => els.map(el => el.getAttribute('data-name')))).sort()).toEqual(['plain', 'with secret'])
    await item(fresh, 'plain').click()
    expect(await fresh.getByTestId('connect-url').inputValue()).toBe(`${demoUrl}/namespace2`)
    await fresh.getByTestId('connect-button').click()
    await waitConnected(fresh)

    // The panel in Korean.
    await fresh.getByTestId('ui-lang').selectOption('ko')
    await openPanel(fresh)
    expect(await fresh.getByTestId('workspace-export').textContent()).toContain('내보내기')
    expect(await fresh.getByTestId('workspace-count').textContent()).toContain('저장한 연결 2개')
    await fresh.screenshot({ path: '/tmp/workspace-panel-ko.png' })
    expect(stack.pageErrors, stack.pageErrors.join('\n')).toEqual([])
  })
})
