/**
 * Shared test plumbing: a demo server on 127.0.0.1:0, real socket.io-client sockets, and `waitFor`.
 * Everything opened through `TestBed` is closed by `cleanup()` (call it in afterEach/afterAll).
 */
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client'
import type { StartedDemoServer, StartOptions } from '../../demo-server/src/start'
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/shared/demo-events'
import { io } from 'socket.io-client'
import { startDemoServer } from '../../demo-server/src/start'

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** Anything with once/off: socket.io-client sockets (typed or not), Managers, Node EventEmitters. */
interface Emitter {
  // Method syntax on purpose: bivariant, so typed sockets with narrower event maps fit.
  once(event: any, listener: (...args: any[]) => void): unknown
  off(event: any, listener?: (...args: any[]) => void): unknown
}

/**
 * Resolves with the event's arguments (one argument: the value itself) or rejects after `timeoutMs`.
 * @example const welcome = await waitFor(socket, 'welcome')
 */
export function waitFor<T = any>(emitter: Emitter, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener)
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`))
    }, timeoutMs)
    function listener(...args: unknown[]): void {
      clearTimeout(timer)
      resolve((args.length === 1 ? args[0] : args) as T)
    }
    emitter.once(event, listener)
  })
}

/** Resolves when `event` has NOT come within `ms` (the value, if it came, fails the test). */
export async function expectSilence(emitter: Emitter, event: string, ms = 150): Promise<void> {
  let got: unknown[] | undefined
  const listener = (...args: unknown[]): void => {
    got = args
  }
  emitter.once(event, listener)
  await new Promise(resolve => setTimeout(resolve, ms))
  emitter.off(event, listener)
  if (got)
    throw new Error(`unexpected "${event}": ${JSON.stringify(got)}`)
}

/** Collects every emission of `event` into an array. */
export function collect<T = any>(emitter: { on(event: any, listener: (...args: any[]) => void): unknown }, event: string): T[] {
  const seen: T[] = []
  emitter.on(event, (...args: unknown[]) => seen.push((args.length === 1 ? args[0] : args) as T))
  return seen
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export class TestBed {
  server!: StartedDemoServer
  readonly logs: string[] = []
  private sockets: ClientSocket[] = []

  async start(options: StartOptions = {}): Promise<StartedDemoServer> {
    this.server = await startDemoServer({
      port: 0,
      host: '127.0.0.1',
      bcryptRounds: 4,
      log: line => this.logs.push(line),
      ...options,
    })
    return this.server
  }

  /** A socket that is not connected yet (autoConnect off); `connect()` resolves with it once connected. */
  socket(namespace = '/', options: Partial<ManagerOptions & SocketOptions> = {}): ClientSocket {
    const socket: ClientSocket = io(`${this.server.url}${namespace === '/' ? '' : namespace}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      autoConnect: false,
      ...options,
    })
    this.sockets.push(socket)
    return socket
  }

  /** Connects and waits for the `welcome` (sent after the socket's handlers are ready). */
  async connect(namespace = '/', options: Partial<ManagerOptions & SocketOptions> = {}): Promise<ClientSocket> {
    const socket = this.socket(namespace, options)
    await new Promise<void>((resolve, reject) => {
      // Generous: the suite shares a small, busy machine with the other test files.
      const timer = setTimeout(() => done(new Error(`no welcome from ${namespace} within 10 s`)), 10_000)
      const onWelcome = (): void => done()
      const onError = (err: Error): void => done(err)
      function done(err?: Error): void {
        clearTimeout(timer)
        socket.off('welcome', onWelcome)
        socket.off('connect_error', onError)
        if (err)
          reject(err)
        else
          resolve()
      }
      socket.once('welcome', onWelcome)
      socket.once('connect_error', onError)
      socket.connect()
    })
    return socket
  }

  async connectMany(n: number, namespace = '/', options: Partial<ManagerOptions & SocketOptions> = {}): Promise<ClientSocket[]> {
    return Promise.all(Array.from({ length: n }, () => this.connect(namespace, options)))
  }

  async cleanup(): Promise<void> {
    for (const socket of this.sockets)
      socket.disconnect()
    this.sockets = []
    await this.server?.close()
  }
}
