/**
 * One relayed session, in a worker thread of its own (started by ./relay-worker-host.ts for each relay
 * connection). The session (built by the core's one factory, `createSessionSource`: socket.io-client v4, v2,
 * msgpack) lives here and streams its entries to the wire as they come (`EntryStream`: no log of its own;
 * the page's log is the session's log), so an exception that escapes a
 * client library ends this worker only, never the inspector's process with its web server, the other relayed
 * tabs and the demo server.
 *
 * Messages: the host posts `ToWorker` (commands, emits, ack answers, dispose); the worker posts `FromWorker`
 * (entries and snapshots already in the relay's wire format, so the host forwards them as they are, and the
 * results of emits and ack answers). Entries carry this thread's monotonic clock, and so does the `sentMono`
 * of their batch: the page shifts both by the same offset.
 */
import type { EmitOptions, EmitResult, FaultCommand, LogEntry, SessionOptions, SessionSource } from '#core'
import { parentPort, workerData } from 'node:worker_threads'
import { createSessionSource, decodeWire, encodeEntries, encodeWire, EntryStream, parseFaultCommand, runFaultCommand } from '#core'

/** What the host gives a worker when it starts it (`workerData`). */
export interface RelayWorkerData {
  /** The module this worker runs (read by relay-worker-boot.mjs). */
  entry: string
  options: SessionOptions
  tls: { ca?: string, rejectUnauthorized?: boolean }
  /** The page's id for the session. */
  id: string
  /** Unused since entries stream straight to the wire (kept so existing callers still type-check). */
  logLimits?: { maxEntries?: number, maxBytes?: number }
}

/** Host → worker. */
export type ToWorker
  = | { t: 'command', command: 'connect' | 'disconnect' | 'reconnect' }
    | { t: 'emit', req: number, name: string, argsText: unknown, options: EmitOptions & { pageCorrelationId?: unknown } }
    | { t: 'answerAck', req: number, correlationId: string, argsText: unknown }
    | { t: 'fault', req: number, command: FaultCommand }
    | { t: 'dispose' }

/** Worker → host. */
export type FromWorker
  = | { t: 'opened', ok: true }
    | { t: 'opened', ok: false, error: string }
    | { t: 'entries', text: string, sentMono: number }
    | { t: 'state', text: string }
    | { t: 'reply', req: number, result: EmitResult }

interface Port {
  postMessage: (message: FromWorker) => void
  on: (event: 'message', listener: (message: ToWorker) => void) => unknown
  close: () => void
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Run the session of `data` and serve `port` until `dispose`.
 *
 * @example runRelayWorker(parentPort!, workerData as RelayWorkerData)
 */
export function runRelayWorker(port: Port, data: RelayWorkerData): void {
  /** The session's correlation ids → the ids the page gave those emits. */
  const pageIds = new Map<string, string>()
  const rewrite = (e: LogEntry): LogEntry => {
    if ((e.kind === 'event' || e.kind === 'ack') && e.correlationId) {
      const pageId = pageIds.get(e.correlationId)
      if (pageId) {
        if (e.kind === 'ack')
          pageIds.delete(e.correlationId)
        return { ...e, correlationId: pageId }
      }
    }
    return e
  }
  // Every entry goes to the page once per macrotask; nothing is kept here.
  const stream = new EntryStream((batch) => {
    port.postMessage({ t: 'entries', text: encodeEntries(batch.map(rewrite)), sentMono: performance.now() })
  })
  let session: SessionSource
  try {
    // TLS options go to the client (Node transports use them).
    session = createSessionSource({ ...data.options, tls: data.tls }, { log: stream, id: data.id })
  }
  catch (err) {
    port.postMessage({ t: 'opened', ok: false, error: errorText(err) })
    port.close()
    return
  }
  const subs: (() => void)[] = []
  subs.push(session.on('state', snap => port.postMessage({ t: 'state', text: encodeWire(snap) })))
  port.postMessage({ t: 'state', text: encodeWire(session.snapshot()) })
  port.postMessage({ t: 'opened', ok: true })

  /** Decode a page's wire-encoded arguments and run `fn`; every failure is a result, never an exception. */
  const withArgs = (what: string, argsText: unknown, run: (args: unknown[]) => EmitResult): EmitResult => {
    try {
      const args = decodeWire(argsText as string)
      if (!Array.isArray(args))
        throw new TypeError(`${what}: the arguments must be an array`)
      return run(args)
    }
    catch (err) {
      return { ok: false, error: errorText(err) }
    }
  }

  port.on('message', (message) => {
    switch (message.t) {
      case 'command':
        if (message.command === 'connect')
          session.connect()
        else if (message.command === 'disconnect')
          session.disconnect()
        else if (message.command === 'reconnect')
          session.reconnect()
        break
      case 'emit': {
        const result = withArgs('emit', message.argsText, (args) => {
          const { pageCorrelationId, ...rest } = message.options ?? {}
          const r = session.emit(String(message.name), args, rest)
          if (r.ok && r.correlationId && typeof pageCorrelationId === 'string') {
            pageIds.set(r.correlationId, pageCorrelationId)
            return { ok: true, correlationId: pageCorrelationId }
          }
          return r
        })
        port.postMessage({ t: 'reply', req: message.req, result })
        break
      }
      case 'answerAck':
        port.postMessage({ t: 'reply', req: message.req, result: withArgs('answerAck', message.argsText, args => session.answerAck(String(message.correlationId), args)) })
        break
      case 'fault': {
        let result: EmitResult
        try {
          // Checked by the relay already; checked again here, where it runs.
          result = runFaultCommand(session, parseFaultCommand(message.command))
        }
        catch (err) {
          result = { ok: false, error: errorText(err) }
        }
        port.postMessage({ t: 'reply', req: message.req, result })
        break
      }
      case 'dispose':
        for (const d of subs.splice(0)) d()
        session.dispose()
        stream.close()
        // The thread ends by itself once the session's sockets have closed (the host terminates it otherwise).
        port.close()
        break
    }
  })
}

if (parentPort)
  runRelayWorker(parentPort as unknown as Port, workerData as RelayWorkerData)
