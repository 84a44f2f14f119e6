/**
 * Issue 16 item 4 in Chromium, against a real socket.io 4.8 server whose `todo:create` handler always calls
 * its callback (socket.io's basic-crud example): per-event memory brings the ack box and the arguments back
 * when the name is typed again; repeat ×5 every 20 ms reaches the server five times and shows 5 / 5; a
 * long run stops halfway when asked; a picked file and a dropped file become `$binary` arguments that the
 * server receives as the exact bytes; a reload brings the draft back.
 */
import type { Page } from 'playwright-core'
import type { Stack } from './harness'
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, rows, send, startStack, typeArgs, UI_TIMEOUT, useServer } from './harness'

interface Received { name: string, args: unknown[], acked: boolean }
interface BinaryFacts { isBuffer: boolean, length: number, sha256: string }

function facts(value: unknown): BinaryFacts {
  return Buffer.isBuffer(value)
    ? { isBuffer: true, length: value.length, sha256: createHash('sha256').update(value).digest('hex') }
    : { isBuffer: false, length: -1, sha256: '' }
}

/** socket.io 4.8 (CORS for the page): records every event; acks what asks for one. */
async function startCrudServer(): Promise<{ url: string, received: Received[], close: () => Promise<void> }> {
  const server = createServer()
  const sockets = trackSockets(server)
  const io = new Server(server, { cors: { origin: true } })
  const received: Received[] = []
  io.on('connection', (socket) => {
    socket.onAny((name: string, ...args: unknown[]) => {
      const callback = typeof args.at(-1) === 'function' ? args.pop() as (...a: unknown[]) => void : undefined
      received.push({ name, args: args.map(a => Buffer.isBuffer(a) ? facts(a) : a), acked: !!callback })
      if (name === 'todo:create')
        callback?.({ data: `todo-${received.length}` })
      else if (name === 'bin')
        callback?.(args.map(facts))
      else
        callback?.('ok')
    })
  })
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      io.close()
      await closeServer(server, sockets)
    },
  }
}

async function connect(page: Page, url: string): Promise<void> {
  await page.getByTestId('connect-url').fill(url)
  await page.getByTestId('connect-button').click()
  await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
}

/** The arguments editor's text as the user sees it (Monaco renders spaces as no-break spaces). */
async function argsText(page: Page): Promise<string> {
  return ((await page.locator('[data-testid="emit-args"] .view-lines').textContent()) ?? '').replace(/\u00A0/g, ' ')
}

