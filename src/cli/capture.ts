/**
 * `socketio-inspector capture <url>`: connect like a tab and write every entry in the capture format that
 * Export writes (./capture-output.ts), to stdout or `--out`, until `--count` incoming events, `--duration`,
 * Ctrl+C / SIGTERM (the caller aborts `signal`), or the end of the connection. The UI's Import opens the file.
 *
 * - The session is the core's (`createSessionSource`, v4 or v2), recording into a small `EventLog` used as a
 *   send buffer, as the relay's worker does: `deliverDropped` hands every entry over even when the buffer's
 *   limits drop it, so nothing is lost, and nothing is retained longer than one batch.
 * - Nothing is written before the first connection: a connection that fails at once writes no file (and
 *   nothing on stdout) and prints the UI's diagnosis on stderr (exit 1). Once connected, socket.io's own
 *   reconnection runs as in a tab; the capture ends when the server closes the session for good.
 * - `--events GLOB` keeps the events and acks whose name matches one of the globs (as the UI's name filter:
 *   exact, or `*` and `?`); entries without a name (lifecycle, notes, frames) are always kept: they are the
 *   connection's context, and frames are recorded only when `--frames` asks for them.
 * - Progress goes to stderr only when it is a terminal: a live counter and rate, then one summary line.
 */
import type { LogEntry, SessionSnapshot, SessionSource } from '#core'
import type { CaptureTarget } from './capture-output'
import type { ConnectionOptions } from './connection-options'
import type { CaptureFlags, CliIO } from './types'
import { resolve } from 'node:path'
import { createSessionSource, EventLog, globToRegExp } from '#core'
import { CaptureOutput } from './capture-output'
import { parseConnectionOptions, parseConnectUrl, usageError } from './connection-options'
import { reportConnectionFailure, terminalSafe } from './diagnosis'
import { encodeCaptureEntry } from './encode'
import { outputProblem } from './output-file'
import { EXIT } from './types'

/** The send buffer's limits: entries wait there for one batch at most (one macrotask). */
const BUFFER_LIMITS = { maxEntries: 4096, maxBytes: 16 * 2 ** 20 }
/** Longest `--duration`: setTimeout's limit. */
const MAX_DURATION_S = 2_147_483
/** How often the terminal's progress line is redrawn, ms. */
const PROGRESS_MS = 250

export interface PreparedCapture {
  url: string
  options: ConnectionOptions
  count: number | undefined
  durationMs: number | undefined
  /** Whether an event or ack name is kept (`--events`), or undefined for all. */
  nameTest: ((name: string) => boolean) | undefined
  target: CaptureTarget | { kind: 'stdout' }
  format: 'ndjson' | 'json'
  frames: boolean
}

/** A whole number ≥ 1 from the parser (a number, or a string it did not convert). */
function wholeNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
  return Number.isInteger(n) && n >= 1 ? n : undefined
}

/**
 * A name test for `--events` globs: one matches. Each is exact, or a glob with `*` and `?` (the UI's name filter).
 * @example eventsTest(['chat*', 'welcome'])!('chat:message') // true
 */
export function eventsTest(globs: readonly string[]): ((name: string) => boolean) | undefined {
  if (globs.length === 0)
    return undefined
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  for (const glob of globs) {
    if (/[*?]/.test(glob))
      patterns.push(globToRegExp(glob))
    else exact.add(glob)
  }
  return name => exact.has(name) || patterns.some(re => re.test(name))
}

/**
 * Check every flag of `capture` (nothing connects yet): the first problem, naming its flag, or what to run.
 * @example prepareCapture('http://localhost:3000/', { count: 0, … }) // { ok: false, error: '--count 0: …' }
 */
export function prepareCapture(url: string, flags: CaptureFlags): { ok: true, value: PreparedCapture } | { ok: false, error: string } {
  const target = parseConnectUrl(url)
  if (!target.ok)
    return target
  const parsed = parseConnectionOptions(flags)
  if (!parsed.ok)
    return parsed
  let count: number | undefined
  if (flags.count !== undefined) {
    count = wholeNumber(flags.count)
    if (count === undefined)
      return { ok: false, error: `--count ${JSON.stringify(String(flags.count))}: expected a whole number of incoming events, 1 or more` }
  }
  let durationMs: number | undefined
  if (flags.duration !== undefined) {
    const s = typeof flags.duration === 'number' ? flags.duration : Number(String(flags.duration).trim() || Number.NaN)
    if (!Number.isFinite(s) || s <= 0 || s > MAX_DURATION_S)
      return { ok: false, error: `--duration ${JSON.stringify(String(flags.duration))}: expected a number of seconds greater than 0 (e.g. 10 or 0.5)` }
    durationMs = Math.max(1, Math.round(s * 1000))
  }
  const globs = flags.events ?? []
  for (const glob of globs) {
    if (typeof glob !== 'string' || glob.trim() === '')
      return { ok: false, error: '--events: the glob is empty (e.g. --events "chat*")' }
  }
  const format = flags.format ?? 'ndjson'
  if (format !== 'ndjson' && format !== 'json')
    return { ok: false, error: `--format ${JSON.stringify(String(format))}: use ndjson or json` }
  let out: PreparedCapture['target'] = { kind: 'stdout' }
  if (flags.out !== undefined && flags.out !== '-') {
    const problem = outputProblem(flags.out)
    if (problem)
      return { ok: false, error: `--out ${JSON.stringify(flags.out)}: ${problem}` }
    out = { kind: 'file', path: resolve(flags.out) }
  }
  return {
    ok: true,
    value: { url: target.value, options: parsed.options, count, durationMs, nameTest: eventsTest(globs), target: out, format, frames: flags.frames === true },
  }
}

