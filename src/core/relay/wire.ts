/**
 * The relay's wire format: log entries, snapshots and emit arguments travel between the inspector's Node
 * process and the page as JSON text with the capture file's tags (export/format.ts: `{"$t":"bin"}`,
 * `{"$t":"undef"}`, `{"$t":"num","v":"NaN"}`, dates, bigints, errors, user objects with a `$t` key), so
 * binary, `undefined` and `NaN` survive the trip exactly as they survive an export/import.
 *
 * Decoding reuses `reviveTagged` from export/format.ts. Encoding repeats its replacer because
 * format.ts does not export it.
 * TODO: once format.ts exports its `stringifyTagged`, use that here and drop `replacer`.
 *
 * @example
 * const text = encodeWire([{ kind: 'event', args: [new Uint8Array([1]), undefined, Number.NaN] }])
 * decodeWire(text) // [{ kind: 'event', args: [Uint8Array [1], undefined, NaN] }]
 */
import type { LogEntry } from '../types'
import { reviveTagged } from '../export/format'
import { isBinary, toBytes } from '../log/preview'

const hasBuffer = typeof (globalThis as { Buffer?: unknown }).Buffer === 'function'

function bytesToBase64(bytes: Uint8Array): string {
  if (hasBuffer)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  return btoa(bin)
}

const UNDEF = Object.freeze({ $t: 'undef' })

/** Same tags as export/format.ts's replacer (reads the raw value, before `toJSON`). */
function replacer(this: unknown, key: string, value: unknown): unknown {
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
      if (!Array.isArray(raw) && Object.prototype.hasOwnProperty.call(raw, '$t'))
        return { $t: 'obj', v: Object.entries(raw) }
      return value === raw ? raw : value
  }
  return value
}

/** Any value → tagged JSON text. Throws only on cycles (entries and socket.io payloads have none). */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, replacer)
}

/** Tagged JSON text → the value, tags revived (binary comes back as `Uint8Array`). Throws on bad input. */
export function decodeWire(text: string): unknown {
  if (typeof text !== 'string')
    throw new TypeError('relay wire data must be a string')
  return reviveTagged(JSON.parse(text))
}

/** A batch of entries → text. */
export function encodeEntries(entries: readonly LogEntry[]): string {
  return encodeWire(entries)
}

/**
 * Text → entries, each checked for the header fields and a known-looking `kind` (the relay is local and
 * authenticated, but the page still never appends something that is not an entry).
 */
export function decodeEntries(text: string): LogEntry[] {
  const value = decodeWire(text)
  if (!Array.isArray(value))
    throw new TypeError('relay entries must be an array')
  const out: LogEntry[] = []
  for (const e of value) {
    if (e && typeof e === 'object' && typeof e.kind === 'string' && typeof e.sessionId === 'string'
      && typeof e.time === 'number' && typeof e.mono === 'number' && typeof e.direction === 'string') {
      out.push(e as LogEntry)
    }
  }
  return out
}
