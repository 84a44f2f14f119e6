/**
 * "Copy as client code" (issue 16 item 5): a tab's connection and its emits as a complete ES module that
 * runs as is with `node file.mjs`, for socket.io-client v4 or v2.
 *
 * Payloads are data: every value the user or a server supplied (URL, option values, event names,
 * arguments, notes) reaches the code only through `jsLiteral`/`stringLiteral`, which escape everything
 * that could end a string literal or a `//` comment (quotes, backslashes, line terminators including
 * U+2028/U+2029, lone surrogates) and `</` / `<!` (the code stays inert if pasted into a `<script>`).
 * A value that cannot be written exactly is written as `undefined` with a comment saying why, never as
 * code that does not parse.
 */
import type { RelayOpenOptions } from '../relay/protocol'
import type { AckEntry, EventEntry, LogEntry } from '../types'
import { DEFAULT_ACK_TIMEOUT_MS } from '../session/shared'

/** Which client library the code is for. */
export type ClientCodeVersion = 'v4' | 'v2'

/**
 * The connection, as a tab's options: `SessionOptions` plus what only Node sends (`cookies`, `origin`,
 * `tls`): the generated code runs in Node, so it can send them (as `Cookie` / `Origin` headers).
 */
export type ClientCodeConnection = RelayOpenOptions

/** One emit of the script, run in order once connected. */
export interface ClientCodeEmit {
  readonly name: string
  readonly args: readonly unknown[]
  /** Ask the server for an ack and print its answer. */
  readonly ack?: boolean
  /** ms to wait for the ack. @default 10000 */
  readonly ackTimeoutMs?: number
  /** One line written as a comment above the emit (e.g. why its arguments are not whole). */
  readonly note?: string
}

export interface ClientCodeOptions {
  /**
   * The module specifier `io` is imported from. @default 'socket.io-client' (for v2 too: the comment says it
   * needs socket.io-client@2; this repository has it as `socket.io-client-v2`).
   */
  readonly importFrom?: string
  /** ms the script waits after the last emit for answers and events before it disconnects. @default 1000 */
  readonly lingerMs?: number
}

/** Where values of the connection that may be secrets come from. */
export type ClientCodeSecretSource = 'auth' | 'extraHeaders' | 'cookies'

/**
 * Which secret-bearing parts of the connection the code generated for `version` copies as they are (the
 * UI warns before the code is shared). v2 has no `auth`: it is written as a comment, with its values, so it
 * counts too.
 *
 * @example
 * clientCodeSecrets({ url: 'http://h/', auth: { token: 't' } }) // ['auth']
 */
export function clientCodeSecrets(connection: ClientCodeConnection): ClientCodeSecretSource[] {
  const out: ClientCodeSecretSource[] = []
  if (connection.auth && Object.keys(connection.auth).length > 0)
    out.push('auth')
  if (connection.extraHeaders && Object.keys(connection.extraHeaders).length > 0)
    out.push('extraHeaders')
  if (connection.cookies)
    out.push('cookies')
  return out
}

/** The most emits "this tab's emits" copies: the latest ones. */
export const CLIENT_CODE_MAX_EMITS = 50

/**
 * An outgoing event entry as an emit of the script. The log does not keep an emit's ack timeout: one that
 * timed out waited `latencyMs` (its timeout), any other gets the composer's default (10 s).
 */
export function clientCodeEmitOf(entry: EventEntry, ack?: AckEntry): ClientCodeEmit {
  const timeout = ack?.timedOut && ack.latencyMs > 0 ? Math.round(ack.latencyMs) : undefined
  return {
    name: entry.name,
    args: entry.args,
    ...(entry.correlationId ? { ack: true, ...(timeout ? { ackTimeoutMs: timeout } : {}) } : {}),
    ...(entry.truncated ? { note: `The log did not keep this emit's arguments whole (${entry.truncated.reason}): check them.` } : {}),
  }
}

/**
 * The emits a tab sent (its outgoing `event` entries), oldest first, at most `max` (the latest ones), with
 * how many there were in all. `ackOf` finds an emit's ack entry (the UI's index), for its timeout.
 *
 * @example
 * const { emits, total } = clientCodeEmits(log, 's1', { ackOf: e => logStore.ackOf(e) })
 */
