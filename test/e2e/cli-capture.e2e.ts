import type { CliServer } from '../fixtures/cli-server'
/**
 * Issue 14: a capture made headless by `socketio-inspector capture` opens in the UI's Import (real Chromium),
 * as a read-only tab with its events, binary and frames, like a file the UI exported itself.
 */
import type { Stack } from './harness'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { killAllCli, runCli } from '../cli/cli-process'
import { startCliServer } from '../fixtures/cli-server'
import { activeTab, describeE2E, rows, startStack, UI_TIMEOUT } from './harness'

describeE2E('capture, then Import in the inspector', () => {
  let stack: Stack
  let server: CliServer
  const dir = mkdtempSync(join(tmpdir(), 'sio-cli-e2e-'))

  beforeAll(async () => {
    stack = await startStack()
    server = await startCliServer()
  })
  afterAll(async () => {
    killAllCli()
    await stack?.close()
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('opens a file written by capture --out (NDJSON) as a read-only tab with its events and frames', async () => {
    const file = join(dir, 'stream.ndjson')
    const run = await runCli('tsx', ['capture', `${server.url}/stream`, '--count', '6', '--frames', '--out', file])
    expect(run.code, run.stderr).toBe(0)

    const page = await stack.newPage()
    await page.getByTestId('import-log').setInputFiles(file)
    await activeTab(page).and(page.locator('.readonly')).waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => rows(page, 'in', 'tick').count(), { timeout: UI_TIMEOUT }).toBe(4)
    await rows(page, 'in', 'chat:message').first().waitFor()
    // Binary came through the file as bytes: the row shows them as the UI shows live binary.
    expect(await rows(page, 'in', 'blob').first().locator('[data-testid="log-row-preview"]').textContent()).toBe('<4 B: 00 01 02 ff>')
    expect(await rows(page, 'lifecycle').filter({ hasText: 'io client disconnect' }).count()).toBe(1)
    await page.getByTestId('frames-tab').click()
    await page.getByTestId('frame-row').filter({ hasText: '["tick"' }).first().waitFor({ timeout: UI_TIMEOUT })
    expect(stack.pageErrors).toEqual([])
  })

  it('opens what capture wrote to stdout from the demo server (JSON document)', async () => {
    const run = await runCli('tsx', ['capture', `${stack.demo.url}/namespace1`, '--count', '1', '--format', 'json'])
    expect(run.code, run.stderr).toBe(0)
    const file = join(dir, 'demo.json')
    writeFileSync(file, run.stdout)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'sio-inspector', layout: 'json' })

    const page = await stack.newPage()
    await page.getByTestId('import-log').setInputFiles(file)
    await activeTab(page).and(page.locator('.readonly')).waitFor({ timeout: UI_TIMEOUT })
    await rows(page, 'in', 'welcome').first().waitFor({ timeout: UI_TIMEOUT })
    expect(await page.getByTestId('import-error').count()).toBe(0)
    expect(stack.pageErrors).toEqual([])
  })
})
