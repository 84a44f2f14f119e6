/**
 * Bounded, viewer-side rendering of payloads: one-line previews, binary summaries, copyable emit lines and a
 * cheap size estimate. Nothing here runs on arrival except `estimateBytes` (bounded to a few hundred nodes).
 */

/** Views and buffers that count as bytes: ArrayBuffer, SharedArrayBuffer, Buffer, typed arrays, DataView. */
export type BinaryLike = ArrayBuffer | ArrayBufferView | SharedArrayBuffer

/**
 * Whether `v` is binary data (Buffer in Node, ArrayBuffer in browsers, any typed array or DataView).
 * @example isBinary(new Uint8Array(2)) // true
 */
export function isBinary(v: unknown): v is BinaryLike {
  if (v === null || typeof v !== 'object')
    return false
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer)
    return true
  return typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer
}

/**
 * A `Uint8Array` over the same memory (no copy) for any binary value.
 * @example toBytes(Buffer.from('hi')) // Uint8Array [104, 105]
 */
export function toBytes(v: BinaryLike): Uint8Array {
  if (v instanceof Uint8Array && v.constructor === Uint8Array)
    return v
  if (ArrayBuffer.isView(v))
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  return new Uint8Array(v)
}

export interface BinaryInfo {
  byteLength: number
  /** First bytes as hex pairs separated by spaces. */
  hex: string
  /** First bytes decoded as UTF-8 (lossy: invalid sequences become U+FFFD). */
  text: string
  /** Whether `hex`/`text` cover only the beginning. */
  truncated: boolean
}

let utf8Decoder: TextDecoder | undefined

/**
 * Size and the first `maxBytes` bytes of a binary value, as hex and as lossy UTF-8 text.
 * @example binaryInfo(new Uint8Array([104, 105])) // { byteLength: 2, hex: '68 69', text: 'hi', truncated: false }
 */
export function binaryInfo(v: BinaryLike, maxBytes = 64): BinaryInfo {
  const bytes = toBytes(v)
  const head = bytes.subarray(0, Math.max(0, maxBytes))
  let hex = ''
  for (let i = 0; i < head.length; i++)
    hex += (i ? ' ' : '') + (head[i] < 16 ? '0' : '') + head[i].toString(16)
  utf8Decoder ??= new TextDecoder('utf-8', { fatal: false })
  return { byteLength: bytes.byteLength, hex, text: utf8Decoder.decode(head), truncated: head.length < bytes.length }
}

/** Binary up to this many bytes previews every byte as hex (`<4 B: 01 02 03 ab>`). */
export const BINARY_INLINE_BYTES = 64
/** Larger binary previews its first this many bytes. */
export const BINARY_HEAD_BYTES = 16

/**
 * The first `maxBytes` bytes of a binary value as hex pairs separated by spaces (no text decoding).
 * @example hexHead(new Uint8Array([1, 2, 0xab])) // '01 02 ab'
 */
export function hexHead(v: BinaryLike, maxBytes: number): string {
  const bytes = toBytes(v)
  const n = Math.min(bytes.length, Math.max(0, maxBytes))
  let hex = ''
  for (let i = 0; i < n; i++)
    hex += (i ? ' ' : '') + (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16)
  return hex
}

/**
 * What binary shows inline (log rows, the JSON tree): every byte as hex up to 64 bytes, else the first 16.
 * @example binaryInline(Buffer.from([1, 2, 3, 0xab])) // { size: '4 B', hex: '01 02 03 ab', truncated: false }
 */
export function binaryInline(v: BinaryLike): { size: string, hex: string, truncated: boolean } {
  const n = v.byteLength
  const truncated = n > BINARY_INLINE_BYTES
  return { size: formatBytes(n), hex: hexHead(v, truncated ? BINARY_HEAD_BYTES : n), truncated }
}

/**
 * One-line preview of binary: `<4 B: 01 02 03 ab>` up to 64 bytes, `<1.2 KB: 01 02 … (first 16 bytes)>` beyond.
 * @example binaryPreview(new Uint8Array([1, 2, 3, 0xab])) // '<4 B: 01 02 03 ab>'
 */
