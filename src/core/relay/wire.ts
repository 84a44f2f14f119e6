/**
 * The relay's wire format: log entries, snapshots and emit arguments travel between the inspector's Node
 * process and the page as JSON text with the capture file's tags (export/format.ts: `{"$t":"bin"}`,
 * `{"$t":"undef"}`, `{"$t":"num","v":"NaN"}`, dates, bigints, errors, user objects with a `$t` key,
 * `{"$t":"deep"}` for values cut too deep), so binary, `undefined` and `NaN` survive the trip exactly as
 * they survive an export/import.
 *
 * Entries are encoded one by one (`encodeEntry`, shared with the export): one that cannot be encoded
 * whole never takes its batch down. Nested deeper than JSON.stringify can walk → cut at 1,000 levels,
 * marked `truncated: { reason: 'depth' }`; over `WIRE_MAX_ENTRY_CHARS` encoded → sent without its
 * payload, marked `truncated: { reason: 'size', size }` (the page shows "truncated: 34.2 MB").
 *
 * @example
 * const text = encodeWire([{ kind: 'event', args: [new Uint8Array([1]), undefined, Number.NaN] }])
 * decodeWire(text) // [{ kind: 'event', args: [Uint8Array [1], undefined, NaN] }]
 */
import type { LogEntry } from '../types'
import { encodeEntry, reviveTagged, taggedReplacer } from '../export/format'

/**
 * Longest entry the relay sends whole: 16 M characters of JSON (about 16 MB; binary counts 4/3 as
 * base64). A page holds every entry it gets, and one 100 MB message stalls its socket for seconds: a
 * bigger entry arrives as a marked, truncated entry with its size instead.
 */
export const WIRE_MAX_ENTRY_CHARS = 16 * 1024 * 1024

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

/**
 * A batch of entries → text (a JSON array). Never throws: each entry is encoded on its own, too deep or too
 * large ones marked and bounded (see the module comment), so its neighbours always arrive.
 * @example decodeEntries(encodeEntries([deepEvent, nextEvent])) // both: the first marked `truncated`
 */
export function encodeEntries(entries: readonly LogEntry[], maxEntryChars: number = WIRE_MAX_ENTRY_CHARS): string {
  const parts: string[] = []
  for (const e of entries) parts.push(encodeEntry(e, { maxChars: maxEntryChars }))
  return `[${parts.join(',')}]`
}

const KNOWN_DIRECTIONS = new Set(['in', 'out', 'local'])

/**
 * Text → entries, each checked for the header fields and a known-looking `kind` (the relay is local and
 * authenticated, but the page still never appends something that is not an entry). An item that is not
 * an entry becomes an error note in its place, so nothing is lost without a word.
 */
export function decodeEntries(text: string): LogEntry[] {
  const value = decodeWire(text)
  if (!Array.isArray(value))
    throw new TypeError('relay entries must be an array')
  const out: LogEntry[] = []
  for (const e of value) {
    if (e && typeof e === 'object' && typeof e.kind === 'string' && typeof e.sessionId === 'string'
      && typeof e.time === 'number' && typeof e.mono === 'number' && typeof e.direction === 'string'
      && KNOWN_DIRECTIONS.has(e.direction)) {
      out.push(e as LogEntry)
    }
    else {
      out.push({
        id: 0,
        kind: 'note',
        level: 'error',
        message: `the relay sent an item that is not a log entry (${describe(e)})`,
        sessionId: e && typeof e === 'object' && typeof e.sessionId === 'string' ? e.sessionId : '',
        time: Date.now(),
        mono: e && typeof e === 'object' && typeof e.mono === 'number' ? e.mono : 0,
        direction: 'local',
      })
    }
  }
  return out
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object')
    return v === null ? 'null' : typeof v
  const kind = (v as { kind?: unknown }).kind
  return typeof kind === 'string' ? `kind '${kind.slice(0, 40)}' without its header fields` : 'an object without a kind'
}
