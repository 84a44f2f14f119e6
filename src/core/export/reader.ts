import type { LogEntry, SessionSnapshot } from '../types'
import type { CaptureReader, ImportResult } from './envelope'
import { reviveTagged } from './encoding'
import { ENTRIES_OPEN } from './envelope'
import { entryProblem, headerProblem, isOurHeader, normaliseSession, sessionProblem } from './validate'

/**
 * The capture reader: ONE reader for every layout and both ways of reading (`importCapture` at once,
 * `openCapture` a slice at a time: `importCapture` is `openCapture` read to the end). Opening checks what
 * can be checked without reading every entry (the header, its version and sessions, the line layout, the
 * entry count), so a cut file is refused before any entry is read; then each entry goes through the same
 * `readEntry` (revive the tags, validate every field), whose errors name the entry and, in the line
 * layouts, its line: `entry 3 (line 4): event.name must be a string`.
 *
 * Layouts: `exportLog`'s and `exportNdjson`'s (the header on line 1, entry n on line n + 1) are read a line
 * at a time; any other (a re-formatted or hand-written document) is parsed whole when opened and its
 * entries validated as they are handed out.
 */

const NOT_OURS = 'not a Socket.IO Inspector export'

type Opened = { ok: true, reader: CaptureReader } | { ok: false, error: string }

/**
 * Read a capture written by `exportLog` or `exportNdjson`. Validates every entry; never throws.
 * Sessions come back as read-only snapshots (`readonly: true`, no pending acks, `parser` when it is not the
 * default); entries keep their ids.
 * @example
 * const r = importCapture(text)
 * if (!r.ok) alert(r.error) // e.g. 'entry 17 (line 18): unknown kind \'x\''
 */
export function importCapture(text: string, opts: { maxBytes?: number } = {}): ImportResult {
  try {
    const opened = openUnsafe(text, opts)
    if (!opened.ok)
      return opened
    const entries: LogEntry[] = []
    const never = (): boolean => false
    for (;;) {
      const part = opened.reader.next(never)
      if (!part.ok)
        return part
      for (const e of part.entries) entries.push(e)
      if (part.done)
        return { ok: true, sessions: [...opened.reader.sessions], entries }
    }
  }
  catch (err) {
    return { ok: false, error: cannotRead(err) }
  }
}

/**
 * Open a capture for reading in slices (an import that shows its first rows before the whole file is
 * parsed). The header, its version and sessions, the layout and the entry count are checked here, so a
 * truncated or cut file is refused before any entry is read; the entries are revived and validated as
 * `next` reads them. Errors read the same as `importCapture`'s (it is this reader, read to the end).
 * @example
 * const r = openCapture(text)
 * if (r.ok) while (true) { const s = r.reader.next(() => timeUp()); if (!s.ok || s.done) break }
 */
export function openCapture(text: string, opts: { maxBytes?: number } = {}): Opened {
  try {
    return openUnsafe(text, opts)
  }
  catch (err) {
    return { ok: false, error: cannotRead(err) }
  }
}

function cannotRead(err: unknown): string {
  return `cannot read the file: ${err instanceof Error ? err.message : String(err)}`
}

function openUnsafe(text: string, opts: { maxBytes?: number }): Opened {
  if (typeof text !== 'string')
    return { ok: false, error: NOT_OURS }
  if (opts.maxBytes !== undefined && text.length > opts.maxBytes)
    return { ok: false, error: `file too large (${text.length} characters, the limit is ${opts.maxBytes})` }
  const body = text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text
  if (body.trim() === '')
    return { ok: false, error: `empty file: ${NOT_OURS}` }
  if (body.trimStart()[0] !== '{')
    return { ok: false, error: NOT_OURS }

  // Line 1: an NDJSON header, or exportLog's header object minus its brace followed by `,"entries":[`.
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
  if (isOurHeader(header)) {
    const p = headerProblem(header)
    if (p)
      return { ok: false, error: p }
  }

  const lines = layout ? body.split('\n') : []
  const from = 1
  let to = lines.length
  if (layout === 'json') {
    // Lines 2…n-1 hold one entry each, every one but the last followed by a comma; then `]}`. Anything
    // else (cut, re-formatted, a count that does not match) is read as a whole document below.
    while (to > from && lines[to - 1].trim() === '') to--
    const count = (header as Record<string, unknown>).entryCount
    if (to <= from || lines[to - 1].trim() !== ']}' || typeof count !== 'number' || count !== to - 1 - from)
      layout = undefined
    else to--
  }
  else if (layout === 'ndjson') {
    // A cut file: its last line is damaged, or it has fewer lines than the header counts. Both before any entry.
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
    const expected = (header as Record<string, unknown>).entryCount
    if (typeof expected === 'number' && count < expected) {
      let last = lines.length
      while (last > 1 && lines[last - 1].trim() === '') last--
      return { ok: false, error: `truncated at line ${last + 1}: ${count} of ${expected} entries` }
    }
  }

  if (layout) {
    const sessions = readSessions(header as Record<string, unknown>)
    if (!sessions.ok)
      return sessions
    return { ok: true, reader: lineReader(lines, from, to, layout, sessions.sessions) }
  }

  // Any other layout: one JSON document, parsed whole.
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
  const p = headerProblem(doc)
  if (p)
    return { ok: false, error: p }
  if (!Array.isArray(doc.entries))
    return { ok: false, error: 'damaged: "entries" is not an array' }
  const raw = doc.entries as unknown[]
  if (typeof doc.entryCount === 'number' && raw.length !== doc.entryCount)
    return { ok: false, error: `damaged: ${raw.length} entries, the header says ${doc.entryCount}` }
  const sessions = readSessions(doc)
  if (!sessions.ok)
    return sessions
  return { ok: true, reader: arrayReader(raw, sessions.sessions) }
}

