/**
 * The connect form: what the user typed → `SessionOptions`, with one specific message per bad field.
 * Pure (no Vue) so it is tested on its own; the store and components only hold the text.
 */
import type { CreateSessionOptions, SessionParser, TransportName } from '#core'
import type { RuntimeConfig } from '../config'
import { DEFAULT_SERVER_ACK_TIMEOUT_MS, handshakePathProblem } from '#core'
import JSON5 from 'json5'
import { t } from '../i18n'

export type TransportChoice = 'polling+websocket' | 'websocket' | 'polling'

export interface ConnectForm {
  url: string
  path: string
  transports: TransportChoice
  /** JSON5 object text; empty = none. */
  auth: string
  /** JSON5 object of strings; empty = none. */
  query: string
  /** JSON5 object of strings; empty = none (browsers send them on polling only). */
  headers: string
  reconnection: boolean
  /** Empty = unlimited. */
  reconnectionAttempts: string
  reconnectionDelay: string
  reconnectionDelayMax: string
  timeout: string
  /**
   * How long (ms) the inspector keeps a server's ack request open for the user's answer: the inspector's
   * own window (`serverAckTimeoutMs`), not the server's timeout, which a client cannot know.
   */
  ackWindow: string
  forceNew: boolean
  withCredentials: boolean
  client: 'v4' | 'v2'
  /**
   * Socket.IO packet encoding: socket.io-parser (`default`) or socket.io-msgpack-parser (`msgpack`); it must
   * be the server's. v4 client only (there is no msgpack parser for socket.io 2.x's protocol in this build).
   */
  parser: SessionParser
  /** Run the connection in the inspector's Node process (the relay). */
  relay: boolean
  /** Relay only: sent as the `Cookie` header (`a=1; b=2`). */
  cookies: string
  /** Relay only: sent as the `Origin` header. */
  origin: string
  /** Relay only: PEM of a CA (or the self-signed certificate) to trust. */
  tlsCa: string
  /** Relay only: accept any certificate (`rejectUnauthorized: false`). */
  tlsInsecure: boolean
  /**
   * Keep this connection's secrets (auth, secret-looking headers and query values, cookies) in Recent too.
   * Off by default: Recent lives in this origin's localStorage, in clear (see `recentEntry`).
   */
  rememberSecrets: boolean
}

/**
 * Options as the connect form makes them: `via: 'relay'` without the relay's endpoint (the token is per
 * start of the inspector's server; the sessions store adds it when it opens the session), so they can be
 * remembered.
 */
export type ConnectOptions = Omit<CreateSessionOptions, 'relay'>

/** Whether the relay can be used here, and why not (the checkbox shows the reason). */
export interface FormContext {
  relayAvailable: boolean
}

export type ConnectField = keyof ConnectForm
export type FormErrors = Partial<Record<ConnectField, string>>

export type FormResult = { ok: true, options: ConnectOptions } | { ok: false, errors: FormErrors }

export function defaultForm(url: string): ConnectForm {
  return {
    url,
    path: '/socket.io',
    transports: 'polling+websocket',
    auth: '',
    query: '',
    headers: '',
    reconnection: true,
    reconnectionAttempts: '',
    reconnectionDelay: '1000',
    reconnectionDelayMax: '5000',
    timeout: '20000',
    ackWindow: String(DEFAULT_SERVER_ACK_TIMEOUT_MS),
    forceNew: true,
    withCredentials: false,
    client: 'v4',
    parser: 'default',
    relay: false,
    cookies: '',
    origin: '',
    tlsCa: '',
    tlsInsecure: false,
    rememberSecrets: false,
  }
}

/** RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^`|~\w-]+$/
/**
 * Headers a page may not set (the browser drops them silently, fetch spec "forbidden request headers");
 * only the relay can send them.
 */
const FORBIDDEN_IN_BROWSER = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
])

/** Check a headers object: valid names, values without line breaks, and what a browser can send. */
function checkHeaders(headers: Record<string, unknown>, viaRelay: boolean): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name))
      return t('connectForm.headerName', { name })
    if (typeof value === 'string' && /[\r\n\0]/.test(value))
      return t('connectForm.headerLineBreak', { name })
    const lower = name.toLowerCase()
    if (!viaRelay && (FORBIDDEN_IN_BROWSER.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')))
      return t(lower === 'cookie' ? 'connectForm.headerForbiddenCookie' : lower === 'origin' ? 'connectForm.headerForbiddenOrigin' : 'connectForm.headerForbidden', { name })
  }
  return undefined
}

