/**
 * The page's side of attach() (attach/protocol.ts): the list of attached apps, over one relay connection of
 * its own (`attachList`, then `attachedChanged` pushes), and the wording the page and the inspector's hub
 * share for what an attached tab cannot do.
 *
 * Each attached client socket then gets a tab of its own: `createSessionSource({ via: 'attach', attach:
 * info.attachId, url: info.url, label: info.name, relay }, deps)`, a `RelaySession` in watch mode.
 *
 * The lobby reconnects by itself when its relay connection drops (socket.io's backoff, and a timer of its own
 * where socket.io would not retry: a refused handshake, the server closing it); meanwhile it keeps the last
 * list and says why in `status`/`error`.
 *
 * @example
 * const lobby = new AttachLobby(loadRuntimeConfig().relay!)
 * const off = lobby.on('change', list => render(list))
 * // later
 * off()
 * lobby.close()
 */
import type { Socket } from 'socket.io-client'
import type { RelayClientEvents, RelayServerEvents } from '../relay/protocol'
import type { RelayEndpoint } from '../relay/relay-session'
import type { Disposer } from '../types'
import type { AttachedInfo } from './protocol'
import { io } from 'socket.io-client'
import { RELAY_PATH } from '../relay/protocol'

/** An emit on a tab whose app attached without `allowEmit` (the page and the hub both say this). */
export const ATTACH_READ_ONLY_ERROR = 'read-only: the app attached without allowEmit'

/** An emit on a tab whose app is not attached now (its mirror left the inspector). */
export const ATTACH_ABSENT_ERROR = 'Not sent: the app is not attached to the inspector now (its mirror disconnected); it comes back when the app reconnects.'

/** Connect, disconnect or an ack answer asked of an attached tab: the app's own code does those. */
export const ATTACH_MIRROR_NOTE = 'this tab mirrors your app\'s socket: connect and disconnect it in your app'

/** Faults and the connection switches asked of an attached tab. */
export const ATTACH_NO_FAULTS_ERROR = 'this tab mirrors your app\'s socket: faults and the connection switches work only on connections the inspector opened'

/** An ack answer asked of an attached tab: the app's own listeners answer the server. */
export const ATTACH_NO_ANSWER_ERROR = 'this tab mirrors your app\'s socket: your app\'s own listeners answer the server\'s ack requests'

export type AttachLobbyStatus = 'connecting' | 'ready' | 'error' | 'closed'

export interface AttachLobbyEvents {
  /** The list changed (an app came, went, or changed), or the lobby's status did. */
  change: (list: readonly AttachedInfo[]) => void
}

export interface AttachLobbyOptions {
  /** Wait before trying again where socket.io would not (a refused handshake, a server-side close). @default 2000 */
  retryMs?: number
}

const ROLES = new Set(['client', 'server'])
const RUNTIMES = new Set(['node', 'browser'])

/** One list item as the hub sends it, or undefined (the list is input like any other). */
function attachedInfoOf(v: unknown): AttachedInfo | undefined {
  if (typeof v !== 'object' || v === null)
    return undefined
  const r = v as Record<string, unknown>
  if (typeof r.attachId !== 'string' || typeof r.name !== 'string' || !ROLES.has(r.role as string)
    || typeof r.allowEmit !== 'boolean' || typeof r.frames !== 'boolean' || typeof r.url !== 'string'
    || typeof r.namespace !== 'string' || !RUNTIMES.has(r.runtime as string) || typeof r.present !== 'boolean'
    || typeof r.attachedAt !== 'number' || typeof r.dropped !== 'number') {
    return undefined
  }
  return Object.freeze({
    attachId: r.attachId,
    name: r.name,
    role: r.role as AttachedInfo['role'],
    allowEmit: r.allowEmit,
    frames: r.frames,
    url: r.url,
    namespace: r.namespace,
    runtime: r.runtime as AttachedInfo['runtime'],
    present: r.present,
    attachedAt: r.attachedAt,
    dropped: r.dropped,
  })
}

/** The attached apps the inspector's hub knows, kept current over one relay connection. */
export class AttachLobby {
  /** The attached apps now (frozen; a new array on every change). */
  list: readonly AttachedInfo[] = Object.freeze([])
  /** `ready`: the list is current; `error`: the relay connection is down (`error` says why), retrying. */
  status: AttachLobbyStatus = 'connecting'
  error: string | undefined
  private readonly socket: Socket<RelayServerEvents, RelayClientEvents>
  private readonly listeners = new Set<AttachLobbyEvents['change']>()
  private retry: ReturnType<typeof setTimeout> | undefined
  private readonly retryMs: number

  constructor(relay: RelayEndpoint, options: AttachLobbyOptions = {}) {
    this.retryMs = options.retryMs ?? 2000
    const socket: Socket<RelayServerEvents, RelayClientEvents> = io(relay.url, {
      path: relay.path ?? RELAY_PATH,
      // As RelaySession: WebSocket only, its handshake carries the page's Origin, which the relay checks.
      transports: ['websocket'],
      auth: { token: relay.token },
      forceNew: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      ...(relay.extraHeaders ? { extraHeaders: { ...relay.extraHeaders } } : {}),
    })
    this.socket = socket
    socket.on('connect', () => {
      // Every (re)connection asks again: the hub pushes changes only to connections that asked.
      socket.emit('attachList', (list) => {
        if (this.status === 'closed')
          return
        this.status = 'ready'
        this.error = undefined
        this.setList(list)
      })
    })
    socket.on('attachedChanged', (list) => {
      if (this.status !== 'closed')
        this.setList(list)
    })
    socket.on('connect_error', (err) => {
      this.fail(`the inspector's relay refused the connection or could not be reached: ${err.message} (reload the page if the inspector restarted)`)
      // A refused handshake (middleware) is not retried by socket.io itself.
      if (!socket.active)
        this.retryLater()
    })
    socket.on('disconnect', (reason) => {
      this.fail(`the connection to the inspector's relay closed (${reason}); trying again`)
      if (!socket.active)
        this.retryLater()
    })
  }

  on<E extends keyof AttachLobbyEvents>(event: E, listener: AttachLobbyEvents[E]): Disposer {
    if (event !== 'change')
      return () => {}
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Stop listing: the relay connection closes, no listener is called again. */
  close(): void {
    if (this.status === 'closed')
      return
    this.status = 'closed'
    clearTimeout(this.retry)
    this.retry = undefined
    this.listeners.clear()
    this.socket.disconnect()
    this.socket.removeAllListeners()
  }

  private setList(raw: unknown): void {
    const next: AttachedInfo[] = []
    if (Array.isArray(raw)) {
      for (const item of raw) {
        const info = attachedInfoOf(item)
        if (info)
          next.push(info)
      }
    }
    this.list = Object.freeze(next)
    this.notify()
  }

  private fail(message: string): void {
    if (this.status === 'closed')
      return
    this.status = 'error'
    this.error = message
    this.notify()
  }

  private retryLater(): void {
    if (this.status === 'closed' || this.retry !== undefined)
      return
    this.retry = setTimeout(() => {
      this.retry = undefined
      if (this.status !== 'closed' && !this.socket.connected)
        this.socket.connect()
    }, this.retryMs)
  }

  private notify(): void {
    const list = this.list
    for (const listener of [...this.listeners]) {
      try {
        listener(list)
      }
      catch (err) {
        console.error('[sio-inspector] an attach lobby listener threw:', err)
      }
    }
  }
}
