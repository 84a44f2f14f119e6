import type { AsyncApiDocument, CatalogEvent, EventCatalogApi, ExportAsyncApiOptions, JsonSchema } from './types'
import { isBinary, toBytes } from '../log/preview'
import { catalogOrigin } from './origin'
import { compileArgsCheck } from './validate'

/**
 * The catalog of one server as an AsyncAPI 3.0 document ("document your Socket.IO API from what it actually
 * sends"): learned and imported definitions together (the imported schema wins where both exist).
 * - `servers.server`: host from the origin, protocol `ws` (`wss` for https origins);
 * - one channel per namespace, `address` = the namespace;
 * - one message per event (per direction when the two directions' schemas differ), `name` = the event name,
 *   `payload` = the tuple schema of its arguments, `examples` = the learned example (binary written as a
 *   base64 string, which `format: binary` accepts) and the imported ones, only those that match the payload;
 *   the ack's arguments schema under `x-ack: { payload }` (read back by `importAsyncApi`);
 *   `x-socketio-inspector` = where the definition comes from and how often it was seen;
 * - operations: `send` for server → client (`in`), `receive` for client → server (`out`).
 * Everything is a fresh JSON copy: @asyncapi/parser annotates the document it is given.
 * @example
 * const doc = exportAsyncApi(catalog, { server: 'http://localhost:3000', title: 'Chat' })
 * download(JSON.stringify(doc, null, 2))
 */
export function exportAsyncApi(catalog: EventCatalogApi, opts: ExportAsyncApiOptions): AsyncApiDocument {
  const origin = catalogOrigin(opts.server)
  const imported = catalog.importedFor(origin)
  const events = catalog.events({ origin })
  let host = origin
  let protocol = 'ws'
  try {
    const u = new URL(origin)
    host = u.host || origin
    protocol = u.protocol === 'https:' ? 'wss' : 'ws'
  }
  catch {
    // Not a URL (a hand-typed server name): keep it as the host.
  }
  const doc: AsyncApiDocument = {
    asyncapi: '3.0.0',
    info: {
      title: opts.title ?? (imported?.title || `Socket.IO API of ${host}`),
      version: opts.version ?? (imported?.version || '1.0.0'),
      description: 'Socket.IO events per namespace (a channel\'s address is the namespace). A message\'s payload is the array of the event\'s arguments; `send` = server → client, `receive` = client → server. Written by Socket.IO Inspector.',
    },
    servers: { server: { host, protocol, description: 'Socket.IO server' } },
    defaultContentType: 'application/json',
    channels: {},
    operations: {},
  }
  const byNamespace = new Map<string, CatalogEvent[]>()
  for (const e of events) {
    const list = byNamespace.get(e.namespace) ?? []
    list.push(e)
    byNamespace.set(e.namespace, list)
  }
  const channelIds = new Set<string>()
  for (const [namespace, list] of byNamespace) {
    const channelId = unique(safeId(namespace === '/' ? 'root' : namespace.slice(1)), channelIds)
    const messages: Record<string, unknown> = {}
    const messageIds = new Set<string>()
    const byName = new Map<string, CatalogEvent[]>()
    for (const e of list) byName.set(e.name, [...(byName.get(e.name) ?? []), e])
    for (const [name, variants] of byName) {
      const bodies = variants.map(e => ({ e, message: messageOf(e) }))
      // Same event both ways with the same definition: one message, two operations.
      const shared = bodies.length === 2 && JSON.stringify(bodies[0].message.payload) === JSON.stringify(bodies[1].message.payload)
        && JSON.stringify(bodies[0].message['x-ack']) === JSON.stringify(bodies[1].message['x-ack'])
      const placed: Array<{ e: CatalogEvent, id: string }> = []
      if (shared) {
        const id = unique(safeId(name), messageIds)
        messages[id] = { ...bodies[0].message, examples: dedupe([...(bodies[0].message.examples ?? []), ...(bodies[1].message.examples ?? [])]) }
        placed.push({ e: bodies[0].e, id }, { e: bodies[1].e, id })
      }
      else {
        for (const { e, message } of bodies) {
          const id = unique(safeId(bodies.length > 1 ? `${name}_${e.direction === 'in' ? 'send' : 'receive'}` : name), messageIds)
          messages[id] = message
          placed.push({ e, id })
        }
      }
      for (const { e, id } of placed) {
        if (!(messages[id] as { examples?: unknown[] }).examples?.length)
          delete (messages[id] as { examples?: unknown[] }).examples
        const action = e.direction === 'in' ? 'send' : 'receive'
        const opId = unique(safeId(`${action}_${channelId}_${id}`), new Set(Object.keys(doc.operations)))
        doc.operations[opId] = {
          action,
          channel: { $ref: `#/channels/${channelId}` },
          summary: `${e.direction === 'in' ? 'The server emits' : 'The client emits'} \`${e.name}\` on ${namespace}`,
          messages: [{ $ref: `#/channels/${channelId}/messages/${id}` }],
        }
      }
    }
    doc.channels[channelId] = { address: namespace, title: `namespace ${namespace}`, messages }
  }
  return doc
}

