/**
 * The relay's side of one session worker (./relay-worker.ts): starts the worker thread, passes the page's
 * commands to it, forwards what it streams, and turns its end into words. A worker that dies without being
 * asked to (an exception that escaped a client library, out of memory) ends that session only: the page gets
 * a `connect_error` entry (`relay session crashed`, with the error) and a `disconnected` snapshot, pending
 * emits get an error result, and a later `connect` starts a new worker.
 *
 * @example
 * const w = new SessionWorker({ options, tls, id: 's1', logLimits: {} }, {
 *   entries: (text, sentMono) => socket.emit('entries', text, sentMono),
 *   state: text => socket.emit('state', text),
 *   ended: () => {},
 * })
 * w.command('connect')
 */
import type { EmitResult, SessionOptions, SessionSnapshot } from '#core'
import type { FromWorker, RelayWorkerData, ToWorker } from './relay-worker'
import { Worker } from 'node:worker_threads'
import { decodeWire, encodeEntries, encodeWire, RELAY_SESSION_CRASHED } from '#core'

/** The worker's first module (plain JavaScript: it registers tsx for the TypeScript one). */
const BOOT = new URL('./relay-worker-boot.mjs', import.meta.url)
/**
 * The module each session worker runs, by default. Compiled into the package (`npm run build`: tsdown.config.ts
 * emits dist/relay-worker.js and copies the boot beside this module's chunk), it is the JavaScript one, and the
 * boot loads it without tsx; from the sources (tsx, vitest) the TypeScript one.
 */
export const SESSION_WORKER = new URL(/\.[cm]?ts$/.test(new URL(import.meta.url).pathname) ? './relay-worker.ts' : './relay-worker.js', import.meta.url)
/** How long a disposed worker may take to close its sockets before it is terminated. */
const DISPOSE_GRACE_MS = 3000

export interface SessionWorkerEvents {
  /** A batch of entries (wire text) and the clock of the thread that made them. */
  entries: (text: string, sentMono: number) => void
  /** A snapshot (wire text). */
  state: (text: string) => void
  /** The worker is gone (disposed or crashed); `crash` says why when nobody asked. */
  ended: (crash: string | undefined) => void
}

function namespaceOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname || '/') || '/'
  }
  catch {
    return '/'
  }
}

export class SessionWorker {
  private readonly worker: Worker
  private readonly pending = new Map<number, (result: EmitResult) => void>()
  private seq = 0
  private lastState: string | undefined
  private error: unknown
  private disposing = false
  private done = false
  /** Resolves with the worker's answer to `open` (the session could be made, or why not). */
  readonly opened: Promise<{ ok: true } | { ok: false, error: string }>

  constructor(private readonly data: Omit<RelayWorkerData, 'entry'>, private readonly events: SessionWorkerEvents, entry: URL = SESSION_WORKER) {
    const workerData: RelayWorkerData = { ...data, entry: entry.href }
    this.worker = new Worker(BOOT, { workerData })
    let answerOpen!: (r: { ok: true } | { ok: false, error: string }) => void
    this.opened = new Promise(resolve => answerOpen = resolve)
    this.worker.on('message', (message: FromWorker) => {
      switch (message.t) {
        case 'opened':
          answerOpen(message.ok ? { ok: true } : { ok: false, error: message.error })
          break
        case 'entries':
          this.events.entries(message.text, message.sentMono)
          break
        case 'state':
          this.lastState = message.text
          this.events.state(message.text)
          break
        case 'reply': {
          const reply = this.pending.get(message.req)
          this.pending.delete(message.req)
          reply?.(message.result)
          break
        }
      }
    })
    this.worker.on('error', (err) => {
      this.error = err
    })
    this.worker.on('exit', (code) => {
      this.done = true
      const crash = this.disposing ? undefined : this.crashReason(code)
      answerOpen({ ok: false, error: crash ?? 'the session was closed' })
      for (const reply of this.pending.values())
        reply({ ok: false, error: crash ? `Not sent: ${crash}` : 'Not sent: the session was closed.' })
      this.pending.clear()
      if (crash)
        this.reportCrash(crash)
      this.events.ended(crash)
    })
  }