/** `https://app.example.com` (an origin: scheme, host, optional port, nothing else). */
function checkOrigin(text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  }
  catch {
    return t('connectForm.origin')
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== text.replace(/\/$/, ''))
    return t('connectForm.originOnly')
  return undefined
}

const TRANSPORTS: Record<TransportChoice, TransportName[]> = {
  'polling+websocket': ['polling', 'websocket'],
  'websocket': ['websocket'],
  'polling': ['polling'],
}

export function transportChoice(transports: readonly TransportName[] | undefined): TransportChoice {
  if (!transports || transports.length === 0 || (transports.includes('polling') && transports.includes('websocket')))
    return 'polling+websocket'
  return transports[0] === 'websocket' ? 'websocket' : 'polling'
}

/** Check a URL the way socket.io-client will read it: http(s) or ws(s), a host, the path is the namespace. */
export function validateUrl(text: string): string | undefined {
  const value = text.trim()
  if (!value)
    return t('connectForm.urlEmpty')
  let url: URL
  try {
    url = new URL(value)
  }
  catch {
    return t('connectForm.notUrl')
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
    return t('connectForm.scheme', { scheme: url.protocol })
  if (!url.hostname)
    return t('connectForm.noHost')
  return undefined
}

/** A field's name in the UI's language, for its messages (`connectForm.fields.*`). */
function field(key: string): string {
  return t(`connectForm.fields.${key}`)
}

function parseObject(text: string, what: string, stringsOnly: boolean): { value?: Record<string, unknown>, error?: string } {
  const trimmed = text.trim()
  if (!trimmed)
    return {}
  let value: unknown
  try {
    value = JSON5.parse(trimmed)
  }
  catch (error) {
    const message = error instanceof Error ? error.message.replace(/^JSON5: /, '') : String(error)
    return { error: t('connectForm.notJson5', { what: field(what), message }) }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: t('connectForm.notObject', { what: field(what) }) }
  if (stringsOnly) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string')
        return { error: t('connectForm.notString', { what: field(what), key }) }
    }
  }
  return { value: value as Record<string, unknown> }
}

function parseInteger(text: string, what: string, min: number, max: number): { value?: number, error?: string } {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed))
    return { error: min > 0 ? t('connectForm.wholeMin', { what: field(what), min }) : t('connectForm.whole', { what: field(what) }) }
  const value = Number(trimmed)
  if (value < min || value > max)
    return { error: t('connectForm.between', { what: field(what), min, max }) }
  return { value }
}

/**
 * Turn the form into session options, or report every bad field.
 *
 * @example
 * const result = formToOptions({ ...defaultForm('http://localhost:3000/namespace1'), auth: '{token: "x"}' })
 * if (result.ok) store.openSession(result.options)
 */
