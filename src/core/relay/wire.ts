/**
 * The relay's wire format: log entries, snapshots and emit arguments travel between the inspector's Node
 * process and the page as JSON text with the capture file's tags (the one value encoding,
 * export/encoding.ts: `{"$t":"bin"}`,
 * `{"$t":"undef"}`, `{"$t":"num","v":"NaN"}`, dates, bigints, errors, user objects with a `$t` key,
 * `{"$t":"deep"}` for values cut too deep), so binary, `undefined` and `NaN` survive the trip exactly as
 * they survive an export/import.
 *
 * Entries are encoded one by one (`encodeEntry`, shared with the export): one that cannot be encoded
 * whole never takes its batch down. Nested deeper than JSON.stringify can walk → cut at 1,000 levels,
 * marked `truncated: { reason: 'depth' }`; over `WIRE_MAX_ENTRY_CHARS` encoded → sent without its
 * payload, marked `truncated: { reason: 'size', size }` (the page shows "truncated: 34.2 MB"). An entry's
 * unset fields travel absent, as in a file. The page checks each entry's header fields with the capture
 * validator's `entryHeaderProblem` (export/validate.ts), so a kind the core does not know arrives as an
 * error note naming it, never silently.
 *
 * @example
 * const text = encodeWire([{ kind: 'event', args: [new Uint8Array([1]), undefined, Number.NaN] }])
 * decodeWire(text) // [{ kind: 'event', args: [Uint8Array [1], undefined, NaN] }]
 */
import type { LogEntry } from '../types'
import { decodeTagged, encodeEntry, encodeTagged } from '../export/encoding'
import { entryHeaderProblem } from '../export/validate'

/**
 * Longest entry the relay sends whole: 16 M characters of JSON (about 16 MB; binary counts 4/3 as
 * base64). A page holds every entry it gets, and one 100 MB message stalls its socket for seconds: a
 * bigger entry arrives as a marked, truncated entry with its size instead.
 */
export const WIRE_MAX_ENTRY_CHARS = 16 * 1024 * 1024

/** Any value → tagged JSON text. Throws only on cycles (entries and socket.io payloads have none). */
export function encodeWire(value: unknown): string {
  return encodeTagged(value)
}

/** Tagged JSON text → the value, tags revived (binary comes back as `Uint8Array`). Throws on bad input. */
export function decodeWire(text: string): unknown {
  if (typeof text !== 'string')
    throw new TypeError('relay wire data must be a string')
  return decodeTagged(text)
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

/**
 * Text → entries, each checked for the fields every entry has and a kind the core knows (the relay is
 * local and authenticated, but the page still never appends something that is not an entry). An item that
 * is not an entry becomes an error note in its place saying why, so nothing is lost without a word.
 */
export function decodeEntries(text: string): LogEntry[] {
  const value = decodeWire(text)
  if (!Array.isArray(value))
    throw new TypeError('relay entries must be an array')
  const out: LogEntry[] = []
  for (const e of value) {
    // No `id`: the page's log numbers what it appends.
    const problem = entryHeaderProblem(e, false)
    if (problem === undefined) {
      out.push(e as LogEntry)
      continue
    }
    const r = e && typeof e === 'object' ? e as Record<string, unknown> : {}
    out.push({
      id: 0,
      kind: 'note',
      level: 'error',
      message: `the relay sent an item that is not a log entry (${problem})`,
      sessionId: typeof r.sessionId === 'string' ? r.sessionId : '',
      time: Date.now(),
      mono: typeof r.mono === 'number' && Number.isFinite(r.mono) ? r.mono : 0,
      direction: 'local',
    })
  }
  return out
}
