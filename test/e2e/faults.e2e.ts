/**
 * Issue 13 item 3: the Faults panel against the demo server (socket.io 4), from the page. Dropping the
 * transport gives `transport close` and a new socket id; going offline shows a countdown and socket.io
 * reconnects after the window; with *queue while offline* on, an emit while offline waits in the send
 * buffer (shown with its count) and is flushed on reconnect.
 */
import type { Stack } from './harness'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, rows, send, startStack, UI_TIMEOUT } from './harness'

describeE2E('the Faults panel', () => {
  let stack: Stack
  let demoUrl: string
  beforeAll(async () => {
    stack = await startStack()
    demoUrl = `http://127.0.0.1:${stack.demo.port}`
  })
  afterAll(async () => {
    await stack?.close()
  })

  async function connected(): Promise<{ page: Awaited<ReturnType<Stack['newPage']>>, socketId: string }> {
    const page = await stack.newPage()
    await page.setViewportSize({ width: 1280, height: 1000 })
    await page.getByTestId('connect-url').fill(`${demoUrl}/`)
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(async () => (await page.getByTestId('socket-id').textContent())?.trim()).toMatch(/\S{10,}/)
    return { page, socketId: (await page.getByTestId('socket-id').textContent())!.trim() }
  }

  it('through the relay: drop the transport (transport close, a new id), then stop answering pings (the server ends it with ping timeout)', async () => {
    // A socket.io 4 server of its own with a fast heartbeat, so the held pongs time out in about a second.
    const server = createServer()
    const sockets = trackSockets(server)
    const io = new Server(server, { cors: { origin: true }, pingInterval: 300, pingTimeout: 700 })
    const serverReasons: string[] = []
    io.on('connection', socket => socket.on('disconnect', reason => serverReasons.push(reason)))
    const port = await listen(server)
    onTestFinished(async () => {
      io.close()
      await closeServer(server, sockets)
    })
    const page = await stack.newPage()
    await page.setViewportSize({ width: 1280, height: 1000 })
    await page.getByTestId('connect-url').fill(`http://127.0.0.1:${port}/`)
    await page.getByTestId('connect-options').click()
    await page.getByTestId('connect-options-panel').waitFor()
    await page.getByTestId('option-relay').setChecked(true)
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(async () => (await page.getByTestId('socket-id').textContent())?.trim()).toMatch(/\S{10,}/)
    const socketId = (await page.getByTestId('socket-id').textContent())!.trim()

    await page.getByTestId('fault-drop-transport').click()
    await rows(page, 'lifecycle').filter({ hasText: 'transport close' }).first().waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(async () => (await page.getByTestId('socket-id').textContent())?.trim(), { timeout: UI_TIMEOUT }).not.toBe(socketId)
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    expect(serverReasons).toContain('transport close')

    await page.getByTestId('fault-reconnection').click()
    await expect.poll(() => page.getByTestId('fault-reconnection').getAttribute('data-value')).toBe('false')
    await page.getByTestId('fault-stop-pings').click()
    await expect.poll(() => page.getByTestId('fault-stop-pings').getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => serverReasons, { timeout: UI_TIMEOUT }).toContain('ping timeout')
    await activeTab(page).and(page.locator('[data-state="disconnected"]')).waitFor({ timeout: UI_TIMEOUT })
    // The second disconnect is logged too. The server ends the session (its pong wait ran out), so the client
    // usually sees `transport close`; on a loaded machine the relayed client's own heartbeat timer (interval +
    // timeout after the last ping) can run out first and it says `ping timeout`: both are the held heartbeat.
    await expect.poll(() => rows(page, 'lifecycle').filter({ hasText: /\btransport close\b|\bping timeout\b/ }).count(), { timeout: UI_TIMEOUT }).toBeGreaterThanOrEqual(2)
    expect(stack.pageErrors).toEqual([])
  })

  it('drops the transport: the log says transport close and socket.io reconnects with a new id', async () => {
    const { page, socketId } = await connected()
    await page.getByTestId('faults').waitFor()
    const dir = join(tmpdir(), 'sio-faults-shots')
    mkdirSync(dir, { recursive: true })
    await page.getByTestId('faults').screenshot({ path: join(dir, 'faults-panel.png') })
    await page.screenshot({ path: join(dir, 'session-with-faults.png') })
    await page.getByTestId('fault-drop-transport').click()
    await rows(page, 'lifecycle').filter({ hasText: 'transport close' }).first().waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(async () => (await page.getByTestId('socket-id').textContent())?.trim(), { timeout: UI_TIMEOUT }).not.toBe(socketId)
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => page.getByTestId('id-history-row').count()).toBe(2)
    expect(stack.pageErrors).toEqual([])
  })

  it('goes offline for N seconds with a countdown, then reconnects by itself; reconnection switches at runtime', async () => {
    const { page, socketId } = await connected()
    await page.getByTestId('fault-offline-seconds').fill('3')
    await page.getByTestId('fault-offline').click()
    const countdown = page.getByTestId('fault-offline-countdown')
    await countdown.waitFor({ timeout: UI_TIMEOUT })
    expect(await countdown.textContent()).toMatch(/offline: [0-3]\.\d s left/)
    await rows(page, 'lifecycle').filter({ hasText: 'injected outage' }).first().waitFor({ timeout: UI_TIMEOUT })
    await countdown.waitFor({ state: 'detached', timeout: UI_TIMEOUT })
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    // The tab's state and the panel's socket id are rendered in different ticks: wait for the new id.
    await expect.poll(async () => (await page.getByTestId('socket-id').textContent())?.trim(), { timeout: UI_TIMEOUT }).not.toBe(socketId)

    const toggle = page.getByTestId('fault-reconnection')
    expect(await toggle.getAttribute('data-value')).toBe('true')
    await toggle.click()
    await expect.poll(() => toggle.getAttribute('data-value')).toBe('false')
    expect(await toggle.textContent()).toContain('off')
  })

  it('queues emits while offline in the send buffer and flushes it on reconnect', async () => {
    const { page } = await connected()
    await page.getByTestId('option-queue-offline').check()
    await page.getByTestId('send-buffer').waitFor()
    await page.getByTestId('fault-offline-seconds').fill('4')
    await page.getByTestId('fault-offline').click()
    await page.getByTestId('fault-offline-countdown').waitFor({ timeout: UI_TIMEOUT })
    await activeTab(page).and(page.locator('[data-state="reconnecting"]')).waitFor({ timeout: UI_TIMEOUT })
    await send(page, 'queued:hello', '"while offline"')
    await expect.poll(() => page.getByTestId('send-buffer-count').textContent()).toBe('1')
    expect(await page.getByTestId('send-buffer-item').first().textContent()).toContain('queued:hello')
    await rows(page, 'out', 'queued:hello').filter({ hasText: 'queued while offline' }).first().waitFor({ timeout: UI_TIMEOUT })
    await page.getByTestId('faults').screenshot({ path: join(tmpdir(), 'sio-faults-shots', 'faults-buffer.png') })
    // After the window socket.io reconnects and flushes its buffer.
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => page.getByTestId('send-buffer-count').textContent(), { timeout: UI_TIMEOUT }).toBe('0')
    await rows(page, 'lifecycle').filter({ hasText: 'sent now' }).first().waitFor({ timeout: UI_TIMEOUT })
  })
})
