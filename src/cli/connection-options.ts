/**
 * The connection options of `capture` and `emit` (`--path`, `--auth`, `--header`…), from the raw strings the
 * parser gave to the options of a session (`createSessionSource`). Every problem is a result naming the flag
 * and what is wrong with its value (the command prints it and exits 2), never an exception.
 *
 * What a browser tab cannot do, the command can: it runs in Node like the relay, so headers reach WebSocket
 * requests too, `--cookie` and `--origin` become the `Cookie` and `Origin` headers, and `--ca`/`--insecure`
 * set the TLS rules of the connection.
 */
import type { CreateSessionOptions, TransportName } from '#core'
import type { CliIO, ConnectionFlags } from './types'
import { readFileSync } from 'node:fs'
import { handshakePathProblem } from '#core'
import JSON5 from 'json5'
import { EXIT } from './types'

/** Session options without the URL (the command adds it): what `parseConnectionOptions` returns. */
export type ConnectionOptions = Omit<CreateSessionOptions, 'url' | 'via' | 'relay'>

export type Parsed<T> = { ok: true, value: T } | { ok: false, error: string }

export type ConnectionOptionsResult = { ok: true, options: ConnectionOptions } | { ok: false, error: string }

/** Transports socket.io-client can use from Node (WebTransport needs HTTP/3, which Node's client lacks). */
const NODE_TRANSPORTS: readonly TransportName[] = ['polling', 'websocket']

/** setTimeout's longest delay; a longer one fires at once. */
const MAX_TIMEOUT_MS = 2_147_483_647

/** RFC 9110 `token`: the characters of a header name. */
const HEADER_NAME = /^[!#$%&'*+.^\w`|~-]+$/
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/

function fail(error: string): { ok: false, error: string } {
  return { ok: false, error }
}

/** A value for a message: quoted, and cut when long (it may be a whole pasted document). */
function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
}

/**
 * The URL to connect to: `http(s)://host:port/namespace` (`ws(s)://` accepted, as socket.io-client does).
 * @example parseConnectUrl('localhost:3000') // { ok: false, error: 'url "localhost:3000": …' }
 */
export function parseConnectUrl(url: string | undefined): Parsed<string> {
  if (url === undefined || url.trim() === '')
    return fail('missing <url> (for example http://localhost:3000/ or http://localhost:3000/namespace)')
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  }
  catch {
    return fail(`url ${shown(url)} is not a URL: write it with its scheme, e.g. http://localhost:3000/`)
  }
  if (!/^(?:https?|wss?):$/.test(parsed.protocol))
    return fail(`url ${shown(url)}: unsupported scheme "${parsed.protocol}" (use http, https, ws or wss)`)
  if (parsed.hash)
    return fail(`url ${shown(url)} must not contain "#" (the path is the namespace; the query string is sent)`)
  return { ok: true, value: parsed.href }
}

/**
 * A whole number of milliseconds for `flag` (`--timeout`): positive, at most setTimeout's limit.
 * @example parseMilliseconds('--timeout', 5000) // { ok: true, value: 5000 }
 */
export function parseMilliseconds(flag: string, value: number | string | undefined): Parsed<number | undefined> {
  if (value === undefined)
    return { ok: true, value: undefined }
  const n = typeof value === 'number' ? value : Number(String(value).trim() === '' ? Number.NaN : value)
  if (!Number.isFinite(n) || n <= 0 || !Number.isInteger(n))
    return fail(`${flag} ${shown(String(value))}: expected a whole number of milliseconds greater than 0`)
  if (n > MAX_TIMEOUT_MS)
    return fail(`${flag} ${n}: at most ${MAX_TIMEOUT_MS} ms`)
  return { ok: true, value: n }
}

/**
 * `--auth`: a JSON5 object (the `auth` payload of the CONNECT packet). A syntax error says where.
 * @example parseAuth('{token: "abc"}') // { ok: true, value: { token: 'abc' } }
 * @example parseAuth('{token: }').error // '--auth: invalid JSON5 at line 1, column 9: invalid character \'}\''
 */
