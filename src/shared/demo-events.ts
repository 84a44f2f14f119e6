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

/** Longest chat text the server accepts, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 10_000
/**
 * Longest room id (and socket id argument) the server accepts, in UTF-16 code units: room names are kept
 * in the adapter's maps, listed in acks and sent with every `presence`, so they stay short.
 */
export const MAX_ROOM_NAME_LENGTH = 128
/** Hard limits of `stream:start`. */
export const MAX_STREAM_COUNT = 100_000
export const MAX_STREAM_RATE = 50_000
/**
 * Default server-wide budget of `tick`s per second, every stream of every socket together: one stream at
 * the full MAX_STREAM_RATE already keeps about half a core busy. Streams share it fairly (max-min): a new
 * stream gets its share, running ones are cut to make room (`stream:rate`) and get it back when streams end.
 */
export const STREAM_RATE_BUDGET = 50_000
/** A stream's fair share is never below this rate (or what it asked, if less): a stream that would get less is refused. */
export const STREAM_MIN_RATE = 100
/** `enter`, `leave` and `leaveAll` acks list at most this many of the socket's rooms (then `total`, `truncated`). */
export const MAX_ACK_ROOMS = 100
/**
 * Default caps of the `list:*` answers: at most `items` socket ids (list:room, list:namespace, each
 * namespace of list:server) or rooms (list:rooms), and `membersPerRoom` ids per room in list:rooms.
 */
export const LIST_CAPS = { items: 1000, membersPerRoom: 100 } as const
/** Default rate limit of the four `list:*` events together: at most `points` per socket every `perMs` ms. */
export const LIST_RATE_LIMIT = { points: 10, perMs: 5000 } as const
/**
 * Default limits of admin-ui logins on `/admin`, per remote address: after `freeFailures` failures it waits
 * `baseDelayMs`, doubled with each further failure up to `maxDelayMs`; failures are forgotten
 * `forgetAfterMs` after the last one, and at most `maxAddresses` addresses are remembered.
 */
export const ADMIN_LOGIN_LIMITS = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: 15 * 60_000, maxAddresses: 10_000 } as const
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
  /**
   * The node this socket lives on, when the demo runs as a cluster (`npm run demo:cluster`: `node-1`...);
   * a single demo server omits it.
   */
  node?: string
}

/**
 * A list the server may have cut to its cap: `total` (how many there are) and `truncated` are present
 * only when it did, so an uncut answer is exactly what it was before the caps.
 */
export interface Truncation {
  total?: number
  truncated?: true
}

/** `rooms`: the socket's rooms without its id room, at most MAX_ACK_ROOMS of them, in the order it joined them. */
export interface RoomsResult extends Truncation { rooms: string[] }

/** A room's members, at most `LIST_CAPS.items`. */
export interface RoomListing extends Truncation { room: string, sockets: string[] }

/**
 * The namespace's rooms (id rooms left out), sorted by name, at most `LIST_CAPS.items`, each with at most
 * `LIST_CAPS.membersPerRoom` member ids. `total` counts the rooms; `sizes` gives the member count of each
 * room whose list was cut (list:room lists more of them).
 */
export interface RoomsListing extends Truncation {
  namespace: string
  rooms: Record<string, string[]>
  sizes?: Record<string, number>
}

export interface NamespaceListing extends Truncation { namespace: string, sockets: string[] }

/** Every demo namespace's socket ids, at most `LIST_CAPS.items` each; `totals` (all of them) when one was cut. */
export interface ServerListing {
  namespaces: Record<string, string[]>
  totals?: Record<string, number>
  truncated?: true
}

/**
 * `rate` is what the stream got: the asked rate, or its fair share of the server-wide budget
 * (STREAM_RATE_BUDGET) when that is less; then `requested` is the asked rate and `limited` says why.
 */
export interface StreamStarted {
  rate: number
  count: number
  requested?: number
  limited?: 'server-wide budget'
}

/**
 * A running stream's new rate (`stream:rate`): the server-wide budget is shared fairly, so a stream is cut to
 * make room for a new one, and gets its share back when another ends. `limited` while under `requested`.
 */
export interface StreamRate {
  rate: number
  requested: number
  limited?: 'server-wide budget'
}

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
  'stream:rate': (change: StreamRate) => void
}

/** Events clients send to the server. Acks are optional unless marked otherwise. */
export interface ClientToServerEvents {
  'chat': (text: string, ack?: Ack<{ delivered: number }>) => void
  'chat:room': (roomId: string, text: string, ack?: Ack<{ delivered: number }>) => void
  'chat:direct': (socketId: string, text: string, ack?: Ack<{ delivered: number }>) => void
  'enter': (roomId: string, ack?: Ack<RoomsResult>) => void
  'leave': (roomId: string, ack?: Ack<RoomsResult>) => void
  'leaveAll': (ack?: Ack<RoomsResult>) => void
  /** The four `list:*` share a rate limit per socket (LIST_RATE_LIMIT) and cap their lists (LIST_CAPS). */
  'list:room': (roomId: string, ack: Ack<RoomListing>) => void
  'list:rooms': (ack: Ack<RoomsListing>) => void
  'list:namespace': (ack: Ack<NamespaceListing>) => void
  'list:server': (ack: Ack<ServerListing>) => void
  'echo': (...args: unknown[]) => void
  'quiz:start': (ack?: Ack<{ question: string }>) => void
  'stream:start': (options: { rate: number, count: number }, ack?: Ack<StreamStarted>) => void
  'stream:stop': (ack?: Ack<{ sent: number }>) => void
  /** Ends with `socket.disconnect(true)`; an ack, if given, is called first with `{ok: true}`. */
  'kick': (ack?: Ack<object>) => void
}

/** What a socket's `data` holds on the server. */
export interface SocketData {
  admin: boolean
  /** The cluster node's name (see `Welcome.node`); unset on a single demo server. */
  node?: string
}

/** `connect_error` `data` for a wrong admin token. */
export interface AuthErrorData { reason: 'bad-admin-token', hint: string }

/**
 * `connect_error` `data` when `/admin` refuses a login before checking it (a wrong password is admin-ui's
 * plain "invalid credentials", without data).
 */
export type AdminLoginErrorData
  = | { reason: 'too-many-attempts', retryInMs: number }
    | { reason: 'login-in-progress' }
    | { reason: 'already-connected' }
