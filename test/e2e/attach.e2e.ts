/**
 * Issue 19 in real Chromium: a developer's own apps attach to the inspector.
 * (a) a Node app (socket.io 4.8 server + socket.io-client socket with attach(), in this process) is a tab
 *     labelled by its name, marked "attached", with its traffic both ways and its frames;
 * (b) a browser app (its own bundle built with vite's build(), served from its own origin, in a second page)
 *     shows up the same way;
 * (c) a wrong token opens no tab, and the app's events still work;
 * (d) the inspector going away does not disturb the app;
 * (e) allowEmit: the composer emits through the app's socket, the app's own listener sees the answer;
 * (f) attachServer: the server view lists the attached server, its sockets and each socket's events.
 * The token is read from the Attach panel, as a user would.
 */
import type { Page } from 'playwright-core'
import type { AppServer } from '../fixtures/attach-app/app-server'
import type { NodeApp, NodeAppAttach } from '../fixtures/attach-app/node-app'
import type { Stack } from './harness'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { io as ioc } from 'socket.io-client'
import { expect, it, onTestFinished } from 'vitest'
import { attachServer } from '../../src/attach/index'
import { startAppServer } from '../fixtures/attach-app/app-server'
import { startNodeApp } from '../fixtures/attach-app/node-app'
import { serveBrowserApp } from '../fixtures/attach-app/serve-browser-app'
import { activeTab, describeE2E, rows, send, startStack, UI_TIMEOUT } from './harness'

const TIMEOUT = UI_TIMEOUT
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')

/** A stack (demo server, inspector, Chromium) for this test only: attached apps of one test stay out of the next. */
async function useStack(): Promise<Stack> {
  const stack = await startStack()
  onTestFinished(() => stack.close())
  return stack
}

async function useAppServer(): Promise<AppServer> {
  const app = await startAppServer()
  onTestFinished(() => app.close())
  return app
}

function useNodeApp(serverUrl: string, options: NodeAppAttach): NodeApp {
  const app = startNodeApp(serverUrl, options)
  onTestFinished(() => app.close())
  return app
}

/**
 * Open the Attach panel, check its token and snippets, close it with Escape (focus back on its button).
 * Returns what an app needs: the inspector URL and the token, as the panel shows them.
 */
async function tokenFromPanel(page: Page): Promise<{ url: string, token: string }> {
  await page.getByTestId('attach-open').click()
  const token = (await page.getByTestId('attach-token').textContent({ timeout: TIMEOUT }))!
  expect(token).toMatch(/^\S{16,}$/)
  const node = (await page.getByTestId('attach-snippet-node').textContent())!
  const url = /inspector: '([^']+)'/.exec(node)?.[1]
  expect(url).toMatch(/^http:\/\/localhost:\d+$/)
  expect(node).toBe(`import { io } from 'socket.io-client'\nimport { attach } from 'socketio-inspector/attach'\n\nconst socket = io('http://localhost:3000')\nconst detach = attach(socket, { inspector: '${url}', token: '${token}', name: 'my-app' })`)
  expect(await page.getByTestId('attach-snippet-browser').textContent()).toContain(`attach(socket, { inspector: '${url}', token: '${token}'`)
  expect(await page.getByTestId('attach-browser-note').textContent()).toContain('the token is the gate')
  await page.keyboard.press('Escape')
  await page.getByTestId('attach-panel').waitFor({ state: 'detached', timeout: TIMEOUT })
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('attach-open')
  // Node resolves `localhost` to ::1 first on some machines; the inspector listens on 127.0.0.1.
  return { url: url!.replace('localhost', '127.0.0.1'), token }
}

function attachedTab(page: Page, name: string) {
  return page.locator('[data-testid="session-tab"]').filter({ has: page.locator(`[data-testid="session-tab-label"]:text-is("${name}")`) })
}

