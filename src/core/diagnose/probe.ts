/**
 * The probe requests of the diagnostics: plain `fetch` (browser and Node) with a time limit, and a reading of
 * what came back. Nothing here throws; every outcome is a `ProbeResult`.
 *
 * The probes run in the relay too, i.e. in a Node process on the user's machine, for whoever may talk to the
 * relay: they must never become a way to read arbitrary URLs. So they only fetch handshake URLs they built
 * (`handshakePathProblem` refuses paths that would change the URL's meaning), do not follow redirects in
 * Node, and keep of an answer that is not Socket.IO only a short, sanitised excerpt (`bodyExcerpt`).
 */
import type { BodyKind, ProbeResult } from './types'

/** Body characters kept in a probe result when the answer is Socket.IO's (a handshake, a session's payload). */
const BODY_KEEP = 200
/** Characters kept of any other answer (an HTML page, a JSON API, another service): enough to recognise it. */
export const EXCERPT_KEEP = 80
/** Longest handshake path accepted. */
export const MAX_PATH_LENGTH = 256
/**
 * Body characters read to classify an answer (a handshake is ~120; an HTML page can be megabytes). 16 KB holds
 * an app's HTML page far enough to see where it loads its Socket.IO client from (`pathsInPage`).
 */
const BODY_READ = 16_384
/** Paths named by a page that the probe tries (each costs one request). */
const MAX_PAGE_PATHS = 3

/**
 * Why a handshake path cannot be used, or `undefined` when it can (`undefined` and empty mean the default
 * `/socket.io`; a missing leading `/` is added, as before). The probe appends `/?EIO=4&transport=polling`
 * to `<origin><path>`: a `#`, `?`, `..`, `\\`, `//` or scheme in the path would make that another URL.
 *
 * @example handshakePathProblem('/x#') // 'the handshake path "/x#" must not contain "#" (the rest of the URL would be dropped)'
 */
