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

class Budget {
  out = ''
  constructor(readonly max: number) {}
  get full(): boolean { return this.out.length >= this.max }
  push(s: string): void {
    if (!this.full)
      this.out += s
  }
}

function quoteString(s: string, room: number): string {
  const short = cut(s, Math.max(1, room))
  return JSON.stringify(short) + (short.length < s.length ? '…' : '')
}

function previewInto(b: Budget, v: unknown, depth: number, ancestors: object[]): void {
  if (b.full)
    return
  switch (typeof v) {
    case 'string':
      b.push(quoteString(v, b.max - b.out.length))
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
    b.push(`<${formatBytes(o.byteLength)} binary>`)
    return
  }
  if (o instanceof Date) {
    b.push(Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString())
    return
  }
  if (o instanceof Error) {
    b.push(`${o.name}: `)
    b.push(quoteString(o.message, b.max - b.out.length))
    return
  }
  if (ancestors.includes(o)) {
    b.push('[Circular]')
    return
  }
  if (depth >= MAX_PREVIEW_DEPTH) {
    b.push(Array.isArray(o) ? '[…]' : '{…}')
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
      if (!Object.prototype.hasOwnProperty.call(o, k))
        continue
      if (b.full)
        break
      if (!first)
        b.push(', ')
      first = false
      b.push(IDENT.test(k) && k !== '__proto__' ? k : quoteString(k, 40))
      b.push(': ')
      previewInto(b, (o as Record<string, unknown>)[k], depth + 1, ancestors)
    }
    b.push('}')
  }
  ancestors.pop()
}

function finish(out: string, maxChars: number): string {
  if (out.length <= maxChars)
    return out
  return `${cut(out, Math.max(0, maxChars - 1))}…`
}

/**
 * One-line preview of a value, at most `maxChars` characters. Bounded work: strings are cut before
 * they are quoted, objects and arrays stop at the budget, cycles print `[Circular]`, binary prints its size.
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
  const b = new Budget(maxChars + 1)
  for (let i = 0; i < args.length && !b.full; i++) {
    if (i)
      b.push(', ')
    previewInto(b, args[i], 0, [])
  }
  return finish(b.out, maxChars)
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
