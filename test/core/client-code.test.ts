import type { AckEntry, ClientCodeConnection, ClientCodeEmit, ClientCodeVersion } from '#core'
/**
 * "Copy as client code" (issue 16 item 5): `clientCode()` writes a complete ES module; these tests RUN it
 * with node (from the repository's tmp/ dir, so `socket.io-client` resolves from node_modules) against
 * real servers: socket.io 4.8 for the v4 client, socket.io 2.5 and socket.io 4.8 with `allowEIO3` for the v2
 * client. Each asserts what the server received (events and arguments, binary included, in order; auth,
 * query and headers), that acks were answered and printed, and that hostile strings stay data.
 */
import type { ChildProcess } from 'node:child_process'
import type { ServerOptions } from 'socket.io'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join, resolve } from 'node:path'
import { CLIENT_CODE_MAX_EMITS, clientCode, clientCodeEmits, clientCodeSecrets, EventLog, jsLiteral, stringLiteral } from '#core'
import { Server } from 'socket.io'
import msgpackParser from 'socket.io-msgpack-parser'
import serverV2 from 'socket.io-v2'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'

const TMP_ROOT = resolve(import.meta.dirname, '../../tmp')
mkdirSync(TMP_ROOT, { recursive: true })
const dir = mkdtempSync(join(TMP_ROOT, 'client-code-'))
const closers: Array<() => Promise<void> | void> = []
const children = new Set<ChildProcess>()

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

interface Received { name: string, args: unknown[], acked: boolean }
interface Handshake { auth: unknown, query: Record<string, unknown>, headers: Record<string, unknown> }

/** What a server saw of the script's connection to `/chat`; `done` resolves when that socket disconnects. */
interface Recorder {
  url: string
  received: Received[]
  handshakes: Handshake[]
  disconnects: string[]
  done: Promise<void>
}

/** Acks: every acknowledged event is answered with three arguments, except `silent` (never answered). */
function answer(name: string, args: unknown[], ack: (...a: unknown[]) => void): void {
  if (name !== 'silent')
    ack('answer to', name, { echo: args })
}

function recorder(url: string): { rec: Recorder, disconnected: (reason: string) => void } {
  let resolveDone!: () => void
  const rec: Recorder = { url, received: [], handshakes: [], disconnects: [], done: new Promise<void>((r) => {
    resolveDone = r
  }) }
  return {
    rec,
    disconnected: (reason) => {
      rec.disconnects.push(reason)
      resolveDone()
    },
  }
}

async function startV4(options: Partial<ServerOptions> = {}): Promise<Recorder> {
  const httpServer = createServer()
  const sockets = trackSockets(httpServer)
  const io = new Server(httpServer, options)
  const port = await listen(httpServer)
  closers.push(async () => {
    io.close()
    await closeServer(httpServer, sockets)
  })
  const { rec, disconnected } = recorder(`http://127.0.0.1:${port}`)
  io.of('/chat').on('connection', (socket) => {
    rec.handshakes.push({ auth: socket.handshake.auth, query: socket.handshake.query, headers: socket.handshake.headers })
    socket.emit('greeting', 'hi', { n: 1 }, Buffer.from([1, 2]))
    socket.onAny((name: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? args.pop() as (...a: unknown[]) => void : undefined
      rec.received.push({ name, args, acked: ack !== undefined })
      if (ack)
        answer(name, args, ack)
    })
    socket.on('disconnect', reason => disconnected(reason))
  })
  return rec
}

/** A real socket.io 2.5 server (no onAny: its per-socket middleware sees every event packet). */
async function startV2(): Promise<Recorder> {
  const httpServer = createServer()
  const sockets = trackSockets(httpServer)
  const io = serverV2(httpServer, { serveClient: false })
  const port = await listen(httpServer)
  closers.push(async () => {
    io.close()
    await closeServer(httpServer, sockets)
  })
  const { rec, disconnected } = recorder(`http://127.0.0.1:${port}`)
  io.of('/chat').on('connection', (socket) => {
    rec.handshakes.push({ auth: undefined, query: socket.handshake.query, headers: socket.handshake.headers })
    socket.emit('greeting', 'hi', { n: 1 }, Buffer.from([1, 2]))
    const s = socket as unknown as { use: (fn: (packet: unknown[], next: () => void) => void) => void }
    s.use((packet, next) => {
      const [name, ...args] = packet as [string, ...unknown[]]
      const ack = typeof args.at(-1) === 'function' ? args.pop() as (...a: unknown[]) => void : undefined
      rec.received.push({ name, args, acked: ack !== undefined })
      if (ack)
        answer(name, args, ack)
      next()
    })
    socket.on('disconnect', (reason: string) => disconnected(reason))
  })
  return rec
}

