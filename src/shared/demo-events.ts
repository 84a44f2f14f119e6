/**
 * The demo server's event contract, shared by the server, the tests and the inspector.
 *
 * Names follow the teaching tutorial (`chat`, `enter`, `leave`, `leaveAll`) and the `domain:verb`
 * convention for the rest. Every ack is optional on the wire: a client may omit it, and the server
 * then reports errors through an `error` event instead.
 */

/** The namespaces that carry the tutorial's whole event set. `/admin` (admin-ui) is not one of them. */
export const DEMO_NAMESPACES = ['/', '/namespace1', '/namespace2'] as const
export type DemoNamespace = (typeof DEMO_NAMESPACES)[number]

/** Longest room id or chat text the server accepts, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 10_000
/** Hard limits of `stream:start`. */
export const MAX_STREAM_COUNT = 100_000
export const MAX_STREAM_RATE = 50_000
/** How long the server waits for a `quiz` answer. */
export const QUIZ_TIMEOUT_MS = 10_000
/** The room every admin socket joins (shared state lives in a room, never in a process variable). */
export const ADMINS_ROOM = 'admins'
/** Default cap on the rooms one socket may be in (its own id room not counted). */
export const MAX_ROOMS_PER_SOCKET = 100
/** Default chat rate limit: at most `points` chat* events per socket every `perMs` milliseconds. */
export const CHAT_RATE_LIMIT = { points: 20, perMs: 1000 } as const

/** The quiz that `quiz:start` asks; the tutorial shows both, and the server checks with `isQuizAnswerCorrect`. */
export const QUIZ_QUESTION = 'What is 6 × 7?'
export const QUIZ_ANSWER = 42
/** An answer is correct when it is the number 42 or a string that reads "42" (surrounding spaces ignored). */
export function isQuizAnswerCorrect(answer: unknown): boolean {
  if (typeof answer === 'number')
    return answer === QUIZ_ANSWER
  return typeof answer === 'string' && answer.trim() === String(QUIZ_ANSWER)
}

/** Every ack that can fail carries this shape on failure. */
/** `error` and `message` carry the same text: `message` matches the `error` event's shape. */
export interface AckError { ok: false, error: string, message: string, event: string }
export type AckResult<T> = ({ ok: true } & T) | AckError
export type Ack<T> = (result: AckResult<T>) => void

export interface ChatMessage {
  /** Sender's socket id. */
  from: string
  text: string
  /** Server time, ms since the epoch. */
  at: number
  /** Set when sent with `chat:room`. */
  room?: string
  /** Set when sent with `chat:direct`. */
  to?: string
}

export type PresenceAction = 'joined' | 'left' | 'enter' | 'leave'
export interface Presence {
  id: string
  action: PresenceAction
  room?: string
  reason?: string
}

export interface Welcome {
  id: string
  namespace: string
  rooms: string[]
  admin?: boolean
}

export interface RoomsResult { rooms: string[] }

export interface Warning {
  message: string
  /** The offending socket's id. */
  from: string
  event: string
  /** The namespace of `from`. */
  namespace: string
}

/** Events the server sends to clients. */
export interface ServerToClientEvents {
  'welcome': (welcome: Welcome) => void
  'presence': (presence: Presence) => void
  'chat': (message: ChatMessage) => void
  'error': (error: { message: string, event: string }) => void
  /** To the room `admins` of every demo namespace; `namespace` is where the offending socket `from` is. */
  'warning': (warning: Warning) => void
  'echo': (...args: unknown[]) => void
  'quiz': (question: { question: string }, answer: (answer: unknown) => void) => void
  'quiz:result': (result: { answer: unknown, correct: boolean } | { timedOut: true }) => void
  'tick': (tick: { seq: number, at: number }) => void
  'stream:done': (done: { sent: number }) => void
}

/** Events clients send to the server. Acks are optional unless marked otherwise. */
export interface ClientToServerEvents {
  'chat': (text: string, ack?: Ack<{ delivered: number }>) => void
  'chat:room': (roomId: string, text: string, ack?: Ack<{ delivered: number }>) => void
  'chat:direct': (socketId: string, text: string, ack?: Ack<{ delivered: number }>) => void
  'enter': (roomId: string, ack?: Ack<RoomsResult>) => void
  'leave': (roomId: string, ack?: Ack<RoomsResult>) => void
  'leaveAll': (ack?: Ack<RoomsResult>) => void
  'list:room': (roomId: string, ack: Ack<{ room: string, sockets: string[] }>) => void
  'list:rooms': (ack: Ack<{ namespace: string, rooms: Record<string, string[]> }>) => void
  'list:namespace': (ack: Ack<{ namespace: string, sockets: string[] }>) => void
  'list:server': (ack: Ack<{ namespaces: Record<string, string[]> }>) => void
  'echo': (...args: unknown[]) => void
  'quiz:start': (ack?: Ack<{ question: string }>) => void
  'stream:start': (options: { rate: number, count: number }, ack?: Ack<{ rate: number, count: number }>) => void
  'stream:stop': (ack?: Ack<{ sent: number }>) => void
  /** Ends with `socket.disconnect(true)`; an ack, if given, is called first with `{ok: true}`. */
  'kick': (ack?: Ack<object>) => void
}

/** What a socket's `data` holds on the server. */
export interface SocketData {
  admin: boolean
}

/** `connect_error` `data` for a wrong admin token. */
export interface AuthErrorData { reason: 'bad-admin-token', hint: string }
