/**
 * The inspector server's AsyncAPI endpoints (issue 17). @asyncapi/parser cannot run in the page (it compiles
 * schemas with `new Function`, which the CSP forbids), and the page cannot read `<server>/asyncapi.json` of a
 * server without CORS; this process does both for it:
 *
 * - `POST /api/asyncapi/parse`, body = the document (JSON or YAML text, at most 5 MB): 200 with the parse result
 *   of `parseAsyncApi` (src/shared/asyncapi.ts) — `{ ok: true, document, warnings }`, or `{ ok: false,
 *   diagnostics }` for an invalid document; 413 past the size cap.
 * - `GET /api/asyncapi/fetch?url=<server URL>`: fetches `<origin>/asyncapi.json`, then `<origin>/asyncapi.yaml`
 *   (http/https only, `ws:`/`wss:` read as `http:`/`https:`; 3 s per request, 5 MB, at most 2 redirects, each
 *   to http/https) and answers 200 with `{ found: true, url, ...parse result }` or `{ found: false, reason }`.
 *
 * Security: the same rules as the relay. Hosts we do not answer to never get here (the Host guard in front of
 * the whole server); a client on another machine is refused (403) unless secrets are exposed; a request with an
 * `Origin` must come from our own page (same origin: its host is the checked Host); and the per-start token must
 * be sent as `Authorization: Bearer <token>` (a custom header a cross-site page cannot send without a CORS
 * preflight, which is never granted). The fetch endpoint makes this process request URLs on the page's behalf,
 * so it must never be open to other sites: only the server's origin is taken from `url`, never a path.
 *
 * @example
 * app.use(asyncApiRoutes({ token, refusal: req => undefined }))
 * // page: fetch(config.asyncapi.parseUrl, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: text })
 */
import type http from 'node:http'
import type { Readable } from 'node:stream'
import type { ParseAsyncApiResult } from '../../src/shared/asyncapi'
import express from 'express'
import { tokenMatches } from '../../src/shared/host-check'

export const ASYNCAPI_PARSE_PATH = '/api/asyncapi/parse'
export const ASYNCAPI_FETCH_PATH = '/api/asyncapi/fetch'
/** Largest document accepted (posted or fetched): AsyncAPI documents of real APIs are kilobytes. */
export const ASYNCAPI_MAX_BYTES = 5 * 1024 * 1024
export const ASYNCAPI_FETCH_TIMEOUT_MS = 3000
export const ASYNCAPI_MAX_REDIRECTS = 2
/** Where a server's own document is looked for, in order. */
export const ASYNCAPI_WELL_KNOWN_PATHS = ['/asyncapi.json', '/asyncapi.yaml'] as const

export interface AsyncApiRoutesOptions {
  /** The per-start secret (the relay's token), expected as `Authorization: Bearer <token>`. */
  token: string
  /** Why a request is refused before the token check (a client on another machine), or `undefined`. */
  refusal: (req: http.IncomingMessage) => string | undefined
  /** @default ASYNCAPI_MAX_BYTES */
  maxBytes?: number
  /** Per request of the fetch endpoint. @default ASYNCAPI_FETCH_TIMEOUT_MS */
  fetchTimeoutMs?: number
}

export interface FetchDocumentOptions {
  /** @default ASYNCAPI_FETCH_TIMEOUT_MS, per request (each redirect starts no new clock) */
  timeoutMs?: number
  /** @default ASYNCAPI_MAX_BYTES */
  maxBytes?: number
  /** @default ASYNCAPI_MAX_REDIRECTS */
  maxRedirects?: number
}

/** What the fetch endpoint looked up: the text of the first well-known document found, or why none was. */
export type FetchedDocument
  = | { found: true, url: string, text: string }
    | { found: false, reason: string }

/** A request with an Origin must come from a page of this server: same origin (the Host was checked already). */
function sameOriginOrNone(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined)
    return true
  try {
    return new URL(origin).host === req.headers.host
  }
  catch {
    return false
  }
}