  /** Whether the worker has ended (disposed or crashed). */
  get ended(): boolean {
    return this.done
  }

  command(command: 'connect' | 'disconnect' | 'reconnect'): void {
    this.post({ t: 'command', command })
  }

  emit(name: string, argsText: unknown, options: Extract<ToWorker, { t: 'emit' }>['options']): Promise<EmitResult> {
    return this.request(req => ({ t: 'emit', req, name, argsText, options }))
  }

  answerAck(correlationId: string, argsText: unknown): Promise<EmitResult> {
    return this.request(req => ({ t: 'answerAck', req, correlationId, argsText }))
  }

  /** A checked fault command (the core's `parseFaultCommand`). */
  fault(command: Extract<ToWorker, { t: 'fault' }>['command']): Promise<EmitResult> {
    return this.request(req => ({ t: 'fault', req, command }))
  }

  /** Ask the session to close (its sockets close politely), then end the thread; resolves when it has ended. */
  dispose(): Promise<void> {
    if (this.done)
      return Promise.resolve()
    this.disposing = true
    this.post({ t: 'dispose' })
    const ended = new Promise<void>(resolve => this.worker.once('exit', () => resolve()))
    const timer = setTimeout(() => void this.worker.terminate(), DISPOSE_GRACE_MS)
    timer.unref()
    return ended.finally(() => clearTimeout(timer))
  }

  /** End the thread at once (the relay closes). */
  async terminate(): Promise<void> {
    if (this.done)
      return
    this.disposing = true
    await this.worker.terminate()
  }

  private post(message: ToWorker): void {
    if (!this.done)
      this.worker.postMessage(message)
  }

  private request(make: (req: number) => ToWorker): Promise<EmitResult> {
    if (this.done)
      return Promise.resolve({ ok: false, error: 'Not sent: the relayed session has ended.' })
    const req = ++this.seq
    return new Promise((resolve) => {
      this.pending.set(req, resolve)
      this.post(make(req))
    })
  }

  private crashReason(code: number): string {
    const err = this.error
    if (err instanceof Error)
      return `${err.name}: ${err.message}`.slice(0, 500)
    if (err !== undefined)
      return String(err).slice(0, 500)
    return `the worker exited with code ${code}`
  }

  /** Tell the page in its own terms: a `connect_error` entry and a `disconnected` snapshot. */
  private reportCrash(reason: string): void {
    const mono = performance.now()
    const description = `The relay's worker for this session crashed (${reason}): an exception escaped the client library `
      + 'or the session. Only this session ended; the inspector, the other relayed sessions and the demo server carry on. '
      + 'Connect again to start a new session.'
    this.events.entries(encodeEntries([{
      id: 0,
      kind: 'connect_error',
      sessionId: this.data.id,
      time: Date.now(),
      mono,
      direction: 'local',
      message: RELAY_SESSION_CRASHED,
      data: { error: reason },
      description,
      willRetry: false,
    }]), mono)
    let last: SessionSnapshot | undefined
    try {
      last = this.lastState === undefined ? undefined : decodeWire(this.lastState) as SessionSnapshot
    }
    catch {}
    this.events.state(encodeWire({
      ...(last ?? this.emptySnapshot(this.data.options)),
      status: 'disconnected',
      socketId: undefined,
      lastError: RELAY_SESSION_CRASHED,
      pendingServerAcks: [],
    } satisfies SessionSnapshot))
  }

  private emptySnapshot(options: SessionOptions): SessionSnapshot {
    const namespace = namespaceOf(options.url)
    return {
      id: this.data.id,
      label: options.label ?? namespace,
      url: options.url,
      namespace,
      status: 'disconnected',
      readonly: false,
      socketId: undefined,
      engineId: undefined,
      transport: undefined,
      reconnectAttempt: 0,
      lastError: undefined,
      idHistory: [],
      pendingServerAcks: [],
    }
  }
}
