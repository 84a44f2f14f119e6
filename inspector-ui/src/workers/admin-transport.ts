/**
 * How the server view's store reaches its admin host (./admin-host.ts): one protocol
 * (./admin-protocol.ts), two transports.
 * - `worker`: a dedicated module Worker (./admin-worker.ts); the admin socket's messages are decoded, the
 *   model updated and the tree flattened there, off the page's main thread.
 * - `inline`: where `Worker` is missing, throws, reports an error or doesn't answer in time (a blocked
 *   worker script, an old engine, Node in the unit tests), the same host runs in the page, loaded with a
 *   dynamic `import()` so that `AdminClient` is not in the page's chunks because of the server view. A
 *   `MessageChannel` between them keeps the Worker's semantics: messages are asynchronous and cloned, so
 *   the store never holds the host's live objects.
 * Messages sent before the host is ready are queued and delivered in order once it is.
 */
import type { Disposer } from '#core'
import type { AdminTransportKind, FromAdminHost, ToAdminHost } from './admin-protocol'

export interface AdminTransport {
  /** Undefined while the Worker starts; then which transport runs the host. */
  readonly kind: AdminTransportKind | undefined
  send: (message: ToAdminHost) => void
  /** Every message from the host (`ready` included), in order. */
  subscribe: (listener: (message: FromAdminHost) => void) => Disposer
  /** Terminate the Worker (or dispose the inline host): its admin socket closes with it. */
  dispose: () => void
}

export interface AdminTransportOptions {
  /** Skip the Worker (tests of the fallback). @default false */
  inline?: boolean
  /** How long a starting Worker may take to say `ready` before the inline host takes over, ms. @default 5000 */
  readyTimeoutMs?: number
  /** Called once, when the host is ready, with the transport that runs it. */
  onReady?: (kind: AdminTransportKind) => void
  /** Neither transport could start (the inline host's chunk failed to load). */
  onError?: (message: string) => void
}

/** The part of a `MessagePort` used here (a browser's, or Node's in the unit tests). */
interface Port {
  postMessage: (message: unknown) => void
  onmessage: ((event: MessageEvent) => void) | null
  close: () => void
  /** Node only: don't keep the process alive for this port. */
  unref?: () => void
}

/**
 * @example
 * const transport = startAdminTransport({ onReady: kind => console.log('admin host in', kind) })
 * const off = transport.subscribe(message => { if (message.type === 'publish') render(message.tree?.rows) })
 * transport.send({ type: 'connect', gen: 1, options: { url: 'http://localhost:3000', password } })
 */
export function startAdminTransport(options: AdminTransportOptions = {}): AdminTransport {
  const listeners = new Set<(message: FromAdminHost) => void>()
  let queue: ToAdminHost[] | undefined = []
  let kind: AdminTransportKind | undefined
  let disposed = false
  let worker: Worker | undefined
  let readyTimer: ReturnType<typeof setTimeout> | undefined
  let deliver: ((message: ToAdminHost) => void) | undefined
  let teardown: (() => void) | undefined
  let fellBack = false

  function emit(message: FromAdminHost): void {
    for (const l of [...listeners]) l(message)
  }

  function ready(k: AdminTransportKind, send: (message: ToAdminHost) => void): void {
    clearTimeout(readyTimer)
    kind = k
    deliver = send
    const pending = queue ?? []
    queue = undefined
    for (const m of pending) send(m)
    options.onReady?.(k)
  }

  function fallBack(): void {
    if (disposed || fellBack)
      return
    fellBack = true
    clearTimeout(readyTimer)
    worker?.terminate()
    worker = undefined
    deliver = undefined
    teardown = undefined
    void import('./admin-host').then(({ createAdminHost }) => {
      if (disposed)
        return
      const channel = new MessageChannel()
      const page = channel.port1 as unknown as Port
      const hostPort = channel.port2 as unknown as Port
      const host = createAdminHost(message => hostPort.postMessage(message), { inline: true })
      hostPort.onmessage = event => host.receive(event.data as ToAdminHost)
      page.onmessage = (event) => {
        const message = event.data as FromAdminHost
        if (message.type === 'ready')
          ready('inline', m => page.postMessage(m))
        else emit(message)
      }
      page.unref?.()
      hostPort.unref?.()
      teardown = () => {
        host.dispose()
        page.close()
        hostPort.close()
      }
      hostPort.postMessage({ type: 'ready' } satisfies FromAdminHost)
    }, (error: unknown) => {
      if (!disposed)
        options.onError?.(error instanceof Error ? error.message : String(error))
    })
  }

  function startWorker(): void {
    try {
      // Vite bundles the worker from this literal `new Worker(new URL(…), { type: 'module' })`.
      const w = new Worker(new URL('./admin-worker.ts', import.meta.url), { type: 'module' })
      worker = w
      teardown = () => w.terminate()
      w.addEventListener('message', (event: MessageEvent<FromAdminHost>) => {
        if (event.data.type === 'ready')
          ready('worker', m => w.postMessage(m))
        else emit(event.data)
      })
      // Before `ready`: the script was blocked or failed to load; after: an uncaught error in the host.
      w.addEventListener('error', (event) => {
        if (kind === undefined) {
          event.preventDefault()
          fallBack()
        }
      })
      readyTimer = setTimeout(() => {
        if (kind === undefined)
          fallBack()
      }, options.readyTimeoutMs ?? 5000)
    }
    catch {
      fallBack()
    }
  }

  if (options.inline || typeof Worker !== 'function')
    fallBack()
  else startWorker()

  return {
    get kind() {
      return kind
    },
    send(message) {
      if (disposed)
        return
      if (queue)
        queue.push(message)
      else deliver?.(message)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose() {
      if (disposed)
        return
      disposed = true
      clearTimeout(readyTimer)
      listeners.clear()
      queue = undefined
      teardown?.()
      teardown = undefined
      worker = undefined
    },
  }
}
