import type { CatalogDirection, JsonSchema } from './types'
import { catalogNamespace } from './origin'

/**
 * Reads the JSON of an AsyncAPI document that @asyncapi/parser already parsed and validated
 * (`document.json()`, references dereferenced; possibly re-serialised, so objects may be copies rather than
 * the same references) into catalog definitions. Mapping (the document describes the server):
 * - 3.0: a channel's `address` is the namespace (`/` when absent or null); its messages are events (the
 *   message `name`, else its key); `send` operations = server → client (`in`), `receive` = client → server (`out`).
 * - 2.x: the channel's name is the namespace; `subscribe` = server → client (`in`), `publish` = client → server (`out`).
 * - A message's `payload` is the schema of the arguments array: a tuple (`items: [...]`, or `prefixItems: [...]`,
 *   read as `items`). A payload that is not an array schema is read as the only argument (with a warning).
 * - Acks: the message's `x-ack` extension, `{ payload: <tuple schema of the ack's arguments> }` (a bare schema
 *   is accepted too). The demo's document and `exportAsyncApi` write it this way.
 */

export interface ReadDefinition {
  namespace: string
  name: string
  direction: CatalogDirection
  schema?: JsonSchema
  ack?: JsonSchema
  summary?: string
  description?: string
  examples: unknown[][]
  messageId: string
}

export type ReadResult
  = | { ok: true, title: string, version: string, asyncapi: string, namespaces: string[], definitions: ReadDefinition[], warnings: string[] }
    | { ok: false, error: string }

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)
const MAX_DEPTH = 64

/**
 * @example readAsyncApi(parsed.document).ok // true for a parsed 2.6 / 3.0 document
 */
export function readAsyncApi(doc: unknown): ReadResult {
  if (!isObj(doc))
    return { ok: false, error: 'not an AsyncAPI document (expected an object)' }
  const asyncapi = typeof doc.asyncapi === 'string' ? doc.asyncapi : ''
  const info = isObj(doc.info) ? doc.info : {}
  const title = typeof info.title === 'string' ? info.title : ''
  const version = typeof info.version === 'string' ? info.version : ''
  const warnings: string[] = []
  let defs: ReadDefinition[]
  let namespaces: string[]
  if (asyncapi.startsWith('3.')) {
    ;({ defs, namespaces } = read3(doc, warnings))
  }
  else if (asyncapi.startsWith('2.')) {
    ;({ defs, namespaces } = read2(doc, warnings))
  }
  else {
    return { ok: false, error: asyncapi ? `unsupported AsyncAPI version ${asyncapi} (2.x and 3.x are read)` : 'not an AsyncAPI document (no `asyncapi` version field)' }
  }
  // One definition per (namespace, name, direction): a later operation on the same event wins.
  const byKey = new Map<string, ReadDefinition>()
  for (const d of defs) {
    const k = `${d.namespace}|${d.direction}|${d.name}`
    if (byKey.has(k))
      warnings.push(`event \`${d.name}\` (${d.direction}) in namespace ${d.namespace} is declared more than once; the last declaration is used`)
    byKey.set(k, d)
  }
  return { ok: true, title, version, asyncapi, namespaces, definitions: [...byKey.values()], warnings }
}

