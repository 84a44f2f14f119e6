/**
 * Issue 16 item 2: environments and `{{variables}}`, in Chromium against real servers. The panel edits the
 * current environment's variables as JSON; the connect form's `{{name}}`s resolve at Connect (an unknown
 * one is an error naming it, and nothing connects); a secret reaches the server but never localStorage,
 * Recent, an exported log or the workspace file, and lives in the tab's sessionStorage (it survives a reload).
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, startStack, UI_TIMEOUT } from './harness'

const TOKEN = 'env-s3cret-7d21-token'

/** A socket.io 4 server whose middleware admits only `auth.token === TOKEN`, recording what it got. */
async function startTokenServer(): Promise<{ url: string, seen: unknown[], close: () => Promise<void> }> {
  const server = createServer()
  const sockets = trackSockets(server)
  const io = new Server(server, { cors: { origin: true } })
  const seen: unknown[] = []
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token
    seen.push(token)
    next(token === TOKEN ? undefined : new Error('bad token'))
  })
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    close: async () => {
      io.close()
      await closeServer(server, sockets)
    },
  }
}

async function setVariables(page: Page, json: string): Promise<void> {
  if (await page.getByTestId('env-panel').count() === 0)
    await page.getByTestId('env-open').click()
  await page.getByTestId('env-vars').fill(json)
  await page.getByTestId('env-save').click()
  // Saving closes the panel: the page is usable at once.
  await page.getByTestId('env-panel').waitFor({ state: 'detached', timeout: UI_TIMEOUT })
}

async function openPanel(page: Page): Promise<void> {
  await page.getByTestId('env-open').click()
  await page.getByTestId('env-panel').waitFor({ timeout: UI_TIMEOUT })
}

async function closePanel(page: Page): Promise<void> {
  await page.keyboard.press('Escape')
  await page.getByTestId('env-panel').waitFor({ state: 'detached', timeout: UI_TIMEOUT })
}

async function allLocalStorage(page: Page): Promise<string> {
  return page.evaluate(() => Object.keys(localStorage).map(key => `${key}=${localStorage.getItem(key)}`).join('\n'))
}

async function openOptions(page: Page): Promise<void> {
  if (await page.getByTestId('connect-options-panel').count() === 0)
    await page.getByTestId('connect-options').click()
}

