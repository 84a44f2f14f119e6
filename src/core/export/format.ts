import type { EntryTruncation, LogEntry, LogEntryKind, SessionSnapshot, SessionStatus, TransportName } from '../types'
import { formatBytes, isBinary, toBytes } from '../log/preview'

/**
 * Capture files: a versioned envelope `{ format: 'sio-inspector', version: 1, exportedAt, entryCount,
 * sessions, entries }`, or NDJSON (a header line with the same fields but `layout: 'ndjson'`, then one entry
 * per line). Values JSON cannot hold are tagged objects with a `$t` key:
 *
 * | value | tag |
 * |---|---|
 * | binary (Buffer, ArrayBuffer, typed arrays) | `{"$t":"bin","b64":"…"}` (comes back as `Uint8Array`) |
 * | `undefined` | `{"$t":"undef"}` |
 * | `NaN`, `Infinity`, `-Infinity`, `-0` | `{"$t":"num","v":"NaN"}` … |
 * | `Date` | `{"$t":"date","v":"2024-01-01T00:00:00.000Z"}` (`v: null` for an invalid date) |
 * | `BigInt` | `{"$t":"bigint","v":"123"}` |
 * | `Error` | `{"$t":"error","name":"…","message":"…","stack":"…"}` |
 * | a user object that has its own `$t` key | `{"$t":"obj","v":[["$t", …], [key, value], …]}` |
 * | a value nested deeper than JSON.stringify can walk (~2,000 levels): cut at `MAX_ENCODE_DEPTH` | `{"$t":"deep","depth":199001}` (the levels that were cut; comes back as the same placeholder object) |
 *
 * An entry that could not be written whole says so in its `truncated` field (`EntryTruncation`).
 */
export const CAPTURE_FORMAT = 'sio-inspector'
export const CAPTURE_VERSION = 1

export interface CaptureHeader {
  format: typeof CAPTURE_FORMAT
  version: number
  layout?: 'json' | 'ndjson'
  exportedAt: string
  entryCount: number
  sessions: SessionSnapshot[]
}

export type ImportResult
  = | { ok: true, sessions: SessionSnapshot[], entries: LogEntry[] }
    | { ok: false, error: string }

// ------------------------------------------------------------------ base64

const hasBuffer = typeof (globalThis as { Buffer?: unknown }).Buffer === 'function'

function bytesToBase64(bytes: Uint8Array): string {
  if (hasBuffer)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  return btoa(bin)
}

function base64ToBytes(b64: string): Uint8Array {
  if (!/^[A-Z0-9+/]*={0,2}$/i.test(b64) || b64.length % 4 === 1)
    throw new Error('invalid base64')
  if (hasBuffer) {
    const buf = Buffer.from(b64, 'base64')
    return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
  }
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

// ------------------------------------------------------------------ encode

/**
 * Levels of nesting an entry keeps when JSON.stringify cannot walk it (its recursion overflows the stack at
 * about 2,000 levels of arrays): deeper values become `{ $t: 'deep', depth }` placeholders. Values that
 * JSON.stringify can walk are written whole.
 */
export const MAX_ENCODE_DEPTH = 1000

/** What stands for a value that was nested too deep to write: `depth` levels were cut. */
export interface DeepPlaceholder { readonly $t: 'deep', readonly depth: number }

/** Placeholders made here (cut or revived): written back as `deep` tags, not as user objects with a `$t`. */
const PLACEHOLDERS = new WeakSet<object>()

function deepPlaceholder(depth: number): DeepPlaceholder {
  const p: DeepPlaceholder = Object.freeze({ $t: 'deep', depth })
  PLACEHOLDERS.add(p)
  return p
}

/**
 * Whether `v` is the placeholder of a value that was nested too deep to write (`{ $t: 'deep', depth }`).
 * @example isDeepPlaceholder(importCapture(text).entries[0].args[0]) // true for a cut value
 */
export function isDeepPlaceholder(v: unknown): v is DeepPlaceholder {
  return typeof v === 'object' && v !== null && PLACEHOLDERS.has(v)
}

const UNDEF = Object.freeze({ $t: 'undef' })

/**
 * JSON.stringify replacer: reads the raw value (`this[key]`, before `toJSON`) and tags what JSON can't hold.
 * Exported for the relay's wire format (relay/wire.ts), which uses the same tags.
 * JSON.stringify does the walking (native; it overflows the stack at ~2,000 levels of arrays: `encodeEntry`
 * then writes a copy cut at `MAX_ENCODE_DEPTH`, see `cutDeep`).
 */
export function taggedReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key]
  switch (typeof raw) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return UNDEF
    case 'number':
      if (Number.isNaN(raw))
        return { $t: 'num', v: 'NaN' }
      if (raw === Infinity)
        return { $t: 'num', v: 'Infinity' }
      if (raw === -Infinity)
        return { $t: 'num', v: '-Infinity' }
      if (Object.is(raw, -0))
        return { $t: 'num', v: '-0' }
      return raw
    case 'bigint':
      return { $t: 'bigint', v: raw.toString() }
    case 'object':
      if (raw === null)
        return null
      if (isBinary(raw))
        return { $t: 'bin', b64: bytesToBase64(toBytes(raw)) }
      if (raw instanceof Date)
        return { $t: 'date', v: Number.isNaN(raw.getTime()) ? null : raw.toISOString() }
      if (raw instanceof Error) {
        const out: Record<string, unknown> = { $t: 'error', name: raw.name, message: raw.message }
        if (typeof raw.stack === 'string')
          out.stack = raw.stack
        return out
      }
      // Our own placeholder is written as its tag; a user object with a `$t` key is escaped.
      if (PLACEHOLDERS.has(raw))
        return raw
      if (!Array.isArray(raw) && Object.prototype.hasOwnProperty.call(raw, '$t'))
        return { $t: 'obj', v: Object.entries(raw) }
      return value === raw ? raw : value
  }
  return value
}

