/**
 * `socketio-inspector emit <url> <event> [ARGS]`: connect, emit once, disconnect. ARGS is what the composer
 * takes (a JSON5 array; binary as `{$binary: "<base64>"}` or `{$hex: "…"}`), parsed by the core's
 * `parseComposer`, so the command sends exactly what the UI would. With `--ack`, the ack's arguments are
 * printed on stdout as one JSON line (the array, binary and other values JSON cannot hold tagged as in a
 * capture: `{"$t":"bin","b64":"…"}`).
 *
 * Exit codes: 0 sent (and acked); 1 the connection failed or was refused (the UI's diagnosis on stderr), or
 * it closed before the ack; 2 a bad flag, URL or ARGS; 3 no ack within `--timeout` (10 s by default).
 */
import type { AckEntry, ConnectErrorEntry, DisconnectEntry, LogEntry, SessionSource } from '#core'
import type { CliIO, EmitFlags } from './types'
import process from 'node:process'
import { createSessionSource, EventLog, parseComposer, taggedReplacer } from '#core'
import { parseConnectionOptions, parseConnectUrl, usageError } from './connection-options'
import { reportConnectionFailure, terminalSafe } from './diagnosis'
import { EXIT } from './types'

/** How long an emit waits for its ack without `--timeout` (the composer's default). */
export const DEFAULT_EMIT_ACK_TIMEOUT_MS = 10_000
/** Longest wait, after disconnecting, for the connection's sockets to close (so what was sent arrives). */
const CLOSE_WAIT_MS = 2000

/** The `ARGS` error as the composer shows it, with where it is. */
function argsProblem(error: { message: string, line?: number, column?: number }): string {
  const where = error.line !== undefined ? ` at line ${error.line}, column ${error.column}` : ''
  return `ARGS: ${error.message.replace(/\.$/, '')}${where} (a JSON5 array, e.g. '["hello", {n: 1}]')`
}

/** Open network sockets of this process (a bare count: the session's, once it closed, are gone). */
function openSockets(): number {
  let n = 0
  for (const r of process.getActiveResourcesInfo()) {
    if (r === 'TCPSocketWrap' || r === 'TLSWrap')
      n++
  }
  return n
}

/**
 * Wait (at most `ms`) until the process has no more open sockets than `baseline`: a closed session's
 * WebSocket finishes its close handshake, and a polling request in flight completes, so the server gets
 * what was emitted even when the caller exits the process right after.
 */
async function socketsClosed(baseline: number, ms: number): Promise<void> {
  const end = performance.now() + ms
  while (openSockets() > baseline && performance.now() < end)
    await new Promise(resolve => setTimeout(resolve, 5))
}

type Outcome
  = | { kind: 'connected' }
    | { kind: 'connect_error', entry: ConnectErrorEntry }
    | { kind: 'disconnect', entry: DisconnectEntry }
    | { kind: 'ack', entry: AckEntry }

/**
 * Run `emit`; resolves with the exit code once the connection is closed.
 * @example process.exitCode = await runEmit('http://localhost:3000/', 'chat', '["hi"]', flags, { stdout: process.stdout, stderr: process.stderr })
 */
