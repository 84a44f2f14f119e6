/**
 * Bad input from the user (issue 7), through the UI in real Chromium: every field answers invalid input with
 * a specific message next to it and sends nothing (the server counts what reached it); imported files that
 * are not exports, are truncated, or are 200 MB are refused without freezing the page; saved messages and
 * settings survive a reload, and a damaged localStorage entry is reported and set aside.
 */
import type { Page } from 'playwright-core'
import type { Server as IoServer, Socket as IoSocket } from 'socket.io'
import type { Stack } from './harness'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Server } from 'socket.io'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { describeE2E, startStack, typeArgs } from './harness'

const TIMEOUT = 15_000

/** A socket.io server that counts every HTTP request, WebSocket upgrade, connection and event it gets. */
interface CountingServer {
  url: string
  io: IoServer
  counts: { requests: number, upgrades: number, connections: number, events: number, ackAnswers: unknown[][] }
  reset: () => void
  close: () => Promise<void>
}

async function startCountingServer(): Promise<CountingServer> {
  const server = createServer()
  const sockets = trackSockets(server)
  const counts = { requests: 0, upgrades: 0, connections: 0, events: 0, ackAnswers: [] as unknown[][] }
  server.prependListener('request', () => {
    counts.requests++
  })
  server.prependListener('upgrade', () => {
    counts.upgrades++
  })
  const io = new Server(server, { cors: { origin: '*' } })
  io.on('connection', (socket) => {
    counts.connections++
    socket.onAny(() => {
      counts.events++
    })
    socket.on('ask me', () => {
      socket.emit('question', 'what is 6 x 7?', (...answer: unknown[]) => counts.ackAnswers.push(answer))
    })
  })
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    counts,
    reset: () => Object.assign(counts, { requests: 0, upgrades: 0, connections: 0, events: 0, ackAnswers: [] }),
    close: async () => {
      io.close()
      await closeServer(server, sockets)
    },
  }
}

async function openOptions(page: Page): Promise<void> {
  if (await page.getByTestId('connect-options-panel').count() === 0)
    await page.getByTestId('connect-options').click()
  await page.getByTestId('connect-options-panel').waitFor()
}

/** Compose an emit in the active tab (no ack) and send it. */
async function typeArgsAndSend(page: Page, event: string, args: string): Promise<void> {
  await page.getByTestId('emit-event').fill(event)
  await typeArgs(page, args)
  await page.getByTestId('emit-send').click()
}

/** A page round trip must come back within `ms` (the main thread is not frozen). */
async function responsive(page: Page, ms = 2000): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false)
  })
  try {
    return await Promise.race([page.evaluate(() => true), late])
  }
  finally {
    clearTimeout(timer)
  }
}

