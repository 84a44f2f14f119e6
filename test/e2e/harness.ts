/**
 * End-to-end harness: real Chromium (Debian's package, driven by playwright-core), a demo server on an
 * ephemeral port, and the built inspector served by its own Node server, configured to point at that
 * demo server (with the admin-ui credentials filled in).
 *
 * @example
 * describeE2E('connect', () => {
 *   let stack: Stack
 *   beforeAll(async () => { stack = await startStack() })
 *   afterAll(() => stack.close())
 *   it('shows the socket id', async () => {
 *     const page = await stack.newPage()
 *     await page.getByTestId('connect-button').click()
 *   })
 * })
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { DemoServerOptions } from '../../demo-server/src/app'
import type { InspectorRuntimeConfig, InspectorServer } from '../../inspector-ui/server/index'
import { chromium } from 'playwright-core'
import { describe, inject, onTestFinished } from 'vitest'
import { startDemoServer } from '../../demo-server/src/start'
import { startInspectorServer } from '../../inspector-ui/server/index'

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

const chromiumPath = inject('e2eChromium')
/** `describe` when Chromium is there, else `describe.skip` (global-setup printed why). */
export const describeE2E = chromiumPath ? describe : describe.skip

export type DemoHandle = Awaited<ReturnType<typeof startDemoServer>>

export interface Stack {
  inspectorUrl: string
  inspector: InspectorServer
  demo: DemoHandle
  browser: Browser
  /** A fresh browser context (own localStorage) and page, 1280x800, at `inspectorUrl + path`. */
  newPage: (path?: string, options?: { colorScheme?: 'light' | 'dark', locale?: string }) => Promise<Page>
  /** Collects page errors and console errors of every page opened through `newPage`. */
  pageErrors: string[]
  close: () => Promise<void>
}

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!chromiumPath)
    throw new Error('Chromium is not available (see the e2e global setup message).')
  return chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_FLAGS, ...extraArgs], headless: true })
}

export interface StackOptions {
  demo?: DemoServerOptions
  /** Extra runtime config for the page (merged over the demo server's). */
  config?: InspectorRuntimeConfig
  /** Serve the inspector over https with this key and certificate (the browser accepts it). */
  inspectorTls?: { key: string, cert: string }
  /** Extra Chromium flags (e.g. `--host-resolver-rules=...`). */
  browserArgs?: string[]
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const demo = await startDemoServer({ port: 0, host: '127.0.0.1', log: () => {}, ...options.demo })
  const demoUrl = `http://127.0.0.1:${demo.port}`
  const inspector = await startInspectorServer({
    port: 0,
    tls: options.inspectorTls,
    config: {
      demoUrl,
      admin: { url: demoUrl, namespace: '/admin', username: 'admin', password: demo.adminPassword },
      ...options.config,
    },
  })
  const inspectorUrl = `${options.inspectorTls ? 'https' : 'http'}://127.0.0.1:${inspector.port}`
  const browser = await launchBrowser(options.browserArgs)
  const contexts: BrowserContext[] = []
  const pageErrors: string[] = []
  return {
    inspectorUrl,
    inspector,
    demo,
    browser,
    pageErrors,
    async newPage(path = '/', pageOptions = {}) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        colorScheme: pageOptions.colorScheme ?? 'light',
        locale: pageOptions.locale ?? 'en-US',
        acceptDownloads: true,
        ignoreHTTPSErrors: Boolean(options.inspectorTls),
      })
      contexts.push(context)
      // A page lives as long as the test that opened it. Left open, it would go on reconnecting to that
      // test's server after the server closed, and once the OS hands the port to a later test's server, those
      // stray connections would land there (a server that counts its connections, or a restart, would see them).
      try {
        onTestFinished(() => context.close().catch(() => {}))
      }
      catch {
        // Opened outside a test (beforeAll): it is closed with the stack.
      }
      const page = await context.newPage()
      page.on('pageerror', error => pageErrors.push(`pageerror: ${error.message}`))
      page.on('console', (message) => {
        if (message.type() === 'error')
          pageErrors.push(`console: ${message.text()}`)
      })
      await page.goto(inspectorUrl + path)
      return page
    },
    async close() {
      await Promise.allSettled(contexts.map(context => context.close()))
      await browser.close().catch(() => {})
      await Promise.allSettled([inspector.close(), demo.close()])
    },
  }
}

// ---------------------------------------------------------------------------------------------------
// Driving the inspector through its data-testid contract, the way a user would.

export const UI_TIMEOUT = 15_000

/**
 * A server for the running test: it is closed when the test ends, passed or failed.
 * @example const server = await useServer(startV4Server())
 */
export async function useServer<S extends { close: () => Promise<void> }>(start: Promise<S>): Promise<S> {
  const server = await start
  onTestFinished(() => server.close())
  return server
}

/** The selected session tab. */
export function activeTab(page: Page): Locator {
  return page.locator('[data-testid="session-tab"][aria-selected="true"]')
}

/** Select tab `index` (0-based) and wait until it is the active one. */
export async function selectTab(page: Page, index: number): Promise<void> {
  await page.getByTestId('session-tab').nth(index).click()
  await page.getByTestId('session-tab').nth(index).and(page.locator('[aria-selected="true"]')).waitFor()
}

/** Log rows of a direction (and event name). */
export function rows(page: Page, direction: 'in' | 'out' | 'ack' | 'lifecycle', event?: string): Locator {
  return page.locator(`[data-testid="log-row"][data-direction="${direction}"]${event ? `[data-event="${event}"]` : ''}`)
}

/** Type into the Monaco arguments editor like a user: click into it, select all, delete, type. */
export async function typeArgs(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="emit-args"][data-ready="true"]').waitFor({ timeout: UI_TIMEOUT })
  await page.locator('[data-testid="emit-args"] .view-lines').click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('Delete')
  if (text)
    await page.keyboard.type(text)
}

/** Write an emit in the composer: event name, arguments, the ack checkbox. */
export async function compose(page: Page, event: string, args: string, options: { ack?: boolean } = {}): Promise<void> {
  await page.getByTestId('emit-event').fill(event)
  await typeArgs(page, args)
  await page.getByTestId('emit-ack').setChecked(options.ack ?? false)
}

/** Compose and click Send. */
export async function send(page: Page, event: string, args: string, options: { ack?: boolean } = {}): Promise<void> {
  await compose(page, event, args, options)
  await page.getByTestId('emit-send').click()
}