export function formToOptions(form: ConnectForm, context: FormContext = { relayAvailable: true }): FormResult {
  const errors: FormErrors = {}
  const urlError = validateUrl(form.url)
  if (urlError)
    errors.url = urlError
  const path = form.path.trim()
  if (!path.startsWith('/'))
    errors.path = t('connectForm.pathSlash')
  else if (/\s/.test(path))
    errors.path = t('connectForm.pathSpaces')
  else if (handshakePathProblem(path))
    // The same rule as the probe's: a path it would refuse to probe is refused here, as it is typed.
    errors.path = handshakePathProblem(path)!.replace(/^the/, 'The')

  const auth = parseObject(form.auth, 'auth', false)
  if (auth.error)
    errors.auth = auth.error
  const query = parseObject(form.query, 'query', true)
  if (query.error)
    errors.query = query.error
  const headers = parseObject(form.headers, 'headers', true)
  if (headers.error) {
    errors.headers = headers.error
  }
  else if (headers.value) {
    const problem = checkHeaders(headers.value, form.relay)
    if (problem)
      errors.headers = problem
  }

  // Forms saved before the field existed have none: the default parser.
  const parser: SessionParser = form.parser === 'msgpack' ? 'msgpack' : 'default'
  if (form.parser !== undefined && form.parser !== 'default' && form.parser !== 'msgpack')
    errors.parser = t('connectForm.parserUnknown', { parser: String(form.parser) })
  else if (parser === 'msgpack' && form.client === 'v2')
    errors.parser = t('connectForm.parserV2')

  if (form.relay && !context.relayAvailable)
    errors.relay = t('connectForm.noRelay')
  const cookies = form.cookies.trim()
  const origin = form.origin.trim()
  const ca = form.tlsCa.trim()
  if (form.relay) {
    if (/[\r\n\0]/.test(cookies))
      errors.cookies = t('connectForm.cookiesLine')
    else if (cookies && !cookies.split(';').every(part => /^\s*[^=\s;]+=[^;]*$/.test(part) || !part.trim()))
      errors.cookies = t('connectForm.cookiesPairs')
    if (origin) {
      const problem = checkOrigin(origin)
      if (problem)
        errors.origin = problem
    }
    if (ca && !/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(ca))
      errors.tlsCa = t('connectForm.ca')
  }

  let attempts: number | undefined
  if (form.reconnectionAttempts.trim()) {
    const parsed = parseInteger(form.reconnectionAttempts, 'attempts', 0, 1_000_000)
    if (parsed.error)
      errors.reconnectionAttempts = parsed.error
    attempts = parsed.value
  }
  const delay = parseInteger(form.reconnectionDelay, 'delay', 0, 3_600_000)
  if (delay.error)
    errors.reconnectionDelay = delay.error
  const delayMax = parseInteger(form.reconnectionDelayMax, 'maxDelay', 0, 3_600_000)
  if (delayMax.error)
    errors.reconnectionDelayMax = delayMax.error
  else if (delay.value !== undefined && delayMax.value !== undefined && delayMax.value < delay.value)
    errors.reconnectionDelayMax = t('connectForm.maxDelay')
  const timeout = parseInteger(form.timeout, 'timeout', 1, 3_600_000)
  if (timeout.error)
    errors.timeout = timeout.error
  // Forms saved before the field existed have none: the default window.
  const ackWindow = parseInteger(form.ackWindow ?? String(DEFAULT_SERVER_ACK_TIMEOUT_MS), 'ackWindow', 1000, 3_600_000)
  if (ackWindow.error)
    errors.ackWindow = ackWindow.error

  if (Object.keys(errors).length > 0)
    return { ok: false, errors }

  const options: ConnectOptions = {
    url: form.url.trim(),
    path,
    transports: TRANSPORTS[form.transports],
    reconnection: form.reconnection,
    reconnectionDelay: delay.value,
    reconnectionDelayMax: delayMax.value,
    timeout: timeout.value,
    forceNew: form.forceNew,
    withCredentials: form.withCredentials,
    client: form.client,
  }
  if (attempts !== undefined)
    options.reconnectionAttempts = attempts
  // Only when not the default, so that options remembered before the field existed compare equal.
  if (parser === 'msgpack')
    options.parser = 'msgpack'
  if (ackWindow.value !== undefined && ackWindow.value !== DEFAULT_SERVER_ACK_TIMEOUT_MS)
    options.serverAckTimeoutMs = ackWindow.value
  if (auth.value)
    options.auth = auth.value
  if (query.value)
    options.query = query.value as Record<string, string>
  if (headers.value && Object.keys(headers.value).length > 0)
    options.extraHeaders = headers.value as Record<string, string>
  if (form.relay) {
    options.via = 'relay'
    if (cookies)
      options.cookies = cookies
    if (origin)
      options.origin = origin
    if (ca || form.tlsInsecure)
      options.tls = { ...(ca ? { ca } : {}), ...(form.tlsInsecure ? { rejectUnauthorized: false } : {}) }
  }
  return { ok: true, options }
}