describeE2E('attach(): the developer\'s own app in the inspector', () => {
  it('(a) shows a Node app as a tab labelled by its name, "attached", with its traffic both ways and its frames; read-only', async () => {
    const stack = await useStack()
    const page = await stack.newPage()
    const { url, token } = await tokenFromPanel(page)
    const server = await useAppServer()
    const app = useNodeApp(server.url, { inspector: url, token, name: 'node-app', frames: true })
    await app.connected

    const tab = attachedTab(page, 'node-app')
    await tab.waitFor({ timeout: TIMEOUT })
    const mark = tab.getByTestId('session-attached')
    expect(await mark.textContent()).toBe('attached')
    expect(await mark.getAttribute('title')).toContain('read-only')
    expect(await mark.getAttribute('title')).toContain('(node)')
    // The first tab of a page without any is shown; it reads as the app's live socket.
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })

    // Traffic both ways: an incoming event, the app's own emit with its ack.
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })
    server.tick(1)
    await rows(page, 'in', 'tick').first().waitFor({ timeout: TIMEOUT })
    await expect(app.hello('from the app')).resolves.toEqual({ ok: true, heard: 'from the app' })
    await rows(page, 'out', 'hello').first().waitFor({ timeout: TIMEOUT })
    await rows(page, 'ack', 'hello').first().waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'out', 'hello').first().textContent()).toContain('from the app')
    expect(await rows(page, 'ack', 'hello').first().textContent()).toContain('heard')

    // The connect bar mirrors the app's socket: its URL, read-only, no Connect / Disconnect.
    expect(await page.getByTestId('connect-url').inputValue()).toMatch(new RegExp(`^${server.url}/?$`))
    expect(await page.getByTestId('connect-url').getAttribute('readonly')).not.toBeNull()
    expect(await page.getByTestId('connect-button').count()).toBe(0)
    expect(await page.getByTestId('disconnect-button').count()).toBe(0)
    expect(await page.getByTestId('attached-notice').textContent()).toContain('Mirrors your app\'s socket: it connects and disconnects in your app')
    // Read-only: the composer says why and cannot send.
    await page.getByTestId('composer-attached-readonly').waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('composer-attached-readonly').textContent()).toContain('allowEmit: true')
    expect(await page.getByTestId('emit-send').isDisabled()).toBe(true)

    // The panel lists the app, present, and its button focuses the tab.
    await page.getByTestId('attach-open').click()
    const listed = page.locator('[data-testid="attach-app"][data-role="client"]')
    await listed.filter({ hasText: 'node-app' }).waitFor({ timeout: TIMEOUT })
    expect(await listed.getAttribute('data-present')).toBe('true')
    expect(await listed.textContent()).toContain('node')
    await page.screenshot({ path: join(SCREENSHOTS, 'attach.png') })
    await listed.getByTestId('attach-app-show').click()
    await page.getByTestId('attach-panel').waitFor({ state: 'detached', timeout: TIMEOUT })

    // Frames, when the app asked for them.
    await page.getByTestId('frames-tab').click()
    await page.locator('[data-testid="frame-row"][data-type="message"]').first().waitFor({ timeout: TIMEOUT })
    await page.getByTestId('events-tab').click()

    // The app leaves: the tab stays with its log and says so.
    app.close()
    await tab.getByTestId('session-attached-gone').waitFor({ timeout: TIMEOUT })
    await page.getByTestId('attached-gone').waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'out', 'hello').count()).toBeGreaterThan(0)
    expect(stack.pageErrors).toEqual([])
  })

  it('(b) shows a browser app (its own bundle, its own origin) with its traffic both ways', async () => {
    const stack = await useStack()
    const page = await stack.newPage()
    const { token } = await tokenFromPanel(page)
    const server = await useAppServer()
    const served = await serveBrowserApp()
    onTestFinished(() => served.close())
    const context = await stack.browser.newContext({ viewport: { width: 900, height: 600 } })
    onTestFinished(() => context.close())
    const appPage = await context.newPage()
    const appErrors: string[] = []
    appPage.on('pageerror', error => appErrors.push(error.message))
    appPage.on('console', message => appErrors.push(`console.${message.type()}: ${message.text()}`))
    // The browser app uses `localhost` like the snippet (Chromium resolves it to 127.0.0.1).
    const inspector = `http://localhost:${stack.inspector.port}`
    const query = new URLSearchParams({ server: server.url, inspector, token, name: 'web-app' })
    await appPage.goto(`${served.url}/?${query}`)
    await appPage.waitForFunction(() => window.app?.connected === true, undefined, { timeout: TIMEOUT })

    const tab = attachedTab(page, 'web-app')
    await tab.waitFor({ timeout: TIMEOUT }).catch((error) => {
      throw new Error(`${error}\napp page said: ${appErrors.join('\n')}`)
    })
    expect(await tab.getByTestId('session-attached').getAttribute('title')).toContain('(browser)')
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })
    server.tick(7)
    await rows(page, 'in', 'tick').first().waitFor({ timeout: TIMEOUT })
    const answer = await appPage.evaluate(() => window.app.hello('from the web app'))
    expect(answer).toEqual({ ok: true, heard: 'from the web app' })
    await rows(page, 'out', 'hello').first().waitFor({ timeout: TIMEOUT })
    await rows(page, 'ack', 'hello').first().waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'out', 'hello').first().textContent()).toContain('from the web app')
    // The app itself saw what it always sees.
    expect(await appPage.evaluate(() => window.app.seen.map(s => s.event))).toEqual(expect.arrayContaining(['welcome', 'tick']))
    expect(appErrors).toEqual([])
    expect(served.bundleBytes).toBeGreaterThan(0)
  })

  it('(c) refuses a wrong token: no tab, and the app\'s own events still work', async () => {
    const stack = await useStack()
    const page = await stack.newPage()
    const { url, token } = await tokenFromPanel(page)
    const server = await useAppServer()
    const refusals: string[] = []
    const intruder = useNodeApp(server.url, { inspector: url, token: `${token}-wrong`, name: 'intruder', onError: m => refusals.push(m) })
    await intruder.connected
    await expect.poll(() => refusals.length, { timeout: TIMEOUT }).toBeGreaterThan(0)
    expect(refusals[0]).toMatch(/token/i)
    // The app is unaffected: its emits are answered, the server's events arrive.
    await expect(intruder.hello('still works')).resolves.toEqual({ ok: true, heard: 'still works' })
    server.tick(3)
    await expect.poll(() => intruder.seen.some(s => s.event === 'tick'), { timeout: TIMEOUT }).toBe(true)

    // An app with the right token shows up: by then the refused one would have too.
    const good = useNodeApp(server.url, { inspector: url, token, name: 'welcome-app' })
    await good.connected
    await attachedTab(page, 'welcome-app').waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('session-attached').count()).toBe(1)
    expect(await attachedTab(page, 'intruder').count()).toBe(0)
  })

  it('(d) the inspector going away does not disturb the app: its events keep flowing', async () => {
    const stack = await useStack()
    const page = await stack.newPage()
    const { url, token } = await tokenFromPanel(page)
    const server = await useAppServer()
    const app = useNodeApp(server.url, { inspector: url, token, name: 'resilient' })
    await app.connected
    await attachedTab(page, 'resilient').waitFor({ timeout: TIMEOUT })
    await page.close()

    await stack.inspector.close()
    // The mirror now retries quietly; the app's own traffic is as before.
    for (let i = 0; i < 5; i++)
      await expect(app.hello(`after ${i}`)).resolves.toEqual({ ok: true, heard: `after ${i}` })
    server.tick(11)
    await expect.poll(() => app.seen.filter(s => s.event === 'tick').map(s => s.args[0]), { timeout: TIMEOUT }).toEqual([11])
    expect(app.socket.connected).toBe(true)
  })

  it('(e) with allowEmit the composer emits through the app\'s socket and the app\'s listener sees the answer', async () => {
    const stack = await useStack()
    const page = await stack.newPage()
    const { url, token } = await tokenFromPanel(page)
    const server = await useAppServer()
    const app = useNodeApp(server.url, { inspector: url, token, name: 'emitter', allowEmit: true })
    await app.connected
    const tab = attachedTab(page, 'emitter')
    await tab.waitFor({ timeout: TIMEOUT })
    expect(await tab.getByTestId('session-attached').getAttribute('title')).toContain('can emit')
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
    await page.getByTestId('composer-attached-emit').waitFor({ timeout: TIMEOUT })

    await send(page, 'chat', '["from the composer", 2]', { ack: true })
    await rows(page, 'out', 'chat').first().waitFor({ timeout: TIMEOUT })
    await rows(page, 'ack', 'chat').first().waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'ack', 'chat').first().textContent()).toContain('delivered')
    await rows(page, 'in', 'echo').first().waitFor({ timeout: TIMEOUT })
    // The app's own listener saw the server's answer to an emit the inspector asked for.
    await expect.poll(() => app.seen.filter(s => s.event === 'echo').map(s => s.args), { timeout: TIMEOUT }).toEqual([['from the composer', 2]])
    expect(server.received.filter(r => r.endsWith(' chat'))).toHaveLength(1)

    // Without allowEmit, the composer of that app's tab is off.
    const quiet = useNodeApp(server.url, { inspector: url, token, name: 'quiet' })
    await quiet.connected
    await attachedTab(page, 'quiet').click()
    await page.getByTestId('composer-attached-readonly').waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('emit-send').isDisabled()).toBe(true)
  })

  it('(f) attachServer: the server view lists the attached server, its sockets and each socket\'s events both ways', async () => {
    const stack = await useStack()
    const page = await stack.newPage()
    const { url, token } = await tokenFromPanel(page)
    // The demo server (admin-ui instrumented, so the tree shows the same sockets) attached as a server.
    const detach = attachServer(stack.demo.io, { inspector: url, token, name: 'demo-server' })
    onTestFinished(() => detach())
    const demoUrl = `http://127.0.0.1:${stack.demo.port}`
    const clients = [ioc(`${demoUrl}/`, { forceNew: true }), ioc(`${demoUrl}/namespace1`, { forceNew: true })]
    onTestFinished(() => {
      for (const c of clients) c.disconnect()
    })
    await Promise.all(clients.map(c => new Promise<void>(resolve => c.once('connect', () => resolve()))))
    const [a, b] = clients.map(c => c.id!)
    clients[0].emit('echo', 'hello <b>server</b>', { n: 1 })
    clients[1].emit('echo', 'on namespace1')
    await Promise.all(clients.map(c => new Promise<void>(resolve => c.once('echo', () => resolve()))))

    await page.getByTestId('server-tab').click()
    const section = page.locator('[data-testid="attached-server"][data-name="demo-server"]')
    await section.waitFor({ timeout: TIMEOUT })
    expect(await section.textContent()).toContain('Attached server: demo-server')
    await section.locator(`[data-testid="attached-socket"][data-peer="${a}"][data-namespace="/"]`).waitFor({ timeout: TIMEOUT })
    await section.locator(`[data-testid="attached-socket"][data-peer="${b}"][data-namespace="/namespace1"]`).waitFor({ timeout: TIMEOUT })

    // A socket selected in the list: its events in (from that client) and out (to it), arguments as text.
    await section.locator(`[data-testid="attached-socket"][data-peer="${a}"]`).click()
    const log = section.getByTestId('attached-socket-log')
    expect(await log.getAttribute('data-peer')).toBe(a)
    const echoIn = log.locator('[data-testid="attached-socket-event"][data-direction="in"][data-event="echo"]')
    const echoOut = log.locator('[data-testid="attached-socket-event"][data-direction="out"][data-event="echo"]')
    await echoIn.first().waitFor({ timeout: TIMEOUT })
    await echoOut.first().waitFor({ timeout: TIMEOUT })
    expect(await echoIn.first().textContent()).toContain('hello <b>server</b>')
    expect(await log.locator('b').count()).toBe(0)
    await log.locator('[data-testid="attached-socket-event"][data-direction="out"][data-event="welcome"]').first().waitFor({ timeout: TIMEOUT })

    // The same socket selected in the admin-ui tree selects its log here.
    const treeRow = page.locator(`[data-testid="tree-socket"][data-id="${b}"]`).first()
    await treeRow.waitFor({ timeout: TIMEOUT })
    await treeRow.click()
    await expect.poll(() => log.getAttribute('data-peer'), { timeout: TIMEOUT }).toBe(b)
    await log.locator('[data-testid="attached-socket-event"][data-direction="in"][data-event="echo"]').first().waitFor({ timeout: TIMEOUT })
    expect(await log.locator('[data-testid="attached-socket-event"][data-direction="in"][data-event="echo"]').first().textContent()).toContain('on namespace1')
    await page.screenshot({ path: join(SCREENSHOTS, 'attach-server.png') })
    // Not a tab.
    expect(await page.getByTestId('session-attached').count()).toBe(0)
  })
})