export function clientCodeEmits(
  entries: Iterable<LogEntry>,
  sessionId: string,
  options: { max?: number, ackOf?: (entry: EventEntry) => AckEntry | undefined } = {},
): { emits: ClientCodeEmit[], total: number } {
  const max = options.max ?? CLIENT_CODE_MAX_EMITS
  // A bounded window over one pass: the log may hold 100 000 entries, the script wants the latest few.
  const kept: EventEntry[] = []
  let total = 0
  for (const entry of entries) {
    if (entry.kind !== 'event' || entry.direction !== 'out' || entry.sessionId !== sessionId)
      continue
    total++
    kept.push(entry)
    if (kept.length > max)
      kept.shift()
  }
  return { emits: kept.map(e => clientCodeEmitOf(e, options.ackOf?.(e))), total }
}

// ---------------------------------------------------------------------------------------------------------
// Values → JavaScript literals

/** Binary up to this many bytes is written as `new Uint8Array([…])`; longer as base64 (still exact). */
const INLINE_BYTES = 64
/** Arrays and objects whose one-line form fits in this many characters stay on one line. */
const LINE_WIDTH = 80
const IDENTIFIER = /^[A-Z_$][\w$]*$/i

/**
 * A string as a double-quoted JavaScript literal that nothing in it can break out of: JSON.stringify escapes
 * quotes, backslashes, control characters and lone surrogates; U+2028/U+2029 (line terminators: they would
 * end a `//` comment) and the `<` of `</` and `<!` are escaped too.
 *
 * @example
 * stringLiteral('a"b</script>') // '"a\\"b\\u003c/script>"'
 */