/** What JSON walks into (binary, dates, errors, maps and sets are written as one value). */
function isWalked(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !isBinary(v) && !(v instanceof Date) && !(v instanceof Error)
    && !(v instanceof Map) && !(v instanceof Set) && !PLACEHOLDERS.has(v)
}

/** Levels of nesting of `root` (1 for a flat array), iteratively; each object counted once (cycles end). */
function nestingOf(root: object): number {
  let deepest = 0
  const seen = new WeakSet<object>()
  const stack: [object, number][] = [[root, 1]]
  while (stack.length > 0) {
    const [v, d] = stack.pop()!
    if (seen.has(v))
      continue
    seen.add(v)
    if (d > deepest)
      deepest = d
    for (const k of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[k]
      if (isWalked(child))
        stack.push([child, d + 1])
    }
  }
  return deepest
}

/**
 * A copy of `value` in which every array or object nested deeper than `maxDepth` levels is replaced by a
 * `{ $t: 'deep', depth }` placeholder (iterative: any depth). Leaves (binary, dates, errors) are shared.
 * @example cutDeep([[[1]]], 2) // [[{ $t: 'deep', depth: 1 }]]
 */
export function cutDeep(value: unknown, maxDepth = MAX_ENCODE_DEPTH): unknown {
  if (!isWalked(value))
    return value
  const box: Record<string, unknown> = {}
  const stack: [unknown, Record<string | number, unknown>, string | number, number][] = [[value, box, 'v', 0]]
  while (stack.length > 0) {
    const [src, parent, key, depth] = stack.pop()!
    if (!isWalked(src)) {
      setOwn(parent, key, src)
      continue
    }
    if (depth >= maxDepth) {
      setOwn(parent, key, deepPlaceholder(nestingOf(src)))
      continue
    }
    const isArray = Array.isArray(src)
    const copy = (isArray ? Array.from({ length: src.length }) : {}) as Record<string | number, unknown>
    setOwn(parent, key, copy)
    const keys = Object.keys(src)
    // Keys in their order (the stack fills them last first).
    if (!isArray) {
      for (const k of keys) setOwn(copy, k, undefined)
    }
    for (const k of keys) stack.push([(src as Record<string, unknown>)[k], copy, isArray ? Number(k) : k, depth + 1])
  }
  return box.v
}

/** Fields that hold a payload (left out of an entry too large to write; see `truncatedEntry`). */
const PAYLOAD_FIELDS: Record<string, unknown> = { args: [], data: undefined, description: undefined }
/** Longest string field kept in a truncated entry (a name, a message). */
const TRUNCATED_STRING_CHARS = 4096

/**
 * The entry without its payload, marked `truncated` with why and how big it was: `args` empty, `data`
 * and `description` left out, long strings cut. Still a valid entry of its kind.
 * @example truncatedEntry(hugeEvent, { reason: 'size', size: 35_651_584 }) // { …, args: [], truncated: { reason: 'size', size: 35651584 } }
 */
export function truncatedEntry(entry: LogEntry, truncated: EntryTruncation): LogEntry {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(entry)) {
    if (Object.prototype.hasOwnProperty.call(PAYLOAD_FIELDS, k))
      out[k] = PAYLOAD_FIELDS[k]
    else if (typeof v === 'string' && v.length > TRUNCATED_STRING_CHARS)
      out[k] = `${v.slice(0, TRUNCATED_STRING_CHARS)}…`
    else if (isWalked(v))
      continue
    else out[k] = v
  }
  out.truncated = truncated
  return out as unknown as LogEntry
}

/**
 * One line that says what a `truncated` entry is missing, for a row or a detail view.
 * @example describeTruncation({ reason: 'size', size: 35_880_000 }) // 'truncated: 34.2 MB (payload left out)'
 */
export function describeTruncation(t: EntryTruncation): string {
  switch (t.reason) {
    case 'size':
      return `truncated: ${t.size !== undefined ? formatBytes(t.size) : 'too large'} (payload left out)`
    case 'depth':
      return `truncated: nested deeper than ${(t.maxDepth ?? MAX_ENCODE_DEPTH).toLocaleString('en-US')} levels (cut values: {$t: "deep"})`
    case 'unencodable':
      return `truncated: could not be encoded${t.message ? ` (${t.message.slice(0, 200)})` : ''}`
  }
}

/** V8's JSON.stringify recurses per level: a value too deep for the stack throws this RangeError. */
function isTooDeep(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message)
}

/** Written whole, or (too deep to walk) cut at `MAX_ENCODE_DEPTH` levels; throws on anything else (a cycle). */
function stringifyBounded(value: unknown): { text: string, cut: boolean } {
  try {
    return { text: JSON.stringify(value, taggedReplacer), cut: false }
  }
  catch (err) {
    if (!isTooDeep(err))
      throw err
    return { text: JSON.stringify(cutDeep(value), taggedReplacer), cut: true }
  }
}

export interface EncodeEntryOptions {
  /**
   * Longest encoded entry (characters): a longer one is written without its payload, marked
   * `truncated: { reason: 'size', size }`. @default Infinity (the export writes everything)
   */
  maxChars?: number
}