/** The form that reproduces `options` (for remembered connections and the tab's own options). */
export function optionsToForm(options: ConnectOptions): ConnectForm {
  const form = defaultForm(options.url)
  form.path = options.path ?? form.path
  form.transports = transportChoice(options.transports)
  form.auth = options.auth ? JSON.stringify(options.auth) : ''
  form.query = options.query ? JSON.stringify(options.query) : ''
  form.headers = options.extraHeaders ? JSON.stringify(options.extraHeaders) : ''
  form.reconnection = options.reconnection ?? true
  form.reconnectionAttempts = options.reconnectionAttempts === undefined || !Number.isFinite(options.reconnectionAttempts) ? '' : String(options.reconnectionAttempts)
  form.reconnectionDelay = String(options.reconnectionDelay ?? 1000)
  form.reconnectionDelayMax = String(options.reconnectionDelayMax ?? 5000)
  form.timeout = String(options.timeout ?? 20000)
  form.ackWindow = String(options.serverAckTimeoutMs ?? DEFAULT_SERVER_ACK_TIMEOUT_MS)
  form.forceNew = options.forceNew ?? true
  form.withCredentials = options.withCredentials ?? false
  form.client = options.client ?? 'v4'
  form.parser = options.parser === 'msgpack' ? 'msgpack' : 'default'
  form.relay = options.via === 'relay'
  form.cookies = typeof options.cookies === 'string' ? options.cookies : ''
  form.origin = typeof options.origin === 'string' ? options.origin : ''
  form.tlsCa = typeof options.tls?.ca === 'string' ? options.tls.ca : ''
  form.tlsInsecure = options.tls?.rejectUnauthorized === false
  return form
}

/** Same connection? (decides between connecting the tab's session again and replacing it) */
export function sameOptions(a: ConnectOptions, b: ConnectOptions): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b))
}

function normalize(o: ConnectOptions): unknown {
  // The answer window counts (it is fixed when a session is made); the label and the relay endpoint don't.
  const { label: _label, captureFrames: _c, relay: _r, ...rest } = o as CreateSessionOptions
  return Object.keys(rest).sort().map(key => [key, (rest as Record<string, unknown>)[key]])
}

// ---------------------------------------------------------------------------------------------------
// What Recent keeps (issue 12 item 9). Recent is localStorage of the inspector's origin (localhost:5173),
// in clear, and that origin is shared by any later dev server on the same port: secrets stay out of it
// unless the user ticks "remember secrets" for that connection, and the inspector's own credentials
// (relay token, admin-ui password) never go in.

/**
 * A remembered connection: its options less what was left out, and the names (never the values) of what
 * was left out, so loading it can say what to fill in again.
 */
export interface RecentEntry extends ConnectOptions {
  /** The user ticked "remember secrets" for this connection. */
  rememberSecrets?: true
  /** What was not kept, e.g. `['auth', 'header Authorization', 'cookies']`. */
  omitted?: string[]
  /** When a connection with these options last succeeded (ms since the epoch); Recent shows it. */
  lastConnectedAt?: number
}

/**
 * Names (headers, query parameters, auth fields) whose values are taken for credentials:
 * `Authorization`, `Proxy-Authorization`, `Cookie`, `X-Api-Key`, and anything with token, secret, key,
 * pass(word), auth, session, credential, signature, jwt or bearer in it. Deliberately broad: a
 * non-secret parameter left out of Recent only has to be typed again.
 */
const SECRET_NAME = /auth|cookie|token|secret|key|pass|pwd|session|credential|signature|jwt|bearer/i

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name)
}

/** Values the inspector was handed itself (relay token, admin-ui password): never written to Recent. */
export function inspectorSecrets(config: RuntimeConfig): string[] {
  // TODO: the demo server's admin token is not in the runtime config (the page is never told it): an
  // `auth: { token }` equal to it is kept only when "remember secrets" is ticked. If the config gains it,
  // list it here.
  return [config.relay?.token, config.admin?.password].filter((v): v is string => typeof v === 'string' && v.length >= 4)
}

/** `url` without a password and without secret-looking query parameters; the text itself when none. */
function urlWithoutSecrets(url: string, drop: (name: string, value: string) => boolean, omitted: string[]): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  }
  catch {
    return url
  }
  let changed = false
  if (parsed.password && drop('password', parsed.password)) {
    parsed.password = ''
    omitted.push('URL password')
    changed = true
  }
  for (const [name, value] of [...parsed.searchParams]) {
    if (drop(name, value)) {
      parsed.searchParams.delete(name)
      omitted.push(`URL parameter ${name}`)
      changed = true
    }
  }
  return changed ? parsed.toString() : url
}