export function stringLiteral(s: string): string {
  return JSON.stringify(s)
    .replace(/[\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16)}`)
    .replace(/<(?=[/!])/g, '\\u003c')
}

function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array)
    return value
  if (value instanceof ArrayBuffer)
    return new Uint8Array(value)
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  return undefined
}

function base64(bytes: Uint8Array): string {
  let bin = ''
  // Chunks keep `String.fromCharCode(...)` under the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

/**
 * Binary as code. v4 sends typed arrays as binary; v2's `has-binary2` knows Buffer and ArrayBuffer but not
 * typed arrays (a Uint8Array would go out as JSON `{"0":1}`), so v2 gets the ArrayBuffer (`.buffer`), which
 * works in Node and in browsers alike.
 */
function binaryLiteral(bytes: Uint8Array, version: ClientCodeVersion): string {
  const tail = version === 'v2' ? '.buffer' : ''
  if (bytes.length <= INLINE_BYTES)
    return `new Uint8Array([${Array.from(bytes).join(', ')}])${tail}`
  // Long binary stays exact (never abbreviated into code that would send something else), as base64.
  return `Uint8Array.from(atob(${stringLiteral(base64(bytes))}), c => c.charCodeAt(0))${tail} /* ${bytes.length} bytes */`
}

function numberLiteral(n: number): string {
  if (Object.is(n, -0))
    return '-0'
  return String(n) // NaN, Infinity, -Infinity and 1e+21 are all valid expressions
}

function keyLiteral(key: string): string {
  // `{ "__proto__": v }` would set the prototype instead of a property: a computed key defines it.
  if (key === '__proto__')
    return '["__proto__"]'
  return IDENTIFIER.test(key) ? key : stringLiteral(key)
}

function container(open: string, close: string, items: string[], indent: string): string {
  if (items.length === 0)
    return open + close
  const one = `${open}${open === '{' ? ' ' : ''}${items.join(', ')}${open === '{' ? ' ' : ''}${close}`
  if (one.length + indent.length <= LINE_WIDTH && !one.includes('\n'))
    return one
  const inner = `${indent}  `
  return `${open}\n${items.map(item => `${inner}${item},`).join('\n')}\n${indent}${close}`
}

function literal(value: unknown, indent: string, version: ClientCodeVersion, seen: Set<object>): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined'
    case 'boolean':
      return String(value)
    case 'number':
      return numberLiteral(value)
    case 'bigint':
      return `${value}n`
    case 'string':
      return stringLiteral(value)
    case 'symbol':
    case 'function':
      return `undefined /* a ${typeof value}: not data */`
  }
  if (value === null)
    return 'null'
  const bytes = bytesOf(value)
  if (bytes)
    return binaryLiteral(bytes, version)
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'new Date(Number.NaN)' : `new Date(${stringLiteral(value.toISOString())})`
  const obj = value as object
  if (seen.has(obj))
    return 'undefined /* circular reference */'
  seen.add(obj)
  const inner = `${indent}  `
  let out: string
  if (Array.isArray(obj)) {
    const items: string[] = []
    for (let i = 0; i < obj.length; i++) items.push(literal(obj[i], inner, version, seen))
    out = container('[', ']', items, indent)
  }
  else {
    const items = Object.keys(obj).map(key => `${keyLiteral(key)}: ${literal((obj as Record<string, unknown>)[key], inner, version, seen)}`)
    out = container('{', '}', items, indent)
  }
  seen.delete(obj)
  return out
}

/**
 * A value as a JavaScript expression that evaluates to the same value: JSON-like literals, `undefined`,
 * `NaN`, binary as `new Uint8Array([…])` (v2: its ArrayBuffer), nested at `indent`.
 * Throws a RangeError with a clear message for values nested too deeply to write.
 *
 * @example
 * jsLiteral({ n: 1, bin: new Uint8Array([1, 2]) }) // '{ n: 1, bin: new Uint8Array([1, 2]) }'
 */
export function jsLiteral(value: unknown, version: ClientCodeVersion = 'v4', indent = ''): string {
  try {
    return literal(value, indent, version, new Set())
  }
  catch (err) {
    if (err instanceof RangeError)
      throw new RangeError('The value is nested too deeply to be written as code.')
    throw err
  }
}

/** Text for a `//` comment: one line, nothing that could end the comment early. */
function commentText(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ').slice(0, 300)
}

/** A multi-line literal as `//` comment lines (each line is a literal's line: no raw line terminators). */
function commented(code: string): string {
  return code.split('\n').map(line => `//   ${line}`).join('\n')
}

// ---------------------------------------------------------------------------------------------------------
// The script

function socketOptions(c: ClientCodeConnection, version: ClientCodeVersion): { entries: [string, string][], comments: string[], imports: string[] } {
  const entries: [string, string][] = []
  const comments: string[] = []
  const imports: string[] = []
  const ind = '  '
  const put = (key: string, value: unknown): void => {
    entries.push([key, jsLiteral(value, version, ind)])
  }
  put('path', c.path ?? '/socket.io')
  put('transports', c.transports ?? ['polling', 'websocket'])
  if (c.upgrade === false)
    put('upgrade', false)
  if (c.auth && Object.keys(c.auth).length > 0) {
    if (version === 'v4') {
      put('auth', c.auth)
    }
    else {
      comments.push(
        '// socket.io-client 2.x has no `auth` (it came with socket.io 3). This tab\'s auth was:',
        commented(`auth: ${jsLiteral(c.auth, version, '')}`),
        '// A 2.x server reads credentials from the query (`socket.handshake.query`): move them into `query`',
        '// below if yours does.',
      )
    }
  }
  if (c.query && Object.keys(c.query).length > 0)
    put('query', c.query)
  // Cookies and Origin are headers: the script runs in Node, which may send any header.
  const headers: Record<string, unknown> = { ...c.extraHeaders }
  if (c.cookies)
    headers.Cookie = c.cookies
  if (c.origin)
    headers.Origin = c.origin
  if (Object.keys(headers).length > 0) {
    comments.push(version === 'v4'
      ? '// extraHeaders: Node sends them on polling and WebSocket; a browser only on polling (and never Cookie/Origin).'
      : '// extraHeaders: socket.io-client 2.x sends them in Node only (polling and WebSocket); a browser ignores them.')
    put('extraHeaders', headers)
  }
  if (c.withCredentials !== undefined)
    put('withCredentials', c.withCredentials)
  if (c.timeout !== undefined)
    put('timeout', c.timeout)
  if (c.reconnection !== undefined)
    put('reconnection', c.reconnection)
  if (c.reconnectionAttempts !== undefined)
    put('reconnectionAttempts', c.reconnectionAttempts)
  if (c.reconnectionDelay !== undefined)
    put('reconnectionDelay', c.reconnectionDelay)
  if (c.reconnectionDelayMax !== undefined)
    put('reconnectionDelayMax', c.reconnectionDelayMax)
  if (c.forceNew !== undefined)
    put('forceNew', c.forceNew)
  if (c.tls?.ca !== undefined)
    put('ca', c.tls.ca)
  if (c.tls?.rejectUnauthorized !== undefined)
    put('rejectUnauthorized', c.tls.rejectUnauthorized)
  if (c.parser === 'msgpack') {
    if (version === 'v4') {
      imports.push('import msgpackParser from "socket.io-msgpack-parser" // npm install socket.io-msgpack-parser')
      entries.push(['parser', 'msgpackParser'])
    }
    else {
      comments.push('// This tab used socket.io-msgpack-parser, which exists for socket.io 3/4 only: this 2.x code uses the default parser.')
    }
  }
  return { entries, comments, imports }
}

function emitLines(emits: readonly ClientCodeEmit[], version: ClientCodeVersion): string[] {
  const lines: string[] = []
  emits.forEach((e, i) => {
    if (typeof e.name !== 'string' || e.name === '')
      throw new TypeError(`Emit ${i + 1} has no event name.`)
    if (!Array.isArray(e.args))
      throw new TypeError(`Emit ${i + 1} ("${commentText(e.name)}"): args must be an array.`)
    const timeout = e.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS
    if (e.ack && (!Number.isFinite(timeout) || timeout <= 0))
      throw new TypeError(`Emit ${i + 1} ("${commentText(e.name)}"): the ack timeout must be a positive number of ms.`)
    const ind = '    '
    // Rendered for the multi-line call (one argument a line); a one-line call uses them when they fit.
    const args = e.args.map(arg => jsLiteral(arg, version, `${ind}  `))
    lines.push(`${ind}// ${i + 1}. ${stringLiteral(e.name)}${e.ack ? `, acknowledged within ${timeout} ms` : ''}`)
    if (e.note)
      lines.push(`${ind}// ${commentText(e.note)}`)
    const call = e.ack
      ? `await emitWithAck(${timeout}, ${[stringLiteral(e.name), ...args].join(', ')})`
      : `socket.emit(${[stringLiteral(e.name), ...args].join(', ')})`
    if (call.length + ind.length <= LINE_WIDTH && !call.includes('\n')) {
      lines.push(`${ind}${call}`)
    }
    else {
      const head = e.ack ? `await emitWithAck(` : `socket.emit(`
      const items = e.ack ? [String(timeout), stringLiteral(e.name), ...args] : [stringLiteral(e.name), ...args]
      lines.push(`${ind}${head}`, ...items.map(item => `${ind}  ${item},`), `${ind})`)
    }
  })
  return lines
}

const ACK_HELPER_V4 = `// Emit, wait for the server's ack (at most timeoutMs) and print every argument of the answer.
// Not socket.emitWithAck(): it resolves with the answer's first argument only.
async function emitWithAck(timeoutMs, event, ...args) {
  try {
    const answer = await new Promise((resolve, reject) => {
      socket.timeout(timeoutMs).emit(event, ...args, (err, ...answer) => err ? reject(err) : resolve(answer))
    })
    console.log("ack <-", event, ...answer)
  }
  catch (err) {
    console.error("no ack for", event + ":", err.message)
    process.exitCode = 1
  }
}`

const ACK_HELPER_V2 = `// Emit, wait for the server's ack (at most timeoutMs) and print every argument of the answer.
// socket.io-client 2.x has no socket.timeout(): a timer gives up, and a late answer is ignored.
function emitWithAck(timeoutMs, event, ...args) {
  return new Promise((resolve) => {
    let done = false
    const timer = setTimeout(() => {
      done = true
      console.error("no ack for", event + ":", "operation has timed out")
      process.exitCode = 1
      resolve()
    }, timeoutMs)
    socket.emit(event, ...args, (...answer) => {
      if (done)
        return
      done = true
      clearTimeout(timer)
      console.log("ack <-", event, ...answer)
      resolve()
    })
  })
}`

const LISTENERS_V4 = `// Every incoming event, with all its arguments.
socket.onAny((event, ...args) => {
  console.log("<-", event, ...args)
})

socket.on("disconnect", (reason) => {
  console.log("disconnected:", reason)
})

socket.on("connect_error", (err) => {
  console.error("connect_error:", err.message, err.data ?? "")
  // socket.active is false when the server refused the connection (a middleware's next(err)): no retry,
  // the script ends. Otherwise socket.io tries again by itself (stop the script with Ctrl+C).
  if (!socket.active)
    process.exitCode = 1
})`

const LISTENERS_V2 = `// Every incoming event, with all its arguments: socket.io-client 2.x has no onAny(), so the socket's
// onevent(packet), which every incoming EVENT goes through, is wrapped.
const onevent = socket.onevent
socket.onevent = function (packet) {
  const [event, ...args] = packet.data || []
  console.log("<-", event, ...args)
  onevent.call(this, packet)
}

socket.on("disconnect", (reason) => {
  console.log("disconnected:", reason)
})

// A network failure: socket.io tries again by itself (stop the script with Ctrl+C).
socket.on("connect_error", (err) => {
  console.error("connect_error:", err.message)
})

// The server refused the connection (a middleware's next(err)): 2.x emits "error" and does not retry.
socket.on("error", (err) => {
  console.error("refused:", err)
  process.exitCode = 1
  socket.close()
})`

/**
 * A complete ES module (run it with `node file.mjs`) that opens `connection` with socket.io-client
 * `version`, logs every incoming event, runs `emits` in order once connected (acks printed, with their
 * timeout), waits `lingerMs` for answers and disconnects.
 * Throws a TypeError with a clear message for input it cannot write (no URL, an emit without a name, a
 * bad ack timeout, an unknown version) and a RangeError for values nested too deeply.
 *
 * @example
 * clientCode({ url: 'http://localhost:3000/chat', auth: { token: 't' } }, [{ name: 'hello', args: ['hi'], ack: true }], 'v4')
 * // import { io } from "socket.io-client"
 * // const socket = io("http://localhost:3000/chat", { path: "/socket.io", …, auth: { token: "t" } })
 * // …  await emitWithAck(10000, "hello", "hi")
 */
export function clientCode(
  connection: ClientCodeConnection,
  emits: readonly ClientCodeEmit[],
  version: ClientCodeVersion,
  options: ClientCodeOptions = {},
): string {
  if (version !== 'v4' && version !== 'v2')
    throw new TypeError(`Unknown client version ${JSON.stringify(version)}: use "v4" or "v2".`)
  if (typeof connection?.url !== 'string' || connection.url.trim() === '')
    throw new TypeError('The connection has no URL.')
  const importFrom = options.importFrom ?? 'socket.io-client'
  const lingerMs = options.lingerMs ?? 1000
  if (!Number.isFinite(lingerMs) || lingerMs < 0)
    throw new TypeError('lingerMs must be a number of ms, 0 or more.')

  const { entries, comments, imports } = socketOptions(connection, version)
  const body = emitLines(emits, version)
  const anyAck = emits.some(e => e.ack)

  const out: string[] = []
  if (version === 'v4') {
    out.push(
      '// Generated by Socket.IO Inspector for socket.io-client v4 (4.4 or later: socket.timeout()).',
      '// Run it with Node 20: save it as client.mjs, `npm install socket.io-client@4`, then `node client.mjs`.',
      `import { io } from ${stringLiteral(importFrom)}`,
    )
  }
  else {
    out.push(
      '// Generated by Socket.IO Inspector for socket.io-client v2: it needs socket.io-client@2 (`npm install',
      '// socket.io-client@2`), which talks to socket.io 2.x servers, or 3.x/4.x ones started with allowEIO3: true.',
      '// Run it with Node 20: save it as client.mjs, then `node client.mjs`.',
      `import io from ${stringLiteral(importFrom)}`,
    )
  }
  out.push(...imports, '')
  out.push(...comments)
  out.push(`const socket = io(${stringLiteral(connection.url)}, {`)
  for (const [key, value] of entries) out.push(`  ${key}: ${value},`)
  out.push('})', '')
  out.push(version === 'v4' ? LISTENERS_V4 : LISTENERS_V2, '')
  if (anyAck)
    out.push(version === 'v4' ? ACK_HELPER_V4 : ACK_HELPER_V2, '')
  out.push(
    `// After the last emit, wait this long (ms) for the server's answers and events, then disconnect.`,
    `const LINGER_MS = ${numberLiteral(lingerMs)}`,
    '',
    '// The emits run once, on the first connection (not again after a reconnection).',
    'socket.once("connect", async () => {',
    '  console.log("connected:", socket.id)',
    '  try {',
    ...(body.length > 0 ? body : ['    // (no emits)']),
    '  }',
    '  finally {',
    '    setTimeout(() => socket.close(), LINGER_MS)',
    '  }',
    '})',
    '',
  )
  return out.join('\n')
}