export function handshakePathProblem(path: string | undefined): string | undefined {
  if (path === undefined)
    return undefined
  const p = path.trim()
  if (p === '')
    return undefined
  const shown = p.length > 60 ? `${JSON.stringify(p.slice(0, 60)).slice(0, -1)}…"` : JSON.stringify(p)
  const problem = (why: string): string => `the handshake path ${shown} ${why}`
  if (p.length > MAX_PATH_LENGTH)
    return problem(`is longer than ${MAX_PATH_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001F\u007F-\u009F]/.test(p))
    return problem('must not contain control characters')
  if (/^[a-z][a-z\d+.-]*:/i.test(p))
    return problem('must be a path such as /socket.io, not a URL (no scheme such as "http:")')
  if (p.includes('#'))
    return problem('must not contain "#" (the rest of the URL would be dropped)')
  if (p.includes('?'))
    return problem('must not contain "?" (the probe writes the query itself)')
  if (p.includes('\\'))
    return problem('must not contain "\\" (URLs read it as "/")')
  if (p.includes('//'))
    return problem('must not contain "//"')
  if (p.split('/').some(segment => /^(?:\.|%2e){1,2}$/i.test(segment)))
    return problem('must not contain "." or ".." segments')
  return undefined
}

/**
 * A short, printable excerpt of an answer that is not Socket.IO's: at most `EXCERPT_KEEP` characters, control
 * and invisible formatting characters replaced by spaces, white space collapsed.
 *
 * @example bodyExcerpt('<html>\n\t<title>Hi</title>') // '<html> <title>Hi</title>'
 */
export function bodyExcerpt(body: string, max = EXCERPT_KEEP): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const text = body.replace(/[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]+/g, ' ').replace(/\s+/g, ' ').trim()
  const chars = Array.from(text)
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text
}

/**
 * Handshakes are kept as they are; anything else is kept as an excerpt only, Engine.IO errors included (their
 * JSON shape is easy to imitate, and a real one is ~50 characters).
 */
const SOCKETIO_KINDS: ReadonlySet<BodyKind> = new Set(['eio4-open', 'eio3-open'])
/** Probes inside a session the server opened with a Socket.IO handshake: their answers are Engine.IO payloads. */
const SESSION_PURPOSES: ReadonlySet<ProbeResult['purpose']> = new Set(['namespace', 'ping', 'close', 'parser'])

/** What a probe result keeps of a body: Socket.IO answers as they are (capped), anything else as an excerpt. */
function keptBody(body: string, kind: BodyKind, purpose: ProbeResult['purpose']): string {
  return SOCKETIO_KINDS.has(kind) || SESSION_PURPOSES.has(purpose) ? body.slice(0, BODY_KEEP) : bodyExcerpt(body)
}

/** Whether this runtime enforces CORS on `fetch` (a browser page or worker). */
export function runsInBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined'
    || typeof (globalThis as { importScripts?: unknown }).importScripts === 'function'
}

/**
 * How a handshake answer looks.
 *
 * @example classifyBody('97:0{"sid":"a"}2:40', 'text/plain') // 'eio3-open'
 */
export function classifyBody(body: string, contentType?: string | null): BodyKind {
  if (/^0\{/.test(body) && /"sid"\s*:/.test(body))
    return 'eio4-open'
  // EIO3 polling payload: `<length>:<packet>`; the first packet is the open packet `0{...}`.
  // EIO3 binary-capable encoding starts with bytes 0x00 <digits> 0xff; we only read text.
  if (/^\d+:0\{/.test(body))
    return 'eio3-open'
  if (/^\s*\{\s*"code"\s*:\s*\d+\s*,\s*"message"\s*:/.test(body))
    return 'eio-error'
  if ((contentType ?? '').includes('text/html') || /^\s*<(?:!doctype|html|head|body|pre|h1|p)\b/i.test(body))
    return 'html'
  return 'other'
}

/** `{ code, message }` of an Engine.IO error answer, if the body is one. */
export function parseEioError(body: string): { code: number, message: string } | undefined {
  try {
    const v = JSON.parse(body) as unknown
    // The message goes into a diagnosis' text: bounded and printable whatever answered.
    if (v && typeof v === 'object' && typeof (v as { code?: unknown }).code === 'number')
      return { code: (v as { code: number }).code, message: bodyExcerpt(String((v as { message?: unknown }).message ?? ''), 120) }
  }
  catch {}
  return undefined
}

/**
 * What an HTTP refusal says, in a few words of text: the `message` (or `error`, `reason`) of a JSON body, the
 * text of an HTML page, or the body itself; bounded and printable (`bodyExcerpt`), `undefined` when empty.
 *
 * @example refusalMessage('{"message":"jwt expired"}') // 'jwt expired'
 * @example refusalMessage('<html><body><h1>401 Unauthorized</h1></body></html>', 'text/html') // '401 Unauthorized'
 */
export function refusalMessage(body: string, contentType?: string | null): string | undefined {
  let text = body
  try {
    const v = JSON.parse(body) as unknown
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>
      const field = ['message', 'error_description', 'error', 'reason'].map(k => o[k]).find(x => typeof x === 'string' && x.trim() !== '')
      if (typeof field === 'string')
        text = field
    }
  }
  catch {
    if (classifyBody(body, contentType) === 'html') {
      // Only the words a person would read: no markup, scripts or styles.
      text = body.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ')
    }
  }
  const excerpt = bodyExcerpt(text)
  return excerpt === '' ? undefined : excerpt
}

/**
 * Handshake paths an HTML page names: where it loads the Socket.IO client from (`<path>/socket.io.js`, which
 * socket.io serves under its own path) and `path: "/…"` options in inline scripts. The usual Express app with
 * socket.io on a path of its own shows it this way on every page it serves. At most `MAX_PAGE_PATHS`, each a
 * valid handshake path (`handshakePathProblem`), without a trailing slash.
 *
 * @example pathsInPage('<script src="/my-rt/socket.io.js"></script>') // ['/my-rt']
 */
export function pathsInPage(html: string): string[] {
  const found: string[] = []
  const add = (p: string | undefined): void => {
    const path = (p ?? '').replace(/\/+$/, '')
    if (path && path.length <= 100 && !handshakePathProblem(path) && !found.includes(path) && found.length < MAX_PAGE_PATHS)
      found.push(path)
  }
  for (const m of html.matchAll(/["'=\s(](\/[\w.~-]+(?:\/[\w.~-]+)*)\/socket\.io(?:\.min|\.esm\.min|\.msgpack\.min)?\.js\b/g))
    add(m[1])
  for (const m of html.matchAll(/\bpath\s*:\s*["'`](\/[\w.~/-]*)["'`]/g))
    add(m[1])
  return found
}

/** The open packet of an Engine.IO v4 handshake (`0{...}`), if the body starts with one. */
export function parseOpenPacket(body: string): { sid: string, pingInterval: number, pingTimeout: number, upgrades: string[] } | undefined {
  const first = body.split('\x1E')[0]
  if (!first.startsWith('0{'))
    return undefined
  try {
    const v = JSON.parse(first.slice(1)) as Record<string, unknown>
    if (typeof v.sid !== 'string')
      return undefined
    return {
      sid: v.sid,
      pingInterval: typeof v.pingInterval === 'number' ? v.pingInterval : 25000,
      pingTimeout: typeof v.pingTimeout === 'number' ? v.pingTimeout : 20000,
      upgrades: Array.isArray(v.upgrades) ? v.upgrades.map(String) : [],
    }
  }
  catch {
    return undefined
  }
}

/**
 * Node's reason for a failed `fetch` (`err.cause.code`: `ECONNREFUSED`, `UND_ERR_SOCKET`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, ...). Browsers give none.
 */
export function errorCodeOf(error: unknown): string | undefined {
  const seen = new Set<unknown>()
  let e: unknown = error
  // Walk `cause` (and the first of an AggregateError's `errors`) a few levels deep.
  for (let i = 0; i < 5 && e && typeof e === 'object' && !seen.has(e); i++) {
    seen.add(e)
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code !== 'ERR_INVALID_STATE')
      return code
    const errors = (e as { errors?: unknown }).errors
    e = (e as { cause?: unknown }).cause ?? (Array.isArray(errors) ? errors[0] : undefined)
  }
  return undefined
}