/** `record` less the entries `drop` names; `undefined` when nothing is left. */
function withoutSecrets<T>(record: Record<string, T> | undefined, what: string, drop: (name: string, value: T) => boolean, omitted: string[]): Record<string, T> | undefined {
  if (!record)
    return undefined
  const kept: Record<string, T> = {}
  for (const [name, value] of Object.entries(record)) {
    if (drop(name, value))
      omitted.push(`${what} ${name}`)
    else
      kept[name] = value
  }
  return Object.keys(kept).length > 0 ? kept : undefined
}

/**
 * What Recent stores for a connection. Without `rememberSecrets`: no `auth` at all, no cookies, no
 * secret-looking headers or query values (`isSecretName`), no password or secret-looking parameter in the
 * URL. With it: everything, except any value that carries one of `neverKeep` (the inspector's own
 * credentials). The tab label is not kept. Also used on entries read back from storage, so entries
 * stored before this rule lose their secrets when the inspector next loads (`rememberSecrets` was never
 * set on them).
 *
 * @example
 * recentEntry({ url: 'http://localhost:3000/', auth: { token: 't' }, extraHeaders: { Authorization: 'Bearer x', 'X-Trace': '1' } }, { rememberSecrets: false })
 * // { url: 'http://localhost:3000/', extraHeaders: { 'X-Trace': '1' }, omitted: ['auth', 'header Authorization'] }
 */
export function recentEntry(options: ConnectOptions & Partial<RecentEntry>, choice: { rememberSecrets: boolean, neverKeep?: readonly string[] }): RecentEntry {
  const { label: _label, rememberSecrets: _r, omitted: before, ...rest } = options
  const entry: RecentEntry = { ...rest }
  const omitted: string[] = []
  const neverKeep = (choice.neverKeep ?? []).filter(secret => secret.length > 0)
  const carriesOwn = (value: unknown): boolean => {
    if (neverKeep.length === 0)
      return false
    let text: string
    try {
      text = typeof value === 'string' ? value : JSON.stringify(value) ?? ''
    }
    catch {
      return true // not serialisable: not worth keeping either
    }
    return neverKeep.some(secret => text.includes(secret))
  }
  const drop = choice.rememberSecrets
    ? (_name: string, value: unknown) => carriesOwn(value)
    : (name: string, value: unknown) => isSecretName(name) || carriesOwn(value)

  entry.url = urlWithoutSecrets(entry.url, drop, omitted)
  if (entry.auth && Object.keys(entry.auth).length === 0)
    delete entry.auth
  if (entry.auth) {
    if (choice.rememberSecrets)
      entry.auth = withoutSecrets(entry.auth, 'auth', drop, omitted)
    else
      omitted.push('auth')
    if (!choice.rememberSecrets || !entry.auth)
      delete entry.auth
  }
  entry.extraHeaders = withoutSecrets(entry.extraHeaders, 'header', drop, omitted)
  if (!entry.extraHeaders)
    delete entry.extraHeaders
  entry.query = withoutSecrets(entry.query, 'query', drop, omitted)
  if (!entry.query)
    delete entry.query
  if (entry.cookies !== undefined && (!choice.rememberSecrets || carriesOwn(entry.cookies))) {
    delete entry.cookies
    omitted.push('cookies')
  }
  if (choice.rememberSecrets)
    entry.rememberSecrets = true
  const all = [...new Set([...(Array.isArray(before) ? before.filter((n): n is string => typeof n === 'string') : []), ...omitted])]
  if (all.length > 0)
    entry.omitted = all
  return entry
}

/** `14:02` today, `2026-03-04 14:02` another day (local time). */
export function formatConnectedAt(at: number, now = Date.now()): string {
  const d = new Date(at)
  const pad = (n: number): string => String(n).padStart(2, '0')
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  const today = new Date(now)
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`
}

/**
 * What the Recent list shows for an entry: its URL and when it last connected (entries stored before
 * this was kept show the URL alone).
 * @example recentLabel({ url: 'http://localhost:3000/', lastConnectedAt: Date.now() }) // 'http://localhost:3000/ · connected 14:02'
 */
export function recentLabel(entry: Pick<RecentEntry, 'url' | 'lastConnectedAt'>, now = Date.now()): string {
  return entry.lastConnectedAt === undefined ? entry.url : t('connectForm.recentConnected', { url: entry.url, at: formatConnectedAt(entry.lastConnectedAt, now) })
}