interface Run { code: number | null, stdout: string, stderr: string }

let fileNo = 0
/** Write the code to tmp/…/client-N.mjs and run it with node; resolves when it exits. */
function runScript(code: string): Promise<Run> {
  const file = join(dir, `client-${++fileNo}.mjs`)
  writeFileSync(file, code)
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => stdout += d.toString())
    child.stderr.on('data', (d: Buffer) => stderr += d.toString())
    // Not an assertion on speed: only so a hung script cannot outlive the test.
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('error', reject)
    child.on('close', (exitCode) => {
      clearTimeout(guard)
      children.delete(child)
      resolvePromise({ code: exitCode, stdout, stderr })
    })
  })
}

/** Generate, run, and wait until the server saw the script's socket disconnect. */
async function generateAndRun(rec: Recorder, connection: Omit<ClientCodeConnection, 'url'> & { url?: string }, emits: ClientCodeEmit[], version: ClientCodeVersion): Promise<{ code: string, run: Run }> {
  const code = clientCode({ url: `${rec.url}/chat`, ...connection }, emits, version, {
    importFrom: version === 'v4' ? 'socket.io-client' : 'socket.io-client-v2',
    lingerMs: 50,
  })
  const run = await runScript(code)
  expect(run.stderr, `stderr of:\n${code}`).toBe('')
  expect(run.code).toBe(0)
  await rec.done
  return { code, run }
}

const HOSTILE = [
  'double " quote',
  'single \' quote',
  'back\\slash \\" \\\\',
  '</script><script>alert(1)</script>',
  '<!-- comment -->',
  'line\u2028separator\u2029paragraph',
  // eslint-disable-next-line no-template-curly-in-string -- a payload that looks like a template literal
  'template ${process.exit(3)} `backtick`',
  '*/ end of a block comment /*',
  'new\nline\r\nand\ttab',
  '\u0000nul and \u001F',
  'emoji 😀 and a lone surrogate \uD800',
]

const BIN_SHORT = new Uint8Array([0, 1, 2, 254, 255])
const BIN_LONG = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256)

/** The bytes of what a server received as binary: a Buffer (socket.io-parser) or an ArrayBuffer (msgpack). */
function bytes(value: unknown): number[] {
  if (value instanceof ArrayBuffer)
    return [...new Uint8Array(value)]
  expect(Buffer.isBuffer(value), `expected binary, got ${JSON.stringify(value)}`).toBe(true)
  return [...(value as Buffer)]
}