/**
 * One entry → tagged JSON text, never throws: written whole; too deep for JSON.stringify → values below
 * `MAX_ENCODE_DEPTH` levels become `{ $t: 'deep' }` placeholders, marked `truncated: { reason: 'depth' }`;
 * longer than `maxChars` → its payload is left out, marked `truncated: { reason: 'size', size }`;
 * anything else (a cycle, a throwing getter) → its payload is left out, marked
 * `truncated: { reason: 'unencodable', message }`. Shared by the export and the relay's wire.
 * @example encodeEntry(entry, { maxChars: 16 * 2 ** 20 })
 */
export function encodeEntry(entry: LogEntry, options: EncodeEntryOptions = {}): string {
  const maxChars = options.maxChars ?? Number.POSITIVE_INFINITY
  let text: string
  try {
    text = JSON.stringify(entry, taggedReplacer)
  }
  catch (err) {
    if (!isTooDeep(err)) {
      // A result longer than a string can be (V8: ~512 M characters) is a size problem; the rest, unencodable.
      return stringifyTruncated(entry, err instanceof RangeError
        ? { reason: 'size', message: errorMessage(err) }
        : { reason: 'unencodable', message: errorMessage(err) })
    }
    try {
      const cut = cutDeep(entry) as Record<string, unknown>
      cut.truncated = { reason: 'depth', maxDepth: MAX_ENCODE_DEPTH } satisfies EntryTruncation
      text = JSON.stringify(cut, taggedReplacer)
    }
    catch (err2) {
      return stringifyTruncated(entry, { reason: 'unencodable', message: errorMessage(err2) })
    }
  }
  if (text.length > maxChars)
    return stringifyTruncated(entry, { reason: 'size', size: text.length })
  return text
}

function stringifyTruncated(entry: LogEntry, truncated: EntryTruncation): string {
  try {
    return JSON.stringify(truncatedEntry(entry, truncated), taggedReplacer)
  }
  catch (err) {
    // Not even the header could be written (a getter that throws): a note in its place, in the same session.
    const e = entry as Partial<LogEntry>
    return JSON.stringify({
      id: typeof e.id === 'number' ? e.id : 0,
      kind: 'note',
      level: 'error',
      message: `an entry could not be written: ${errorMessage(err)}`,
      sessionId: typeof e.sessionId === 'string' ? e.sessionId : '',
      time: typeof e.time === 'number' && Number.isFinite(e.time) ? e.time : Date.now(),
      mono: typeof e.mono === 'number' && Number.isFinite(e.mono) ? e.mono : 0,
      direction: 'local',
      truncated: { reason: 'unencodable', message: errorMessage(err) },
    })
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** The header: small, but bounded the same way (a session's fields are data too). */
function stringifyTagged(value: unknown): string {
  try {
    return stringifyBounded(value).text
  }
  catch (err) {
    throw new Error(`cannot export: ${errorMessage(err)}`)
  }
}

function header(entryCount: number, sessions: SessionSnapshot[], layout: 'json' | 'ndjson'): CaptureHeader {
  return { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, layout, exportedAt: new Date().toISOString(), entryCount, sessions }
}

/**
 * Export entries (and the sessions they belong to) as one JSON document, one entry per line.
 * @example
 * const text = exportLog(inspector.log, inspector.list().map(s => s.snapshot()))
 * await fs.writeFile('capture.sio.json', text)
 */
export function exportLog(entries: Iterable<LogEntry>, sessions: SessionSnapshot[]): string {
  const lines: string[] = []
  for (const e of entries) lines.push(encodeEntry(e))
  const head = stringifyTagged(header(lines.length, sessions, 'json'))
  // `{…header…,"entries":[` + entries + `]}`: the header object minus its closing brace.
  return `${head.slice(0, -1)},"entries":[\n${lines.join(',\n')}\n]}\n`
}

/**
 * Export as NDJSON: a header line, then one entry per line (streams well, survives partial writes).
 * @example exportNdjson(log, sessions).split('\n')[0] // '{"format":"sio-inspector","version":1,"layout":"ndjson",…}'
 */
export function exportNdjson(entries: Iterable<LogEntry>, sessions: SessionSnapshot[]): string {
  const lines: string[] = []
  for (const e of entries) lines.push(encodeEntry(e))
  return `${stringifyTagged(header(lines.length, sessions, 'ndjson'))}\n${lines.join('\n')}${lines.length ? '\n' : ''}`
}

// ------------------------------------------------------------------ decode

function setOwn(target: any, key: string | number, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else
    target[key] = value
}

const ERROR_TYPES: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
}

function decodeTag(v: Record<string, unknown>): { value: unknown, children?: object } {
  switch (v.$t) {
    case 'undef':
      return { value: undefined }
    case 'num':
      switch (v.v) {
        case 'NaN': return { value: Number.NaN }
        case 'Infinity': return { value: Infinity }
        case '-Infinity': return { value: -Infinity }
        case '-0': return { value: -0 }
      }
      throw new Error(`bad number tag ${JSON.stringify(v.v)}`)
    case 'bigint':
      if (typeof v.v !== 'string' || !/^-?\d+$/.test(v.v))
        throw new Error('bad bigint tag')
      return { value: BigInt(v.v) }
    case 'bin':
      if (typeof v.b64 !== 'string')
        throw new Error('bad binary tag')
      return { value: base64ToBytes(v.b64) }
    case 'date':
      if (v.v !== null && typeof v.v !== 'string')
        throw new Error('bad date tag')
      return { value: new Date(v.v === null ? Number.NaN : v.v) }
    case 'error': {
      const message = typeof v.message === 'string' ? v.message : ''
      const Ctor = typeof v.name === 'string' && Object.prototype.hasOwnProperty.call(ERROR_TYPES, v.name) ? ERROR_TYPES[v.name] : Error
      const err = new Ctor(message)
      if (typeof v.name === 'string' && err.name !== v.name)
        err.name = v.name
      if (typeof v.stack === 'string')
        err.stack = v.stack
      else
        delete err.stack
      return { value: err }
    }
    case 'deep':
      if (typeof v.depth !== 'number' || !Number.isInteger(v.depth) || v.depth < 0)
        throw new Error('bad deep tag')
      return { value: deepPlaceholder(v.depth) }
    case 'obj': {
      if (!Array.isArray(v.v))
        throw new Error('bad object tag')
      const o: Record<string, unknown> = {}
      for (const pair of v.v) {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string')
          throw new Error('bad object tag entry')
        setOwn(o, pair[0], pair[1])
      }
      return { value: o, children: o }
    }
  }
  throw new Error(`unknown tag ${JSON.stringify(v.$t)}`)
}

/** Undo the tags of `stringifyTagged`, in place, iteratively (no recursion: any depth). */
export function reviveTagged(root: unknown): unknown {
  const box: Record<string, unknown> = { v: root }
  const stack: [any, string | number][] = [[box, 'v']]
  while (stack.length > 0) {
    const [parent, key] = stack.pop()!
    const v = parent[key]
    if (v === null || typeof v !== 'object')
      continue
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v, i])
      continue
    }
    if (typeof (v as { $t?: unknown }).$t === 'string') {
      const { value, children } = decodeTag(v as Record<string, unknown>)
      setOwn(parent, key, value)
      if (children) {
        for (const k of Object.keys(children)) stack.push([children, k])
      }
      continue
    }
    for (const k of Object.keys(v)) stack.push([v, k])
  }
  return box.v
}