/** Message of the deepest `cause` (Node puts the useful text there). */
function deepMessage(error: unknown): string {
  let e: unknown = error
  let message = String((error as { message?: unknown })?.message ?? error)
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const m = (e as { message?: unknown }).message
    if (typeof m === 'string' && m)
      message = m
    e = (e as { cause?: unknown }).cause
  }
  return message
}

export interface ProbeRequest {
  purpose: ProbeResult['purpose']
  url: string
  method?: 'GET' | 'POST'
  body?: string
  mode?: 'cors' | 'no-cors'
  /** Sent as `Origin` where the runtime lets us (Node); browsers send their own. */
  origin?: string
  timeoutMs: number
}

/** A probe's result and, when readable, the whole (capped) body. */
export interface ProbeAnswer {
  result: ProbeResult
  body: string
}

/** Read at most `max` characters of a response body, then cancel the rest. */
async function readCapped(response: Response, max: number): Promise<string> {
  if (!response.body)
    return ''
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (text.length < max) {
      const { done, value } = await reader.read()
      if (done)
        break
      text += decoder.decode(value, { stream: true })
    }
  }
  finally {
    reader.cancel().catch(() => {})
  }
  return text.slice(0, max)
}

/**
 * One probe request with a time limit. Never throws.
 *
 * @example
 * const { result } = await probeFetch({ purpose: 'handshake', url: 'http://127.0.0.1:3000/socket.io/?EIO=4&transport=polling', timeoutMs: 4000 })
 * result.outcome // 'answered'
 */
