/**
 * One log entry → its capture line, exactly as the core's `encodeEntry` writes it (the Export format), but
 * cheaper on `capture`'s hot path (bench/capture.ts):
 *
 * - Most entries hold only what JSON holds as it is (strings, finite numbers, booleans, null, plain objects
 *   and arrays): a bounded walk says so, and plain `JSON.stringify` writes them natively, without a
 *   replacer call per value (the tagged replacer is what costs most for small events).
 * - Node Buffers (socket.io-client's binary in Node) have a `toJSON` that JSON.stringify calls before any
 *   replacer: a 64 KB Buffer became an array of 65,536 numbers, thrown away by the replacer, which reads the
 *   raw value. Such entries are encoded from a copy in which every Buffer is a plain Uint8Array view over
 *   the same bytes (no `toJSON`; tagged `{"$t":"bin"}` the same way).
 * - Anything else (undefined, NaN, dates, errors, `$t` keys, cycles, deep nesting) goes to `encodeEntry` as it is.
 *
 * TODO: the same Buffer cost is in the core's `encodeEntry` for the relay's wire and the export in Node;
 * this walk could move there.
 */
import type { LogEntry } from '#core'
import { Buffer } from 'node:buffer'
import { encodeEntry } from '#core'

/** Values the walk visits before it leaves an entry to `encodeEntry` (a huge payload is not worth checking twice). */
const WALK_BUDGET = 10_000
/** Nesting the walk follows (JSON.stringify itself overflows near 2,000 levels: `encodeEntry` handles that). */
const MAX_DEPTH = 200

type Shape = 'plain' | 'buffers' | 'other'

/** The walk's state (module-level: the hot path allocates nothing per value). */
let budget = 0
let sawBuffer = false

/**
 * Whether `v` is written by plain JSON.stringify as the tagged replacer writes it (Buffers aside: they set
 * `sawBuffer`). Recursive, bounded by MAX_DEPTH and by the budget (cycles end there).
 */
function plainValue(v: unknown, depth: number): boolean {
  if (--budget < 0)
    return false
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      // NaN, ±Infinity and -0 are tagged.
      return Number.isFinite(v) && (v !== 0 || 1 / v > 0)
    case 'object': {
      if (v === null)
        return true
      if (depth >= MAX_DEPTH)
        return false
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype)
          return false
        // A hole reads as undefined: tagged, so it fails below.
        for (let i = 0; i < v.length; i++) {
          if (!plainValue(v[i], depth + 1))
            return false
        }
        return true
      }
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) {
        if (Buffer.isBuffer(v)) {
          sawBuffer = true
          return true
        }
        return false
      }
      for (const k in v) {
        // `for…in` also walks inherited keys: there are none on plain objects (their prototype is Object's or null).
        if (k === '$t' || !plainValue((v as Record<string, unknown>)[k], depth + 1))
          return false
      }
      return true
    }
    default:
      // undefined, bigint, function, symbol: tagged.
      return false
  }
}

/** What an entry holds: only plain JSON, plain JSON and Buffers, or something only `encodeEntry` writes right. */
function shapeOf(root: object): Shape {
  budget = WALK_BUDGET
  sawBuffer = false
  if (!plainValue(root, 0))
    return 'other'
  return sawBuffer ? 'buffers' : 'plain'
}

/** A copy of `v` in which every Buffer is a Uint8Array view over its bytes (only called on `buffers` shapes). */
function withoutBuffers(v: unknown): unknown {
  if (typeof v !== 'object' || v === null)
    return v
  if (Buffer.isBuffer(v))
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  if (Array.isArray(v))
    return v.map(withoutBuffers)
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) {
    const value = withoutBuffers((v as Record<string, unknown>)[k])
    if (k === '__proto__')
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true })
    else out[k] = value
  }
  return out
}

/**
 * The entry's line in a capture file: the same text as `encodeEntry(entry)`.
 * @example encodeCaptureEntry(entry) === encodeEntry(entry) // true, only faster
 */
export function encodeCaptureEntry(entry: LogEntry): string {
  let shape: Shape
  try {
    shape = shapeOf(entry)
  }
  catch {
    // A getter that throws: `encodeEntry` says what could not be written.
    shape = 'other'
  }
  switch (shape) {
    case 'plain':
      return JSON.stringify(entry)
    case 'buffers':
      // Shallow where it can be: the walk bounded the depth, so the recursive copy is bounded too.
      return encodeEntry(withoutBuffers(entry) as LogEntry)
    default:
      return encodeEntry(entry)
  }
}
