/**
 * The relay's wire format: log entries, snapshots and emit arguments travel between the inspector's Node
 * process and the page as JSON text with the capture file's tags (export/format.ts: `{"$t":"bin"}`,
 * `{"$t":"undef"}`, `{"$t":"num","v":"NaN"}`, dates, bigints, errors, user objects with a `$t` key), so
 * binary, `undefined` and `NaN` survive the trip exactly as they survive an export/import.
 *
 * Encoding and decoding reuse export/format.ts (`taggedReplacer`, `reviveTagged`): one set of tags.
 *
 * @example
 * const text = encodeWire([{ kind: 'event', args: [new Uint8Array([1]), undefined, Number.NaN] }])
 * decodeWire(text) // [{ kind: 'event', args: [Uint8Array [1], undefined, NaN] }]
 */
import type { LogEntry } from '../types'
import { reviveTagged, taggedReplacer } from '../export/format'

/** Any value → tagged JSON text. Throws only on cycles (entries and socket.io payloads have none). */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, taggedReplacer)
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