export function parseAuth(text: string | undefined): Parsed<Record<string, unknown> | undefined> {
  if (text === undefined)
    return { ok: true, value: undefined }
  let value: unknown
  try {
    value = JSON5.parse(text)
  }
  catch (err) {
    const e = err as { message?: string, lineNumber?: number, columnNumber?: number }
    const message = String(e.message ?? err).replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '')
    const where = typeof e.lineNumber === 'number' ? ` at line ${e.lineNumber}, column ${e.columnNumber}` : ''
    return fail(`--auth: invalid JSON5${where}: ${message} (in ${shown(text)})`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fail(`--auth ${shown(text)}: expected an object such as {token: "abc"} (socket.io's auth is an object)`)
  return { ok: true, value: value as Record<string, unknown> }
}

/**
 * `--transports websocket,polling`: the order is the order socket.io-client tries them in.
 * @example parseTransports('websocket') // { ok: true, value: ['websocket'] }
 */
export function parseTransports(text: string | undefined): Parsed<TransportName[] | undefined> {
  if (text === undefined)
    return { ok: true, value: undefined }
  const out: TransportName[] = []
  for (const raw of text.split(',')) {
    const name = raw.trim().toLowerCase()
    if (name === '')
      continue
    if (!(NODE_TRANSPORTS as readonly string[]).includes(name))
      return fail(`--transports ${shown(text)}: unknown transport ${shown(raw.trim())} (use ${NODE_TRANSPORTS.join(', ')}, comma-separated)`)
    if (!out.includes(name as TransportName))
      out.push(name as TransportName)
  }
  if (out.length === 0)
    return fail(`--transports ${shown(text)}: name at least one transport (${NODE_TRANSPORTS.join(', ')})`)
  return { ok: true, value: out }
}

/**
 * `--query k=v`, repeated: the handshake's query parameters (added to those of the URL).
 * @example parseQuery(['room=a', 'debug=']) // { ok: true, value: { room: 'a', debug: '' } }
 */
export function parseQuery(items: readonly string[]): Parsed<Record<string, string> | undefined> {
  if (items.length === 0)
    return { ok: true, value: undefined }
  const out: Record<string, string> = {}
  for (const item of items) {
    const eq = item.indexOf('=')
    if (eq <= 0)
      return fail(`--query ${shown(item)}: expected key=value`)
    Object.defineProperty(out, item.slice(0, eq), { value: item.slice(eq + 1), enumerable: true, writable: true, configurable: true })
  }
  return { ok: true, value: out }
}

/**
 * `--header "K: V"`, repeated: sent on every request, polling and WebSocket. A repeated name joins its
 * values with ", " (HTTP's rule for list headers).
 * @example parseHeaders(['Authorization: Bearer t']) // { ok: true, value: { Authorization: 'Bearer t' } }
 */
export function parseHeaders(items: readonly string[]): Parsed<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const item of items) {
    const colon = item.indexOf(':')
    if (colon < 0)
      return fail(`--header ${shown(item)}: expected "Name: value"`)
    const name = item.slice(0, colon).trim()
    const value = item.slice(colon + 1).trim()
    if (!HEADER_NAME.test(name))
      return fail(`--header ${shown(item)}: ${name === '' ? 'the header name is empty' : `${shown(name)} is not a valid header name`}`)
    if (CONTROL.test(value))
      return fail(`--header ${shown(item)}: the value must not contain line breaks or control characters`)
    const existing = Object.keys(out).find(k => k.toLowerCase() === name.toLowerCase())
    if (existing !== undefined)
      out[existing] = `${out[existing]}, ${value}`
    else
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true })
  }
  return { ok: true, value: out }
}

/**
 * `--cookie "k=v"`, repeated (or several in one: `"a=1; b=2"`): joined into one `Cookie` header.
 * @example parseCookies(['sid=abc', 'theme=dark']) // { ok: true, value: 'sid=abc; theme=dark' }
 */
export function parseCookies(items: readonly string[]): Parsed<string | undefined> {
  const pairs: string[] = []
  for (const item of items) {
    for (const raw of item.split(';')) {
      const pair = raw.trim()
      if (pair === '')
        continue
      const eq = pair.indexOf('=')
      if (eq <= 0)
        return fail(`--cookie ${shown(item)}: expected name=value`)
      if (CONTROL.test(pair))
        return fail(`--cookie ${shown(item)}: the value must not contain line breaks or control characters`)
      pairs.push(pair)
    }
  }
  return { ok: true, value: pairs.length ? pairs.join('; ') : undefined }
}

/**
 * `--origin O`: an origin (`scheme://host[:port]`) sent as the `Origin` header (servers that check it).
 * @example parseOrigin('https://app.example.com') // { ok: true, value: 'https://app.example.com' }
 */
export function parseOrigin(text: string | undefined): Parsed<string | undefined> {
  if (text === undefined)
    return { ok: true, value: undefined }
  let u: URL
  try {
    u = new URL(text.trim())
  }
  catch {
    return fail(`--origin ${shown(text)}: expected an origin such as https://app.example.com`)
  }
  if (!/^https?:$/.test(u.protocol))
    return fail(`--origin ${shown(text)}: an origin is http:// or https://`)
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || u.username || u.password)
    return fail(`--origin ${shown(text)}: an origin has no path, query or credentials (e.g. ${u.origin})`)
  return { ok: true, value: u.origin }
}

/**
 * `--ca FILE`: the PEM certificate(s) to trust (a self-signed server, a private CA).
 * @example parseCa('./dev-ca.pem') // { ok: true, value: '-----BEGIN CERTIFICATE-----…' }
 */
