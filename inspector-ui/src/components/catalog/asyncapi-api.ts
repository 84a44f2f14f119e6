/**
 * The page's side of the inspector server's AsyncAPI endpoints (issue 17). Documents are parsed in Node
 * (`POST /api/asyncapi/parse`, `GET /api/asyncapi/fetch?url=`): @asyncapi/parser compiles schemas with
 * `new Function`, which the page's Content-Security-Policy forbids. The page only ever receives the
 * parsed JSON, or the parser's diagnostics, and treats both as data.
 */
import { loadRuntimeConfig } from '../../config'
import { t } from '../../i18n'

/** One message of the parser, with where in the document it points (`channels.chat.messages…`). */
export interface ImportDiagnostic {
  readonly message: string
  readonly path: string
}

export type ServerParseResult
  = | { readonly ok: true, readonly document: unknown, readonly url?: string }
    | { readonly ok: false, readonly error: string, readonly diagnostics: readonly ImportDiagnostic[], readonly notFound?: boolean }

/** Why import is not available, or undefined when the page was served with the endpoints. */
export function importUnavailableReason(): string | undefined {
  return loadRuntimeConfig().asyncapi
    ? undefined
    : t('catalog.import.unavailable')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function toDiagnostics(raw: unknown): ImportDiagnostic[] {
  if (!Array.isArray(raw))
    return []
  const out: ImportDiagnostic[] = []
  for (const item of raw.slice(0, 200)) {
    if (!isRecord(item) || typeof item.message !== 'string')
      continue
    const path = Array.isArray(item.path) ? item.path.map(String).join('.') : typeof item.path === 'string' ? item.path : ''
    out.push({ message: item.message, path })
  }
  return out
}

/**
 * The endpoint's answer, read defensively (it is input like any other): `{ ok: true, document }`,
 * `{ ok: false, diagnostics }` (an invalid document), `{ found: false, reason }` (fetch: the server serves
 * no document), `{ error }` (refused: too large, bad URL, wrong token).
 */
async function readAnswer(response: Response): Promise<ServerParseResult> {
  let body: unknown
  try {
    body = await response.json()
  }
  catch {
    return { ok: false, error: t('catalog.import.unreadable', { status: response.status, statusText: response.statusText }), diagnostics: [] }
  }
  if (!isRecord(body))
    return { ok: false, error: t('catalog.import.unexpected', { status: response.status }), diagnostics: [] }
  if (body.found === false)
    return { ok: false, error: typeof body.reason === 'string' ? body.reason : t('catalog.import.noDocument'), diagnostics: [], notFound: true }
  if (response.ok && body.ok === true && 'document' in body)
    return { ok: true, document: body.document, url: typeof body.url === 'string' ? body.url : undefined }
  const diagnostics = toDiagnostics(body.diagnostics)
  const error = typeof body.error === 'string'
    ? body.error
    : diagnostics.length > 0
      ? t('catalog.import.parserRefused', { n: diagnostics.length }, diagnostics.length)
      : t('catalog.import.refused', { status: response.status })
  return { ok: false, error, diagnostics }
}

async function call(which: 'parse' | 'fetch', query: string, init: RequestInit = {}): Promise<ServerParseResult> {
  const config = loadRuntimeConfig().asyncapi
  if (!config)
    return { ok: false, error: importUnavailableReason() ?? t('catalog.import.notAvailable'), diagnostics: [] }
  const url = (which === 'parse' ? config.parseUrl : config.fetchUrl) + query
  try {
    const headers = { ...init.headers as Record<string, string>, Authorization: `Bearer ${config.token}` }
    return await readAnswer(await fetch(url, { ...init, headers }))
  }
  catch (error) {
    return { ok: false, error: t('catalog.import.unreachable', { error: error instanceof Error ? error.message : String(error) }), diagnostics: [] }
  }
}

/** Parse a document's text (JSON or YAML) on the inspector server. */
export function parseOnServer(text: string): Promise<ServerParseResult> {
  return call('parse', '', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: text })
}

/**
 * Have the inspector server fetch and parse the document a server serves about itself (its origin's
 * `/asyncapi.json`, else `/asyncapi.yaml`; only the origin of `url` is used).
 */
export function fetchOnServer(url: string): Promise<ServerParseResult> {
  return call('fetch', `?url=${encodeURIComponent(url)}`)
}