interface MessageBody {
  'name': string
  'payload': JsonSchema
  'examples'?: Array<{ payload: unknown[] }>
  'x-ack'?: { payload: JsonSchema }
  [k: string]: unknown
}

function messageOf(e: CatalogEvent): MessageBody {
  const payload = jsonCopy(e.imported?.schema ?? e.learned?.schema ?? { type: 'array' }) as JsonSchema
  const check = compileArgsCheck(payload)
  const examples: Array<{ payload: unknown[] }> = []
  const candidates: unknown[][] = []
  if (e.learned)
    candidates.push(toJsonExample(e.learned.example, 0) as unknown[])
  for (const ex of e.imported?.examples ?? []) candidates.push(jsonCopy(ex) as unknown[])
  // Only examples that match the payload: a document whose examples break its own schema is refused by linters.
  for (const c of candidates) {
    if (check(c) === undefined)
      examples.push({ payload: c })
  }
  const ack = e.imported?.ack ?? e.learned?.ack
  const message: MessageBody = {
    'name': e.name,
    ...(e.imported?.summary ? { summary: e.imported.summary } : {}),
    ...(e.imported?.description ? { description: e.imported.description } : {}),
    payload,
    'examples': dedupe(examples),
    ...(ack ? { 'x-ack': { payload: jsonCopy(ack) as JsonSchema } } : {}),
    'x-socketio-inspector': {
      source: e.source,
      ...(e.learned ? { count: e.learned.count, firstSeen: new Date(e.learned.firstSeen).toISOString(), lastSeen: new Date(e.learned.lastSeen).toISOString() } : {}),
    },
  }
  return message
}

function dedupe<T>(list: T[]): T[] {
  const seen = new Set<string>()
  return list.filter((x) => {
    const k = JSON.stringify(x)
    if (seen.has(k))
      return false
    seen.add(k)
    return true
  })
}

/** Ids for channels, messages and operations: `[A-Za-z0-9_.-]` (what AsyncAPI allows in component keys). */
function safeId(s: string): string {
  const id = s.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '')
  return id || 'event'
}

function unique(id: string, taken: Set<string>): string {
  let out = id
  for (let i = 2; taken.has(out); i++) out = `${id}_${i}`
  taken.add(out)
  return out
}

function jsonCopy(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? null))
}

/** A learned example as JSON: binary → base64 text, undefined/NaN/Infinity → null, bigint → string. */
function toJsonExample(v: unknown, depth: number): unknown {
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v)))
    return null
  if (typeof v === 'bigint')
    return v.toString()
  if (v === null || typeof v !== 'object')
    return typeof v === 'function' || typeof v === 'symbol' ? null : v
  if (isBinary(v))
    return base64(toBytes(v))
  if (v instanceof Date)
    return v.toISOString()
  if (depth > 32)
    return null
  if (Array.isArray(v))
    return v.map(x => toJsonExample(x, depth + 1))
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
  if (keys.length === 1 && keys[0] === '$binary' && typeof o.$binary === 'string')
    return o.$binary
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = toJsonExample(o[k], depth + 1)
  return out
}

function base64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}
