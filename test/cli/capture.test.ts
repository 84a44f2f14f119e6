import type { EventEntry, LogEntry, SessionSnapshot } from '#core'
/**
 * `socketio-inspector capture`, run as a child process (from the sources, and from the build when it is
 * fresh) against real servers on 127.0.0.1: what it writes must be the capture format the UI's Import opens,
 * complete however the capture stops.
 */
import type { CaptureFlags } from '../../src/cli/types'
import type { BrokenServer } from '../fixtures/broken-servers'
import type { CliServer } from '../fixtures/cli-server'
import type { CliMode } from './cli-process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { encodeEntry, importCapture, openCapture } from '#core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCapture } from '../../src/cli/capture'
import { CaptureOutput } from '../../src/cli/capture-output'
import { MIDDLEWARE_ERROR, startMiddlewareServer, startNothingListening, startRestartingServer, startTlsServer, startV2Server } from '../fixtures/broken-servers'
import { GUARD_ERROR, startCliServer } from '../fixtures/cli-server'
import { cliModes, killAllCli, runCli, startCli } from './cli-process'

const dir = mkdtempSync(join(tmpdir(), 'sio-cli-capture-'))
let server: CliServer
let fileNo = 0
const outFile = (ext = 'ndjson'): string => join(dir, `capture-${++fileNo}.${ext}`)

