/**
 * Where `capture` writes: the capture format that the UI's Export writes (src/core/export/format.ts), as a
 * stream. NDJSON: the header line, then one entry per line. JSON: `exportLog`'s layout (the header object,
 * `"entries":[`, one entry per line with the array's commas, `]}`).
 *
 * The header comes first but its `entryCount` and the session's final state are only known at the end:
 * - on stdout (a pipe: `capture | jq`) the header is written without `entryCount` (the format allows it:
 *   every entry line that is whole imports);
 * - in a file (`--out`) the header line is written padded with spaces (JSON allows whitespace there) and
 *   rewritten in place at the end with the count and the final session, as Export writes it; a final header
 *   longer than the padding (a session that reconnected many times) rewrites the whole file through a
 *   temporary file renamed over it, so the file at `--out` is never half-written.
 * While the capture runs the file is importable up to its last whole line.
 */
import type { CaptureHeaderFields, SessionSnapshot } from '#core'
import type { CaptureFormat } from './types'
import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import process from 'node:process'
import { pipeline } from 'node:stream/promises'
import { CAPTURE_FORMAT, CAPTURE_VERSION, encodeCaptureHeader } from '#core'

/** Spaces reserved after the streamed header of a file, for its final version (a few reconnections' worth). */
export const HEADER_RESERVE = 2048

const ENTRIES_OPEN = ',"entries":['

export type CaptureTarget
  = | { kind: 'stream', stream: NodeJS.WritableStream }
    | { kind: 'file', path: string }

export interface CaptureOutputOptions {
  /** Spaces after a file's streamed header. @default HEADER_RESERVE */
  reserve?: number
}

/** The header object, in Export's key order (`entryCount` only when known). */
function headerText(layout: CaptureFormat, sessions: readonly SessionSnapshot[], entryCount?: number): string {
  const head: CaptureHeaderFields = { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, layout, exportedAt: new Date().toISOString(), ...(entryCount !== undefined ? { entryCount } : {}), sessions }
  // As Export writes it: a session's unset fields absent, its parser recorded.
  return encodeCaptureHeader(head)
}

/** The first line (without its newline), padded to `width` characters when given. */
function firstLine(layout: CaptureFormat, head: string, pad: number): string {
  const spaces = ' '.repeat(Math.max(0, pad))
  // JSON: the header object without its closing brace, then the entries array opens (exportLog's layout).
  return layout === 'json' ? `${head.slice(0, -1)}${spaces}${ENTRIES_OPEN}` : `${head}${spaces}`
}

/**
 * A capture being written.
 * @example
 * const out = new CaptureOutput({ kind: 'file', path: 'c.ndjson' }, 'ndjson')
 * out.begin([session.snapshot()]); out.write([encodeEntry(e)]); await out.end([session.snapshot()])
 */
export class CaptureOutput {
  private stream: NodeJS.WritableStream | undefined
  private ownStream = false
  private began = false
  private ended = false
  private entries = 0
  private written = 0
  /** UTF-8 bytes of the first line as written, newline excluded (a file's header is rewritten to this length). */
  private headBytes = 0
  private readonly reserve: number
  private readonly errorListeners = new Set<(err: Error) => void>()
  private failure: Error | undefined

  constructor(private readonly target: CaptureTarget, readonly layout: CaptureFormat, options: CaptureOutputOptions = {}) {
    this.reserve = options.reserve ?? HEADER_RESERVE
  }

  /** Entries written so far. */
  get entryCount(): number { return this.entries }
  /** Characters written so far. */
  get bytes(): number { return this.written }
  get hasBegun(): boolean { return this.began }
  /** The write error that stopped the output, if any. */
  get error(): Error | undefined { return this.failure }

  onError(listener: (err: Error) => void): void {
    this.errorListeners.add(listener)
  }

  private fail(err: Error): void {
    if (this.failure)
      return
    this.failure = err
    for (const l of [...this.errorListeners]) l(err)
  }

