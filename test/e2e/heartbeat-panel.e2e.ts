/**
 * Issue 13 item 2: the handshake and heartbeat panel (`data-testid="heartbeat"`). A real socket.io 4 server
 * (ping every 1 s, 10 s timeout, maxHttpBufferSize 12345) behind a TCP proxy that can freeze, reached from
 * the page and through the relay: the panel shows the server's own sid, pingInterval, pingTimeout,
 * maxPayload and upgrades, the transport after the upgrade, the measured interval between pings and the
 * time since the last packet; frozen, it warns "no ping for N s, expected every 1 s + 10 s timeout", and
 * the warning goes when the server thaws. A socket.io 2 server: the client pings, no maxPayload.
 */
import type { Page } from 'playwright-core'
import type { FreezableProxy } from '../fixtures/freezable-proxy'
import type { Stack } from './harness'
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { startFreezableProxy } from '../fixtures/freezable-proxy'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, startStack, UI_TIMEOUT } from './harness'

async function connect(page: Page, url: string, settings: { relay?: boolean, client?: 'v4' | 'v2', transports?: string } = {}): Promise<string> {
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-options').click()
  await page.getByTestId('connect-options-panel').waitFor()
  await page.getByTestId('option-client').selectOption(settings.client ?? 'v4')
  await page.getByTestId('option-relay').setChecked(settings.relay ?? false)
  await page.getByTestId('option-transports').selectOption(settings.transports ?? 'polling+websocket')
  await page.getByTestId('connect-button').click()
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
  await expect.poll(async () => (await page.getByTestId('socket-id').textContent())?.trim()).toMatch(/\S{10,}/)
  return (await page.getByTestId('socket-id').textContent())!.trim()
}