describe('jsLiteral', () => {
  const values: Array<[string, unknown]> = [
    ['null', null],
    ['numbers', [0, -0, 1.5, -2, 1e21, Number.NaN, Infinity, -Infinity]],
    ['undefined inside arrays and objects', [undefined, { a: undefined }]],
    ['nested objects with odd keys', { 'a b': 1, '0': 2, 'class': 3, '$x': { 'y-z': [true, false] } }],
    ['hostile strings', HOSTILE],
    ['a Date', new Date('2024-01-02T03:04:05.000Z')],
  ]
  it.each(values)('writes %s as an expression that evaluates to the same value', (_label, value) => {
    const code = jsLiteral(value)
    // eslint-disable-next-line no-new-func
    expect(new Function(`return (${code})`)()).toStrictEqual(value)
  })

  it('writes binary as new Uint8Array([…]) (v2: its ArrayBuffer), long binary as base64, both exact', () => {
    expect(jsLiteral(BIN_SHORT)).toBe('new Uint8Array([0, 1, 2, 254, 255])')
    expect(jsLiteral(BIN_SHORT, 'v2')).toBe('new Uint8Array([0, 1, 2, 254, 255]).buffer')
    expect(jsLiteral(Buffer.from([9, 8]))).toBe('new Uint8Array([9, 8])')
    expect(jsLiteral(new Uint8Array([7, 6]).buffer)).toBe('new Uint8Array([7, 6])')
    const long = jsLiteral(BIN_LONG)
    expect(long).toMatch(/^Uint8Array\.from\(atob\("/)
    // eslint-disable-next-line no-new-func
    expect(new Function(`return (${long})`)()).toStrictEqual(BIN_LONG)
    // eslint-disable-next-line no-new-func
    expect(new Uint8Array(new Function(`return (${jsLiteral(BIN_LONG, 'v2')})`)())).toStrictEqual(BIN_LONG)
  })

  it('defines a "__proto__" key as an own property instead of setting the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}')
    const code = jsLiteral(value)
    expect(code).toContain('["__proto__"]')
    // eslint-disable-next-line no-new-func
    const back = new Function(`return (${code})`)()
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.keys(back)).toEqual(['__proto__', 'ok'])
    expect(back.polluted).toBeUndefined()
  })

  it('escapes what could end a string literal or a comment, and </ of a script tag', () => {
    for (const s of HOSTILE) {
      const lit = stringLiteral(s)
      expect(lit).not.toMatch(/[\n\r\u2028\u2029]/)
      expect(lit).not.toContain('</')
      expect(lit).not.toContain('<!')
      expect(JSON.parse(lit)).toBe(s)
    }
  })

  it('writes a circular reference as undefined with a comment, and refuses too deep a value clearly', () => {
    const a: Record<string, unknown> = { n: 1 }
    a.self = a
    expect(jsLiteral(a)).toBe('{ n: 1, self: undefined /* circular reference */ }')
    let deep: unknown = 0
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(() => jsLiteral(deep)).toThrow('The value is nested too deeply to be written as code.')
  })
})

describe('clientCode input', () => {
  it('refuses an unknown version, a missing URL, an emit without a name and a bad ack timeout', () => {
    expect(() => clientCode({ url: 'http://h/' }, [], 'v3' as never)).toThrow('Unknown client version "v3": use "v4" or "v2".')
    expect(() => clientCode({ url: ' ' }, [], 'v4')).toThrow('The connection has no URL.')
    expect(() => clientCode({ url: 'http://h/' }, [{ name: '', args: [] }], 'v4')).toThrow('Emit 1 has no event name.')
    expect(() => clientCode({ url: 'http://h/' }, [{ name: 'a', args: [], ack: true, ackTimeoutMs: 0 }], 'v4'))
      .toThrow('Emit 1 ("a"): the ack timeout must be a positive number of ms.')
  })

  it('names the secret-bearing parts it copies: auth, headers, cookies', () => {
    expect(clientCodeSecrets({ url: 'http://h/' })).toEqual([])
    expect(clientCodeSecrets({ url: 'http://h/', auth: { t: 1 }, extraHeaders: { A: 'b' }, cookies: 'c=1', query: { q: '1' } }))
      .toEqual(['auth', 'extraHeaders', 'cookies'])
  })
})

describe('clientCodeEmits', () => {
  it('takes the tab\'s outgoing events only, the latest 50 oldest first, acks with the timeout a timed-out one waited', () => {
    const log = new EventLog()
    const base = { time: 0, mono: 0, bytes: 10 }
    log.append({ ...base, kind: 'event', sessionId: 's2', direction: 'out', name: 'other tab', args: [] })
    log.append({ ...base, kind: 'event', sessionId: 's1', direction: 'in', name: 'incoming', args: [] })
    for (let i = 0; i < 60; i++)
      log.append({ ...base, kind: 'event', sessionId: 's1', direction: 'out', name: `e${i}`, args: [i] })
    const asked = log.append({ ...base, kind: 'event', sessionId: 's1', direction: 'out', name: 'asked', args: ['q'], correlationId: 's1.o1' })
    const ack = log.append<AckEntry>({ ...base, kind: 'ack', sessionId: 's1', direction: 'in', name: 'asked', args: [], correlationId: 's1.o1', latencyMs: 2500.4, timedOut: true })
    const { emits, total } = clientCodeEmits(log, 's1', { ackOf: e => e.id === asked.id ? ack : undefined })
    expect(total).toBe(61)
    expect(emits).toHaveLength(CLIENT_CODE_MAX_EMITS)
    expect(emits[0]).toEqual({ name: 'e11', args: [11] })
    expect(emits.at(-1)).toEqual({ name: 'asked', args: ['q'], ack: true, ackTimeoutMs: 2500 })
  })
})