/** The header's sessions, revived, validated and made read-only; two with one id refuse the file. */
function readSessions(headerRaw: Record<string, unknown>): { ok: true, sessions: SessionSnapshot[] } | { ok: false, error: string } {
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

/** Where entry `index` (from 0) is, for its errors: `entry 3 (line 4)`, or `entry 3` in a document read whole. */
function where(index: number, line: number | undefined): string {
  return line === undefined ? `entry ${index + 1}` : `entry ${index + 1} (line ${line})`
}

/**
 * The one entry check: revive the tags, validate every field; an entry of a session the file does not
 * describe gets a minimal read-only session (appended to `sessions`).
 */
function readEntry(raw: unknown, index: number, line: number | undefined, sessions: SessionSnapshot[], known: Set<string>): { ok: true, entry: LogEntry } | { ok: false, error: string } {
  let e: unknown
  try {
    e = reviveTagged(raw)
  }
  catch (err) {
    return { ok: false, error: `${where(index, line)}: ${err instanceof Error ? err.message : String(err)}` }
  }
  const p = entryProblem(e)
  if (p)
    return { ok: false, error: `${where(index, line)}: ${p}` }
  const entry = e as LogEntry
  if (!known.has(entry.sessionId)) {
    known.add(entry.sessionId)
    sessions.push(normaliseSession({ id: entry.sessionId, url: '', namespace: '/', status: 'disconnected' }))
  }
  return { ok: true, entry }
}

/**
 * A reader over raw entries: `item(i)` parses entry i (or says why it cannot), `readEntry` checks it.
 * Stops when `shouldStop()` says so (asked every 64 entries); the first error ends it for good.
 */
function entryReader(
  total: number,
  sessions: SessionSnapshot[],
  item: (i: number) => { ok: true, raw: unknown, line?: number } | { ok: false, error: string },
  release: () => void,
): CaptureReader {
  const known = new Set(sessions.map(s => s.id))
  let read = 0
  let failed: string | undefined
  const fail = (error: string): { ok: false, error: string } => {
    failed = error
    release()
    return { ok: false, error }
  }
  return {
    total,
    get read() { return read },
    sessions,
    next(shouldStop) {
      if (failed)
        return { ok: false, error: failed }
      const entries: LogEntry[] = []
      while (read < total) {
        const got = item(read)
        if (!got.ok)
          return fail(got.error)
        const checked = readEntry(got.raw, read, got.line, sessions, known)
        if (!checked.ok)
          return fail(checked.error)
        entries.push(checked.entry)
        read++
        if ((read & 63) === 0 && shouldStop())
          break
      }
      return { ok: true, entries, done: read >= total }
    },
  }
}

/** `exportLog`'s or `exportNdjson`'s layout: entries on lines `from`…`to - 1`, parsed one line at a time. */
function lineReader(lines: string[], from: number, to: number, layout: 'json' | 'ndjson', sessions: SessionSnapshot[]): CaptureReader {
  // NDJSON may hold blank lines; exportLog's layout holds none (checked when opened): entry n on line n + 1.
  let total = 0
  for (let i = from; i < to; i++) {
    if (layout === 'json' || lines[i].trim() !== '')
      total++
  }
  let line = from
  return entryReader(total, sessions, () => {
    let i = line++
    if (layout === 'ndjson') {
      while (lines[i].trim() === '') i = line++
    }
    let text = lines[i]
    if (layout === 'json' && i < to - 1) {
      // exportLog's layout: every entry line but the last ends with the array's comma.
      text = text.trimEnd()
      if (!text.endsWith(','))
        return { ok: false, error: `damaged at line ${i + 1} (expected a comma after the entry)` }
      text = text.slice(0, -1)
    }
    try {
      return { ok: true, raw: JSON.parse(text), line: i + 1 }
    }
    catch (err) {
      const msg = err instanceof Error ? err.message : String(err)
      return { ok: false, error: layout === 'ndjson' ? `line ${i + 1}: invalid JSON (${msg})` : `damaged at line ${i + 1} (${msg})` }
    }
  }, () => {
    lines.length = 0
  })
}

/** A document parsed whole: its entries array (no line numbers: the layout is not one entry per line). */
function arrayReader(raw: unknown[], sessions: SessionSnapshot[]): CaptureReader {
  return entryReader(raw.length, sessions, i => ({ ok: true, raw: raw[i] }), () => {
    raw.length = 0
  })
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