export function parseCa(file: string | undefined, read: (path: string) => string = p => readFileSync(p, 'utf8')): Parsed<string | undefined> {
  if (file === undefined)
    return { ok: true, value: undefined }
  let pem: string
  try {
    pem = read(file)
  }
  catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message
    return fail(`--ca ${shown(file)}: cannot read it (${why})`)
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    return fail(`--ca ${shown(file)}: not a PEM certificate (expected "-----BEGIN CERTIFICATE-----")`)
  return { ok: true, value: pem }
}

/**
 * Every connection flag → the options of a session (`createSessionSource({ url, ...options })`), or the first
 * problem found, naming its flag.
 *
 * @example
 * const r = parseConnectionOptions({ auth: '{token: "t"}', query: [], header: ['X-Key: 1'], cookie: [], insecure: false })
 * // r.ok && r.options → { auth: { token: 't' }, extraHeaders: { 'X-Key': '1' } }
 */
export function parseConnectionOptions(flags: ConnectionFlags): ConnectionOptionsResult {
  const options: ConnectionOptions = {}
  if (flags.path !== undefined) {
    const problem = flags.path.trim() === '' ? 'the handshake path is empty' : handshakePathProblem(flags.path)
    if (problem)
      return fail(`--path ${shown(flags.path)}: ${problem}`)
    options.path = flags.path.trim()
  }
  const transports = parseTransports(flags.transports)
  if (!transports.ok)
    return transports
  if (transports.value)
    options.transports = transports.value
  const auth = parseAuth(flags.auth)
  if (!auth.ok)
    return auth
  if (auth.value)
    options.auth = auth.value
  const query = parseQuery(flags.query ?? [])
  if (!query.ok)
    return query
  if (query.value)
    options.query = query.value
  const headers = parseHeaders(flags.header ?? [])
  if (!headers.ok)
    return headers
  const cookies = parseCookies(flags.cookie ?? [])
  if (!cookies.ok)
    return cookies
  const origin = parseOrigin(flags.origin)
  if (!origin.ok)
    return origin
  // Direct sessions send `cookies` and `origin` only as headers (session/create.ts): merge them here, as the
  // relay does (a `Cookie` given with --header keeps its pairs, then the --cookie ones).
  const extra = { ...headers.value }
  if (cookies.value !== undefined) {
    const key = Object.keys(extra).find(k => k.toLowerCase() === 'cookie')
    if (key !== undefined)
      extra[key] = `${extra[key]}; ${cookies.value}`
    else extra.Cookie = cookies.value
  }
  if (origin.value !== undefined) {
    const key = Object.keys(extra).find(k => k.toLowerCase() === 'origin')
    if (key !== undefined)
      delete extra[key]
    extra.Origin = origin.value
  }
  if (Object.keys(extra).length > 0)
    options.extraHeaders = extra
  if (flags.client !== undefined) {
    const client = flags.client.trim().toLowerCase()
    if (client !== 'v4' && client !== 'v2')
      return fail(`--client ${shown(flags.client)}: use v4 (socket.io 3.x/4.x servers) or v2 (socket.io 2.x servers)`)
    options.client = client
  }
  if (flags.parser !== undefined) {
    const parser = flags.parser.trim().toLowerCase()
    if (parser !== 'default' && parser !== 'msgpack')
      return fail(`--parser ${shown(flags.parser)}: use default (socket.io-parser) or msgpack (socket.io-msgpack-parser), the parser the server was created with`)
    if (parser === 'msgpack' && options.client === 'v2')
      return fail('--parser msgpack: needs the v4 client (socket.io-msgpack-parser 3 speaks the protocol of socket.io 3/4, not 2.x); drop --client v2')
    // Only when not the default: options and captures stay as they were for default servers.
    if (parser === 'msgpack')
      options.parser = 'msgpack'
  }
  const ca = parseCa(flags.ca)
  if (!ca.ok)
    return ca
  if (ca.value !== undefined || flags.insecure) {
    options.tls = {}
    if (ca.value !== undefined)
      options.tls.ca = ca.value
    if (flags.insecure)
      options.tls.rejectUnauthorized = false
  }
  const timeout = parseMilliseconds('--timeout', flags.timeout)
  if (!timeout.ok)
    return timeout
  if (timeout.value !== undefined)
    options.timeout = timeout.value
  return { ok: true, options }
}

/**
 * Print a usage error of `command` on stderr (the flag and what is wrong with it) and return exit code 2.
 * @example return usageError(io, 'capture', '--count "x": expected a whole number of events greater than 0')
 */
export function usageError(io: CliIO, command: string, message: string): 2 {
  io.stderr.write(`socketio-inspector ${command}: ${message}\nRun "socketio-inspector ${command} --help" for its options.\n`)
  return EXIT.usage
}