export function binaryPreview(v: BinaryLike): string {
  const { size, hex, truncated } = binaryInline(v)
  if (v.byteLength === 0)
    return `<${size}>`
  return truncated ? `<${size}: ${hex} … (first ${BINARY_HEAD_BYTES} bytes)>` : `<${size}: ${hex}>`
}

/**
 * Human-readable byte count.
 * @example formatBytes(1536) // '1.5 KB'
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n))
    return String(n)
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  let v = Math.abs(n)
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const s = i === 0 ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '')
  return `${n < 0 ? '-' : ''}${s} ${units[i]}`
}

/** Nodes `estimateBytes` visits before extrapolating. Keeps the per-event cost flat for any payload. */
const ESTIMATE_NODE_BUDGET = 256

/** Visits left in the current `estimateBytes` call (module state: the walk allocates nothing). */
let estimateBudget = 0
/** Binary objects the current call counts as shared (their bytes are counted elsewhere). */
let estimateShared: WeakSet<object> | undefined

/**
 * Cheap estimate of the memory retained by `args` (used by the log's byte budget). Visits at most
 * 256 values; beyond that it extrapolates from what it saw. Binary counts its byte length. Runs on every
 * incoming event, so it allocates nothing: primitives and binary are O(1), a small object or array is a few
 * property reads.
 * `shared`: binary objects whose bytes are counted elsewhere (e.g. by the frame entry that holds the same Buffer):
 * they count as a reference only.
 * @example estimateBytes(['chat', 'hello']) // a few dozen
 */
export function estimateBytes(args: readonly unknown[], shared?: WeakSet<object>): number {
  const n = args.length
  let total = 16 + n * 8
  estimateBudget = ESTIMATE_NODE_BUDGET
  estimateShared = shared
  for (let i = 0; i < n; i++) {
    if (estimateBudget <= 0) {
      total += (n - i) * 32
      break
    }
    total += sizeOfValue(args[i])
  }
  return total
}

function sizeOfValue(v: unknown): number {
  estimateBudget--
  switch (typeof v) {
    case 'string':
      return 16 + v.length * 2
    case 'object': {
      if (v === null)
        return 8
      if (ArrayBuffer.isView(v))
        return estimateShared !== undefined && estimateShared.has(v) ? 64 : 64 + v.byteLength
      if (Array.isArray(v)) {
        const len = v.length
        let total = 16 + len * 8
        for (let i = 0; i < len; i++) {
          if (estimateBudget <= 0) { // sample the first items, extrapolate the rest
            total += (len - i) * 24
            break
          }
          total += sizeOfValue(v[i])
        }
        return total
      }
      if (isBinary(v)) // ArrayBuffer, SharedArrayBuffer
        return 64 + v.byteLength
      let total = 32
      for (const k in v) {
        if (estimateBudget <= 0) {
          total += 48
          continue
        }
        total += 8 + k.length * 2 + sizeOfValue((v as Record<string, unknown>)[k])
      }
      return total
    }
    default:
      return 8
  }
}

// ---------------------------------------------------------------- previews

const IDENT = /^[A-Z_$][\w$]*$/i
const MAX_PREVIEW_DEPTH = 24

/** Cut `s` to at most `n` UTF-16 units without splitting a surrogate pair. */
function cut(s: string, n: number): string {
  if (s.length <= n)
    return s
  let end = Math.max(0, n)
  const c = s.charCodeAt(end - 1)
  if (c >= 0xD800 && c <= 0xDBFF)
    end--
  return s.slice(0, end)
}

/** Characters of the one-line preview a log row shows (and the text filter searches, see `searchPreview`). */
export const ROW_PREVIEW_CHARS = 200

class Budget {
  out = ''
  /**
   * Set when the preview leaves out or changes something of the value's text: a string or key cut or
   * escaped, depth cut, a key the walk skipped, an Error's own fields (see `searchPreview`).
   */
  lossy = false
  /**
   * @param max characters, one more than the preview's (the overflow tells it was cut)
   * @param ellipsis what marks a cut: `…` for people; empty for the text filter's previews (one non-Latin-1
   *   character makes V8 store a whole block of search texts two bytes a character: half the scan speed)
   */
  constructor(readonly max: number, readonly ellipsis = '…') {}
  get full(): boolean { return this.out.length >= this.max }
  push(s: string): void {
    if (!this.full)
      this.out += s
  }
}