/**
 * Reads the body up to `max` bytes; `undefined` when it is larger. Then it stops reading and leaves the rest to
 * the server (the 413 goes out with `Connection: close`): destroying the request would cut the answer as well.
 */
function readBody(req: Readable, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > max) {
        cleanup()
        req.pause()
        return resolve(undefined)
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(Buffer.concat(chunks))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(err)
    }
    function cleanup(): void {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}

/**
 * @asyncapi/parser (with Spectral and its rulesets) takes a while to load: loaded on the first request, so the
 * inspector (and `socketio-inspector` commands that start it) start as fast as before.
 */
async function parse(text: string, maxBytes: number, source?: string): Promise<ParseAsyncApiResult> {
  const { parseAsyncApi } = await import('../../src/shared/asyncapi')
  return parseAsyncApi(text, { maxBytes, source })
}

const mb = (bytes: number): string => bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024 * 10) / 10} MB` : `${bytes} bytes`

/**
 * The origin whose documents are looked for: `ws:`/`wss:` are Socket.IO URLs of `http:`/`https:` servers; any
 * other scheme is refused (this process must not be made to open file:, ftp: or other URLs).
 *
 * @example serverOrigin('ws://localhost:3000/socket.io/?EIO=4') // 'http://localhost:3000'
 */
export function serverOrigin(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  }
  catch {
    throw new TypeError(`not a URL: ${JSON.stringify(url.slice(0, 200))}`)
  }
  const scheme = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[parsed.protocol]
  if (!scheme)
    throw new TypeError(`unsupported URL scheme ${parsed.protocol} (http, https, ws and wss only)`)
  return `${scheme}//${parsed.host}`
}

/** One GET with manual redirects (at most `maxRedirects`, http/https only) and a capped body. */
async function getCapped(url: string, options: Required<FetchDocumentOptions>): Promise<{ ok: true, url: string, text: string } | { ok: false, reason: string, missing?: true }> {
  let current = url
  for (let redirects = 0; ; redirects++) {
    let response: Response
    try {
      response = await fetch(current, {
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: { Accept: 'application/json, application/yaml, text/yaml, */*;q=0.5' },
      })
    }
    catch (err) {
      const e = err as Error & { cause?: { code?: string, message?: string } }
      const why = e.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : e.cause?.code ?? e.cause?.message ?? e.message
      return { ok: false, reason: `${current}: ${why}` }
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel()
      if (redirects >= options.maxRedirects)
        return { ok: false, reason: `${url}: more than ${options.maxRedirects} redirects` }
      let next: URL
      try {
        next = new URL(response.headers.get('location')!, current)
      }
      catch {
        return { ok: false, reason: `${current}: redirect to an invalid URL` }
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        return { ok: false, reason: `${current}: redirect to a ${next.protocol} URL refused` }
      current = next.href
      continue
    }
    if (!response.ok) {
      await response.body?.cancel()
      return { ok: false, reason: `${current}: HTTP ${response.status}`, missing: true }
    }
    // A catch-all page (an SPA's index.html for every path) is not a document.
    if ((response.headers.get('content-type') ?? '').includes('text/html')) {
      await response.body?.cancel()
      return { ok: false, reason: `${current}: an HTML page, not a document`, missing: true }
    }
    const declared = Number(response.headers.get('content-length'))
    if (declared > options.maxBytes) {
      await response.body?.cancel()
      return { ok: false, reason: `${current}: larger than ${mb(options.maxBytes)}` }
    }
    const chunks: Uint8Array[] = []
    let size = 0
    const reader = response.body?.getReader()
    try {
      for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
        size += read.value.length
        if (size > options.maxBytes) {
          await reader!.cancel().catch(() => {})
          return { ok: false, reason: `${current}: larger than ${mb(options.maxBytes)}` }
        }
        chunks.push(read.value)
      }
    }
    catch (err) {
      const e = err as Error
      return { ok: false, reason: `${current}: ${e.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : e.message}` }
    }
    return { ok: true, url: current, text: Buffer.concat(chunks).toString('utf8') }
  }
}