  private put(text: string): void {
    if (this.failure || !this.stream)
      return
    this.written += text.length
    try {
      this.stream.write(text)
    }
    catch (err) {
      this.fail(err as Error)
    }
  }

  /** Open the output and write the header (the sessions as they are now). */
  begin(sessions: readonly SessionSnapshot[]): void {
    if (this.began)
      return
    this.began = true
    if (this.target.kind === 'file') {
      const stream = createWriteStream(this.target.path, { flags: 'w' })
      stream.on('error', err => this.fail(err))
      this.stream = stream
      this.ownStream = true
    }
    else {
      this.stream = this.target.stream
      // EPIPE (the reader of a pipe went away: `capture | head -3`) and the like end the capture.
      const onError = (err: Error): void => this.fail(err)
      this.stream.on('error', onError)
    }
    const line = firstLine(this.layout, headerText(this.layout, sessions), this.target.kind === 'file' ? this.reserve : 0)
    this.headBytes = Buffer.byteLength(line, 'utf8')
    this.put(`${line}\n`)
  }

  /** Entry lines (`encodeEntry`), in order, as one write. */
  write(lines: readonly string[]): void {
    if (lines.length === 0 || this.ended)
      return
    let text: string
    if (this.layout === 'json') {
      text = `${this.entries > 0 ? ',\n' : ''}${lines.join(',\n')}`
    }
    else {
      text = `${lines.join('\n')}\n`
    }
    this.entries += lines.length
    this.put(text)
  }

  /**
   * Close the document and wait until it is written; a file gets its final header (count and sessions).
   * Rejects with the write error when the output failed.
   */
  async end(sessions: readonly SessionSnapshot[]): Promise<void> {
    if (this.ended)
      return
    this.ended = true
    if (!this.began)
      this.begin(sessions)
    const stream = this.stream!
    const tail = this.layout === 'json' ? '\n]}\n' : ''
    if (this.ownStream) {
      const finished = once(stream as unknown as NodeJS.EventEmitter, 'close').catch(() => {})
      if (!this.failure)
        stream.end(tail)
      else
        (stream as unknown as { destroy: () => void }).destroy()
      await finished
      if (this.failure)
        throw this.failure
      await this.finalHeader(sessions)
    }
    else {
      if (this.failure)
        throw this.failure
      // Resolve once what was written is handed over (a pipe to a slow reader may hold it for a while).
      await new Promise<void>((resolve) => {
        const done = (): void => resolve()
        try {
          stream.write(tail, done)
        }
        catch {
          resolve()
        }
        // A stream that failed meanwhile never calls back.
        this.onError(done)
      })
      if (this.failure)
        throw this.failure
    }
  }

  /** Rewrite a file's header with the entry count and the final sessions, in place when it fits. */
  private async finalHeader(sessions: readonly SessionSnapshot[]): Promise<void> {
    if (this.target.kind !== 'file')
      return
    const path = this.target.path
    const head = headerText(this.layout, sessions, this.entries)
    const bare = firstLine(this.layout, head, 0)
    // Strings keep their non-ASCII characters in JSON: pad by bytes, the unit of the file.
    const room = this.headBytes - Buffer.byteLength(bare, 'utf8')
    if (room >= 0) {
      const bytes = Buffer.from(firstLine(this.layout, head, room), 'utf8')
      const fh = await open(path, 'r+')
      try {
        await fh.write(bytes, 0, bytes.length, 0)
      }
      finally {
        await fh.close()
      }
      return
    }
    // Longer than the reserve: a new file with the final header and the same entries, renamed over the old.
    const tmp = `${path}.${process.pid}.tmp`
    try {
      const out = createWriteStream(tmp, { flags: 'w' })
      out.write(`${bare}\n`)
      await pipeline(createReadStream(path, { start: this.headBytes + 1 }), out)
      await rename(tmp, path)
    }
    catch (err) {
      await rm(tmp, { force: true }).catch(() => {})
      throw err
    }
  }
}