// ------------------------------------------------------------------ validation

type Check = 'string' | 'number' | 'boolean' | 'array' | 'string?' | 'number?' | 'boolean?' | 'any' | 'data'

const COMMON: Record<string, Check> = { id: 'number', sessionId: 'string', time: 'number', mono: 'number', direction: 'string' }

const KIND_FIELDS: Record<LogEntryKind, Record<string, Check>> = {
  connecting: { url: 'string', namespace: 'string' },
  connect: { socketId: 'string', engineId: 'string?', transport: 'string?', recovered: 'boolean', stateRecovery: 'boolean?' },
  connect_error: { message: 'string', data: 'any', description: 'any', willRetry: 'boolean' },
  disconnect: { socketId: 'string?', reason: 'string', explanation: 'string', willReconnect: 'boolean', description: 'any' },
  reconnect_attempt: { attempt: 'number' },
  reconnect_error: { message: 'string' },
  reconnect: { attempt: 'number' },
  reconnect_failed: {},
  upgrading: { transport: 'string?', message: 'string?' },
  upgrade: { transport: 'string?', message: 'string?' },
  upgrade_error: { transport: 'string?', message: 'string?' },
  event: { name: 'string', args: 'array', correlationId: 'string?', volatile: 'boolean?', compress: 'boolean?', recoveryOffset: 'string?', bytes: 'number' },
  ack: { correlationId: 'string', name: 'string', args: 'array', latencyMs: 'number', timedOut: 'boolean', error: 'string?', bytes: 'number' },
  frame: { transport: 'string?', engineType: 'string', data: 'data', size: 'number', bytes: 'number', protocol: 'number', probe: 'boolean?' },
  note: { level: 'string', message: 'string' },
}

const DIRECTIONS = new Set(['in', 'out', 'local'])
const ENGINE_TYPES = new Set(['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop', 'error'])
const TRANSPORTS = new Set<string>(['polling', 'websocket', 'webtransport'] satisfies TransportName[])
const STATUSES = new Set<string>(['idle', 'connecting', 'connected', 'disconnected', 'reconnecting'] satisfies SessionStatus[])
const NOTE_LEVELS = new Set(['info', 'warn', 'error'])
const TRUNCATION_REASONS = new Set<string>(['depth', 'size', 'unencodable'] satisfies EntryTruncation['reason'][])
/** Kinds whose entries crossed the wire: `in` or `out`, never `local`. */
const WIRE_KINDS = new Set<string>(['event', 'ack', 'frame'])