function read3(doc: Obj, warnings: string[]): { defs: ReadDefinition[], namespaces: string[] } {
  const channels = isObj(doc.channels) ? doc.channels : {}
  const operations = isObj(doc.operations) ? doc.operations : {}
  const namespaces = new Set<string>()
  for (const ch of Object.values(channels)) {
    if (isObj(ch))
      namespaces.add(channelNamespace(ch))
  }
  const defs: ReadDefinition[] = []
  for (const [opId, op] of Object.entries(operations)) {
    if (!isObj(op))
      continue
    const direction: CatalogDirection | undefined = op.action === 'send' ? 'in' : op.action === 'receive' ? 'out' : undefined
    if (!direction) {
      warnings.push(`operation \`${opId}\`: unknown action ${JSON.stringify(op.action)}`)
      continue
    }
    const found = resolveChannel(doc, channels, op.channel)
    if (!found) {
      warnings.push(`operation \`${opId}\`: its channel is not in the document`)
      continue
    }
    const [, channel] = found
    const namespace = channelNamespace(channel)
    const channelMessages = isObj(channel.messages) ? channel.messages : {}
    const list = Array.isArray(op.messages) && op.messages.length > 0
      ? op.messages.map(m => resolveMessage(doc, channelMessages, m)).filter((m): m is [string, Obj] => m !== undefined)
      : Object.entries(channelMessages).filter((e): e is [string, Obj] => isObj(e[1]))
    for (const [key, msg] of list) defs.push(definition(namespace, direction, key, msg, warnings))
  }
  return { defs, namespaces: [...namespaces] }
}

function read2(doc: Obj, warnings: string[]): { defs: ReadDefinition[], namespaces: string[] } {
  const channels = isObj(doc.channels) ? doc.channels : {}
  const namespaces: string[] = []
  const defs: ReadDefinition[] = []
  for (const [name, ch] of Object.entries(channels)) {
    if (!isObj(ch))
      continue
    const namespace = catalogNamespace(name)
    namespaces.push(namespace)
    for (const [verb, direction] of [['subscribe', 'in'], ['publish', 'out']] as const) {
      const op = ch[verb]
      if (!isObj(op) || op.message === undefined)
        continue
      const msg = op.message
      const list = isObj(msg) && Array.isArray(msg.oneOf) ? msg.oneOf : [msg]
      for (const m of list) {
        if (!isObj(m))
          continue
        const key = str(m.messageId) ?? str(m['x-parser-message-name']) ?? str(m.name) ?? 'message'
        defs.push(definition(namespace, direction, key, m, warnings))
      }
    }
  }
  return { defs, namespaces }
}

function channelNamespace(ch: Obj): string {
  return catalogNamespace(typeof ch.address === 'string' ? ch.address : '/')
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined
}

function definition(namespace: string, direction: CatalogDirection, key: string, msg: Obj, warnings: string[]): ReadDefinition {
  const name = str(msg.name) ?? key
  const d: ReadDefinition = { namespace, name, direction, examples: [], messageId: key }
  if (msg.payload !== undefined) {
    const s = argsSchema(msg.payload)
    if (s.warning)
      warnings.push(`message \`${key}\`: ${s.warning}`)
    d.schema = s.schema
  }
  const ack = msg['x-ack']
  if (isObj(ack)) {
    const s = argsSchema(ack.payload !== undefined ? ack.payload : ack)
    if (s.warning)
      warnings.push(`message \`${key}\` x-ack: ${s.warning}`)
    d.ack = s.schema
  }
  const summary = str(msg.summary)
  const description = str(msg.description)
  if (summary)
    d.summary = summary
  if (description)
    d.description = description
  if (Array.isArray(msg.examples)) {
    for (const ex of msg.examples) {
      if (isObj(ex) && ex.payload !== undefined) {
        const p = clean(ex.payload, 0, new WeakSet())
        d.examples.push(Array.isArray(p) ? p : [p])
      }
    }
  }
  return d
}