describe('clientCode v4, run with node against socket.io 4.8', () => {
  it('connects with path, transports, auth, query and headers, sends the emits in order with their arguments and prints the acks', async () => {
    const rec = await startV4()
    const emits: ClientCodeEmit[] = [
      { name: 'chat', args: ['hello', { n: 1, list: [1, 2, null] }] },
      { name: 'bin', args: [BIN_SHORT, { nested: BIN_LONG }] },
      { name: 'ask', args: [42, 'x'], ack: true, ackTimeoutMs: 5000 },
      { name: 'none', args: [] },
      { name: 'undef', args: [undefined, 'after'] },
    ]
    const { code, run } = await generateAndRun(rec, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token: 'sec"ret', nested: { n: 1 } },
      query: { room: 'a b', q: '1' },
      extraHeaders: { 'X-Api-Key': 'k-123' },
      cookies: 'sid=abc; theme=dark',
    }, emits, 'v4')
    expect(code).toContain('import { io } from "socket.io-client"')
    expect(rec.handshakes).toHaveLength(1)
    const hs = rec.handshakes[0]
    expect(hs.auth).toEqual({ token: 'sec"ret', nested: { n: 1 } })
    expect(hs.query).toMatchObject({ room: 'a b', q: '1', transport: 'websocket' })
    expect(hs.headers).toMatchObject({ 'x-api-key': 'k-123', 'cookie': 'sid=abc; theme=dark' })
    expect(rec.received.map(r => [r.name, r.acked])).toEqual([['chat', false], ['bin', false], ['ask', true], ['none', false], ['undef', false]])
    expect(rec.received[0].args).toEqual(['hello', { n: 1, list: [1, 2, null] }])
    const [short, { nested }] = rec.received[1].args as [unknown, { nested: unknown }]
    expect(bytes(short)).toEqual([...BIN_SHORT])
    expect(bytes(nested)).toEqual([...BIN_LONG])
    expect(rec.received[2].args).toEqual([42, 'x'])
    expect(rec.received[3].args).toEqual([])
    // JSON has no undefined: socket.io sends it as null, exactly as socket.io-client would from the inspector.
    expect(rec.received[4].args).toEqual([null, 'after'])
    // Every argument of the answer, not only the first (emitWithAck keeps one).
    expect(run.stdout).toContain(`ack <- ask answer to ask { echo: [ 42, 'x' ] }`)
    expect(run.stdout).toMatch(/connected: \S+/)
    expect(run.stdout).toContain(`<- greeting hi { n: 1 } <Buffer 01 02>`)
    expect(rec.disconnects).toEqual(['client namespace disconnect'])
  })

  it('sends hostile strings (quotes, backslashes, </script>, U+2028, ${}) exactly, as names, arguments and options', async () => {
    const rec = await startV4()
    const emits: ClientCodeEmit[] = HOSTILE.map(s => ({ name: `ev ${s}`, args: [s, { [s]: s }] }))
    emits.push({ name: 'proto', args: [JSON.parse('{"__proto__": {"x": 1}}')] })
    await generateAndRun(rec, { auth: { s: HOSTILE.join('|') }, query: { s: HOSTILE[6] }, transports: ['polling'] }, emits, 'v4')
    expect(rec.handshakes[0].auth).toEqual({ s: HOSTILE.join('|') })
    expect(rec.handshakes[0].query.s).toBe(HOSTILE[6])
    expect(rec.received.map(r => r.name)).toEqual([...HOSTILE.map(s => `ev ${s}`), 'proto'])
    HOSTILE.forEach((s, i) => expect(rec.received[i].args).toEqual([s, { [s]: s }]))
    expect(Object.keys(rec.received.at(-1)!.args[0] as object)).toEqual(['__proto__'])
  })

  it('prints an ack that never came and exits with code 1, after sending the rest', async () => {
    const rec = await startV4()
    const code = clientCode({ url: `${rec.url}/chat` }, [
      { name: 'silent', args: [1], ack: true, ackTimeoutMs: 200 },
      { name: 'after', args: [2] },
    ], 'v4', { lingerMs: 50 })
    const run = await runScript(code)
    await rec.done
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('no ack for silent: operation has timed out')
    expect(rec.received.map(r => [r.name, r.args])).toEqual([['silent', [1]], ['after', [2]]])
  })

  it('uses socket.io-msgpack-parser when the tab did, binary included', async () => {
    const rec = await startV4({ parser: msgpackParser })
    const { code } = await generateAndRun(rec, { parser: 'msgpack' }, [{ name: 'bin', args: [BIN_SHORT, 'text'], ack: true }], 'v4')
    expect(code).toContain('import msgpackParser from "socket.io-msgpack-parser"')
    expect(bytes(rec.received[0].args[0])).toEqual([...BIN_SHORT])
    expect(rec.received[0].args[1]).toBe('text')
  })
})

