/**
 * `--parser` of `capture` and `emit` (issue 13 item 1), run as a child process against real socket.io 4
 * servers with socket.io-msgpack-parser and with the default parser.
 */
import type { ParserServer } from '../fixtures/msgpack-server'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DIAGNOSES, importCapture } from '#core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionOptions } from '../../src/cli/connection-options'
import { EXIT } from '../../src/cli/types'
import { startParserServer } from '../fixtures/msgpack-server'
import { killAllCli, runCli } from './cli-process'

const dir = mkdtempSync(join(tmpdir(), 'sio-cli-parser-'))
let msgpack: ParserServer
let plain: ParserServer

beforeAll(async () => {
  msgpack = await startParserServer('msgpack')
  plain = await startParserServer('default')
})
afterEach(() => killAllCli())
afterAll(async () => {
  killAllCli()
  await Promise.all([msgpack?.close(), plain?.close()])
  rmSync(dir, { recursive: true, force: true })
})

const flags = { query: [], header: [], cookie: [], insecure: false }

describe('--parser', () => {
  it('capture --parser msgpack records a msgpack server\'s events, binary included, and the parser', async () => {
    const file = join(dir, 'msgpack.ndjson')
    const run = await runCli('tsx', ['capture', `${msgpack.url}/chat`, '--parser', 'msgpack', '--count', '1', '--frames', '--out', file])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(EXIT.ok)
    const r = importCapture(readFileSync(file, 'utf8'))
    if (!r.ok)
      throw new Error(r.error)
    const welcome = r.entries.find(e => e.kind === 'event' && e.name === 'welcome')
    expect(welcome).toBeDefined()
    const [payload] = (welcome as unknown as { args: [{ nsp: string, bytes: Uint8Array }] }).args
    expect(payload.nsp).toBe('/chat')
    expect([...payload.bytes]).toEqual([1, 2, 3])
    // Every Socket.IO packet of the session was one binary frame.
    const messages = r.entries.filter(e => e.kind === 'frame' && e.engineType === 'message')
    expect(messages.length).toBeGreaterThan(0)
    expect(messages.every(f => f.kind === 'frame' && f.data instanceof Uint8Array)).toBe(true)
    // The capture says how to decode them.
    expect(r.sessions[0].parser).toBe('msgpack')
  })

  it('emit --parser msgpack --ack prints the msgpack server\'s ack', async () => {
    const run = await runCli('tsx', ['emit', `${msgpack.url}/`, 'echo', '["hi", 2]', '--parser', 'msgpack', '--ack', '--timeout', '5000'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(EXIT.ok)
    expect(JSON.parse(run.stdout)).toEqual([{ count: 2, args: ['hi', 2] }])
  })

  it('capture without --parser against a msgpack server stops at once with the parser diagnosis', async () => {
    const run = await runCli('tsx', ['capture', `${msgpack.url}/`, '--timeout', '3000'])
    expect(run.code).toBe(EXIT.connection)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(DIAGNOSES['parser-mismatch'].title)
    expect(run.stderr).toContain('Try: --parser msgpack')
  })

  it('emit --parser msgpack against a default server names the default parser', async () => {
    const run = await runCli('tsx', ['emit', `${plain.url}/`, 'echo', '[]', '--parser', 'msgpack', '--timeout', '3000'])
    expect(run.code).toBe(EXIT.connection)
    expect(run.stderr).toMatch(/different Socket\.IO parser \(the default socket\.io-parser/)
    expect(run.stderr).toContain('--parser default')
  })

  it.each([
    [['--parser', 'protobuf'], /--parser "protobuf": use default \(socket\.io-parser\) or msgpack/],
    [['--parser', 'msgpack', '--client', 'v2'], /--parser msgpack: needs the v4 client/],
  ])('refuses %j with the usage exit code and a clear message', async (extra, message) => {
    const run = await runCli('tsx', ['capture', `${msgpack.url}/`, ...extra])
    expect(run.code).toBe(EXIT.usage)
    expect(run.stderr).toMatch(message)
    expect(run.stdout).toBe('')
  })

  it('reaches the session options (default stays absent)', () => {
    expect(parseConnectionOptions({ ...flags, parser: 'MsgPack' })).toEqual({ ok: true, options: { parser: 'msgpack' } })
    expect(parseConnectionOptions({ ...flags, parser: 'default' })).toEqual({ ok: true, options: {} })
  })
})
