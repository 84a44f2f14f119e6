/**
 * The served inspector under its Content-Security-Policy (issue 7, "Headers"), in real Chromium: Monaco
 * (editor, tokenizer, its worker) runs without a single CSP violation, and the page loads without console
 * errors (no 404: the app has its favicon).
 */
import type { Stack } from './harness'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEFAULT_DIST_DIR as DIST } from '../../inspector-ui/server/index'
import { describeE2E, startStack } from './harness'

describeE2E('the inspector under its CSP', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('runs Monaco and its worker with no CSP violation and no console error', async () => {
    const page = await stack.newPage('/')
    const consoleErrors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text()))
        consoleErrors.push(m.text())
    })
    const failed: string[] = []
    page.on('response', (res) => {
      if (res.status() >= 400)
        failed.push(`${res.status()} ${res.url()}`)
    })
    const workers: string[] = []
    page.on('worker', w => workers.push(w.url()))
    // Listen from the first script on (init scripts are injected by the browser, not subject to the CSP).
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] }
      w.__csp = []
      document.addEventListener('securitypolicyviolation', (e) => {
        w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)
      })
    })
    await page.reload()
    const res = await page.request.get(stack.inspectorUrl)
    expect(res.headers()['content-security-policy']).toMatch(/script-src 'self'(;|$)/)

    await page.getByTestId('connect-button').click()
    await page.locator('[data-testid="session-tab"][data-state="connected"]').waitFor({ timeout: 15_000 })
    await page.locator('[data-testid="emit-args"][data-ready="true"]').waitFor({ timeout: 15_000 })
    await page.locator('[data-testid="emit-args"] .view-lines').click()
    await page.keyboard.press('ControlOrMeta+A')
    await page.keyboard.type('["tokenized", {n: 1}]')
    // The JS tokenizer colours the text: spans with Monaco's token classes.
    await expect.poll(() => page.locator('[data-testid="emit-args"] .view-lines span[class^="mtk"]').count()).toBeGreaterThan(2)
    // Monaco starts its editor worker only when a feature needs it; start the bundled one the same way
    // (a module worker from our origin) to prove `worker-src 'self'` lets it run.
    const workerFile = readdirSync(join(DIST, 'assets')).find(name => /^editor\.worker-.*\.js$/.test(name))
    expect(workerFile).toBeDefined()
    const started = await page.evaluate(async (url) => {
      const worker = new Worker(url, { type: 'module' })
      const ok = await new Promise<boolean>((resolve) => {
        worker.addEventListener('error', () => resolve(false))
        setTimeout(resolve, 1000, true)
      })
      worker.terminate()
      return ok
    }, `./assets/${workerFile}`)
    expect(started).toBe(true)
    expect(workers.every(url => url.startsWith(stack.inspectorUrl))).toBe(true)
    await page.getByTestId('emit-event').fill('echo')
    await page.getByTestId('emit-send').click()
    await page.locator('[data-testid="log-row"][data-direction="out"][data-event="echo"]').first().waitFor({ timeout: 15_000 })

    await page.waitForTimeout(500)
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([])
    expect(consoleErrors).toEqual([])
    expect(failed).toEqual([])
    // The favicon is there (a browser asks for it on its own; make sure it is served).
    expect((await page.request.get(`${stack.inspectorUrl}/favicon.svg`)).status()).toBe(200)
    expect(await page.locator('link[rel="icon"]').count()).toBe(1)
  })
})
