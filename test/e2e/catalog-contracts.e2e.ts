/**
 * Issue 17 audit, in real Chromium against the demo server: an AsyncAPI 2.6 document imported through the
 * file input itself (`page.setInputFiles('[data-testid=catalog-import]', …)`), read as the issue maps it
 * (channel name = namespace, `subscribe` = server → client, `publish` = client → server, message `name` =
 * event, payload = the arguments tuple), and the composer's Monaco editor completing argument keys and enum
 * values from the imported schema (the suggest widget really opens: the Monaco build must include it).
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { activeTab, describeE2E, rows, startStack, UI_TIMEOUT } from './harness'

const TIMEOUT = UI_TIMEOUT

/** `welcome` declared as one string (the demo sends an object); `stream:start` with keys and an enum. */
const DOCUMENT_2_6 = {
  asyncapi: '2.6.0',
  info: { title: 'catalog contracts', version: '0.0.1' },
  channels: {
    '/': {
      subscribe: { message: { name: 'welcome', payload: { type: 'array', items: [{ type: 'string' }] } } },
      publish: {
        message: {
          oneOf: [
            {
              name: 'stream:start',
              payload: {
                type: 'array',
                items: [{ type: 'object', properties: { rate: { type: 'integer' }, mode: { type: 'string', enum: ['fast', 'slow'] } }, required: ['rate'] }],
              },
            },
            { name: 'chat', payload: { type: 'array', items: [{ type: 'string' }] } },
          ],
        },
      },
    },
  },
}

async function connect(page: Page, url: string): Promise<void> {
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-button').click()
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: TIMEOUT })
}

/** Clear the arguments editor, type `text`, open completion (Ctrl+Space): the labels it offers. */
async function suggestionsAfter(page: Page, text: string): Promise<string[]> {
  await page.locator('[data-testid="emit-args"][data-ready="true"]').waitFor({ timeout: TIMEOUT })
  await page.locator('[data-testid="emit-args"] .view-lines').click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('Delete')
  await page.keyboard.type(text)
  await page.keyboard.press('Control+Space')
  const widget = page.locator('.suggest-widget.visible')
  await widget.locator('.monaco-list-row').first().waitFor({ timeout: TIMEOUT })
  const labels = await widget.locator('.monaco-list-row .label-name').allTextContents()
  await page.keyboard.press('Escape')
  return labels
}

describeE2E('catalog contracts: 2.6 import through the file input, Monaco completion from the schema', () => {
  let stack: Stack
  let dir: string

  beforeAll(async () => {
    stack = await startStack()
    dir = mkdtempSync(join(tmpdir(), 'sio-catalog-contracts-'))
  })
  afterAll(async () => {
    await stack?.close()
    if (dir)
      rmSync(dir, { recursive: true, force: true })
  })

  it('imports a 2.6 document (subscribe = in, publish = out), badges the log, completes keys and enum values', async () => {
    const page = await stack.newPage()
    await connect(page, `http://127.0.0.1:${stack.demo.port}/`)
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: TIMEOUT })

    await page.getByTestId('catalog-tab').click()
    const file = join(dir, 'api-2.6.json')
    writeFileSync(file, JSON.stringify(DOCUMENT_2_6))
    await page.setInputFiles('[data-testid=catalog-import]', file)
    await page.getByTestId('catalog-imported').waitFor({ timeout: TIMEOUT })
    const row = (event: string, direction: 'in' | 'out') => page.locator(`[data-testid="catalog-event"][data-event="${event}"][data-direction="${direction}"]`)
    await expect.poll(() => row('welcome', 'in').getAttribute('data-source'), { timeout: TIMEOUT }).toBe('both')
    expect(await row('stream:start', 'out').getAttribute('data-source')).toBe('imported')
    expect(await row('chat', 'out').count()).toBe(1)
    expect(await row('stream:start', 'in').count()).toBe(0)

    await page.getByTestId('session-tab').first().click()
    await rows(page, 'in', 'welcome').first().locator('[data-testid="schema-violation"][data-kind="schema"]').waitFor({ timeout: TIMEOUT })

    // The composer: names from the catalog; keys, then enum values, from the imported schema.
    await page.getByTestId('emit-event').fill('stream:start')
    const names = await page.locator('#seen-event-names option').evaluateAll(options => options.map(o => (o as HTMLOptionElement).value))
    expect(names).toEqual(expect.arrayContaining(['stream:start', 'chat']))
    expect(await suggestionsAfter(page, '[{')).toEqual(expect.arrayContaining(['rate', 'mode']))
    expect(await suggestionsAfter(page, '[{ mode: ')).toEqual(expect.arrayContaining(['"fast"', '"slow"']))
    expect(stack.pageErrors).toEqual([])
  })
})
