/**
 * Issue 16 item 5, in Chromium: connect a tab to a real socket.io 4.8 server with auth and query, emit two
 * events (one with an ack, one with binary), open "Copy as code", read the code, run it with node and see
 * the server receive the same connection options and the same emits; v2 code against the same server
 * (`allowEIO3`); only the selected row's event; Escape closes the dialog and focus goes back to its button.
 */
import type { Stack } from './harness'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join, resolve } from 'node:path'
import { Server } from 'socket.io'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'
import { activeTab, describeE2E, rows, send, startStack, UI_TIMEOUT, useServer } from './harness'

interface Seen { auth: unknown, query: Record<string, unknown>, events: Array<{ name: string, args: unknown[] }>, disconnected: boolean }

/** A socket.io 4.8 server (CORS for the page, EIO3 for the v2 code) that records every socket of `/chat`. */
async function startRecordingServer(): Promise<{ url: string, seen: Seen[], close: () => Promise<void> }> {
  const server = createServer()
  const sockets = trackSockets(server)
  const io = new Server(server, { cors: { origin: true }, allowEIO3: true })
  const seen: Seen[] = []
  io.of('/chat').on('connection', (socket) => {
    const me: Seen = { auth: socket.handshake.auth, query: socket.handshake.query, events: [], disconnected: false }
    seen.push(me)
    socket.onAny((name: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? args.pop() as (...a: unknown[]) => void : undefined
      me.events.push({ name, args })
      ack?.('got', name)
    })
    socket.on('disconnect', () => {
      me.disconnected = true
    })
  })
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      io.close()
      await closeServer(server, sockets)
    },
  }
}

const TMP = resolve(import.meta.dirname, '../../tmp')
let dir: string
let n = 0

/** Run the copied code with node from tmp/ (so `socket.io-client` resolves from node_modules). */
function runWithNode(code: string): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const file = join(dir, `copied-${++n}.mjs`)
  writeFileSync(file, code)
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => stdout += d.toString())
    child.stderr.on('data', (d: Buffer) => stderr += d.toString())
    // Only so a hung script cannot outlive the test; not an assertion on speed.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('close', (exitCode) => {
      clearTimeout(guard)
      resolvePromise({ code: exitCode, stdout, stderr })
    })
  })
}

describeE2E('Copy as client code', () => {
  let stack: Stack
  beforeAll(async () => {
    mkdirSync(TMP, { recursive: true })
    dir = mkdtempSync(join(TMP, 'copy-as-code-e2e-'))
    stack = await startStack()
  })
  afterAll(async () => {
    await stack?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('copies a connected tab with its emits as code that node runs against the same server', async () => {
    const server = await useServer(startRecordingServer())
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${server.url}/chat`)
    await page.getByTestId('connect-options').click()
    await page.getByTestId('option-auth').fill('{ token: "t-\\"quoted\\"-1" }')
    await page.getByTestId('option-query').fill('{ room: "r1" }')
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })

    await send(page, 'chat', '["hello </script>", {n: 1}]')
    await rows(page, 'out', 'chat').waitFor({ timeout: UI_TIMEOUT })
    await send(page, 'upload', '[{$hex: "cafe00"}, "name"]', { ack: true })
    await rows(page, 'ack', 'upload').waitFor({ timeout: UI_TIMEOUT })
    await expect.poll(() => server.seen[0]?.events.length, { timeout: UI_TIMEOUT }).toBe(2)

    const button = page.getByTestId('copy-as-code')
    await button.click()
    const text = page.getByTestId('copy-as-code-text')
    await text.waitFor({ timeout: UI_TIMEOUT })
    await expect(page.getByTestId('copy-as-code-version').inputValue()).resolves.toBe('v4')
    await expect(page.getByTestId('copy-as-code-scope').inputValue()).resolves.toBe('tab')
    await expect(page.getByTestId('copy-as-code-secrets').textContent()).resolves.toContain('auth')
    // The code is text in the <pre>, not markup: the payload's </script> is escaped inside a string literal.
    await expect(text.evaluate(el => el.children.length)).resolves.toBe(0)
    const code = (await text.textContent()) ?? ''
    expect(code).toContain('import { io } from "socket.io-client"')
    expect(code).toContain('"hello \\u003c/script>"')

    const run = await runWithNode(code)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('ack <- upload got upload')
    await expect.poll(() => server.seen[1]?.disconnected, { timeout: UI_TIMEOUT }).toBe(true)
    const script = server.seen[1]
    expect(script.auth).toEqual({ token: 't-"quoted"-1' })
    expect(script.query).toMatchObject({ room: 'r1' })
    expect(script.events.map(e => e.name)).toEqual(['chat', 'upload'])
    expect(script.events[0].args).toEqual(['hello </script>', { n: 1 }])
    expect([...(script.events[1].args[0] as Buffer)]).toEqual([0xCA, 0xFE, 0x00])
    expect(script.events[1].args[1]).toBe('name')

    // Escape closes the dialog; focus goes back to the button that opened it.
    await page.keyboard.press('Escape')
    await page.getByTestId('copy-as-code-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT })
    await expect(button.evaluate(el => el === document.activeElement)).resolves.toBe(true)
  })

  it('copies v2 code (run against the same server with allowEIO3) and only the selected row\'s event', async () => {
    const server = await useServer(startRecordingServer())
    const page = await stack.newPage()
    await page.getByTestId('connect-url').fill(`${server.url}/chat`)
    await page.getByTestId('connect-button').click()
    await activeTab(page).and(page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT })
    await send(page, 'first', '[1]')
    await rows(page, 'out', 'first').waitFor({ timeout: UI_TIMEOUT })
    await send(page, 'second', '[{$hex: "0102"}]')
    await rows(page, 'out', 'second').waitFor({ timeout: UI_TIMEOUT })

    await rows(page, 'out', 'second').click()
    await page.getByTestId('copy-as-code').click()
    await expect(page.getByTestId('copy-as-code-scope').inputValue()).resolves.toBe('selected')
    await page.getByTestId('copy-as-code-version').selectOption('v2')
    const text = page.getByTestId('copy-as-code-text')
    await expect.poll(() => text.textContent(), { timeout: UI_TIMEOUT }).toContain('it needs socket.io-client@2')
    expect(await page.getByTestId('copy-as-code-secrets').count()).toBe(0)
    const code = (await text.textContent()) ?? ''
    expect(code).not.toContain('"first"')
    // This repository has socket.io-client@2 under the alias socket.io-client-v2.
    const run = await runWithNode(code.replace('import io from "socket.io-client"', 'import io from "socket.io-client-v2"'))
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    await expect.poll(() => server.seen[1]?.disconnected, { timeout: UI_TIMEOUT }).toBe(true)
    expect(server.seen[1].query).toMatchObject({ EIO: '3' })
    expect(server.seen[1].events.map(e => e.name)).toEqual(['second'])
    expect([...(server.seen[1].events[0].args[0] as Buffer)]).toEqual([1, 2])

    // The whole tab again: both emits, in order.
    await page.getByTestId('copy-as-code-scope').selectOption('tab')
    await expect.poll(() => text.textContent(), { timeout: UI_TIMEOUT }).toContain('"first"')
    await page.getByTestId('copy-as-code-close').click()
    await page.getByTestId('copy-as-code-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT })
  })
})
