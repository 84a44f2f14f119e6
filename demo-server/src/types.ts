/**
 * The typed socket.io objects every feature works with, and the context a feature registers with.
 */
import type { Namespace, Server, Socket } from 'socket.io'
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../src/shared/demo-events'
import type { RateBudget } from './features/stream/budget'

// The demo server has no inter-server events of its own (the adapter's are built in).

export interface InterServerEvents {}
export type DemoIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type DemoNsp = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type DemoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>

/** What `createDemoServer` resolved from its options, handed to every feature. */
export interface FeatureContext {
  io: DemoIo
  log: (line: string) => void
  /** The admin-ui namespace's name, kept out of `list:server`. */
  adminNamespace: string
  maxRoomsPerSocket: number
  chatRateLimit: { points: number, perMs: number }
  listRateLimit: { points: number, perMs: number }
  listCaps: { items: number, membersPerRoom: number }
  /** Server-wide: shared by every socket's stream. */
  streamBudget: RateBudget
  quizTimeoutMs: number
}

/** A feature attaches its handlers to one connected socket. */
export type Feature = (socket: DemoSocket, ctx: FeatureContext) => void
