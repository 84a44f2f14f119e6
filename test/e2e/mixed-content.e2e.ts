/**
 * Issue 7, mixed content: the inspector served over https cannot reach an http server that is not on
 * loopback (browsers treat 127.0.0.1 and localhost as secure, so the demo server is given a host name
 * that Chromium resolves to 127.0.0.1: `mixed.test`). The connection is blocked by the browser, and the
 * diagnosis says why and what to do.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { DIAGNOSES } from '#core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSelfSignedCert } from '../fixtures/tls'
import { describeE2E, startStack } from './harness'

const FAKE_HOST = 'mixed.test'

describeE2E('an https inspector page and an http server', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({
      inspectorTls: createSelfSignedCert(),
      browserArgs: [`--host-resolver-rules=MAP ${FAKE_HOST} 127.0.0.1`],
    })
  })
  afterAll(async () => {
    await stack?.close()
  })

  async function connect(page: Page, url: string): Promise<void> {
    await page.getByTestId('connect-url').fill(url)
    await page.getByTestId('connect-button').click()
  }

  it('is served over https with its security headers', async () => {
    const page = await stack.newPage()
    expect(page.url()).toMatch(/^https:/)
    const response = await page.request.get(stack.inspectorUrl)
    expect(response.headers()['content-security-policy']).toContain(`script-src 'self'`)
    await expect(page.getByTestId('connect-button').isVisible()).resolves.toBe(true)
  })

  it('says the browser blocks an http server from an https page, and suggests what to do', async () => {
    const page = await stack.newPage()
    await connect(page, `http://${FAKE_HOST}:${stack.demo.port}/`)
    const diagnosis = page.getByTestId('connect-diagnosis').filter({ hasText: DIAGNOSES['mixed-content'].title })
    await diagnosis.first().waitFor({ timeout: 45_000 })
    const text = (await diagnosis.first().textContent()) ?? ''
    expect(text).toContain(`http://${FAKE_HOST}:${stack.demo.port}`)
    expect(text.toLowerCase()).toContain('relay')
    // Nothing reached the server.
    expect(stack.demo.io.of('/').sockets.size).toBe(0)
  })
})