/**
 * Looks for the server's own document: `<origin>/asyncapi.json`, then `<origin>/asyncapi.yaml`. Throws a
 * TypeError for a URL that is not http(s)/ws(s); every network outcome is a result.
 *
 * @example
 * const doc = await fetchAsyncApiDocument('http://localhost:3000')
 * if (doc.found) console.log(doc.url, doc.text.length)
 */
export async function fetchAsyncApiDocument(url: string, options: FetchDocumentOptions = {}): Promise<FetchedDocument> {
  const origin = serverOrigin(url)
  const resolved: Required<FetchDocumentOptions> = {
    timeoutMs: options.timeoutMs ?? ASYNCAPI_FETCH_TIMEOUT_MS,
    maxBytes: options.maxBytes ?? ASYNCAPI_MAX_BYTES,
    maxRedirects: options.maxRedirects ?? ASYNCAPI_MAX_REDIRECTS,
  }
  const reasons: string[] = []
  for (const path of ASYNCAPI_WELL_KNOWN_PATHS) {
    const got = await getCapped(`${origin}${path}`, resolved)
    if (got.ok)
      return { found: true, url: got.url, text: got.text }
    reasons.push(got.reason)
    // Only "not there" moves on to the next path; a server that does not answer will not answer the second either.
    if (!got.missing)
      break
  }
  return { found: false, reason: reasons.join('; ') }
}

/**
 * The two endpoints as an Express router; mount it before the static files.
 */
export function asyncApiRoutes(options: AsyncApiRoutesOptions): express.Router {
  if (!options.token)
    throw new Error('asyncApiRoutes: a token is required')
  const expected = Buffer.from(options.token)
  const maxBytes = options.maxBytes ?? ASYNCAPI_MAX_BYTES
  const router = express.Router()

  // Every /api/asyncapi/* request: machine, origin, token, in that order; fixed texts, never the token.
  router.use('/api/asyncapi', (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store')
    const refused = options.refusal(req)
    if (refused !== undefined)
      return void res.status(403).json({ error: refused })
    if (!sameOriginOrNone(req))
      return void res.status(403).json({ error: 'asyncapi: requests from other origins are refused' })
    const auth = req.headers.authorization
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined
    if (!tokenMatches(given, expected))
      return void res.status(403).json({ error: 'asyncapi: missing or wrong token (Authorization: Bearer <config.asyncapi.token>)' })
    next()
  })

  router.post(ASYNCAPI_PARSE_PATH, async (req, res, next) => {
    try {
      const tooLarge = (): void => void res.status(413).setHeader('Connection', 'close').json({ error: `document too large: at most ${mb(maxBytes)}` })
      if (Number(req.headers['content-length']) > maxBytes)
        return tooLarge()
      const body = await readBody(req, maxBytes)
      if (!body)
        return tooLarge()
      res.json(await parse(body.toString('utf8'), maxBytes))
    }
    catch (err) {
      next(err)
    }
  })

  router.get(ASYNCAPI_FETCH_PATH, async (req, res, next) => {
    try {
      const url = req.query.url
      if (typeof url !== 'string' || !url)
        return void res.status(400).json({ error: 'asyncapi fetch: the `url` query parameter (a server URL) is required' })
      let fetched: FetchedDocument
      try {
        fetched = await fetchAsyncApiDocument(url, { maxBytes, timeoutMs: options.fetchTimeoutMs })
      }
      catch (err) {
        if (err instanceof TypeError)
          return void res.status(400).json({ error: `asyncapi fetch: ${err.message}` })
        throw err
      }
      if (!fetched.found)
        return void res.json(fetched)
      res.json({ found: true, url: fetched.url, ...await parse(fetched.text, maxBytes, fetched.url) })
    }
    catch (err) {
      next(err)
    }
  })

  // A failure of ours (the parser threw) is a 500 with its message, as JSON: never the process, never HTML.
  router.use('/api/asyncapi', (err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.headersSent)
      return void res.end()
    res.status(500).json({ error: `asyncapi: ${err instanceof Error ? err.message : String(err)}` })
  })
  return router
}
