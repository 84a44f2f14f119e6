/**
 * Issue 17 in real Chromium against the demo server: traffic fills the Catalog view; a document written by
 * the test is imported (parsed by the inspector server) → a log row that breaks it gets the violation badge
 * with its reason in the detail, and an undeclared event is marked; the composer warns (never blocks) and
 * inserts the example; export downloads an AsyncAPI 3.0 document that @asyncapi/parser accepts; an invalid
 * document shows the parser's diagnostics; the demo's own document is offered and loads.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Parser } from '@asyncapi/parser'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { activeTab, describeE2E, rows, send, startStack, typeArgs, UI_TIMEOUT } from './harness'

const TIMEOUT = UI_TIMEOUT
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')

/**
 * The test's document of the demo's root namespace: `welcome` declared as one string (the demo sends an
 * object: every welcome breaks it), `chat` (client → server) as one string with its ack; nothing else, so
 * `list:rooms` is undeclared.
 */
const DOCUMENT = {
  asyncapi: '3.0.0',
  info: { title: 'catalog e2e', version: '0.0.1' },
  channels: {
    root: {
      address: '/',
      messages: {
        welcome: { name: 'welcome', payload: { type: 'array', items: [{ type: 'string' }], minItems: 1, maxItems: 1 } },
        chat: {
          'name': 'chat',
          'payload': { type: 'array', items: [{ type: 'string' }], minItems: 1, maxItems: 1 },
          'examples': [{ payload: ['hello from the document'] }],
          'x-ack': { payload: { type: 'array', items: [{ type: 'object', properties: { delivered: { type: 'integer' } } }] } },
        },
      },
    },
  },
  operations: {
    sendWelcome: { action: 'send', channel: { $ref: '#/channels/root' }, messages: [{ $ref: '#/channels/root/messages/welcome' }] },
    receiveChat: { action: 'receive', channel: { $ref: '#/channels/root' }, messages: [{ $ref: '#/channels/root/messages/chat' }] },
  },
}

async function connect(page: Page, url: string): Promise<void> {
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-button').click()
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
}

function catalogRow(page: Page, event: string, direction: 'in' | 'out') {
  return page.locator(`[data-testid="catalog-event"][data-event="${event}"][data-direction="${direction}"]`)
}

