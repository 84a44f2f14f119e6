import type { EntryTruncation, LogEntry } from '../types'
import { formatBytes, isBinary, toBytes } from '../log/preview'

/**
 * Value encoding, shared by capture files (writer.ts, reader.ts) and the relay's wire (relay/wire.ts): JSON
 * text in which values JSON cannot hold are tagged objects with a `$t` key.
 *
 * | value | tag |
 * |---|---|
 * | binary (Buffer, ArrayBuffer, typed arrays) | `{"$t":"bin","b64":"…"}` (comes back as `Uint8Array`) |
 * | `undefined` (a payload value) | `{"$t":"undef"}` |
 * | `NaN`, `Infinity`, `-Infinity`, `-0` | `{"$t":"num","v":"NaN"}` … |
 * | `Date` | `{"$t":"date","v":"2024-01-01T00:00:00.000Z"}` (`v: null` for an invalid date) |
 * | `BigInt` | `{"$t":"bigint","v":"123"}` |
 * | `Error` | `{"$t":"error","name":"…","message":"…","stack":"…"}` |
 * | a user object that has its own `$t` key | `{"$t":"obj","v":[["$t", …], [key, value], …]}` |
 * | a value nested deeper than JSON.stringify can walk (~2,000 levels): cut at `MAX_ENCODE_DEPTH` | `{"$t":"deep","depth":199001}` (the levels that were cut; comes back as the same placeholder object) |
 *
 * An optional field of an entry or a session that is not set is written absent, not as `{"$t":"undef"}`
 * (`encodeEntry`, `encodeRecords`): `undefined` there means "no value", while inside a payload (`args`,
 * `data`) it is a value the app sent. Files written before that (`"socketId":{"$t":"undef"}`) still read.
 * An entry that could not be written whole says so in its `truncated` field (`EntryTruncation`).
 */

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
 * While `encodeEntry` or `encodeRecords` runs: the entry whose own `undefined` fields are left out, or
 * `true` for every object of a header (sessions and their records hold state, never payloads). Outside
 * them (`taggedReplacer` handed to JSON.stringify directly) every `undefined` is tagged, as before.
 */
let bareRoot: object | undefined
let bareObjects = false

/** `JSON.stringify(value, taggedReplacer)` with `root`'s own unset fields absent (see `bareRoot`). */
function stringifyEntry(root: object): string {
  const before = bareRoot
  bareRoot = root
  try {
    return JSON.stringify(root, taggedReplacer)
  }
  finally {
    bareRoot = before
  }
}

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
      // An entry's or a session's own unset field: absent (JSON.stringify leaves out what a replacer maps to
      // undefined). Anywhere else (a payload, an array element): the value itself, tagged.
      return this === bareRoot || (bareObjects && !Array.isArray(this)) ? undefined : UNDEF
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
 * `truncated: { reason: 'unencodable', message }`. The entry's own unset fields (`correlationId: undefined`)
 * are left out; `undefined` inside its payload is tagged. Shared by the export and the relay's wire.
 * @example encodeEntry(entry, { maxChars: 16 * 2 ** 20 })
 */
export function encodeEntry(entry: LogEntry, options: EncodeEntryOptions = {}): string {
  const maxChars = options.maxChars ?? Number.POSITIVE_INFINITY
  let text: string
  try {
    text = stringifyEntry(entry)
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
      text = stringifyEntry(cut)
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
    return stringifyEntry(truncatedEntry(entry, truncated))
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

/** Undo the tags of `taggedReplacer`, in place, iteratively (no recursion: any depth). Throws on a bad tag. */
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

/**
 * A header object (a capture's envelope and its sessions: state, not payloads) → tagged JSON text in which
 * every object's unset fields are absent (`undefined` elements of arrays stay tagged). Bounded as entries
 * are: too deep for JSON.stringify → cut at `MAX_ENCODE_DEPTH`. Throws only on a cycle or a throwing getter.
 * @example encodeRecords({ id: 's1', socketId: undefined }) // '{"id":"s1"}'
 */
export function encodeRecords(value: unknown): string {
  const before = bareObjects
  bareObjects = true
  try {
    return JSON.stringify(value, taggedReplacer)
  }
  catch (err) {
    if (!isTooDeep(err))
      throw err
    return JSON.stringify(cutDeep(value), taggedReplacer)
  }
  finally {
    bareObjects = before
  }
}

/**
 * Any value → tagged JSON text (every `undefined` tagged, so it survives as one): the relay's wire for
 * snapshots and emit arguments, the CLI's printed acks. Throws only on cycles.
 * @example encodeTagged([new Uint8Array([1]), undefined]) // '[{"$t":"bin","b64":"AQ=="},{"$t":"undef"}]'
 */
export function encodeTagged(value: unknown): string {
  return JSON.stringify(value, taggedReplacer)
}

/**
 * Tagged JSON text → the value, tags revived (binary comes back as `Uint8Array`). Throws on text that is
 * not JSON or holds a bad tag.
 * @example decodeTagged('[{"$t":"num","v":"NaN"}]') // [NaN]
 */
export function decodeTagged(text: string): unknown {
  return reviveTagged(JSON.parse(text))
}