type StopReason
  = | { why: 'count' | 'duration' | 'signal' | 'output-closed' }
    | { why: 'failed', error?: { message: string, data?: unknown, description?: unknown }, disconnectReason?: string }
    | { why: 'ended', reason: string, explanation: string }
    | { why: 'output-failed', error: Error }

/** A write error that means the reader closed its end (EPIPE), not a failure of ours. */
function isClosedPipe(err: Error | undefined): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END'
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

function formatSize(chars: number): string {
  if (chars < 1024)
    return `${chars} B`
  if (chars < 1024 * 1024)
    return `${(chars / 1024).toFixed(1)} KB`
  return `${(chars / 1024 / 1024).toFixed(1)} MB`
}

/** The terminal's progress line: redrawn in place, cleared at the end. */
class Progress {
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly samples: [number, number][] = []
  private readonly started = performance.now()

  constructor(private readonly io: CliIO, private readonly line: () => { events: number, text: string }) {
    if (!io.stderr.isTTY)
      return
    this.timer = setInterval(() => this.draw(), PROGRESS_MS)
    this.timer.unref?.()
  }

  get elapsedS(): number { return (performance.now() - this.started) / 1000 }

  private draw(): void {
    const { events, text } = this.line()
    const now = performance.now()
    this.samples.push([now, events])
    while (this.samples.length > 2 && now - this.samples[0][0] > 2000) this.samples.shift()
    const [t0, n0] = this.samples[0]
    const rate = now - t0 > 0 ? ((events - n0) * 1000) / (now - t0) : 0
    this.io.stderr.write(`\r\x1B[2K${terminalSafe(text.replace('{rate}', `${formatCount(Math.round(rate))}/s`))}`)
  }

  /** Clear the line; `summary` (terminals only) replaces it. */
  stop(summary?: () => string): void {
    if (!this.timer)
      return
    clearInterval(this.timer)
    this.timer = undefined
    this.io.stderr.write(`\r\x1B[2K${summary ? `${terminalSafe(summary())}\n` : ''}`)
  }
}

/**
 * Run `capture`. Resolves with the exit code once the output is complete (0: stopped as asked; 1: the
 * connection failed or ended, or the output could not be written; 2: a bad flag).
 * @example
 * const ac = new AbortController()
 * process.once('SIGINT', () => ac.abort())
 * process.exitCode = await runCapture('http://localhost:3000/', flags, { stdout: process.stdout, stderr: process.stderr }, ac.signal)
 */