describeE2E('the handshake and heartbeat panel', () => {
  let stack: Stack
  let io: Server
  let closeTarget: () => Promise<void>
  let targetPort: number
  beforeAll(async () => {
    stack = await startStack()
    const server = createServer()
    const sockets = trackSockets(server)
    io = new Server(server, { cors: { origin: true }, pingInterval: 1000, pingTimeout: 10_000, maxHttpBufferSize: 12_345 })
    targetPort = await listen(server)
    closeTarget = async () => {
      io.close()
      await closeServer(server, sockets)
    }
  })
  afterAll(async () => {
    await stack?.close()
    await closeTarget?.()
  })

  /** A proxy of its own for each test: freezing it freezes only that test's connection. */
  async function proxy(port = targetPort): Promise<FreezableProxy> {
    const p = await startFreezableProxy(port)
    onTestFinished(() => p.close())
    return p
  }

  it.each([
    { via: 'the page', relay: false },
    { via: 'the relay', relay: true },
  ])('shows the server\'s handshake, the measured interval and a late ping, through $via', async ({ relay }) => {
    const p = await proxy()
    const page = await stack.newPage()
    const socketId = await connect(page, `${p.url}/`, { relay })
    const panel = page.getByTestId('heartbeat')
    await panel.waitFor({ timeout: UI_TIMEOUT })

    // The server's own view of this connection: its Engine.IO id.
    const serverSocket = io.of('/').sockets.get(socketId)
    expect(serverSocket).toBeDefined()
    const sid = (serverSocket!.conn as unknown as { id: string }).id
    await expect.poll(async () => (await panel.getByTestId('heartbeat-sid').textContent())?.trim()).toBe(sid)
    expect(await panel.getByTestId('heartbeat-ping-interval').getAttribute('data-ms')).toBe('1000')
    expect((await panel.getByTestId('heartbeat-ping-interval').textContent())!.trim()).toBe('1 s')
    expect(await panel.getByTestId('heartbeat-ping-timeout').getAttribute('data-ms')).toBe('10000')
    expect((await panel.getByTestId('heartbeat-ping-timeout').textContent())!.trim()).toBe('10 s')
    expect(await panel.getByTestId('heartbeat-max-payload').getAttribute('data-bytes')).toBe('12345')
    expect((await panel.getByTestId('heartbeat-max-payload').textContent())!.trim()).toBe('12,345 bytes')
    expect((await panel.getByTestId('heartbeat-upgrades').textContent())!.trim()).toBe('websocket')
    expect(await panel.getByTestId('heartbeat-pinger').getAttribute('data-pinger')).toBe('server')
    await expect.poll(async () => (await panel.getByTestId('heartbeat-transport').textContent())?.trim(), { timeout: UI_TIMEOUT }).toBe('websocket')

    // Two pings give the first interval: pingInterval (1 s) plus the pong's round trip.
    const measured = panel.getByTestId('heartbeat-measured')
    await expect.poll(async () => Number(await measured.getAttribute('data-samples') ?? 0), { timeout: UI_TIMEOUT }).toBeGreaterThanOrEqual(2)
    expect(await measured.getAttribute('data-kind')).toBe('interval')
    expect(Number(await measured.getAttribute('data-last-ms'))).toBeGreaterThanOrEqual(990)
    expect((await measured.textContent())!.trim()).toMatch(/^interval between pings: last \d+ ms, mean \d+ ms, jitter \(max − min\) \d+ ms over \d+ samples$/)
    expect((await panel.getByTestId('heartbeat-last-packet').textContent())!.trim()).toMatch(/^\d+ s ago$/)
    expect(await panel.getByTestId('heartbeat-warning').count()).toBe(0)

    // Frozen: the warning, counting from the last ping; the last packet's age ticks on its own.
    p.freeze()
    const warning = panel.getByTestId('heartbeat-warning')
    await warning.waitFor({ timeout: UI_TIMEOUT })
    expect((await warning.textContent())!.trim()).toMatch(/^no ping for \d+ s, expected every 1 s \+ 10 s timeout$/)
    const age = async (): Promise<number> => Number(/^(\d+) s ago$/.exec((await panel.getByTestId('heartbeat-last-packet').textContent())!.trim())?.[1] ?? -1)
    const first = await age()
    expect(first).toBeGreaterThanOrEqual(1)
    await expect.poll(age, { timeout: 5000 }).toBeGreaterThan(first)

    p.thaw()
    await warning.waitFor({ state: 'detached', timeout: UI_TIMEOUT })
    expect((await panel.getByTestId('heartbeat-sid').textContent())!.trim()).toBe(sid)
    expect(stack.pageErrors).toEqual([])
  })

  it('a socket.io 2 server: the client pings, the round trip is measured, and there is no maxPayload', async () => {
    const demo = await startDemoServerV2({ port: 0, pingInterval: 1000, pingTimeout: 10_000, quizTimeoutMs: 5000 })
    onTestFinished(() => demo.close())
    const page = await stack.newPage()
    await connect(page, `${demo.url}/namespace1`, { client: 'v2', transports: 'websocket' })
    const panel = page.getByTestId('heartbeat')
    await panel.waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(async () => (await panel.getByTestId('heartbeat-sid').textContent())?.trim()).toMatch(/\S{10,}/)
    expect(await panel.getByTestId('heartbeat-pinger').getAttribute('data-pinger')).toBe('client')
    expect((await panel.getByTestId('heartbeat-max-payload').textContent())!.trim()).toBe('none in Engine.IO 3 (socket.io 2)')
    expect((await panel.getByTestId('heartbeat-upgrades').textContent())!.trim()).toBe('none offered')
    expect((await panel.getByTestId('heartbeat-transport').textContent())!.trim()).toBe('websocket')
    const measured = panel.getByTestId('heartbeat-measured')
    await expect.poll(async () => Number(await measured.getAttribute('data-samples') ?? 0), { timeout: UI_TIMEOUT }).toBeGreaterThanOrEqual(1)
    expect(await measured.getAttribute('data-kind')).toBe('round-trip')
    expect((await measured.textContent())!.trim()).toMatch(/^ping round trip: last \d+ ms, mean \d+ ms, jitter \(max − min\) \d+ ms over \d+ samples?$/)
  })
})