/** A message payload as the schema of the arguments array (see the module comment). */
export function argsSchema(payload: unknown): { schema?: JsonSchema, warning?: string } {
  let p = payload
  // Multi-format schema object (3.0): `{ schemaFormat, schema }`.
  if (isObj(p) && typeof p.schemaFormat === 'string' && 'schema' in p) {
    if (!/json|asyncapi/i.test(p.schemaFormat))
      return { warning: `payload schema format ${p.schemaFormat} is not read; its arguments are not checked` }
    p = p.schema
  }
  if (p === true || (isObj(p) && Object.keys(p).length === 0))
    return { schema: { type: 'array' } }
  if (!isObj(p))
    return { warning: 'payload is not a schema; its arguments are not checked' }
  const s = clean(p, 0, new WeakSet()) as JsonSchema
  const isArray = s.type === 'array' || (s.type === undefined && (s.items !== undefined || s.prefixItems !== undefined))
  if (!isArray)
    return { schema: { type: 'array', items: [s], minItems: 1, maxItems: 1 }, warning: 'payload is not an array schema: read as the only argument' }
  if (Array.isArray(s.prefixItems)) {
    // 2020-12 tuple: `prefixItems` per position, `items` = the rest. Written as draft-07 (`items` + `additionalItems`).
    const { prefixItems, items, ...rest } = s
    const out: JsonSchema = { ...rest, type: 'array', items: prefixItems }
    if (items !== undefined && !Array.isArray(items))
      out.additionalItems = items
    return { schema: out }
  }
  return { schema: { ...s, type: 'array' } }
}

/**
 * A JSON copy of a schema without the parser's own annotations (`x-parser-*`) and without cycles (a recursive
 * schema, dereferenced, loops back: the loop becomes `{}`, "anything").
 */
function clean(v: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (v === null || typeof v !== 'object')
    return v
  if (seen.has(v) || depth > MAX_DEPTH)
    return {}
  seen.add(v)
  let out: unknown
  if (Array.isArray(v)) {
    out = v.map(x => clean(x, depth + 1, seen))
  }
  else {
    const o: Obj = {}
    for (const [k, x] of Object.entries(v)) {
      if (!k.startsWith('x-parser-'))
        o[k] = clean(x, depth + 1, seen)
    }
    out = o
  }
  seen.delete(v)
  return out
}

function resolvePointer(doc: Obj, ref: string): unknown {
  if (!ref.startsWith('#/'))
    return undefined
  let cur: unknown = doc
  for (const raw of ref.slice(2).split('/')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    if (!isObj(cur))
      return undefined
    cur = cur[part]
  }
  return cur
}

function uid(o: Obj): unknown {
  return o['x-parser-unique-object-id']
}

function resolveChannel(doc: Obj, channels: Obj, ref: unknown): [string, Obj] | undefined {
  if (!isObj(ref))
    return undefined
  const entries = Object.entries(channels).filter((e): e is [string, Obj] => isObj(e[1]))
  if (typeof ref.$ref === 'string') {
    const target = resolvePointer(doc, ref.$ref)
    const hit = entries.find(([, c]) => c === target)
    return hit ?? (isObj(target) ? [ref.$ref, target] : undefined)
  }
  // Dereferenced: the same object, or (after JSON round trips) the copy with the same parser id or address.
  return entries.find(([, c]) => c === ref)
    ?? (uid(ref) !== undefined ? entries.find(([k, c]) => uid(c) === uid(ref) || k === uid(ref)) : undefined)
    ?? entries.find(([, c]) => c.address === ref.address && JSON.stringify(Object.keys(isObj(c.messages) ? c.messages : {})) === JSON.stringify(Object.keys(isObj(ref.messages) ? ref.messages : {})))
}

function resolveMessage(doc: Obj, channelMessages: Obj, ref: unknown): [string, Obj] | undefined {
  if (!isObj(ref))
    return undefined
  const entries = Object.entries(channelMessages).filter((e): e is [string, Obj] => isObj(e[1]))
  if (typeof ref.$ref === 'string') {
    const target = resolvePointer(doc, ref.$ref)
    if (!isObj(target))
      return undefined
    return entries.find(([, m]) => m === target) ?? [ref.$ref.split('/').pop() ?? 'message', target]
  }
  return entries.find(([, m]) => m === ref)
    ?? (uid(ref) !== undefined ? entries.find(([k, m]) => uid(m) === uid(ref) || k === uid(ref)) : undefined)
    ?? entries.find(([, m]) => m.name !== undefined && m.name === ref.name)
    ?? [str(uid(ref)) ?? str(ref.name) ?? 'message', ref]
}