describeE2E('bad input from the user', () => {
  let stack: Stack
  let server: CountingServer

  beforeAll(async () => {
    stack = await startStack()
    server = await startCountingServer()
  })
  beforeEach(() => server.reset())
  afterAll(async () => {
    await server?.close()
    await stack?.close()
  })

  it('answers a bad URL with a message next to the field and opens nothing', async () => {
    const page = await stack.newPage()
    const cases: Array<[string, RegExp]> = [
      ['', /Enter the server URL/],
      ['not a url', /Not a URL/],
      ['ftp://127.0.0.1:21/', /Unsupported scheme "ftp:"/],
      ['javascript:alert(1)', /Unsupported scheme "javascript:"/],
    ]
    for (const [url, message] of cases) {
      await page.getByTestId('connect-url').fill(url)
      await page.getByTestId('connect-url').press('Enter')
      await expect.poll(() => page.getByTestId('connect-url-error').textContent()).toMatch(message)
      expect(await page.getByTestId('connect-url').getAttribute('aria-invalid')).toBe('true')
    }
    expect(await page.getByTestId('session-tab').count()).toBe(0)
  })

  it('answers every bad option with its own message and sends nothing', async () => {
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${server.url}/`)
    await openOptions(page)
    interface Case { field: string, value: string, error: string, message: RegExp, relay?: boolean }
    const cases: Case[] = [
      { field: 'option-path', value: 'socket.io', error: 'option-path-error', message: /starts with "\/"/ },
      { field: 'option-path', value: '/my path', error: 'option-path-error', message: /spaces/ },
      { field: 'option-auth', value: '{token: ', error: 'option-auth-error', message: /Auth is not valid JSON5/ },
      { field: 'option-auth', value: '["token"]', error: 'option-auth-error', message: /Auth must be an object/ },
      { field: 'option-query', value: '{room: 1}', error: 'option-query-error', message: /"room" must be a string/ },
      { field: 'option-query', value: 'room=a', error: 'option-query-error', message: /Query is not valid JSON5/ },
      { field: 'option-headers', value: '{"Bad Name": "x"}', error: 'option-headers-error', message: /not a valid header name/ },
      { field: 'option-headers', value: '{"X-Token": 5}', error: 'option-headers-error', message: /"X-Token" must be a string/ },
      { field: 'option-headers', value: '{Cookie: "sid=1"}', error: 'option-headers-error', message: /cannot send "Cookie".*relay/ },
      { field: 'option-headers', value: '{"X-A": "1\\r\\nX-B: 2"}', error: 'option-headers-error', message: /line break/ },
      { field: 'option-timeout', value: 'soon', error: 'option-timeout-error', message: /whole number/ },
      { field: 'option-timeout', value: '0', error: 'option-timeout-error', message: /between 1 and/ },
      { field: 'option-attempts', value: '-1', error: 'option-attempts-error', message: /whole number/ },
      { field: 'option-delay', value: '1.5', error: 'option-delay-error', message: /whole number/ },
      { field: 'option-cookies', value: 'just-garbage', error: 'option-cookies-error', message: /name=value/, relay: true },
      { field: 'option-origin', value: 'https://app.example.com/path', error: 'option-origin-error', message: /no path/, relay: true },
      { field: 'option-origin', value: 'app.example.com', error: 'option-origin-error', message: /origin like/, relay: true },
      { field: 'option-tls-ca', value: 'not a certificate', error: 'option-tls-ca-error', message: /PEM certificate/, relay: true },
    ]
    for (const c of cases) {
      await page.getByTestId('option-relay').setChecked(c.relay ?? false)
      const field = page.getByTestId(c.field)
      const before = await field.inputValue()
      await field.fill(c.value)
      await page.getByTestId('connect-button').click()
      const error = page.getByTestId(c.error)
      await error.waitFor({ timeout: TIMEOUT })
      expect(await error.textContent(), c.field).toMatch(c.message)
      expect(await field.getAttribute('aria-invalid'), c.field).toBe('true')
      // Put the field back so the next case is the only error.
      await field.fill(before)
    }
    // Several bad fields at once: each gets its own message.
    await page.getByTestId('option-relay').setChecked(false)
    await page.getByTestId('option-auth').fill('{')
    await page.getByTestId('option-timeout').fill('x')
    await page.getByTestId('connect-button').click()
    await page.getByTestId('option-auth-error').waitFor()
    await page.getByTestId('option-timeout-error').waitFor()

    await page.waitForTimeout(300)
    expect(await page.getByTestId('session-tab').count()).toBe(0)
    expect(server.counts).toMatchObject({ requests: 0, upgrades: 0, connections: 0 })
  })

  it('refuses bad event names, arguments and ack timeouts in the composer and sends nothing', async () => {
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${server.url}/`)
    await page.getByTestId('connect-button').click()
    await page.locator('[data-testid="session-tab"][data-state="connected"]').waitFor({ timeout: TIMEOUT })

    const refusals: Array<{ event: string, args: string, ack?: boolean, timeout?: string, message: RegExp }> = [
      { event: '', args: '[]', message: /event name/i },
      { event: 'connect', args: '[]', message: /reserved/ },
      { event: 'disconnecting', args: '[]', message: /reserved/ },
      { event: 'chat', args: '["unclosed', message: /\S/ },
      { event: 'chat', args: '[1, 2', message: /\S/ },
      { event: 'chat', args: '[{$hex: "xyz"}]', message: /hex/i },
      { event: 'chat', args: '["fine"]', ack: true, timeout: '0', message: /ack timeout/ },
      { event: 'chat', args: '["fine"]', ack: true, timeout: '99999999999', message: /ack timeout/ },
    ]
    for (const r of refusals) {
      await page.getByTestId('emit-event').fill(r.event)
      await typeArgs(page, r.args)
      await page.getByTestId('emit-ack').setChecked(r.ack ?? false)
      if (r.timeout !== undefined)
        await page.getByTestId('emit-ack-timeout').fill(r.timeout)
      await page.getByTestId('emit-send').click()
      await expect.poll(() => page.getByTestId('emit-error').textContent({ timeout: 500 }).catch(() => ''), { message: `${r.event} ${r.args}` }).toMatch(r.message)
      if (r.timeout !== undefined)
        await page.getByTestId('emit-ack-timeout').fill('5000')
    }
    await page.getByTestId('emit-ack').setChecked(false)
    await page.waitForTimeout(300)
    expect(server.counts.events).toBe(0)
    expect(await page.locator('[data-testid="log-row"][data-direction="out"]').count()).toBe(0)

    // A pending server ack with a bad answer: a message next to the box, nothing sent back.
    await page.getByTestId('emit-event').fill('ask me')
    await typeArgs(page, '[]')
    await page.getByTestId('emit-send').click()
    await page.getByTestId('ack-answer').waitFor({ timeout: TIMEOUT })
    await page.getByTestId('ack-answer').fill('[42,')
    await page.getByTestId('ack-send').click()
    await page.getByTestId('ack-error').waitFor({ timeout: TIMEOUT })
    await page.waitForTimeout(300)
    expect(server.counts.ackAnswers).toEqual([])
    await page.getByTestId('ack-answer').fill('[42]')
    await page.getByTestId('ack-send').click()
    await expect.poll(() => server.counts.ackAnswers).toEqual([[42]])
  })

  it('refuses files that are not exports, truncated exports and a 200 MB file, and stays responsive', async () => {
    const page = await stack.newPage()
    const input = page.getByTestId('import-log')
    const importError = page.getByTestId('import-error')

    await input.setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') })
    await expect.poll(() => importError.textContent()).toContain('notes.json')

    await input.setInputFiles({ name: 'picture.json', mimeType: 'application/json', buffer: Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) })
    await expect.poll(() => importError.textContent()).toContain('picture.json')

    // A real export, cut in the middle.
    const exported = JSON.stringify({
      format: 'sio-inspector',
      version: 1,
      exportedAt: new Date().toISOString(),
      sessions: [{ id: 's1', label: '/', url: 'http://127.0.0.1:1/', namespace: '/', status: 'disconnected', idHistory: [], pendingServerAcks: [] }],
      entries: Array.from({ length: 50 }, (_, i) => ({ id: i + 1, sessionId: 's1', kind: 'note', level: 'info', message: `entry ${i}`, time: Date.now(), mono: i })),
    })
    await input.setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(exported.slice(0, Math.floor(exported.length / 2))) })
    await expect.poll(() => importError.textContent()).toMatch(/cut\.json/)
    expect(await importError.textContent()).toMatch(/could not be imported/)

    // 420 MB: refused by its size before it is read (the answer comes at once, the page never stalls).
    const big = Buffer.alloc(420 * 1024 * 1024, 0x20)
    big.write('{"format":"sio-inspector","version":1,"entries":[', 0)
    let dir: string | undefined
    const started = Date.now()
    try {
      await input.setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: big })
    }
    catch {
      // playwright-core refuses buffers over 50 MB ("write it to a file and pass its path"): the same bytes, as a file.
      dir = mkdtempSync(join(tmpdir(), 'sio-inspector-big-'))
      const path = join(dir, 'huge.json')
      const fd = openSync(path, 'w')
      writeFileSync(fd, big)
      closeSync(fd)
      await input.setInputFiles(path)
    }
    try {
      await expect.poll(() => importError.textContent(), { timeout: 20_000 }).toContain('huge.json')
      expect(await importError.textContent()).toMatch(/420 MB.*limit is 400 MB/)
      expect(await responsive(page)).toBe(true)
      expect(Date.now() - started).toBeLessThan(20_000)
    }
    finally {
      if (dir)
        rmSync(dir, { recursive: true, force: true })
    }
    expect(await page.getByTestId('session-tab').count()).toBe(0)
  })

  it('keeps saved messages and settings across a reload, and reports a damaged entry instead of dropping it', async () => {
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${server.url}/`)
    await openOptions(page)
    await page.getByTestId('option-timeout').fill('7000')
    await page.getByTestId('connect-button').click()
    await page.locator('[data-testid="session-tab"][data-state="connected"]').waitFor({ timeout: TIMEOUT })

    await page.getByTestId('emit-event').fill('chat')
    await typeArgs(page, '["kept across reloads"]')
    await page.getByTestId('emit-save-name').fill('')
    await page.getByTestId('emit-save').click()
    await expect.poll(() => page.getByTestId('emit-save-error').textContent()).toContain('name')
    await page.getByTestId('emit-save-name').fill('my chat')
    await page.getByTestId('emit-save').click()
    await page.getByTestId('theme-toggle').click() // system → dark
    const theme = await page.getByTestId('theme-toggle').getAttribute('aria-label')

    await page.reload()
    await page.getByTestId('new-session').click()
    await page.getByRole('button', { name: /^Saved \(1\)/ }).click()
    await expect.poll(() => page.getByTestId('emit-saved').textContent({ timeout: 500 }).catch(() => '')).toContain('my chat')
    await page.getByTestId('emit-saved').getByRole('button', { name: 'load' }).click()
    expect(await page.getByTestId('emit-event').inputValue()).toBe('chat')
    await expect.poll(async () => (await page.locator('[data-testid="emit-args"] .view-lines').textContent())?.replace(/\u00A0/g, ' ')).toContain('kept across reloads')
    expect(await page.getByTestId('theme-toggle').getAttribute('aria-label')).toBe(theme)
    // The connection is remembered with its options.
    await expect.poll(() => page.locator('select.recent option').allTextContents()).toContain(`${server.url}/`)
    await page.locator('select.recent').selectOption(`${server.url}/`)
    await openOptions(page)
    expect(await page.getByTestId('option-timeout').inputValue()).toBe('7000')

    // Damage the saved messages: the next load reports it and keeps the text aside.
    await page.evaluate(() => localStorage.setItem('sio-inspector-v1-saved', '[{"name": "my chat", "event": '))
    await page.reload()
    const problem = page.getByTestId('storage-problem')
    await problem.waitFor({ timeout: TIMEOUT })
    expect(await problem.textContent()).toContain('sio-inspector-v1-saved')
    const aside = await page.evaluate(() => Object.keys(localStorage).filter(k => k.startsWith('sio-inspector-v1-damaged-saved-')).map(k => localStorage.getItem(k)))
    expect(aside).toEqual(['[{"name": "my chat", "event": '])
    await page.getByTestId('new-session').click()
    expect(await page.getByRole('button', { name: /^Saved \(0\)/ }).count()).toBe(1)
    // Saving again works (the damaged text stays aside).
    expect(await responsive(page)).toBe(true)
  })
  it('tells the tab a flood of pings overflowed how many older entries it dropped, and keeps the quiet tab whole', async () => {
    // 5,000 Engine.IO pings on that connection; the page answers each with a pong: 10,000 frames for one tab.
    const flood = (socket: IoSocket): void => {
      socket.on('flood:pings', () => {
        const conn = socket.conn as unknown as { sendPacket: (type: 'ping') => void }
        for (let i = 0; i < 5000; i++) conn.sendPacket('ping')
      })
    }
    server.io.on('connection', flood)
    try {
      // A small limit from the address (the notice says how to raise it): 2,000 entries, 1,000 per tab.
      const page = await stack.newPage('/?maxEntries=2000')
      await page.getByTestId('connect-url').fill(`${server.url}/`)
      await page.getByTestId('connect-button').click()
      await page.locator('[data-testid="session-tab"][aria-selected="true"][data-state="connected"]').waitFor({ timeout: TIMEOUT })
      for (let i = 0; i < 3; i++) {
        await typeArgsAndSend(page, 'quiet:hello', `"hello ${i}"`)
        await expect.poll(() => page.locator('[data-testid="log-row"][data-event="quiet:hello"]').count(), { timeout: TIMEOUT }).toBe(i + 1)
      }
      await page.getByTestId('new-session').click()
      await page.getByTestId('connect-url').fill(`${server.url}/`)
      await page.getByTestId('connect-button').click()
      await page.locator('[data-testid="session-tab"][aria-selected="true"][data-state="connected"]').waitFor({ timeout: TIMEOUT })
      await typeArgsAndSend(page, 'flood:pings', '')
      const notice = page.getByTestId('log-dropped')
      await expect.poll(async () => Number(((await notice.textContent({ timeout: 500 }).catch(() => '')) ?? '').replace(/,/g, '').match(/(\d+) older entries dropped/)?.[1] ?? 0), { timeout: 30_000 }).toBeGreaterThan(8000)
      expect(await notice.textContent()).toMatch(/older entries dropped — raise the limit or export\..*\?maxEntries=4000/s)
      expect(await responsive(page)).toBe(true)
      // Its events (the connect, the emit) were the oldest entries: an empty view says they were dropped, not "No entries yet".
      await expect.poll(() => page.locator('[data-testid="log-row"]').count()).toBe(0)
      const emptyText = (await page.getByTestId('event-log').textContent()) ?? ''
      expect(emptyText).not.toContain('No entries yet')
      expect(emptyText).toContain('Nothing left to show: the older entries of this view were dropped')

      // The quiet tab lost nothing and says nothing.
      await page.getByTestId('session-tab').nth(0).click()
      await page.locator('[data-testid="session-tab"]').nth(0).and(page.locator('[aria-selected="true"]')).waitFor()
      await expect.poll(() => page.locator('[data-testid="log-row"][data-event="quiet:hello"]').count()).toBe(3)
      expect(await page.getByTestId('log-dropped').count()).toBe(0)

      // The timeline says what was dropped, and from which tab.
      await page.getByTestId('timeline-tab').click()
      await page.getByTestId('log-dropped').waitFor({ timeout: TIMEOUT })
      // …with the tab that lost them (as the tab bar names it) and its own count.
      expect(await page.getByTestId('log-dropped').textContent()).toMatch(/[\d,]+ older entries dropped[^(]*\([^)]+: [\d,]+\)/)
      await expect.poll(() => page.locator('[data-testid="log-row"][data-event="quiet:hello"]').count()).toBe(3)
    }
    finally {
      server.io.off('connection', flood)
    }
  }, 60_000)

  it('refuses an imported capture whose idHistory holds null, naming the field, and opens no tab', async () => {
    const page = await stack.newPage()
    const capture = [
      JSON.stringify({ format: 'sio-inspector', version: 1, layout: 'ndjson', exportedAt: new Date().toISOString(), entryCount: 1, sessions: [{ id: 's1', label: '/', url: 'http://127.0.0.1:1/', namespace: '/', status: 'disconnected', idHistory: [null], pendingServerAcks: [] }] }),
      JSON.stringify({ id: 1, sessionId: 's1', kind: 'note', level: 'info', message: 'hello', time: Date.now(), mono: 1, direction: 'local' }),
      '',
    ].join('\n')
    await page.getByTestId('import-log').setInputFiles({ name: 'null-history.ndjson', mimeType: 'application/json', buffer: Buffer.from(capture) })
    const importError = page.getByTestId('import-error')
    await expect.poll(() => importError.textContent({ timeout: 500 }).catch(() => '')).toContain('null-history.ndjson')
    expect(await importError.textContent()).toContain('sessions[0].idHistory[0] must be an object')
    expect(await page.getByTestId('session-tab').count()).toBe(0)
  })
})