function quoteString(b: Budget, s: string, room: number): string {
  const short = cut(s, Math.max(1, room))
  const quoted = JSON.stringify(short)
  // Escapes (`\"`, `\n`, `\u…`) make the quoted text differ from the string's own text.
  if (short.length < s.length || quoted.length !== short.length + 2)
    b.lossy = true
  return quoted + (short.length < s.length ? b.ellipsis : '')
}

function previewInto(b: Budget, v: unknown, depth: number, ancestors: object[]): void {
  if (b.full)
    return
  switch (typeof v) {
    case 'string':
      b.push(quoteString(b, v, b.max - b.out.length))
      return
    case 'number':
      b.push(Object.is(v, -0) ? '-0' : String(v))
      return
    case 'bigint':
      b.push(`${cut(String(v), b.max)}n`)
      return
    case 'boolean':
      b.push(String(v))
      return
    case 'undefined':
      b.push('undefined')
      return
    case 'symbol':
      b.push(cut(String(v), b.max))
      return
    case 'function':
      b.push('ƒ')
      return
  }
  if (v === null) {
    b.push('null')
    return
  }
  const o = v as object
  if (isBinary(o)) {
    b.push(binaryPreview(o))
    return
  }
  if (o instanceof Date) {
    b.push(Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString())
    return
  }
  if (o instanceof Error) {
    // Its own enumerable fields (`code`, …) are not shown.
    b.lossy = true
    b.push(`${o.name}: `)
    b.push(quoteString(b, o.message, b.max - b.out.length))
    return
  }
  if (ancestors.includes(o)) {
    b.push('[Circular]')
    return
  }
  if (depth >= MAX_PREVIEW_DEPTH) {
    b.lossy = true
    b.push(Array.isArray(o) ? `[${b.ellipsis}]` : `{${b.ellipsis}}`)
    return
  }
  ancestors.push(o)
  if (Array.isArray(o)) {
    b.push('[')
    for (let i = 0; i < o.length && !b.full; i++) {
      if (i)
        b.push(', ')
      previewInto(b, o[i], depth + 1, ancestors)
    }
    b.push(']')
  }
  else if (o instanceof Map || o instanceof Set) {
    b.push(`${o instanceof Map ? 'Map' : 'Set'}(${o.size})`)
  }
  else {
    b.push('{')
    let first = true
    // for…in with an early exit: never materialises the key list of a huge object.
    for (const k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) {
        b.lossy = true
        continue
      }
      if (b.full)
        break
      if (!first)
        b.push(', ')
      first = false
      b.push(IDENT.test(k) && k !== '__proto__' ? k : quoteString(b, k, 40))
      b.push(': ')
      previewInto(b, (o as Record<string, unknown>)[k], depth + 1, ancestors)
    }
    b.push('}')
  }
  ancestors.pop()
}

function finish(out: string, maxChars: number, ellipsis = '…'): string {
  if (out.length <= maxChars)
    return out
  return `${cut(out, Math.max(0, maxChars - ellipsis.length))}${ellipsis}`
}

/**
 * One-line preview of a value, at most `maxChars` characters. Bounded work: strings are cut before
 * they are quoted, objects and arrays stop at the budget, cycles print `[Circular]`, binary prints its size
 * and its bytes as hex (`<4 B: 01 02 03 ab>`; beyond 64 bytes the first 16).
 * @example previewValue({ a: [1, 2], b: 'x' }) // '{a: [1, 2], b: "x"}'
 */
export function previewValue(value: unknown, maxChars = 160): string {
  const b = new Budget(maxChars + 1)
  previewInto(b, value, 0, [])
  return finish(b.out, maxChars)
}

/**
 * One-line preview of an argument list (`"hello", {n: 1}`), at most `maxChars` characters.
 * @example previewArgs(['hello', { n: 1 }]) // '"hello", {n: 1}'
 */
export function previewArgs(args: readonly unknown[], maxChars = 160): string {
  return finish(argsInto(new Budget(maxChars + 1), args).out, maxChars)
}

