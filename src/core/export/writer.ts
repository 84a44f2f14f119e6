import type { LogEntry, SessionSnapshot } from '../types'
import type { CaptureHeader } from './envelope'
import { encodeEntry, encodeRecords } from './encoding'
import { CAPTURE_FORMAT, CAPTURE_VERSION, ENTRIES_OPEN } from './envelope'

/**
 * The capture writer: a JSON document (`exportLog`) or NDJSON (`exportNdjson`), both with the header on
 * line 1 and one entry per line (entry n on line n + 1), which is what lets reader.ts read either a line at
 * a time and name the line of a damaged entry. The CLI's streamed capture writes the same header
 * (`encodeCaptureHeader`).
 */

/** A header as the CLI streams it: `entryCount` only once it is known. */
export type CaptureHeaderFields = Omit<CaptureHeader, 'entryCount' | 'sessions'> & { entryCount?: number, sessions: readonly SessionSnapshot[] }

/**
 * The header object → its JSON text: the sessions as they are (`parser: 'msgpack'` included), their unset
 * fields absent (a disconnected session has no `socketId`: the file says nothing, not `{"$t":"undef"}`).
 * Throws `cannot export: …` only when a session cannot be written at all (a cycle).
 * @example encodeCaptureHeader({ format: CAPTURE_FORMAT, version: CAPTURE_VERSION, layout: 'ndjson', exportedAt, sessions })
 */
export function encodeCaptureHeader(head: CaptureHeaderFields): string {
  try {
    return encodeRecords(head)
  }
  catch (err) {
    throw new Error(`cannot export: ${err instanceof Error ? err.message : String(err)}`)
  }
}

function header(entryCount: number, sessions: SessionSnapshot[], layout: 'json' | 'ndjson'): CaptureHeader {
  return { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, layout, exportedAt: new Date().toISOString(), entryCount, sessions }
}

/**
 * Export entries (and the sessions they belong to) as one JSON document, one entry per line.
 * @example
 * const text = exportLog(inspector.log, inspector.list().map(s => s.snapshot()))
 * await fs.writeFile('capture.sio.json', text)
 */
export function exportLog(entries: Iterable<LogEntry>, sessions: SessionSnapshot[]): string {
  const lines: string[] = []
  for (const e of entries) lines.push(encodeEntry(e))
  const head = encodeCaptureHeader(header(lines.length, sessions, 'json'))
  // `{…header…,"entries":[` + entries + `]}`: the header object minus its closing brace.
  return `${head.slice(0, -1)}${ENTRIES_OPEN}\n${lines.join(',\n')}\n]}\n`
}

/**
 * Export as NDJSON: a header line, then one entry per line (streams well, survives partial writes).
 * @example exportNdjson(log, sessions).split('\n')[0] // '{"format":"sio-inspector","version":1,"layout":"ndjson",…}'
 */
export function exportNdjson(entries: Iterable<LogEntry>, sessions: SessionSnapshot[]): string {
  const lines: string[] = []
  for (const e of entries) lines.push(encodeEntry(e))
  return `${encodeCaptureHeader(header(lines.length, sessions, 'ndjson'))}\n${lines.join('\n')}${lines.length ? '\n' : ''}`
}