beforeAll(async () => {
  server = await startCliServer()
})
afterEach(() => killAllCli())
afterAll(async () => {
  killAllCli()
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Read a capture as the UI's Import does (the sync reader and the sliced one must agree). */
function imported(text: string): { header: Record<string, unknown>, sessions: SessionSnapshot[], entries: LogEntry[] } {
  const r = importCapture(text)
  if (!r.ok)
    throw new Error(`not importable: ${r.error}`)
  const opened = openCapture(text)
  expect(opened.ok).toBe(true)
  if (opened.ok) {
    const part = opened.reader.next(() => false)
    expect(part.ok && part.done && part.entries.length).toBe(r.entries.length)
  }
  const firstLine = text.slice(0, text.indexOf('\n'))
  const header = JSON.parse(firstLine.endsWith(',"entries":[') ? `${firstLine.slice(0, -',"entries":['.length)}}` : firstLine) as Record<string, unknown>
  return { header, sessions: r.sessions, entries: r.entries }
}

const incomingEvents = (entries: LogEntry[]): EventEntry[] => entries.filter((e): e is EventEntry => e.kind === 'event' && e.direction === 'in')

describe.each(cliModes())('capture (%s)', (mode: CliMode) => {
  it('writes the header line and then one entry per line to stdout, and stops after --count incoming events', async () => {
    const run = await runCli(mode, ['capture', `${server.url}/stream`, '--count', '7'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    const header = JSON.parse(lines[0]) as Record<string, unknown>
    expect(header).toMatchObject({ format: 'sio-inspector', version: 1, layout: 'ndjson' })
    expect(header.sessions).toEqual([expect.objectContaining({ url: `${server.url}/stream`, namespace: '/stream' })])
    // Every other line is one entry, as Export writes it.
    const { entries } = imported(run.stdout)
    expect(lines.length - 1).toBe(entries.length)
    const events = incomingEvents(entries)
    expect(events).toHaveLength(7)
    expect(events.map(e => e.name)).toEqual(['tick', 'tick', 'tick', 'chat:message', 'blob', 'tick', 'tick'])
    expect(events[0].args).toEqual([{ n: 0 }])
    // Binary comes back as bytes, tagged on the line as Export tags it.
    expect(events[4].args).toEqual([new Uint8Array([0, 1, 2, 255])])
    expect(lines.some(line => line.includes('{"$t":"bin","b64":"AAEC/w=="}'))).toBe(true)
    expect(entries[0].kind).toBe('connecting')
    expect(entries.some(e => e.kind === 'connect')).toBe(true)
    expect(entries.at(-1)).toMatchObject({ kind: 'disconnect', reason: 'io client disconnect' })
    // No frames unless asked for.
    expect(entries.some(e => e.kind === 'frame')).toBe(false)
  })

  it('keeps only the events whose name matches --events (globs, as the UI\'s name filter), and the lifecycle', async () => {
    const run = await runCli(mode, ['capture', `${server.url}/stream`, '--count', '4', '--events', 'chat:*', '--events', 'bl?b'])
    expect(run.code).toBe(0)
    const { entries } = imported(run.stdout)
    expect(incomingEvents(entries).map(e => e.name)).toEqual(['chat:message', 'blob', 'chat:message', 'blob'])
    expect(entries.filter(e => e.kind === 'connect')).toHaveLength(1)
  })

  it('records the frames with --frames, and writes a file with --out that Import opens', async () => {
    const file = outFile()
    const run = await runCli(mode, ['capture', `${server.url}/stream`, '--count', '3', '--frames', '--out', file])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('')
    const text = readFileSync(file, 'utf8')
    const { header, sessions, entries } = imported(text)
    // The file's header is the final one, as Export writes it: the entry count and the closed session.
    expect(header.entryCount).toBe(entries.length)
    expect(sessions[0]).toMatchObject({ status: 'disconnected', url: `${server.url}/stream` })
    expect(sessions[0].idHistory[0]).toMatchObject({ reason: 'io client disconnect' })
    const frames = entries.filter(e => e.kind === 'frame')
    expect(frames.some(f => f.kind === 'frame' && f.engineType === 'open' && f.direction === 'in')).toBe(true)
    expect(frames.some(f => f.kind === 'frame' && typeof f.data === 'string' && f.data.startsWith('2/stream,["tick"'))).toBe(true)
  })

  it('writes exportLog\'s JSON document with --format json', async () => {
    const file = outFile('json')
    const run = await runCli(mode, ['capture', `${server.url}/stream`, '--count', '2', '--format', 'json', '--out', file])
    expect(run.code).toBe(0)
    const text = readFileSync(file, 'utf8')
    const doc = JSON.parse(text) as { layout: string, entryCount: number, entries: unknown[] }
    expect(doc.layout).toBe('json')
    expect(doc.entries).toHaveLength(doc.entryCount)
    expect(incomingEvents(imported(text).entries)).toHaveLength(2)
  })

  it('leaves a complete, importable file when SIGTERM stops it mid-capture', async () => {
    const file = outFile()
    const cli = startCli(mode, ['capture', `${server.url}/stream`, '--out', file])
    // The file fills as the capture runs; stop once a few events are in.
    await expect.poll(() => existsSync(file) ? readFileSync(file, 'utf8').split('"name":"tick"').length - 1 : 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(5)
    cli.child.kill('SIGTERM')
    const run = await cli.done
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    const { header, sessions, entries } = imported(readFileSync(file, 'utf8'))
    expect(header.entryCount).toBe(entries.length)
    expect(sessions[0].status).toBe('disconnected')
    expect(incomingEvents(entries).length).toBeGreaterThanOrEqual(5)
    expect(entries.at(-1)).toMatchObject({ kind: 'disconnect', reason: 'io client disconnect' })
  })

  it('ends the stdout stream complete on SIGINT (Ctrl+C)', async () => {
    const cli = startCli(mode, ['capture', `${server.url}/stream`])
    await cli.waitForStdout(out => out.split('"name":"tick"').length > 3)
    cli.child.kill('SIGINT')
    const run = await cli.done
    expect(run.code).toBe(0)
    const { entries } = imported(run.stdout)
    expect(run.stdout.endsWith('\n')).toBe(true)
    expect(entries.at(-1)).toMatchObject({ kind: 'disconnect' })
  })

  it('stops after --duration seconds', async () => {
    const run = await runCli(mode, ['capture', `${server.url}/stream`, '--duration', '0.6'])
    expect(run.code).toBe(0)
    const { entries } = imported(run.stdout)
    expect(incomingEvents(entries).length).toBeGreaterThan(0)
    expect(entries.at(-1)).toMatchObject({ kind: 'disconnect', reason: 'io client disconnect' })
  })

  it('sends --auth, --query, --header, --cookie and --origin with the handshake', async () => {
    const run = await runCli(mode, [
      'capture',
      `${server.url}/whoami?room=from-url`,
      '--count',
      '1',
      '--auth',
      '{token: \'t0k\', n: 2}',
      '--query',
      'debug=yes',
      '--header',
      'X-Api-Key: k-123',
      '--cookie',
      'sid=abc',
      '--cookie',
      'theme=dark',
      '--origin',
      'https://app.example.com',
      '--transports',
      'websocket',
    ])
    expect(run.code).toBe(0)
    const [whoami] = incomingEvents(imported(run.stdout).entries)
    expect(whoami.name).toBe('whoami')
    expect(whoami.args[0]).toEqual({
      auth: { token: 't0k', n: 2 },
      query: { room: 'from-url', debug: 'yes' },
      headers: { 'x-api-key': 'k-123', 'cookie': 'sid=abc; theme=dark', 'origin': 'https://app.example.com' },
    })
  })

  it('exits 1 with the UI\'s diagnosis on stderr for a dead port, and writes nothing', async () => {
    const dead: BrokenServer = await startNothingListening()
    const file = outFile()
    const run = await runCli(mode, ['capture', `${dead.url}/`, '--out', file])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(existsSync(file)).toBe(false)
    expect(run.stderr).toContain(`Cannot connect to ${dead.url}/: Nothing answers at this address`)
    expect(run.stderr).toContain('ECONNREFUSED')
    expect(run.stderr).toMatch(/What to do: Check that the server is running/)
  })

  it('exits 1 with the server\'s refusal (a middleware\'s message and data) on stderr', async () => {
    const refusing = await startMiddlewareServer()
    try {
      const run = await runCli(mode, ['capture', `${refusing.url}/`, '--count', '1'])
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toContain('The server refused the connection (middleware)')
      expect(run.stderr).toContain(MIDDLEWARE_ERROR.message)
      expect(run.stderr).toContain(JSON.stringify(MIDDLEWARE_ERROR.data))
    }
    finally {
      await refusing.close()
    }
  })

  it('connects past a middleware with the --auth it asks for', async () => {
    const refused = await runCli(mode, ['capture', `${server.url}/guarded`, '--count', '1'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(GUARD_ERROR.message)
    const run = await runCli(mode, ['capture', `${server.url}/guarded`, '--count', '1', '--auth', '{token: "secret"}'])
    expect(run.code).toBe(0)
    expect(incomingEvents(imported(run.stdout).entries).map(e => e.name)).toEqual(['welcome'])
  })

  it('exits 1 when the server disconnects the session, with the capture complete', async () => {
    const file = outFile()
    const run = await runCli(mode, ['capture', `${server.url}/kick`, '--out', file])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ended (io server disconnect)')
    const { header, entries } = imported(readFileSync(file, 'utf8'))
    expect(header.entryCount).toBe(entries.length)
    expect(incomingEvents(entries).map(e => e.name)).toEqual(['one', 'two', 'three'])
    expect(entries.at(-1)).toMatchObject({ kind: 'disconnect', reason: 'io server disconnect' })
  })

  it.each<[string, string[], RegExp]>([
    ['bad JSON5 in --auth, saying where', ['--auth', '{token: "a",, }'], /--auth: invalid JSON5 at line 1, column 13/],
    ['an unknown transport', ['--transports', 'smoke'], /--transports "smoke": unknown transport/],
    ['a bad header', ['--header', 'no colon'], /--header "no colon": expected "Name: value"/],
    ['--count 0', ['--count', '0'], /--count/],
    ['an --out folder that does not exist', ['--out', '/nonexistent-dir/x.ndjson'], /--out "\/nonexistent-dir\/x.ndjson": its folder \/nonexistent-dir does not exist/],
  ])('exits 2 for %s, naming the flag', async (_what, flags, message) => {
    const run = await runCli(mode, ['capture', `${server.url}/stream`, ...flags])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(message)
  })

  it('exits 2 for a URL without a scheme', async () => {
    const run = await runCli(mode, ['capture', `127.0.0.1:${server.port}/`])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/url "127.0.0.1:\d+\/" is not a URL: write it with its scheme/)
  })
})

describe('capture in this process', () => {
  const flags = (more: Partial<CaptureFlags> = {}): CaptureFlags => ({ query: [], header: [], cookie: [], insecure: false, events: [], frames: false, format: 'ndjson', ...more })
  const collect = (stream: PassThrough): () => string => {
    let text = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      text += chunk
    })
    return () => text
  }

  it('draws a live counter and rate on a terminal\'s stderr, then one summary line', async () => {
    const stdout = new PassThrough()
    const stderr = Object.assign(new PassThrough(), { isTTY: true })
    const out = collect(stdout)
    const err = collect(stderr)
    const code = await runCapture(`${server.url}/stream`, flags({ count: 60 }), { stdout, stderr }, new AbortController().signal)
    expect(code).toBe(0)
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequence is what is checked
    expect(err()).toMatch(/\r\x1B\[2KCapturing http:\/\/127\.0\.0\.1:\d+\/stream: \d+ events, [\d,]+\/s, [\d.]+ (?:B|KB) → stdout \(Ctrl\+C stops\)/)
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequence is what is checked
    expect(err()).toMatch(/\r\x1B\[2KCaptured 60 events \(\d+ entries\) in [\d.]+ s → stdout\n$/)
    expect(incomingEvents(imported(out()).entries)).toHaveLength(60)
  })

  it('stops cleanly when its signal aborts', async () => {
    const stdout = new PassThrough()
    const out = collect(stdout)
    const ac = new AbortController()
    const running = runCapture(`${server.url}/stream`, flags(), { stdout, stderr: new PassThrough() }, ac.signal)
    await expect.poll(() => out().split('"name":"tick"').length, { timeout: 10_000 }).toBeGreaterThan(3)
    ac.abort()
    expect(await running).toBe(0)
    expect(imported(out()).entries.at(-1)).toMatchObject({ kind: 'disconnect', reason: 'io client disconnect' })
  })

  it('ends quietly with 0 when the reader of stdout goes away (capture | head)', async () => {
    const cli = startCli('tsx', ['capture', `${server.url}/stream`])
    await cli.waitForStdout(text => text.includes('"name":"tick"'))
    cli.child.stdout!.destroy()
    const run = await cli.done
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
  })
})

describe('capture against other servers', () => {
  it('captures a socket.io 2.x server with --client v2', async () => {
    const v2 = await startV2Server()
    try {
      const run = await runCli('tsx', ['capture', `${v2.url}/`, '--client', 'v2', '--count', '1'])
      expect(run.code).toBe(0)
      const [hello] = incomingEvents(imported(run.stdout).entries)
      expect(hello).toMatchObject({ name: 'hello', args: ['from v2'] })
    }
    finally {
      await v2.close()
    }
  })

  it('reconnects by itself when the server restarts, as a tab does, and keeps capturing', async () => {
    const restarting = await startRestartingServer()
    try {
      const cli = startCli('tsx', ['capture', `${restarting.url}/`, '--count', '2'])
      await cli.waitForStdout(out => out.includes('"name":"hello"'))
      await restarting.restart()
      const run = await cli.done
      expect(run.code, run.stderr).toBe(0)
      const { entries } = imported(run.stdout)
      expect(incomingEvents(entries).map(e => e.args[0])).toEqual([{ generation: 0 }, { generation: 1 }])
      expect(entries.filter(e => e.kind === 'connect')).toHaveLength(2)
      expect(entries.find(e => e.kind === 'disconnect')).toMatchObject({ willReconnect: true })
      expect(entries.some(e => e.kind === 'reconnect_attempt')).toBe(true)
    }
    finally {
      await restarting.close()
    }
  })

  it('trusts a self-signed server with --ca, or any with --insecure, and says why it fails without', async () => {
    const tls = await startTlsServer()
    tls.io.on('connection', socket => socket.emit('secure', true))
    const ca = join(dir, 'server.pem')
    writeFileSync(ca, tls.cert)
    try {
      const refused = await runCli('tsx', ['capture', `${tls.url}/`, '--count', '1'])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('The secure (TLS) connection failed')
      expect(refused.stderr).toContain('--ca FILE')
      const trusted = await runCli('tsx', ['capture', `${tls.url}/`, '--count', '1', '--ca', ca])
      expect(trusted.code).toBe(0)
      expect(incomingEvents(imported(trusted.stdout).entries).map(e => e.name)).toEqual(['secure'])
      const insecure = await runCli('tsx', ['capture', `${tls.url}/`, '--count', '1', '--insecure'])
      expect(insecure.code).toBe(0)
    }
    finally {
      await tls.close()
    }
  })
})

describe('the capture output', () => {
  const snapshot = (idHistory: SessionSnapshot['idHistory'] = []): SessionSnapshot => ({
    id: 's1',
    label: '/',
    url: 'http://127.0.0.1:1',
    namespace: '/',
    status: 'connected',
    readonly: false,
    socketId: 'a',
    engineId: 'b',
    transport: 'websocket',
    reconnectAttempt: 0,
    lastError: undefined,
    idHistory,
    pendingServerAcks: [],
  })
  const entry = (id: number, name: string): string => encodeEntry({ id, kind: 'event', sessionId: 's1', time: 1, mono: 1, direction: 'in', name, args: [name, new Uint8Array([1])], bytes: 1 })
  const history = (n: number): SessionSnapshot['idHistory'] => Array.from({ length: n }, (_, i) => ({ socketId: `id-${i}-ü`, engineId: 'e', transport: 'websocket', recovered: false, connectedAt: i, disconnectedAt: i + 1, reason: 'transport close', explanation: 'x'.repeat(200) }))

  it.each(['ndjson', 'json'] as const)('rewrites a %s file\'s header in place with the count and the final session', async (layout) => {
    const file = outFile(layout)
    const out = new CaptureOutput({ kind: 'file', path: file }, layout)
    out.begin([snapshot()])
    out.write([entry(1, 'a'), entry(2, 'b')])
    out.write([entry(3, 'ç')])
    await out.end([{ ...snapshot(history(2)), status: 'disconnected' }])
    const { header, sessions, entries } = imported(readFileSync(file, 'utf8'))
    expect(header.entryCount).toBe(3)
    expect(sessions[0].status).toBe('disconnected')
    expect(sessions[0].idHistory).toHaveLength(2)
    expect(entries.map(e => e.kind === 'event' && e.name)).toEqual(['a', 'b', 'ç'])
  })

  it.each(['ndjson', 'json'] as const)('rewrites a %s file whole when the final header outgrows its reserve', async (layout) => {
    const file = outFile(layout)
    const out = new CaptureOutput({ kind: 'file', path: file }, layout, { reserve: 10 })
    out.begin([snapshot()])
    out.write([entry(1, 'a'), entry(2, 'b')])
    await out.end([{ ...snapshot(history(30)), status: 'disconnected' }])
    const text = readFileSync(file, 'utf8')
    const { header, sessions, entries } = imported(text)
    expect(header.entryCount).toBe(2)
    expect(sessions[0].idHistory).toHaveLength(30)
    expect(entries).toHaveLength(2)
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false)
  })

  it('writes an importable document with no entries', async () => {
    const file = outFile('json')
    const out = new CaptureOutput({ kind: 'file', path: file }, 'json')
    out.begin([snapshot()])
    await out.end([snapshot()])
    expect(imported(readFileSync(file, 'utf8')).entries).toEqual([])
  })
})
