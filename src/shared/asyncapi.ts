import type { Diagnostic } from '@asyncapi/parser'
import { Parser } from '@asyncapi/parser'

/**
 * Node-side AsyncAPI parsing with @asyncapi/parser (never in src/core or the page: the parser compiles
 * schemas with ajv, i.e. `new Function`, which the inspector page's CSP forbids). Used by the CLI, the
 * inspector's server (its parse/fetch endpoints) and the tests. The page then imports the parsed JSON with
 * the core's `EventCatalog.importAsyncApi`.
 *
 * External references (`$ref` to a file or a URL) are never followed: a document handed to the inspector's
 * server must not make it read files or reach other hosts. A document that has one is refused with a
 * diagnostic naming it.
 */

export interface AsyncApiDiagnostic {
  readonly message: string
  /** Where in the document, as a JSON path (`channels./chat.messages.chat`); `` for the whole document. */
  readonly path: string
  readonly severity: 'error' | 'warning' | 'info' | 'hint'
}

export type ParseAsyncApiResult
  = | {
    readonly ok: true
    /** The parsed document's JSON (`document.json()`): references resolved, JSON-safe (no cycles). */
    readonly document: Record<string, unknown>
    readonly warnings: readonly AsyncApiDiagnostic[]
  }
  | { readonly ok: false, readonly diagnostics: readonly AsyncApiDiagnostic[] }

export interface ParseAsyncApiOptions {
  /** Refuse larger input (characters of text, or of the object as JSON). @default 5_000_000 */
  readonly maxBytes?: number
  /** Shown in diagnostics of external references. */
  readonly source?: string
}

const SEVERITY = ['error', 'warning', 'info', 'hint'] as const
const DEFAULT_MAX_BYTES = 5_000_000

/**
 * Parse and validate an AsyncAPI document (JSON or YAML text, or an object). Never throws.
 * @example
 * const r = await parseAsyncApi(await readFile('asyncapi.yaml', 'utf8'))
 * if (!r.ok) console.error(r.diagnostics.map(d => `${d.path}: ${d.message}`).join('\n'))
 */
export async function parseAsyncApi(input: string | object, opts: ParseAsyncApiOptions = {}): Promise<ParseAsyncApiResult> {
  const fail = (message: string, path = ''): ParseAsyncApiResult => ({ ok: false, diagnostics: [{ message, path, severity: 'error' }] })
  try {
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES
    let text: string
    if (typeof input === 'string') {
      text = input
    }
    else if (input !== null && typeof input === 'object') {
      try {
        text = JSON.stringify(input)
      }
      catch (err) {
        return fail(`the document is not JSON: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    else {
      return fail('not an AsyncAPI document (expected text or an object)')
    }
    if (text.length > maxBytes)
      return fail(`document too large (${text.length} characters, the limit is ${maxBytes})`)
    if (!text.trim())
      return fail('the document is empty')
    const external: string[] = []
    const refuse = (uri: { toString: () => string }): string => {
      external.push(uri.toString())
      return '{}'
    }
    const parser = new Parser({
      __unstable: {
        resolver: {
          cache: false,
          // Order 1 runs before the parser's own file/http readers, and answering stops them.
          resolvers: (['file', 'http', 'https'] as const).map(schema => ({ schema, order: 1, read: refuse })),
        },
      },
    })
    const out = await parser.parse(text)
    if (external.length > 0)
      return { ok: false, diagnostics: [...new Set(external)].map(uri => ({ message: `external reference ${uri} is not followed (inline it in the document)`, path: '', severity: 'error' as const })) }
    const diagnostics = out.diagnostics.map(toDiagnostic)
    const errors = diagnostics.filter(d => d.severity === 'error')
    if (!out.document || errors.length > 0)
      return { ok: false, diagnostics: errors.length ? errors : diagnostics.length ? diagnostics : [{ message: 'the parser returned no document', path: '', severity: 'error' }] }
    return { ok: true, document: jsonSafe(out.document.json()) as Record<string, unknown>, warnings: diagnostics }
  }
  catch (err) {
    return fail(`cannot parse the document: ${err instanceof Error ? err.message : String(err)}`)
  }
}

function toDiagnostic(d: Diagnostic): AsyncApiDiagnostic {
  return {
    message: d.message,
    path: (d.path ?? []).map(String).join('.'),
    severity: SEVERITY[d.severity] ?? 'error',
  }
}

/**
 * A JSON copy of the dereferenced document. A recursive schema makes it cyclic; the cycle becomes `{}`
 * ("anything"), so it can go over HTTP and into the page's catalog.
 */
function jsonSafe(v: unknown, seen = new WeakSet<object>()): unknown {
  if (v === null || typeof v !== 'object')
    return v
  if (seen.has(v))
    return {}
  seen.add(v)
  let out: unknown
  if (Array.isArray(v)) {
    out = v.map(x => jsonSafe(x, seen))
  }
  else {
    const o: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined && typeof x !== 'function')
        o[k] = jsonSafe(x, seen)
    }
    out = o
  }
  seen.delete(v)
  return out
}
