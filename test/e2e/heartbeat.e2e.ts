/**
 * Issue 12 item 10: a frozen server used to leave the tab saying "connected" for half a minute with no hint.
 * A real socket.io 4 server (ping every 1 s, 10 s timeout) behind a TCP proxy that freezes both ways: the
 * lifecycle panel says "no packet for N s (heartbeat expected every 1 s)", counts up, and the hint goes when
 * the server thaws.
 */
import type { FreezableProxy } from '../fixtures/freezable-proxy'
import type { Stack } from './harness'
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startFreezableProxy } from '../fixtures/freezable-proxy'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, startStack, UI_TIMEOUT } from './harness'

describeE2E('a late heartbeat is shown', () => {
  let stack: Stack
  let proxy: FreezableProxy
  let closeTarget: () => Promise<void>
  beforeAll(async () => {
    stack = await startStack()
    const server = createServer()
    const sockets = trackSockets(server)
    const io = new Server(server, { cors: { origin: true }, pingInterval: 1000, pingTimeout: 10_000 })
    const port = await listen(server)
    closeTarget = async () => {
      io.close()
      await closeServer(server, sockets)
    }
    proxy = await startFreezableProxy(port)
  })
  afterAll(async () => {
    await stack?.close()
    await proxy?.close()
    await closeTarget?.()
  })

  it('says "no packet for N s" while the server is frozen, counting, and stops when packets come again', async () => {
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${proxy.url}/`)
    await page.getByTestId('connect-options').click()
    await page.getByTestId('option-transports').selectOption('websocket')
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    const hint = page.getByTestId('heartbeat-late')
    expect(await hint.count()).toBe(0)

    proxy.freeze()
    await hint.waitFor({ timeout: UI_TIMEOUT })
    const first = (await hint.textContent())!.trim()
    expect(first).toMatch(/^no packet for \d+ s \(heartbeat expected every 1 s\)$/)
    await expect(page.getByTestId('connection-state').getAttribute('data-state')).resolves.toBe('connected')
    const count = async (): Promise<number> => Number(/no packet for (\d+) s/.exec((await hint.textContent()) ?? '')?.[1] ?? -1)
    const n = await count()
    // It counts up on its own (a 1 s tick in the page, no packet needed).
    await expect.poll(count, { timeout: 5000 }).toBeGreaterThan(n)

    proxy.thaw()
    await hint.waitFor({ state: 'detached', timeout: UI_TIMEOUT })
    await expect(page.getByTestId('connection-state').getAttribute('data-state')).resolves.toBe('connected')
  })
})