export async function runCapture(url: string, flags: CaptureFlags, io: CliIO, signal: AbortSignal): Promise<number> {
  const prepared = prepareCapture(url, flags)
  if (!prepared.ok)
    return usageError(io, 'capture', prepared.error)
  const p = prepared.value
  const log = new EventLog(BUFFER_LIMITS, { deliverDropped: true })
  let session: SessionSource
  try {
    session = createSessionSource({ url: p.url, ...p.options, captureFrames: p.frames }, { log, id: 's1' })
  }
  catch (err) {
    return usageError(io, 'capture', `url ${JSON.stringify(url)}: ${(err as Error).message}`)
  }
  const target: CaptureTarget = p.target.kind === 'stdout' ? { kind: 'stream', stream: io.stdout } : p.target
  const output = new CaptureOutput(target, p.format)
  const where = p.target.kind === 'file' ? p.target.path : 'stdout'

  /** Entry lines of the connection attempt, written with the header at the first connection. */
  let beforeConnect: string[] = []
  let connected = false
  let incoming = 0
  let countReached = false
  let stopping = false
  let stopReason: StopReason | undefined
  let reconnecting = false

  let settle!: (reason: StopReason) => void
  const stopped = new Promise<StopReason>((resolve) => {
    settle = resolve
  })
  const requestStop = (reason: StopReason): void => {
    if (stopping || stopReason)
      return
    stopReason = reason
    // Out of the log's delivery (it may be the caller): the session is closed and the log flushed in `stop`.
    queueMicrotask(() => settle(reason))
  }

  const onBatch = (batch: readonly LogEntry[]): void => {
    const lines: string[] = []
    for (const e of batch) {
      if (e.kind === 'event' || e.kind === 'ack') {
        // After the count, only the lifecycle of the close goes in: exactly `--count` incoming events.
        if (countReached)
          continue
        if (p.nameTest && !p.nameTest(e.name))
          continue
        lines.push(encodeCaptureEntry(e))
        if (e.kind === 'event' && e.direction === 'in') {
          incoming++
          if (p.count !== undefined && incoming >= p.count) {
            countReached = true
            requestStop({ why: 'count' })
          }
        }
        continue
      }
      if (e.kind === 'frame' && countReached)
        continue
      lines.push(encodeCaptureEntry(e))
      switch (e.kind) {
        case 'connect':
          connected = true
          reconnecting = false
          break
        case 'connect_error':
          // The first attempt fails: say why now (socket.io would retry forever). Later, only a refusal that
          // socket.io does not retry ends the capture (a server restarting is waited for, as in a tab).
          if (!connected || !e.willRetry)
            requestStop({ why: 'failed', error: { message: e.message, data: e.data, description: e.description } })
          break
        case 'disconnect':
          // Closed before the first CONNECT was answered (no socket id): the handshake worked, then the server
          // hung up (another parser, say). socket.io would loop; say why now, as for a connect_error.
          if (!connected && e.socketId === undefined && e.reason !== 'io client disconnect')
            requestStop({ why: 'failed', disconnectReason: e.reason })
          else if (e.willReconnect)
            reconnecting = true
          else if (e.reason !== 'io client disconnect')
            requestStop({ why: 'ended', reason: e.reason, explanation: e.explanation })
          break
        case 'reconnect_failed':
          requestStop({ why: 'ended', reason: 'reconnection failed', explanation: 'socket.io gave up reconnecting.' })
          break
        default:
          break
      }
    }
    if (!output.hasBegun) {
      if (!connected) {
        beforeConnect.push(...lines)
        return
      }
      output.begin([session.snapshot()])
      lines.unshift(...beforeConnect)
      beforeConnect = []
    }
    output.write(lines)
  }
  const unsubscribe = log.subscribe(onBatch)
  output.onError((err) => {
    requestStop(p.target.kind === 'stdout' && isClosedPipe(err) ? { why: 'output-closed' } : { why: 'output-failed', error: err })
  })

  const progress = new Progress(io, () => ({
    events: incoming,
    text: connected
      ? `${reconnecting ? 'Reconnecting to' : 'Capturing'} ${p.url}: ${formatCount(incoming)} events, {rate}, ${formatSize(output.bytes)} → ${where} (Ctrl+C stops)`
      : `Connecting to ${p.url}…`,
  }))
  const durationTimer = p.durationMs === undefined ? undefined : setTimeout(() => requestStop({ why: 'duration' }), p.durationMs)
  const onAbort = (): void => requestStop({ why: 'signal' })
  if (signal.aborted)
    onAbort()
  else
    signal.addEventListener('abort', onAbort, { once: true })

  session.connect()
  const reason = await stopped

  // Stop: close the session (its `disconnect` entry is appended now), deliver what is still in the buffer.
  stopping = true
  if (durationTimer)
    clearTimeout(durationTimer)
  signal.removeEventListener('abort', onAbort)
  session.disconnect()
  log.flush()
  unsubscribe()
  const finalSnapshot: SessionSnapshot = session.snapshot()
  session.dispose()

  const failedFirst = reason.why === 'failed' && !connected
  let writeError: Error | undefined
  if (!failedFirst && reason.why !== 'output-closed') {
    if (!output.hasBegun) {
      // Stopped while still connecting: the file holds the attempt (complete and importable all the same).
      output.begin([finalSnapshot])
      output.write(beforeConnect)
    }
    try {
      await output.end([finalSnapshot])
    }
    catch (err) {
      writeError = err as Error
    }
  }
  progress.stop(reason.why === 'failed' || writeError ? undefined : () => `Captured ${formatCount(incoming)} events (${formatCount(output.entryCount)} entries) in ${progress.elapsedS.toFixed(1)} s → ${where}`)

  // The reader of stdout went away (`capture | head -3`): its choice, whatever stopped the capture first.
  if (p.target.kind === 'stdout' && isClosedPipe(output.error))
    return EXIT.ok
  if (writeError || reason.why === 'output-failed') {
    const err = writeError ?? (reason as { error: Error }).error
    io.stderr.write(`socketio-inspector capture: cannot write ${where}: ${err.message}\n`)
    return EXIT.connection
  }
  switch (reason.why) {
    case 'failed': {
      await reportConnectionFailure(io, { url: p.url, options: p.options, error: reason.error, disconnectReason: reason.disconnectReason })
      if (connected)
        io.stderr.write(`The capture so far is in ${where}.\n`)
      return EXIT.connection
    }
    case 'ended':
      io.stderr.write(`${terminalSafe(`The connection to ${p.url} ended (${reason.reason}): ${reason.explanation}`)}\nThe capture is complete in ${where}.\n`)
      return EXIT.connection
    case 'duration':
      if (!connected) {
        await reportConnectionFailure(io, { url: p.url, options: p.options }, `Not connected after ${(p.durationMs! / 1000).toString()} s to`)
        return EXIT.connection
      }
      return EXIT.ok
    default:
      return EXIT.ok
  }
}