function checkField(value: unknown, check: Check): boolean {
  switch (check) {
    case 'string': return typeof value === 'string'
    case 'number': return typeof value === 'number'
    case 'boolean': return typeof value === 'boolean'
    case 'array': return Array.isArray(value)
    case 'string?': return value === undefined || typeof value === 'string'
    case 'number?': return value === undefined || typeof value === 'number'
    case 'boolean?': return value === undefined || typeof value === 'boolean'
    case 'data': return value === undefined || typeof value === 'string' || value instanceof Uint8Array
    case 'any': return true
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

/** Why a `truncated` mark is not one, or undefined. */
function truncationProblem(t: unknown): string | undefined {
  if (t === undefined)
    return undefined
  if (!isRecord(t))
    return 'truncated must be an object or absent'
  if (!TRUNCATION_REASONS.has(t.reason as string))
    return `truncated.reason must be one of ${[...TRUNCATION_REASONS].join(', ')}`
  for (const f of ['size', 'maxDepth'] as const) {
    if (t[f] !== undefined && !(typeof t[f] === 'number' && Number.isFinite(t[f]) && t[f] >= 0))
      return `truncated.${f} must be a number or absent`
  }
  if (t.message !== undefined && typeof t.message !== 'string')
    return 'truncated.message must be a string or absent'
  return undefined
}

/** Why `e` is not a valid entry, or undefined when it is. */
function entryProblem(e: unknown): string | undefined {
  if (!isRecord(e))
    return 'not an object'
  const r = e
  if (typeof r.kind !== 'string')
    return 'missing kind'
  if (!Object.prototype.hasOwnProperty.call(KIND_FIELDS, r.kind))
    return `unknown kind '${r.kind.slice(0, 40)}'`
  for (const [field, check] of Object.entries(COMMON)) {
    if (!checkField(r[field], check))
      return `${field} must be a ${check}`
  }
  // Times order the log and measure latencies: NaN or Infinity would scramble both.
  for (const field of ['id', 'time', 'mono'] as const) {
    if (!Number.isFinite(r[field]))
      return `${field} must be a finite number`
  }
  if (!DIRECTIONS.has(r.direction as string))
    return `invalid direction '${String(r.direction).slice(0, 40)}'`
  if (WIRE_KINDS.has(r.kind) && r.direction === 'local')
    return `${r.kind}.direction must be 'in' or 'out'`
  for (const [field, check] of Object.entries(KIND_FIELDS[r.kind as LogEntryKind])) {
    if (!checkField(r[field], check))
      return `${r.kind}.${field} must be ${check.endsWith('?') ? `a ${check.slice(0, -1)} or absent` : check === 'data' ? 'text or bytes' : `a ${check}`}`
  }
  if (r.kind === 'frame') {
    if (!ENGINE_TYPES.has(r.engineType as string))
      return `unknown engine packet type '${String(r.engineType).slice(0, 40)}'`
    if (r.protocol !== 3 && r.protocol !== 4)
      return 'frame.protocol must be 3 or 4'
    if (r.probe !== undefined && typeof r.probe !== 'boolean')
      return 'frame.probe must be a boolean or absent'
  }
  if (r.kind === 'note' && !NOTE_LEVELS.has(r.level as string))
    return `note.level must be one of ${[...NOTE_LEVELS].join(', ')}`
  if (r.transport !== undefined && !TRANSPORTS.has(r.transport as string))
    return `${r.kind}.transport must be one of ${[...TRANSPORTS].join(', ')} or absent`
  return truncationProblem(r.truncated)
}

type FieldCheck = Check | 'transport?' | 'status'

/** The fields of a session snapshot an import keeps (the others are reset: read-only, no pending acks). */
const SESSION_FIELDS: Record<string, FieldCheck> = {
  id: 'string',
  label: 'string?',
  url: 'string',
  namespace: 'string',
  status: 'status',
  readonly: 'boolean?',
  socketId: 'string?',
  engineId: 'string?',
  transport: 'transport?',
  reconnectAttempt: 'number?',
  lastError: 'string?',
}

/** One `idHistory` record (`SocketIdRecord`). */
const ID_RECORD_FIELDS: Record<string, FieldCheck> = {
  socketId: 'string',
  engineId: 'string?',
  transport: 'transport?',
  recovered: 'boolean?',
  connectedAt: 'number',
  disconnectedAt: 'number?',
  reason: 'string?',
  explanation: 'string?',
}

/** `path` + why the field is not what `check` wants, or undefined. */
function fieldProblem(value: unknown, check: FieldCheck, path: string): string | undefined {
  switch (check) {
    case 'status':
      return STATUSES.has(value as string) ? undefined : `${path} must be one of ${[...STATUSES].join(', ')}`
    case 'transport?':
      return value === undefined || TRANSPORTS.has(value as string) ? undefined : `${path} must be one of ${[...TRANSPORTS].join(', ')} or absent`
    case 'number':
    case 'number?':
      if (value === undefined && check === 'number?')
        return undefined
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${path} must be a finite number${check === 'number?' ? ' or absent' : ''}`
    default:
      return checkField(value, check) ? undefined : `${path} must be ${check.endsWith('?') ? `a ${check.slice(0, -1)} or absent` : `a ${check}`}`
  }
}

function recordProblem(r: unknown, fields: Record<string, FieldCheck>, path: string): string | undefined {
  if (!isRecord(r))
    return `${path} must be an object`
  for (const [field, check] of Object.entries(fields)) {
    const p = fieldProblem(r[field], check, `${path}.${field}`)
    if (p)
      return p
  }
  return undefined
}

/** Why session `i` of the header is not a snapshot, naming the field (`sessions[0].idHistory[0] must be an object`). */
function sessionProblem(s: unknown, i: number): string | undefined {
  const path = `sessions[${i}]`
  const p = recordProblem(s, SESSION_FIELDS, path)
  if (p)
    return p
  const r = s as Record<string, unknown>
  if (r.idHistory !== undefined) {
    if (!Array.isArray(r.idHistory))
      return `${path}.idHistory must be an array or absent`
    for (let k = 0; k < r.idHistory.length; k++) {
      const q = recordProblem(r.idHistory[k], ID_RECORD_FIELDS, `${path}.idHistory[${k}]`)
      if (q)
        return q
    }
  }
  if (r.pendingServerAcks !== undefined && !Array.isArray(r.pendingServerAcks))
    return `${path}.pendingServerAcks must be an array or absent`
  return undefined
}

/** Why the header's own fields are wrong (the version is checked before), or undefined. */
function headerProblem(h: Record<string, unknown>): string | undefined {
  if (h.layout !== undefined && h.layout !== 'json' && h.layout !== 'ndjson')
    return 'damaged: the header\'s layout must be "json" or "ndjson"'
  if (h.exportedAt !== undefined && typeof h.exportedAt !== 'string')
    return 'damaged: the header\'s exportedAt must be a string'
  if (h.entryCount !== undefined && !(Number.isInteger(h.entryCount) && (h.entryCount as number) >= 0))
    return 'damaged: the header\'s entryCount must be a whole number'
  return undefined
}

/** A validated snapshot (see `sessionProblem`) → a read-only one. */
function normaliseSession(raw: Record<string, unknown>): SessionSnapshot {
  const history = Array.isArray(raw.idHistory) ? raw.idHistory as Record<string, unknown>[] : []
  return {
    id: raw.id as string,
    label: typeof raw.label === 'string' ? raw.label : raw.namespace as string,
    url: raw.url as string,
    namespace: raw.namespace as string,
    status: raw.status as SessionSnapshot['status'],
    readonly: true,
    socketId: typeof raw.socketId === 'string' ? raw.socketId : undefined,
    engineId: typeof raw.engineId === 'string' ? raw.engineId : undefined,
    transport: typeof raw.transport === 'string' ? raw.transport as SessionSnapshot['transport'] : undefined,
    reconnectAttempt: typeof raw.reconnectAttempt === 'number' ? raw.reconnectAttempt : 0,
    lastError: typeof raw.lastError === 'string' ? raw.lastError : undefined,
    // Only the record's own fields (an import keeps nothing it did not check).
    idHistory: history.map(h => ({
      socketId: h.socketId as string,
      engineId: h.engineId as string | undefined,
      transport: h.transport as TransportName | undefined,
      recovered: h.recovered === true,
      connectedAt: h.connectedAt as number,
      ...(h.disconnectedAt !== undefined ? { disconnectedAt: h.disconnectedAt as number } : {}),
      ...(h.reason !== undefined ? { reason: h.reason as string } : {}),
      ...(h.explanation !== undefined ? { explanation: h.explanation as string } : {}),
    })),
    pendingServerAcks: [],
  }
}

function lineOfPosition(text: string, pos: number): number {
  let line = 1
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10)
      line++
  }
  return line
}

function countLines(text: string): number {
  return lineOfPosition(text, text.length)
}

/** Where JSON.parse failed: 'truncated at line N' or 'damaged at line N (…)'. */
function jsonFailure(text: string, err: unknown, lineOffset = 0): string {
  const msg = err instanceof Error ? err.message : String(err)
  if (/end of (?:JSON )?input|Unterminated string/i.test(msg))
    return `truncated at line ${lineOffset + countLines(text.trimEnd())}`
  const m = /position (\d+)/.exec(msg)
  const line = m ? lineOffset + lineOfPosition(text, Number(m[1])) : lineOffset + 1
  return `damaged at line ${line} (${msg})`
}

function isOurHeader(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && (v as { format?: unknown }).format === CAPTURE_FORMAT
}

const NOT_OURS = 'not a Socket.IO Inspector export'

/**
 * Read a capture written by `exportLog` or `exportNdjson`. Validates every entry; never throws.
 * Sessions come back as read-only snapshots (`readonly: true`, no pending acks); entries keep their ids.
 * @example
 * const r = importCapture(text)
 * if (!r.ok) alert(r.error) // e.g. 'entry 17: unknown kind \'x\''
 */
export function importCapture(text: string, opts: { maxBytes?: number } = {}): ImportResult {
  try {
    return importUnsafe(text, opts)
  }
  catch (err) {
    return { ok: false, error: `cannot read the file: ${err instanceof Error ? err.message : String(err)}` }
  }
}

function importUnsafe(text: string, opts: { maxBytes?: number }): ImportResult {
  if (typeof text !== 'string')
    return { ok: false, error: NOT_OURS }
  if (opts.maxBytes !== undefined && text.length > opts.maxBytes)
    return { ok: false, error: `file too large (${text.length} characters, the limit is ${opts.maxBytes})` }
  const body = text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text
  if (body.trim() === '')
    return { ok: false, error: `empty file: ${NOT_OURS}` }
  if (body.trimStart()[0] !== '{')
    return { ok: false, error: NOT_OURS }

  let headerRaw: Record<string, unknown>
  let rawEntries: unknown[]
  const firstNl = body.indexOf('\n')
  const firstLine = firstNl < 0 ? body : body.slice(0, firstNl)
  let first: unknown
  try {
    first = JSON.parse(firstLine)
  }
  catch {}

  if (isOurHeader(first) && headerProblem(first))
    return { ok: false, error: versionProblem(first) ?? headerProblem(first)! }
  if (isOurHeader(first) && first.layout === 'ndjson') {
    headerRaw = first
    const v = versionProblem(headerRaw)
    if (v)
      return { ok: false, error: v }
    rawEntries = []
    const lines = body.split('\n')
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i].trim()
      if (line === '')
        continue
      try {
        rawEntries.push(JSON.parse(line))
      }
      catch (err) {
        const isLast = lines.slice(i + 1).every(l => l.trim() === '')
        return { ok: false, error: isLast ? `truncated at line ${i + 1}` : `line ${i + 1}: invalid JSON (${err instanceof Error ? err.message : String(err)})` }
      }
    }
    if (typeof headerRaw.entryCount === 'number' && rawEntries.length < headerRaw.entryCount) {
      let lastLine = lines.length
      while (lastLine > 1 && lines[lastLine - 1].trim() === '') lastLine--
      return { ok: false, error: `truncated at line ${lastLine + 1}: ${rawEntries.length} of ${headerRaw.entryCount} entries` }
    }
  }
  else {
    let doc: unknown
    try {
      doc = JSON.parse(body)
    }
    catch (err) {
      const looksOurs = /"format"\s*:\s*"sio-inspector"/.test(body.slice(0, 200))
      return { ok: false, error: looksOurs ? jsonFailure(body, err) : NOT_OURS }
    }
    if (!isOurHeader(doc))
      return { ok: false, error: NOT_OURS }
    headerRaw = doc
    const v = versionProblem(headerRaw)
    if (v)
      return { ok: false, error: v }
    if (!Array.isArray(headerRaw.entries))
      return { ok: false, error: 'damaged: "entries" is not an array' }
    rawEntries = headerRaw.entries
    if (typeof headerRaw.entryCount === 'number' && rawEntries.length !== headerRaw.entryCount)
      return { ok: false, error: `damaged: ${rawEntries.length} entries, the header says ${headerRaw.entryCount}` }
  }

  const read = readSessions(headerRaw)
  if (!read.ok)
    return read
  const sessions = read.sessions
  const known = new Set(sessions.map(snap => snap.id))

  const entries: LogEntry[] = []
  for (let i = 0; i < rawEntries.length; i++) {
    let e: unknown
    try {
      e = reviveTagged(rawEntries[i])
    }
    catch (err) {
      return { ok: false, error: `entry ${i + 1}: ${err instanceof Error ? err.message : String(err)}` }
    }
    const p = entryProblem(e)
    if (p)
      return { ok: false, error: `entry ${i + 1}: ${p}` }
    const entry = e as LogEntry
    if (!known.has(entry.sessionId)) {
      // An entry of a session the file does not describe: give it a minimal read-only session.
      known.add(entry.sessionId)
      sessions.push(normaliseSession({ id: entry.sessionId, url: '', namespace: '/', status: 'disconnected' }))
    }
    entries.push(entry)
  }
  return { ok: true, sessions, entries }
}

// ------------------------------------------------------------------ chunked import

/** A capture being read a slice at a time (`openCapture`). */
export interface CaptureReader {
  /** Entries in the file (validated as they are read). */
  readonly total: number
  /** Entries read so far. */
  readonly read: number
  /**
   * The sessions the file describes, plus a minimal read-only one for each session id an entry refers to
   * that the file does not describe (appended as such entries are read).
   */
  readonly sessions: readonly SessionSnapshot[]
  /**
   * Read, revive and validate the next entries: at least one, then until `shouldStop()` (checked every
   * 64 entries) or the end. An invalid entry ends the reading with its error (the entries before it,
   * returned by earlier calls, are valid).
   */
  next: (shouldStop: () => boolean) => { ok: true, entries: LogEntry[], done: boolean } | { ok: false, error: string }
}

const ENTRIES_OPEN = ',"entries":['

/**
 * Open a capture for reading in slices (an import that shows its first rows before the whole file is
 * parsed). What can be checked without parsing every entry is checked here, so a truncated or cut
 * file is refused before any entry is read: the header, its version and sessions, and the line layout.
 * Files written by `exportLog` (one entry per line) and `exportNdjson` are read line by line; any other
 * layout (a re-formatted or hand-written file) is parsed whole here, all entries validated, and then
 * handed out in slices. Errors read the same as `importCapture`'s.
 * @example
 * const r = openCapture(text)
 * if (r.ok) while (true) { const s = r.reader.next(() => timeUp()); if (!s.ok || s.done) break }
 */
export function openCapture(text: string, opts: { maxBytes?: number } = {}): { ok: true, reader: CaptureReader } | { ok: false, error: string } {
  try {
    return openUnsafe(text, opts)
  }
  catch (err) {
    return { ok: false, error: `cannot read the file: ${err instanceof Error ? err.message : String(err)}` }
  }
}

function openUnsafe(text: string, opts: { maxBytes?: number }): { ok: true, reader: CaptureReader } | { ok: false, error: string } {
  if (typeof text !== 'string')
    return { ok: false, error: NOT_OURS }
  if (opts.maxBytes !== undefined && text.length > opts.maxBytes)
    return { ok: false, error: `file too large (${text.length} characters, the limit is ${opts.maxBytes})` }
  const body = text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text
  const firstNl = body.indexOf('\n')
  const firstLine = firstNl < 0 ? body : body.slice(0, firstNl)
  let header: unknown
  let layout: 'ndjson' | 'json' | undefined
  try {
    header = JSON.parse(firstLine)
    if (isOurHeader(header) && header.layout === 'ndjson')
      layout = 'ndjson'
  }
  catch {
    // exportLog's first line: the header object minus its closing brace, then `,"entries":[`.
    const trimmed = firstLine.trimEnd()
    if (trimmed.endsWith(ENTRIES_OPEN)) {
      try {
        header = JSON.parse(`${trimmed.slice(0, -ENTRIES_OPEN.length)}}`)
        if (isOurHeader(header) && header.layout !== 'ndjson')
          layout = 'json'
      }
      catch {}
    }
  }
  if (isOurHeader(header) && headerProblem(header))
    return { ok: false, error: versionProblem(header) ?? headerProblem(header)! }
  const lines = layout ? body.split('\n') : []
  const from = 1
  let to = lines.length
  if (layout === 'json') {
    // Lines 2…n-1 hold one entry each, every one but the last followed by a comma; then `]}`.
    while (to > from && lines[to - 1].trim() === '') to--
    const count = (header as Record<string, unknown>).entryCount
    if (to <= from || lines[to - 1].trim() !== ']}' || typeof count !== 'number' || count !== to - 1 - from)
      layout = undefined
    else to--
  }
  if (!layout) {
    // Any other layout: parse and validate the whole file now (atomic, as `importCapture`).
    const whole = importUnsafe(text, opts)
    if (!whole.ok)
      return whole
    return { ok: true, reader: arrayReader(whole.sessions, whole.entries) }
  }
  const headerRaw = header as Record<string, unknown>
  const v = versionProblem(headerRaw)
  if (v)
    return { ok: false, error: v }
  if (layout === 'ndjson') {
    // The sync reader reports a damaged last line before a short count: check both before reading any entry.
    let count = 0
    let lastLine = 0
    for (let i = 1; i < lines.length; i++) {
      if (lines[i].trim() !== '') {
        count++
        lastLine = i
      }
    }
    if (lastLine > 0) {
      try {
        JSON.parse(lines[lastLine])
      }
      catch {
        return { ok: false, error: `truncated at line ${lastLine + 1}` }
      }
    }
    if (typeof headerRaw.entryCount === 'number' && count < headerRaw.entryCount) {
      let last = lines.length
      while (last > 1 && lines[last - 1].trim() === '') last--
      return { ok: false, error: `truncated at line ${last + 1}: ${count} of ${headerRaw.entryCount} entries` }
    }
  }
  const sessions = readSessions(headerRaw)
  if (!sessions.ok)
    return sessions
  return { ok: true, reader: lineReader(lines, from, to, layout, sessions.sessions) }
}

function readSessions(headerRaw: Record<string, unknown>): { ok: true, sessions: SessionSnapshot[] } | { ok: false, error: string } {
  const h = headerProblem(headerRaw)
  if (h)
    return { ok: false, error: h }
  if (!Array.isArray(headerRaw.sessions))
    return { ok: false, error: 'damaged: "sessions" is not an array' }
  const sessions: SessionSnapshot[] = []
  const ids = new Set<string>()
  for (let i = 0; i < headerRaw.sessions.length; i++) {
    let s: unknown
    try {
      s = reviveTagged(headerRaw.sessions[i])
    }
    catch (err) {
      return { ok: false, error: `sessions[${i}]: ${err instanceof Error ? err.message : String(err)}` }
    }
    const p = sessionProblem(s, i)
    if (p)
      return { ok: false, error: p }
    const snap = normaliseSession(s as Record<string, unknown>)
    // Two sessions with one id would merge their entries into one tab: refuse the file instead.
    if (ids.has(snap.id))
      return { ok: false, error: `sessions[${i}].id '${snap.id.slice(0, 40)}' is used by an earlier session` }
    ids.add(snap.id)
    sessions.push(snap)
  }
  return { ok: true, sessions }
}

/** Revive and validate one parsed entry; registers a minimal session for an unknown session id. */
function checkEntry(raw: unknown, index: number, sessions: SessionSnapshot[], known: Set<string>): { ok: true, entry: LogEntry } | { ok: false, error: string } {
  let e: unknown
  try {
    e = reviveTagged(raw)
  }
  catch (err) {
    return { ok: false, error: `entry ${index + 1}: ${err instanceof Error ? err.message : String(err)}` }
  }
  const p = entryProblem(e)
  if (p)
    return { ok: false, error: `entry ${index + 1}: ${p}` }
  const entry = e as LogEntry
  if (!known.has(entry.sessionId)) {
    known.add(entry.sessionId)
    sessions.push(normaliseSession({ id: entry.sessionId, url: '', namespace: '/', status: 'disconnected' }))
  }
  return { ok: true, entry }
}

function lineReader(lines: string[], from: number, to: number, layout: 'json' | 'ndjson', sessions: SessionSnapshot[]): CaptureReader {
  const known = new Set(sessions.map(s => s.id))
  let line = from
  let read = 0
  let total = 0
  for (let i = from; i < to; i++) {
    if (layout === 'json' || lines[i].trim() !== '')
      total++
  }
  let failed: string | undefined
  return {
    total,
    get read() { return read },
    sessions,
    next(shouldStop) {
      if (failed)
        return { ok: false, error: failed }
      const entries: LogEntry[] = []
      while (line < to) {
        const i = line++
        let text = lines[i]
        if (layout === 'ndjson') {
          text = text.trim()
          if (text === '')
            continue
        }
        else if (i < to - 1) {
          // exportLog's layout: every entry line but the last ends with the array's comma.
          text = text.trimEnd()
          if (!text.endsWith(','))
            return fail(`damaged at line ${i + 1} (expected a comma after the entry)`)
          text = text.slice(0, -1)
        }
        let raw: unknown
        try {
          raw = JSON.parse(text)
        }
        catch (err) {
          const msg = err instanceof Error ? err.message : String(err)
          return fail(layout === 'ndjson' ? `line ${i + 1}: invalid JSON (${msg})` : `damaged at line ${i + 1} (${msg})`)
        }
        const checked = checkEntry(raw, read, sessions, known)
        if (!checked.ok)
          return fail(checked.error)
        entries.push(checked.entry)
        read++
        if ((read & 63) === 0 && shouldStop())
          break
      }
      return { ok: true, entries, done: line >= to }
    },
  }
  function fail(error: string): { ok: false, error: string } {
    failed = error
    lines.length = 0
    return { ok: false, error }
  }
}

function arrayReader(sessions: SessionSnapshot[], all: LogEntry[]): CaptureReader {
  let read = 0
  return {
    total: all.length,
    get read() { return read },
    sessions,
    next(shouldStop) {
      const start = read
      while (read < all.length) {
        read++
        if (((read - start) & 63) === 0 && shouldStop())
          break
      }
      return { ok: true, entries: all.slice(start, read), done: read >= all.length }
    },
  }
}

function versionProblem(h: Record<string, unknown>): string | undefined {
  if (h.version === CAPTURE_VERSION)
    return undefined
  if (typeof h.version === 'number')
    return `version ${h.version} not supported (this inspector reads version ${CAPTURE_VERSION})`
  return 'damaged: the header has no version'
}