describeE2E('environments and {{variables}}', () => {
  let stack: Stack
  let tokenServer: Awaited<ReturnType<typeof startTokenServer>>
  beforeAll(async () => {
    stack = await startStack()
    tokenServer = await startTokenServer()
  })
  afterAll(async () => {
    await stack?.close()
    await tokenServer?.close()
  })

  it('connects to the demo server with a URL made of variables from the panel', async () => {
    const page = await stack.newPage()
    await expect(page.getByTestId('env-select').inputValue()).resolves.toBe('local')
    await page.getByTestId('env-open').click()
    await expect(page.getByTestId('env-panel').getAttribute('aria-modal')).resolves.toBe('true')
    await expect(page.getByTestId('env-hint').textContent()).resolves.toContain('{{name}}')
    await setVariables(page, `{"port": "${stack.demo.port}", "ns": "/"}`)
    await openPanel(page)
    await expect(page.getByTestId('env-var').evaluateAll(els => els.map(el => el.getAttribute('data-name')))).resolves.toEqual(['port', 'ns'])
    await closePanel(page)
    await page.getByTestId('connect-url').fill('http://127.0.0.1:{{port}}{{ns}}')
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    // The form keeps the template; Recent too.
    await expect(page.getByTestId('connect-url').inputValue()).resolves.toBe('http://127.0.0.1:{{port}}{{ns}}')
    await expect.poll(() => page.evaluate(() => localStorage.getItem('sio-inspector-v1-recent') ?? ''), { timeout: UI_TIMEOUT }).toContain('http://127.0.0.1:{{port}}{{ns}}')
  })

  it('refuses an unknown variable with an error naming it, and connects nothing', async () => {
    const page = await stack.newPage()
    await setVariables(page, `{"port": "${stack.demo.port}"}`)
    await closePanel(page)
    await page.getByTestId('connect-url').fill('http://127.0.0.1:{{port}}/{{nope}}')
    await page.getByTestId('connect-button').click()
    await expect(page.getByTestId('connect-url-error').textContent({ timeout: UI_TIMEOUT })).resolves.toContain('{{nope}}')
    await expect(page.getByTestId('connect-url-error').textContent()).resolves.toContain('"local"')
    expect(await page.getByTestId('session-tab').count()).toBe(0)
    // In auth: its own field's error, options open.
    await page.getByTestId('connect-url').fill('http://127.0.0.1:{{port}}/')
    await openOptions(page)
    await page.getByTestId('option-auth').fill('{ token: "{{missing}}" }')
    await page.getByTestId('connect-button').click()
    await expect(page.getByTestId('option-auth-error').textContent({ timeout: UI_TIMEOUT })).resolves.toContain('{{missing}}')
    expect(await page.getByTestId('session-tab').count()).toBe(0)
  })

  it('rejects variables that are not a JSON object of text, applying nothing', async () => {
    const page = await stack.newPage()
    await setVariables(page, '{"host": "a"}')
    await openPanel(page)
    await page.getByTestId('env-vars').fill('{"host": ')
    await page.getByTestId('env-save').click()
    await expect(page.getByTestId('env-error').textContent({ timeout: UI_TIMEOUT })).resolves.toContain('not valid JSON')
    await page.getByTestId('env-vars').fill('{"host": {"nested": 1}}')
    await page.getByTestId('env-save').click()
    await expect(page.getByTestId('env-error').textContent({ timeout: UI_TIMEOUT })).resolves.toContain('"host"')
    await expect(page.getByTestId('env-var').evaluateAll(els => els.map(el => el.textContent))).resolves.toEqual([expect.stringContaining('a')])
  })

  it('sends a secret variable in auth to the server, and keeps it out of localStorage, Recent, the exported log and the workspace file; a reload keeps it for the tab', async () => {
    const page = await stack.newPage()
    await setVariables(page, `{"token": "${TOKEN}", "who": "me"}`)
    await openPanel(page)
    await page.locator('[data-testid="env-secret"][data-name="token"]').check()
    // Masked in the list and in the text.
    await expect(page.locator('[data-testid="env-var"][data-name="token"]').textContent()).resolves.not.toContain(TOKEN)
    await expect(page.getByTestId('env-vars').inputValue()).resolves.not.toContain(TOKEN)
    await closePanel(page)
    await page.getByTestId('connect-url').fill(tokenServer.url)
    await openOptions(page)
    await page.getByTestId('option-auth').fill('{ token: "{{token}}", who: "{{who}}" }')
    // Even with "remember secrets": what Recent keeps is the template.
    await page.getByTestId('option-remember-secrets').check()
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    expect(tokenServer.seen).toContain(TOKEN)
    await expect.poll(() => page.evaluate(() => localStorage.getItem('sio-inspector-v1-recent') ?? ''), { timeout: UI_TIMEOUT }).toContain('{{token}}')
    expect(await allLocalStorage(page)).not.toContain(TOKEN)
    expect(await page.evaluate(() => sessionStorage.getItem('sio-inspector-v1-secrets'))).toContain(TOKEN)

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-log').click()])
    const exported = await readFile((await download.path())!, 'utf8')
    expect(exported).toContain(tokenServer.url.replace(/\/$/, ''))
    expect(exported).not.toContain(TOKEN)

    // The workspace file (saved connections and environments): the secret by name only.
    await page.getByTestId('workspace-open').click()
    const [workspaceFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('workspace-export').click()])
    const workspaceText = await readFile((await workspaceFile.path())!, 'utf8')
    expect(JSON.parse(workspaceText).environments).toEqual([{ name: 'local', variables: [{ name: 'token', value: '', secret: true }, { name: 'who', value: 'me' }] }])
    expect(workspaceText).not.toContain(TOKEN)
    await page.keyboard.press('Escape')

    // A reload: the non-secret variable from localStorage, the secret from this tab's sessionStorage.
    await page.reload()
    await page.getByTestId('env-open').click()
    await expect(page.getByTestId('env-var').evaluateAll(els => els.map(el => el.getAttribute('data-name')))).resolves.toEqual(['token', 'who'])
    await expect(page.locator('[data-testid="env-secret"][data-name="token"]').isChecked()).resolves.toBe(true)
    await closePanel(page)
    await page.getByTestId('connect-url').fill(tokenServer.url)
    await openOptions(page)
    await page.getByTestId('option-auth').fill('{ token: "{{token}}" }')
    const before = tokenServer.seen.length
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    expect(tokenServer.seen.slice(before)).toContain(TOKEN)
    expect(await allLocalStorage(page)).not.toContain(TOKEN)
  })

  it('keeps environments apart: the header select switches the current one, and Connect resolves with it', async () => {
    const page = await stack.newPage()
    await setVariables(page, `{"port": "1"}`)
    await openPanel(page)
    await page.getByTestId('env-new-name').fill('demo')
    await page.getByTestId('env-add').click()
    await expect(page.getByTestId('env-select').inputValue()).resolves.toBe('demo')
    await setVariables(page, `{"port": "${stack.demo.port}"}`)
    await closePanel(page)
    await page.getByTestId('env-select').selectOption('local')
    await page.getByTestId('connect-url').fill('http://127.0.0.1:{{port}}/')
    await page.getByTestId('env-select').selectOption('demo')
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    expect(stack.pageErrors).toEqual([])
  })
})