export async function runEmit(url: string, event: string, argsText: string | undefined, flags: EmitFlags, io: CliIO): Promise<number> {
  const target = parseConnectUrl(url)
  if (!target.ok)
    return usageError(io, 'emit', target.error)
  const parsed = parseConnectionOptions(flags)
  if (!parsed.ok)
    return usageError(io, 'emit', parsed.error)
  const composed = parseComposer(event ?? '', argsText ?? '')
  if (!composed.ok) {
    return usageError(io, 'emit', composed.error.field === 'event'
      ? `<event> ${JSON.stringify(event ?? '')}: ${composed.error.message}`
      : argsProblem(composed.error))
  }
  const options = parsed.options
  // `--timeout` bounds both waits: the connection (socket.io's `timeout`) and the ack.
  const ackTimeoutMs = options.timeout ?? DEFAULT_EMIT_ACK_TIMEOUT_MS
  const log = new EventLog({ maxEntries: 1024, maxBytes: 16 * 2 ** 20 }, { deliverDropped: true })
  const baseline = openSockets()
  let session: SessionSource
  try {
    // One attempt, no reconnection: a command that fails says so at once.
    session = createSessionSource({ url: target.value, ...options, captureFrames: false, reconnection: false }, { log, id: 's1' })
  }
  catch (err) {
    return usageError(io, 'emit', `url ${JSON.stringify(url)}: ${(err as Error).message}`)
  }

  let waiting: ((o: Outcome) => void) | undefined
  let ackId: string | undefined
  const queue: Outcome[] = []
  const deliver = (o: Outcome): void => {
    if (waiting) {
      const w = waiting
      waiting = undefined
      w(o)
    }
    else {
      queue.push(o)
    }
  }
  const next = (): Promise<Outcome> => queue.length
    ? Promise.resolve(queue.shift()!)
    : new Promise<Outcome>((resolve) => {
        waiting = resolve
      })
  const unsubscribe = log.subscribe((batch: readonly LogEntry[]) => {
    for (const e of batch) {
      if (e.kind === 'connect')
        deliver({ kind: 'connected' })
      else if (e.kind === 'connect_error')
        deliver({ kind: 'connect_error', entry: e })
      else if (e.kind === 'disconnect' && e.reason !== 'io client disconnect')
        deliver({ kind: 'disconnect', entry: e })
      else if (e.kind === 'ack' && e.direction === 'in' && e.correlationId === ackId)
        deliver({ kind: 'ack', entry: e })
    }
  })

  const close = async (): Promise<void> => {
    unsubscribe()
    session.dispose()
    await socketsClosed(baseline, CLOSE_WAIT_MS)
  }

  session.connect()
  const first = await next()
  if (first.kind !== 'connected') {
    await close()
    const error = first.kind === 'connect_error'
      ? { message: first.entry.message, data: first.entry.data, description: first.entry.description }
      : undefined
    if (first.kind === 'disconnect' && first.entry.socketId === undefined)
      // Closed before the CONNECT was answered: the handshake worked, then the server hung up (another parser?).
      await reportConnectionFailure(io, { url: target.value, options, disconnectReason: first.entry.reason })
    else if (first.kind === 'disconnect')
      io.stderr.write(`${terminalSafe(`The connection to ${target.value} closed before the emit (${first.entry.reason}): ${first.entry.explanation}`)}\n`)
    else
      await reportConnectionFailure(io, { url: target.value, options, error })
    return EXIT.connection
  }

  const sent = session.emit(composed.event, composed.args, flags.ack ? { ack: true, ackTimeoutMs } : {})
  if (!sent.ok) {
    await close()
    // Refused before anything was sent: a reserved name (2.x reserves more than the composer knows) is usage.
    if (/reserved/i.test(sent.error))
      return usageError(io, 'emit', `<event> ${JSON.stringify(event)}: ${sent.error}`)
    io.stderr.write(`socketio-inspector emit: not sent: ${terminalSafe(sent.error)}\n`)
    return EXIT.connection
  }
  if (!flags.ack) {
    session.disconnect()
    await close()
    return EXIT.ok
  }

  ackId = sent.correlationId
  // The ack may have come in the batch that is still pending: `next` sees it once the log delivers it.
  let outcome = await next()
  while (outcome.kind === 'connected' || (outcome.kind === 'ack' && outcome.entry.correlationId !== ackId))
    outcome = await next()
  session.disconnect()
  await close()
  if (outcome.kind === 'ack' && !outcome.entry.timedOut) {
    await new Promise<void>(resolve => io.stdout.write(`${JSON.stringify(outcome.entry.args, taggedReplacer)}\n`, () => resolve()))
    return EXIT.ok
  }
  if (outcome.kind === 'ack' && /timed out/i.test(outcome.entry.error ?? '')) {
    io.stderr.write(`socketio-inspector emit: no ack for "${terminalSafe(composed.event)}" within ${ackTimeoutMs} ms (the event was sent; the server did not call its callback). Use --timeout MS to wait longer.\n`)
    return EXIT.ackTimeout
  }
  const why = outcome.kind === 'ack'
    ? outcome.entry.error ?? 'no answer'
    : outcome.kind === 'disconnect'
      ? `${outcome.entry.reason}: ${outcome.entry.explanation}`
      : outcome.kind === 'connect_error' ? outcome.entry.message : 'no answer'
  io.stderr.write(`socketio-inspector emit: the connection closed before the ack for "${terminalSafe(composed.event)}" (${terminalSafe(why)})\n`)
  return EXIT.connection
}