describeE2E('composer: per-event memory, repeat, binary from a file, the draft', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
  })

  it('brings back the ack box and the arguments of todo:create when its name is typed again', async () => {
    const server = await useServer(startCrudServer())
    const page = await stack.newPage()
    await connect(page, server.url)
    await send(page, 'todo:create', '[{title: "milk"}]', { ack: true })
    await rows(page, 'ack', 'todo:create').first().waitFor({ timeout: UI_TIMEOUT })

    // Another event with its own arguments and no ack.
    await page.getByTestId('emit-event').fill('chat')
    await typeArgs(page, '["hi"]')
    await page.getByTestId('emit-ack').setChecked(false)
    await expect.poll(() => argsText(page)).toBe('["hi"]')

    // Typed again, key by key, as a person would.
    await page.getByTestId('emit-event').fill('')
    await page.getByTestId('emit-event').pressSequentially('todo:create')
    await page.locator('[data-testid="composer-restored"][data-event="todo:create"]').waitFor({ timeout: UI_TIMEOUT })
    expect(await page.getByTestId('composer-restored').textContent()).toMatch(/Restored from your last emit of\s*todo:create/)
    expect(await page.getByTestId('emit-ack').isChecked()).toBe(true)
    await expect.poll(() => argsText(page)).toBe('[{title: "milk"}]')

    // Sent as restored: the handler gets its callback again.
    await page.getByTestId('emit-send').click()
    await expect.poll(() => rows(page, 'ack', 'todo:create').count(), { timeout: UI_TIMEOUT }).toBe(2)
    expect(server.received.filter(r => r.name === 'todo:create')).toEqual([
      { name: 'todo:create', args: [{ title: 'milk' }], acked: true },
      { name: 'todo:create', args: [{ title: 'milk' }], acked: true },
    ])
  })

  it('repeats ×5 every 20 ms (5 / 5, five emits at the server), and a long run stops halfway when asked', async () => {
    const server = await useServer(startCrudServer())
    const page = await stack.newPage()
    await connect(page, server.url)
    await page.getByTestId('emit-event').fill('tick')
    await typeArgs(page, '[1]')
    await page.getByTestId('emit-ack').setChecked(true)
    await page.getByTestId('composer-repeat-count').fill('5')
    await page.getByTestId('composer-repeat-interval').fill('20')
    await page.getByTestId('composer-repeat-start').click()
    await page.locator('[data-testid="composer-repeat-progress"][data-state="done"]').waitFor({ timeout: UI_TIMEOUT })
    expect(await page.getByTestId('composer-repeat-progress').textContent()).toBe('5 / 5')
    await expect.poll(() => server.received.filter(r => r.name === 'tick').length, { timeout: UI_TIMEOUT }).toBe(5)
    // Each one a normal emit: five out rows, five acks.
    await expect.poll(() => rows(page, 'ack', 'tick').count(), { timeout: UI_TIMEOUT }).toBe(5)
    expect(await rows(page, 'out', 'tick').count()).toBe(5)

    // A long run, stopped halfway.
    await page.getByTestId('emit-event').fill('tock')
    await page.getByTestId('composer-repeat-count').fill('200')
    await page.getByTestId('composer-repeat-interval').fill('100')
    await page.getByTestId('composer-repeat-start').click()
    await page.getByTestId('composer-repeat-stop').waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(async () => Number.parseInt((await page.getByTestId('composer-repeat-progress').textContent()) ?? '0'), { timeout: UI_TIMEOUT }).toBeGreaterThanOrEqual(3)
    await page.getByTestId('composer-repeat-stop').click()
    await page.locator('[data-testid="composer-repeat-progress"][data-state="stopped"]').waitFor({ timeout: UI_TIMEOUT })
    const shown = (await page.getByTestId('composer-repeat-progress').textContent())!
    const sent = Number.parseInt(shown)
    expect(shown).toBe(`${sent} / 200`)
    expect(sent).toBeLessThan(200)
    expect(await page.getByTestId('composer-repeat-status').textContent()).toMatch(new RegExp(`Stopped after ${sent} of 200`))
    // Nothing after the stop: one more emit arrives right behind the run's last one.
    await page.getByTestId('emit-event').fill('after')
    await page.getByTestId('emit-send').click()
    await expect.poll(() => server.received.at(-1)?.name, { timeout: UI_TIMEOUT }).toBe('after')
    expect(server.received.filter(r => r.name === 'tock')).toHaveLength(sent)
  })

  it('inserts a picked file and a dropped file as $binary arguments: the server receives the exact bytes', async () => {
    const server = await useServer(startCrudServer())
    const page = await stack.newPage()
    await connect(page, server.url)
    await page.getByTestId('emit-event').fill('bin')
    await typeArgs(page, '')
    const picked = randomBytes(48_000)
    await page.getByTestId('composer-binary-file').setInputFiles({ name: 'picked.bin', mimeType: 'application/octet-stream', buffer: picked })
    await page.getByTestId('composer-binary-note').waitFor({ timeout: UI_TIMEOUT })
    expect(await page.getByTestId('composer-binary-note').textContent()).toMatch(/picked\.bin \(48000 bytes\)/)
    await expect.poll(() => argsText(page).then(text => text.startsWith('[{"$binary": "'))).toBe(true)

    const dropped = randomBytes(1000)
    const dataTransfer = await page.evaluateHandle((b64) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], 'dropped.bin'))
      return transfer
    }, dropped.toString('base64'))
    await page.getByTestId('composer-args-drop').dispatchEvent('drop', { dataTransfer })
    await expect.poll(() => page.getByTestId('composer-binary-note').textContent()).toMatch(/dropped\.bin \(1000 bytes\)/)

    await page.getByTestId('emit-ack').setChecked(true)
    await page.getByTestId('emit-send').click()
    await rows(page, 'ack', 'bin').first().waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => server.received.length, { timeout: UI_TIMEOUT }).toBe(1)
    expect(server.received[0]).toEqual({ name: 'bin', args: [facts(picked), facts(dropped)], acked: true })
  })

  it('a reload brings the draft back: event, arguments, ack, timeout, volatile', async () => {
    const server = await useServer(startCrudServer())
    const page = await stack.newPage()
    await connect(page, server.url)
    await page.getByTestId('emit-event').fill('todo:update')
    await typeArgs(page, '[{id: "7", title: "draft"}]')
    await page.getByTestId('emit-ack').setChecked(true)
    await page.getByTestId('emit-ack-timeout').fill('2500')
    await page.getByTestId('emit-volatile').setChecked(true)
    await expect.poll(() => page.evaluate(() => localStorage.getItem('sio-inspector-v1-draft')), { timeout: UI_TIMEOUT })
      .toBe(JSON.stringify({ event: 'todo:update', args: '[{id: "7", title: "draft"}]', ack: true, ackTimeoutMs: 2500, volatile: true }))
    await page.reload()
    await page.getByTestId('connect-url').waitFor({ timeout: UI_TIMEOUT })
    // The composer shows with a tab: a restored one (issue 16 item 3), else a new connection.
    if (await page.getByTestId('session-tab').count() === 0)
      await connect(page, server.url)
    await page.locator('[data-testid="emit-args"][data-ready="true"]').waitFor({ timeout: UI_TIMEOUT })
    expect(await page.getByTestId('emit-event').inputValue()).toBe('todo:update')
    expect(await page.getByTestId('emit-ack').isChecked()).toBe(true)
    expect(await page.getByTestId('emit-ack-timeout').inputValue()).toBe('2500')
    expect(await page.getByTestId('emit-volatile').isChecked()).toBe(true)
    await expect.poll(() => argsText(page)).toBe('[{id: "7", title: "draft"}]')
    expect(stack.pageErrors).toEqual([])
  })
})