function argsInto(b: Budget, args: readonly unknown[]): Budget {
  for (let i = 0; i < args.length && !b.full; i++) {
    if (i)
      b.push(', ')
    previewInto(b, args[i], 0, [])
  }
  return b
}

export interface SearchPreview {
  /** `previewArgs(values, maxChars)` without its `…` marks (where it was cut, the text just ends). */
  text: string
  /**
   * The preview holds, as they are, every string, key, boolean and number of the values (nothing was cut,
   * escaped or skipped): a search of `text` then finds everything a walk of the values would.
   */
  complete: boolean
}

/**
 * The one-line preview of `values` (as `previewArgs`) and whether it is complete. The text filter searches
 * this preview, so what a row shows (`seq: 12`, `role: "admin"`) finds the row; when it is complete the filter
 * needs nothing else of the entry.
 * @example searchPreview([{ seq: 12 }]) // { text: '{seq: 12}', complete: true }
 * @example searchPreview(['say "hi"']).complete // false: the preview shows it escaped
 */
export function searchPreview(values: readonly unknown[], maxChars = ROW_PREVIEW_CHARS): SearchPreview {
  const b = argsInto(new Budget(maxChars + 1, ''), values)
  const complete = !b.lossy && b.out.length <= maxChars
  return { text: finish(b.out, maxChars, ''), complete }
}

// ---------------------------------------------------------------- emit lines

/** Binary up to this size is written out byte by byte in an emit line; larger becomes a comment. */
const EMIT_LINE_MAX_BINARY = 4096
const EMIT_LINE_MAX_DEPTH = 1000

function jsLiteral(v: unknown, depth: number, ancestors: Set<object>): string {
  switch (typeof v) {
    case 'string': return JSON.stringify(v)
    case 'number': return Object.is(v, -0) ? '-0' : String(v)
    case 'bigint': return `${v}n`
    case 'boolean': return String(v)
    case 'undefined': return 'undefined'
    case 'symbol':
    case 'function': return 'undefined /* not serialisable */'
  }
  if (v === null)
    return 'null'
  const o = v as object
  if (isBinary(o)) {
    if (o.byteLength > EMIT_LINE_MAX_BINARY)
      return `new Uint8Array(${o.byteLength}) /* ${formatBytes(o.byteLength)} of binary not copied */`
    return `new Uint8Array([${Array.prototype.join.call(toBytes(o), ', ')}])`
  }
  if (o instanceof Date)
    return `new Date(${JSON.stringify(Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString())})`
  if (o instanceof Error)
    return `new Error(${JSON.stringify(o.message)})`
  if (ancestors.has(o))
    return 'null /* circular */'
  if (depth >= EMIT_LINE_MAX_DEPTH)
    return 'null /* too deep */'
  ancestors.add(o)
  let s: string
  if (Array.isArray(o)) {
    const parts: string[] = []
    for (let i = 0; i < o.length; i++) parts.push(jsLiteral(o[i], depth + 1, ancestors))
    s = `[${parts.join(', ')}]`
  }
  else {
    const parts: string[] = []
    for (const k of Object.keys(o)) {
      // `{"__proto__": x}` in source code sets the prototype; a computed key makes it a plain property.
      const key = k === '__proto__' ? '["__proto__"]' : IDENT.test(k) ? k : JSON.stringify(k)
      parts.push(`${key}: ${jsLiteral((o as Record<string, unknown>)[k], depth + 1, ancestors)}`)
    }
    s = parts.length ? `{ ${parts.join(', ')} }` : '{}'
  }
  ancestors.delete(o)
  return s
}

/**
 * A ready-to-paste JavaScript line that emits the same event: `socket.emit("name", ...args)`.
 * Binary becomes `new Uint8Array([...])` (or a comment when over 4 KB); dates, bigints, `undefined`
 * and non-finite numbers are written as JS, not JSON.
 * @example toEmitLine('chat', ['hi', { n: 1 }]) // 'socket.emit("chat", "hi", { n: 1 })'
 */
export function toEmitLine(name: string, args: readonly unknown[]): string {
  const ancestors = new Set<object>()
  const parts = [JSON.stringify(name)]
  for (const a of args) parts.push(jsLiteral(a, 0, ancestors))
  return `socket.emit(${parts.join(', ')})`
}
