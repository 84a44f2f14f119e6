import type { CliServer } from '../fixtures/cli-server'
import type { CliMode } from './cli-process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseAsyncApi } from '../../src/shared/asyncapi'
import { startCliServer } from '../fixtures/cli-server'
import { cliModes, killAllCli, runCli } from './cli-process'

const dir = mkdtempSync(join(tmpdir(), 'sio-cli-asyncapi-'))
let server: CliServer
let other: CliServer
let streamCapture: string
let kickCapture: string
let otherCapture: string

/** A real capture, recorded by the command itself from a real server. */
async function capture(url: string, count: number, file: string): Promise<string> {
  const run = await runCli('tsx', ['capture', url, '--count', String(count), '--out', file])
  expect(run.code, run.stderr).toBe(0)
  return file
}

beforeAll(async () => {
  server = await startCliServer()
  other = await startCliServer()
  streamCapture = await capture(`${server.url}/stream`, 7, join(dir, 'stream.ndjson'))
  kickCapture = await capture(`${server.url}/kick`, 3, join(dir, 'kick.ndjson'))
  otherCapture = await capture(`${other.url}/kick`, 3, join(dir, 'other.ndjson'))
}, 60_000)
afterEach(() => killAllCli())
afterAll(async () => {
  killAllCli()
  await server?.close()
  await other?.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Doc {
  asyncapi: string
  info: { title: string, version: string }
  servers: Record<string, { host: string, protocol: string }>
  channels: Record<string, { address: string, messages: Record<string, { name: string, payload: Record<string, unknown>, examples?: Array<{ payload: unknown[] }> }> }>
  operations: Record<string, { action: string, channel: { $ref: string }, messages: Array<{ $ref: string }> }>
}

function channel(doc: Doc, address: string): Doc['channels'][string] {
  const c = Object.values(doc.channels).find(ch => ch.address === address)
  if (!c)
    throw new Error(`no channel ${address} in ${JSON.stringify(Object.keys(doc.channels))}`)
  return c
}

function message(doc: Doc, address: string, name: string): Doc['channels'][string]['messages'][string] {
  const m = Object.values(channel(doc, address).messages).find(x => x.name === name)
  if (!m)
    throw new Error(`no message ${name} on ${address}`)
  return m
}

describe.each(cliModes())('asyncapi (%s)', (mode: CliMode) => {
  it('writes an AsyncAPI 3.0 document learned from captures that @asyncapi/parser accepts', async () => {
    const out = join(dir, `doc-${mode}.json`)
    const run = await runCli(mode, ['asyncapi', streamCapture, kickCapture, '--out', out, '--title', 'CLI server'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/event definitions of http:\/\/127\.0\.0\.1:\d+ from \d+ events in 2 captures written to/)
    const text = readFileSync(out, 'utf8')
    const parsed = await parseAsyncApi(text)
    expect(parsed.ok ? [] : parsed.diagnostics).toEqual([])
    const doc = JSON.parse(text) as Doc
    expect(doc.asyncapi).toBe('3.0.0')
    expect(doc.info.title).toBe('CLI server')
    expect(Object.values(doc.servers)).toEqual([{ host: `127.0.0.1:${server.port}`, protocol: 'ws', description: 'Socket.IO server' }])
    // One channel per namespace; the events the server sent, with their argument tuples.
    expect(message(doc, '/stream', 'tick').payload).toEqual({
      type: 'array',
      items: [{ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }],
      minItems: 1,
      maxItems: 1,
    })
    expect(message(doc, '/stream', 'chat:message').payload).toMatchObject({ items: [{ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }] })
    const blob = message(doc, '/stream', 'blob')
    expect(blob.payload).toMatchObject({ items: [{ type: 'string', format: 'binary' }] })
    expect(blob.examples).toEqual([{ payload: [Buffer.from([0, 1, 2, 255]).toString('base64')] }])
    expect(message(doc, '/kick', 'one').payload).toMatchObject({ items: [{ type: 'integer' }] })
    // Server → client events are `send` operations of their channel.
    const ops = Object.values(doc.operations)
    expect(ops.length).toBeGreaterThanOrEqual(6)
    expect(new Set(ops.map(o => o.action))).toEqual(new Set(['send']))
  }, 60_000)

  it('writes the document to stdout without --out', async () => {
    const run = await runCli(mode, ['asyncapi', kickCapture])
    expect(run.code, run.stderr).toBe(0)
    const doc = JSON.parse(run.stdout) as Doc
    expect(Object.values(channel(doc, '/kick').messages).map(m => m.name).sort()).toEqual(['one', 'three', 'two'])
  }, 30_000)

  it('exits 1 naming the file when a capture cannot be read or is not valid', async () => {
    const missing = join(dir, 'missing.ndjson')
    const r1 = await runCli(mode, ['asyncapi', kickCapture, missing])
    expect(r1.code).toBe(1)
    expect(r1.stderr).toContain(`${missing}: cannot read it (ENOENT)`)
    expect(r1.stdout).toBe('')

    const lines = readFileSync(kickCapture, 'utf8').trimEnd().split('\n')
    const broken = join(dir, 'broken.ndjson')
    writeFileSync(broken, `${[...lines.slice(0, 2), '{"kind":"event","oops":1}', ...lines.slice(3)].join('\n')}\n`)
    const r2 = await runCli(mode, ['asyncapi', broken])
    expect(r2.code).toBe(1)
    expect(r2.stderr).toMatch(new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: entry 2 \\(line 3\\)`))

    const notCapture = join(dir, 'not.json')
    writeFileSync(notCapture, '{"hello": 1}')
    const r3 = await runCli(mode, ['asyncapi', notCapture])
    expect(r3.code).toBe(1)
    expect(r3.stderr).toContain(`${notCapture}: not a Socket.IO Inspector export`)
  }, 30_000)

  it('exits 2 for usage errors: no capture, an unwritable --out, several servers without --server', async () => {
    const r1 = await runCli(mode, ['asyncapi'])
    expect(r1.code).toBe(2)
    expect(r1.stderr).toMatch(/missing required argument/)

    const r2 = await runCli(mode, ['asyncapi', kickCapture, '--out', join(dir, 'no-such-dir', 'doc.json')])
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/--out .*: its folder .* does not exist/)

    const r3 = await runCli(mode, ['asyncapi', kickCapture, otherCapture])
    expect(r3.code).toBe(2)
    expect(r3.stderr).toContain('the captures hold several servers')
    expect(r3.stderr).toContain('--server URL')

    const r4 = await runCli(mode, ['asyncapi', kickCapture, otherCapture, '--server', other.url])
    expect(r4.code, r4.stderr).toBe(0)
    const doc = JSON.parse(r4.stdout) as Doc
    expect(Object.values(doc.servers)[0].host).toBe(`127.0.0.1:${other.port}`)
  }, 60_000)
})
