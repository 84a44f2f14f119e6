import type { LogEntry, SessionParser, SessionSnapshot } from '../types'

/**
 * Capture files: a versioned envelope `{ format: 'sio-inspector', version: 1, exportedAt, entryCount,
 * sessions, entries }` (writer.ts `exportLog`: the header on line 1, one entry per line), or NDJSON (a header
 * line with the same fields but `layout: 'ndjson'`, then one entry per line). Values are tagged as
 * encoding.ts describes. A session that does not use socket.io-parser's default encoding says which
 * (`parser: 'msgpack'`); a session without `parser` (every file before it) used the default.
 */
export const CAPTURE_FORMAT = 'sio-inspector'
export const CAPTURE_VERSION = 1

/** The parsers a capture's session may name (`SessionSnapshot.parser`); anything else is refused. */
export const CAPTURE_PARSERS: readonly SessionParser[] = ['default', 'msgpack'] satisfies SessionParser[]

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

/** What follows the header object on `exportLog`'s first line (the header minus its closing brace). */
export const ENTRIES_OPEN = ',"entries":['
