/**
 * The connect form: what the user typed → `SessionOptions`, with one specific message per bad field.
 * Pure (no Vue) so it is tested on its own; the store and components only hold the text.
 */
import type { SessionOptions, TransportName } from '../../../src/core/types'
import JSON5 from 'json5'

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
  forceNew: boolean
  withCredentials: boolean
  client: 'v4' | 'v2'
}

export type ConnectField = keyof ConnectForm
export type FormErrors = Partial<Record<ConnectField, string>>

export type FormResult = { ok: true, options: SessionOptions } | { ok: false, errors: FormErrors }

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
    forceNew: true,
    withCredentials: false,
    client: 'v4',
  }
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
    return 'Enter the server URL, e.g. http://localhost:3000/namespace1'
  let url: URL
  try {
    url = new URL(value)
  }
  catch {
    return 'Not a URL: write it with its scheme, e.g. http://localhost:3000/'
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
    return `Unsupported scheme "${url.protocol}": use http://, https://, ws:// or wss://`
  if (!url.hostname)
    return 'The URL has no host'
  return undefined
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
    return { error: `${what} is not valid JSON5: ${message}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: `${what} must be an object, like { "key": "value" }` }
  if (stringsOnly) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string')
        return { error: `${what}: the value of "${key}" must be a string` }
    }
  }
  return { value: value as Record<string, unknown> }
}

function parseInteger(text: string, what: string, min: number, max: number): { value?: number, error?: string } {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed))
    return { error: `${what} must be a whole number${min > 0 ? ` ≥ ${min}` : ''}` }
  const value = Number(trimmed)
  if (value < min || value > max)
    return { error: `${what} must be between ${min} and ${max}` }
  return { value }
}

/**
 * Turn the form into session options, or report every bad field.
 *
 * @example
 * const result = formToOptions({ ...defaultForm('http://localhost:3000/namespace1'), auth: '{token: "x"}' })
 * if (result.ok) store.openSession(result.options)
 */
export function formToOptions(form: ConnectForm): FormResult {
  const errors: FormErrors = {}
  const urlError = validateUrl(form.url)
  if (urlError)
    errors.url = urlError
  const path = form.path.trim()
  if (!path.startsWith('/'))
    errors.path = 'The handshake path starts with "/", e.g. /socket.io'
  else if (/\s/.test(path))
    errors.path = 'The handshake path cannot contain spaces'

  const auth = parseObject(form.auth, 'Auth', false)
  if (auth.error)
    errors.auth = auth.error
  const query = parseObject(form.query, 'Query', true)
  if (query.error)
    errors.query = query.error
  const headers = parseObject(form.headers, 'Headers', true)
  if (headers.error)
    errors.headers = headers.error

  let attempts: number | undefined
  if (form.reconnectionAttempts.trim()) {
    const parsed = parseInteger(form.reconnectionAttempts, 'Attempts', 0, 1_000_000)
    if (parsed.error)
      errors.reconnectionAttempts = parsed.error
    attempts = parsed.value
  }
  const delay = parseInteger(form.reconnectionDelay, 'Delay', 0, 3_600_000)
  if (delay.error)
    errors.reconnectionDelay = delay.error
  const delayMax = parseInteger(form.reconnectionDelayMax, 'Max delay', 0, 3_600_000)
  if (delayMax.error)
    errors.reconnectionDelayMax = delayMax.error
  else if (delay.value !== undefined && delayMax.value !== undefined && delayMax.value < delay.value)
    errors.reconnectionDelayMax = 'Max delay must be at least the delay'
  const timeout = parseInteger(form.timeout, 'Timeout', 1, 3_600_000)
  if (timeout.error)
    errors.timeout = timeout.error

  if (Object.keys(errors).length > 0)
    return { ok: false, errors }

  const options: SessionOptions = {
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
  if (auth.value)
    options.auth = auth.value
  if (query.value)
    options.query = query.value as Record<string, string>
  if (headers.value)
    options.extraHeaders = headers.value as Record<string, string>
  return { ok: true, options }
}

/** The form that reproduces `options` (for remembered connections and the tab's own options). */
export function optionsToForm(options: SessionOptions): ConnectForm {
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
  form.forceNew = options.forceNew ?? true
  form.withCredentials = options.withCredentials ?? false
  form.client = options.client ?? 'v4'
  return form
}

/** Same connection? (decides between connecting the tab's session again and replacing it) */
export function sameOptions(a: SessionOptions, b: SessionOptions): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b))
}

function normalize(o: SessionOptions): unknown {
  const { label: _label, captureFrames: _c, serverAckTimeoutMs: _s, ...rest } = o
  return Object.keys(rest).sort().map(key => [key, (rest as Record<string, unknown>)[key]])
}