export async function probeFetch(request: ProbeRequest): Promise<ProbeAnswer> {
  const method = request.method ?? 'GET'
  const result: ProbeResult = { purpose: request.purpose, method, url: request.url, outcome: 'network-error' }
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, request.timeoutMs)
  try {
    const headers: Record<string, string> = {}
    if (request.body !== undefined)
      headers['content-type'] = 'text/plain;charset=UTF-8'
    // Browsers drop a forbidden `Origin` header silently; Node sends it, so the server's CORS answer is real.
    if (request.origin && !runsInBrowser())
      headers.origin = request.origin
    const response = await fetch(request.url, {
      method,
      body: request.body,
      headers,
      mode: request.mode ?? 'cors',
      cache: 'no-store',
      credentials: 'omit',
      // Node: a redirect would take the probe to a URL it did not build (the 3xx is reported instead). In a
      // browser the probe has the page's own rights (CORS), so following gives it nothing the page lacks.
      redirect: runsInBrowser() ? 'follow' : 'manual',
      signal: controller.signal,
    })
    if (response.type === 'opaque') {
      result.outcome = 'opaque'
      return { result, body: '' }
    }
    result.outcome = 'answered'
    result.status = response.status
    result.contentType = response.headers.get('content-type') ?? undefined
    result.allowOrigin = response.headers.get('access-control-allow-origin')
    const authenticate = response.headers.get('www-authenticate')
    if (authenticate)
      result.wwwAuthenticate = bodyExcerpt(authenticate)
    const body = await readCapped(response, BODY_READ)
    result.looksLike = classifyBody(body, result.contentType)
    result.bodyStart = keptBody(body, result.looksLike, request.purpose)
    return { result, body }
  }
  catch (error) {
    if (timedOut) {
      result.outcome = result.status === undefined ? 'timeout' : 'answered'
      if (result.status === undefined)
        result.error = `no answer within ${request.timeoutMs} ms`
    }
    else {
      result.outcome = result.status === undefined ? 'network-error' : 'answered'
      result.errorCode = errorCodeOf(error)
      result.error = deepMessage(error)
    }
    return { result, body: result.bodyStart ?? '' }
  }
  finally {
    clearTimeout(timer)
  }
}

/**
 * Open a WebSocket to the Engine.IO endpoint and wait for its open packet, where the runtime has a global
 * `WebSocket` (browsers, Node 22+). Resolves `undefined` where there is none.
 */
export async function probeWebSocket(url: string, timeoutMs: number): Promise<ProbeResult | undefined> {
  const WS = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket
  if (typeof WS !== 'function')
    return undefined
  const result: ProbeResult = { purpose: 'websocket', method: 'WS', url, outcome: 'network-error' }
  return new Promise<ProbeResult>((resolve) => {
    let socket: WebSocket | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    const finish = () => {
      clearTimeout(timer)
      try {
        socket?.close()
      }
      catch {}
      resolve(result)
    }
    timer = setTimeout(() => {
      result.outcome = 'timeout'
      result.error = `no answer within ${timeoutMs} ms`
      finish()
    }, timeoutMs)
    try {
      socket = new WS(url)
    }
    catch (error) {
      result.error = String((error as Error)?.message ?? error)
      finish()
      return
    }
    socket.onmessage = (event) => {
      const text = typeof event.data === 'string' ? event.data : ''
      result.outcome = 'answered'
      result.looksLike = classifyBody(text)
      result.bodyStart = keptBody(text, result.looksLike, result.purpose)
      finish()
    }
    socket.onerror = () => {
      result.error = 'WebSocket error'
      finish()
    }
    socket.onclose = (event) => {
      if (result.outcome !== 'answered') {
        result.error = `closed (code ${event.code})`
        finish()
      }
    }
  })
}