describeE2E('catalog: learn, import AsyncAPI, badge violations, export', () => {
  let stack: Stack
  let demoUrl: string
  let dir: string

  beforeAll(async () => {
    stack = await startStack()
    demoUrl = `http://127.0.0.1:${stack.demo.port}`
    dir = mkdtempSync(join(tmpdir(), 'sio-catalog-e2e-'))
  })
  afterAll(async () => {
    await stack?.close()
    if (dir)
      rmSync(dir, { recursive: true, force: true })
  })

  it('learns the traffic, imports a document, badges what breaks it, warns in the composer, exports a valid document', async () => {
    const page = await stack.newPage()
    await connect(page, `${demoUrl}/`)
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })
    await send(page, 'chat', '["hello"]', { ack: true })
    await rows(page, 'ack', 'chat').first().waitFor({ timeout: TIMEOUT })
    await send(page, 'list:rooms', '[]', { ack: true })
    await rows(page, 'ack', 'list:rooms').first().waitFor({ timeout: TIMEOUT })

    // The Catalog view: one row per event and direction, learned from the traffic.
    await page.getByTestId('catalog-tab').click()
    await catalogRow(page, 'welcome', 'in').waitFor({ timeout: TIMEOUT })
    await catalogRow(page, 'chat', 'out').waitFor({ timeout: TIMEOUT })
    expect(await catalogRow(page, 'chat', 'out').getAttribute('data-source')).toBe('learned')
    expect(await catalogRow(page, 'chat', 'out').getByTestId('catalog-event-count').textContent()).toBe('1×')

    // Import the test's document (a file): parsed by the inspector server, put in for this tab's server.
    const file = join(dir, 'api.json')
    writeFileSync(file, JSON.stringify(DOCUMENT, null, 2))
    await page.getByTestId('catalog-import').setInputFiles(file)
    await page.getByTestId('catalog-imported').waitFor({ timeout: TIMEOUT })
    await expect.poll(() => catalogRow(page, 'chat', 'out').getAttribute('data-source'), { timeout: TIMEOUT }).toBe('both')
    await catalogRow(page, 'chat', 'out').locator('button.row').click()
    await catalogRow(page, 'chat', 'out').getByTestId('catalog-event-detail').waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, 'catalog.png') })

    // Back in the log: the welcome breaks the document (an object, not a string); list:rooms is undeclared.
    await page.getByTestId('session-tab').first().click()
    const welcome = rows(page, 'in', 'welcome').first()
    await welcome.locator('[data-testid="schema-violation"][data-kind="schema"]').waitFor({ timeout: TIMEOUT })
    await rows(page, 'out', 'list:rooms').first().locator('[data-testid="schema-violation"][data-kind="undeclared"]').waitFor({ timeout: TIMEOUT })
    expect(await rows(page, 'out', 'chat').first().getByTestId('schema-violation').count()).toBe(0)
    await welcome.click()
    const reason = page.getByTestId('schema-violation-reason')
    await reason.waitFor({ timeout: TIMEOUT })
    expect(await reason.textContent()).toMatch(/string/)
    await page.screenshot({ path: join(SCREENSHOTS, 'schema-violation.png') })

    // The composer: a warning for arguments the document refuses, never a block; the example goes in.
    await page.getByTestId('emit-event').fill('chat')
    await typeArgs(page, '[42]')
    await page.getByTestId('composer-schema-warning').waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('emit-send').isEnabled()).toBe(true)
    await page.getByTestId('composer-insert-example').click()
    await expect.poll(() => page.locator('[data-testid="emit-args"] .view-lines').textContent(), { timeout: TIMEOUT }).toContain('hello')
    await expect.poll(() => page.getByTestId('composer-schema-warning').count(), { timeout: TIMEOUT }).toBe(0)

    // Export: an AsyncAPI 3.0 document the parser accepts without errors.
    await page.getByTestId('catalog-tab').click()
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.getByTestId('catalog-export').click()])
    expect(download.suggestedFilename()).toBe(`127.0.0.1_${stack.demo.port}-asyncapi.json`)
    const saved = join(dir, 'exported.json')
    await download.saveAs(saved)
    const text = readFileSync(saved, 'utf8')
    const { document, diagnostics } = await new Parser().parse(text)
    expect(diagnostics.filter(d => d.severity === 0).map(d => `${d.path.join('.')}: ${d.message}`)).toEqual([])
    expect(document?.version()).toBe('3.0.0')
    const names = new Set(document!.allMessages().all().map(m => m.name()))
    for (const name of ['welcome', 'chat', 'list:rooms'])
      expect(names).toContain(name)
    expect(stack.pageErrors).toEqual([])
  })

  it('refuses an invalid document with the parser\'s diagnostics and their paths', async () => {
    const page = await stack.newPage()
    await connect(page, `${demoUrl}/`)
    await page.getByTestId('catalog-tab').click()
    const file = join(dir, 'broken.json')
    writeFileSync(file, JSON.stringify({ asyncapi: '3.0.0', info: { title: 'no version' }, channels: { c: { address: 42 } } }))
    await page.getByTestId('catalog-import').setInputFiles(file)
    const error = page.getByTestId('catalog-import-error')
    await error.waitFor({ timeout: TIMEOUT })
    expect(await error.textContent()).toContain('broken.json')
    await expect.poll(() => page.getByTestId('catalog-import-diagnostic').count(), { timeout: TIMEOUT }).toBeGreaterThan(0)
    const texts = await page.getByTestId('catalog-import-diagnostic').allTextContents()
    expect(texts.join('\n')).toMatch(/version/)
    expect(texts.some(t => /info|channels/.test(t))).toBe(true)
    expect(await page.getByTestId('catalog-imported').count()).toBe(0)
  })

  it('offers the demo server\'s own document when a tab connects, and loads it', async () => {
    const page = await stack.newPage()
    await connect(page, `${demoUrl}/namespace1`)
    const offer = page.getByTestId('catalog-offer')
    await offer.waitFor({ timeout: TIMEOUT })
    expect(await offer.textContent()).toContain('AsyncAPI')
    await page.getByTestId('catalog-offer-load').click()
    await expect.poll(() => offer.count(), { timeout: TIMEOUT }).toBe(0)
    await page.getByTestId('catalog-tab').click()
    await page.getByTestId('catalog-imported').waitFor({ timeout: TIMEOUT })
    for (const ns of ['/', '/namespace1', '/namespace2'])
      await page.locator(`[data-testid="catalog-namespace"][data-namespace="${ns}"]`).waitFor({ timeout: TIMEOUT })
    await catalogRow(page, 'chat:room', 'out').first().waitFor({ timeout: TIMEOUT })
    await expect.poll(() => page.locator('[data-testid="catalog-event"][data-source="imported"]').count()).toBeGreaterThan(5)
  })
})