describe('clientCode v2, run with node and socket.io-client 2', () => {
  const emits: ClientCodeEmit[] = [
    { name: 'chat', args: ['hello', { n: 1 }] },
    { name: 'bin', args: [BIN_SHORT, { nested: BIN_LONG }] },
    { name: 'ask', args: [42], ack: true, ackTimeoutMs: 5000 },
    { name: HOSTILE[3], args: HOSTILE },
  ]
  const connection: Omit<ClientCodeConnection, 'url'> = {
    transports: ['polling', 'websocket'],
    auth: { token: 'only-in-a-comment' },
    query: { room: 'r1' },
    extraHeaders: { 'X-Api-Key': 'k-2' },
  }

  function checkReceived(rec: Recorder): void {
    expect(rec.received.map(r => [r.name, r.acked])).toEqual([['chat', false], ['bin', false], ['ask', true], [HOSTILE[3], false]])
    expect(rec.received[0].args).toEqual(['hello', { n: 1 }])
    const [short, { nested }] = rec.received[1].args as [unknown, { nested: unknown }]
    expect(bytes(short)).toEqual([...BIN_SHORT])
    expect(bytes(nested)).toEqual([...BIN_LONG])
    expect(rec.received[3].args).toEqual(HOSTILE)
    expect(rec.handshakes[0].query).toMatchObject({ room: 'r1', EIO: '3' })
    expect(rec.handshakes[0].headers).toMatchObject({ 'x-api-key': 'k-2' })
  }

  it('against socket.io 2.5: query, headers, emits with binary, the ack printed; auth only as a comment', async () => {
    const rec = await startV2()
    const { code, run } = await generateAndRun(rec, connection, emits, 'v2')
    expect(code).toContain('import io from "socket.io-client-v2"')
    expect(code).toContain('it needs socket.io-client@2')
    expect(code).toMatch(/^\/\/ {3}auth: \{ token: "only-in-a-comment" \}$/m)
    checkReceived(rec)
    expect(run.stdout).toContain(`ack <- ask answer to ask { echo: [ 42 ] }`)
  })

  it('against socket.io 4.8 with allowEIO3', async () => {
    const rec = await startV4({ allowEIO3: true })
    const { run } = await generateAndRun(rec, connection, emits, 'v2')
    checkReceived(rec)
    // 2.x sends no auth (socket.io 4 shows an EIO3 client's query as its auth): only the comment has it.
    expect(rec.handshakes[0].auth).not.toHaveProperty('token')
    expect(run.stdout).toContain(`ack <- ask answer to ask { echo: [ 42 ] }`)
  })

  it('logs every incoming event with all its arguments (2.x has no onAny: the wrapped onevent)', async () => {
    const rec = await startV2()
    const { run } = await generateAndRun(rec, {}, [{ name: 'ask', args: [], ack: true }], 'v2')
    expect(run.stdout).toContain(`<- greeting hi { n: 1 } <Buffer 01 02>`)
  })

  it('prints an ack that never came (its own timer: 2.x has no timeout()) and exits with code 1', async () => {
    const rec = await startV2()
    const code = clientCode({ url: `${rec.url}/chat` }, [{ name: 'silent', args: [], ack: true, ackTimeoutMs: 200 }, { name: 'after', args: [] }], 'v2', {
      importFrom: 'socket.io-client-v2',
      lingerMs: 50,
    })
    const run = await runScript(code)
    await rec.done
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('no ack for silent: operation has timed out')
    expect(rec.received.map(r => r.name)).toEqual(['silent', 'after'])
  })
})
