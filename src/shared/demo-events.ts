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

// --- The event table as data (issue 17) -------------------------------------------------------------------
// The interfaces above type the code; the table below describes the same events at run time, as JSON Schemas
// (draft-07, AsyncAPI's default dialect), so the demo can serve its own AsyncAPI document (`GET /asyncapi.json`,
// demo-server/src/asyncapi.ts) without a second hand-written copy. The mapped types make the compiler refuse a
// table that lacks an event of the contract or names one it does not have; test/demo-server/asyncapi.test.ts
// checks the schemas against real traffic and the client events against the handlers the server registers.
// Schemas of what the server *sends* are exact (`additionalProperties: false`); schemas of what it *receives*
// say what it accepts (it ignores extra keys, so they stay open).

/** The JSON Schema keywords the table uses (a subset of draft-07; structurally a `JsonSchema` of the catalog). */
export interface DemoJsonSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null'
  description?: string
  format?: string
  properties?: Record<string, DemoJsonSchema>
  required?: string[]
  additionalProperties?: boolean | DemoJsonSchema
  items?: DemoJsonSchema | DemoJsonSchema[]
  additionalItems?: boolean | DemoJsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  enum?: unknown[]
  const?: unknown
  oneOf?: DemoJsonSchema[]
}

/** Arguments of one event or ack, in order: what follows the event name on the wire (never the ack function). */
export interface DemoArgs {
  /** One schema per position; every one of them is sent. */
  args: DemoJsonSchema[]
  /** Schema of any further arguments (`echo`); absent = no more than `args`. */
  rest?: DemoJsonSchema
}

export interface DemoEventSpec extends DemoArgs {
  summary: string
  /**
   * The acknowledgement, when the event can carry one: its arguments, and whether the receiver needs one
   * (`list:*` answer only through it; the server always asks for the `quiz` answer).
   */
  ack?: DemoArgs & { required: boolean, description: string }
}

const socketId: DemoJsonSchema = { type: 'string', minLength: 1, description: 'a socket id (per namespace)' }
const roomId: DemoJsonSchema = { type: 'string', minLength: 1, maxLength: MAX_ROOM_NAME_LENGTH }
const text: DemoJsonSchema = { type: 'string', minLength: 1, maxLength: MAX_TEXT_LENGTH }
const epochMs: DemoJsonSchema = { type: 'integer', minimum: 0, description: 'server time, ms since the epoch' }
const count: DemoJsonSchema = { type: 'integer', minimum: 0 }
const namespaceName: DemoJsonSchema = { type: 'string', enum: [...DEMO_NAMESPACES] }
const stringList: DemoJsonSchema = { type: 'array', items: { type: 'string' } }
const truncation: Record<string, DemoJsonSchema> = { total: count, truncated: { const: true } }

/** An object the server sends: exactly these properties. */
function sent(properties: Record<string, DemoJsonSchema>, required: string[] = Object.keys(properties)): DemoJsonSchema {
  return { type: 'object', properties, required, additionalProperties: false }
}

const ackErrorSchema = sent({ ok: { const: false }, error: { type: 'string' }, message: { type: 'string' }, event: { type: 'string' } })

/** `AckResult<T>`: `{ ok: true, ...T }` or an `AckError`, as the only ack argument. */
function ackResult(properties: Record<string, DemoJsonSchema>, required: string[], needed = false): DemoEventSpec['ack'] {
  return {
    required: needed,
    description: needed ? 'required: the answer comes only through it' : 'optional: without it, a failure comes as an `error` event',
    args: [{ oneOf: [sent({ ok: { const: true }, ...properties }, ['ok', ...required]), ackErrorSchema] }],
  }
}

const roomsResult = (): DemoEventSpec['ack'] => ackResult({ rooms: { ...stringList, maxItems: MAX_ACK_ROOMS }, ...truncation }, ['rooms'])
const delivered = (): DemoEventSpec['ack'] => ackResult({ delivered: count }, ['delivered'])

/**
 * Every event the server sends, on each of DEMO_NAMESPACES.
 * @example SERVER_EVENT_SPECS.welcome.args[0].required // ['id', 'namespace', 'rooms']
 */
export const SERVER_EVENT_SPECS: { readonly [E in keyof ServerToClientEvents]: DemoEventSpec } = {
  'welcome': {
    summary: 'To a socket once it is connected: its id, namespace and rooms.',
    args: [sent({ id: socketId, namespace: namespaceName, rooms: stringList, admin: { const: true }, node: { type: 'string' } }, ['id', 'namespace', 'rooms'])],
  },
  'presence': {
    summary: 'To the others: a socket joined or left the namespace (to everyone), entered or left a room (to the room).',
    args: [sent({ id: socketId, action: { type: 'string', enum: ['joined', 'left', 'enter', 'leave'] satisfies PresenceAction[] }, room: roomId, reason: { type: 'string' } }, ['id', 'action'])],
  },
  'chat': {
    summary: 'A chat message: to everyone else (chat), a room (chat:room, `room` set) or one socket (chat:direct, `to` set).',
    args: [sent({ from: socketId, text, at: epochMs, room: roomId, to: socketId }, ['from', 'text', 'at'])],
  },
  'error': {
    summary: 'A client event failed and it carried no ack: why, and which event.',
    args: [sent({ message: { type: 'string' }, event: { type: 'string' } })],
  },
  'warning': {
    summary: 'To the `admins` room of every namespace: a socket sent invalid or too many chat messages.',
    args: [sent({ message: { type: 'string' }, from: socketId, event: { type: 'string' }, namespace: namespaceName })],
  },
  'echo': {
    summary: 'The arguments of a client `echo` that had no ack, unchanged (binary included).',
    args: [],
    rest: {},
  },
  'quiz': {
    summary: 'After quiz:start: the question; the client answers through the ack within the quiz timeout.',
    args: [sent({ question: { type: 'string' } })],
    ack: { required: true, description: `the answer: ${QUIZ_ANSWER} or "${QUIZ_ANSWER}" is correct`, args: [{}] },
  },
  'quiz:result': {
    summary: 'The verdict on the quiz answer, or that none came in time.',
    args: [{ oneOf: [sent({ answer: {}, correct: { type: 'boolean' } }, ['correct']), sent({ timedOut: { const: true } })] }],
  },
  'tick': {
    summary: 'One event of a stream (stream:start), numbered from 1.',
    args: [sent({ seq: { type: 'integer', minimum: 1 }, at: epochMs })],
  },
  'stream:done': {
    summary: 'The stream ended (all sent, or stream:stop).',
    args: [sent({ sent: count })],
  },
  'stream:rate': {
    summary: 'A running stream\'s rate changed: the server-wide budget is shared fairly between streams.',
    args: [sent({ rate: count, requested: count, limited: { const: 'server-wide budget' } }, ['rate', 'requested'])],
  },
}

/**
 * Every event the server handles, on each of DEMO_NAMESPACES.
 * @example CLIENT_EVENT_SPECS['list:room'].ack?.required // true
 */
export const CLIENT_EVENT_SPECS: { readonly [E in keyof ClientToServerEvents]: DemoEventSpec } = {
  'chat': { summary: 'A message to everyone else in the namespace.', args: [text], ack: delivered() },
  'chat:room': { summary: 'A message to a room (the sender excluded).', args: [roomId, text], ack: delivered() },
  'chat:direct': { summary: 'A message to one socket of the namespace.', args: [{ ...socketId, maxLength: MAX_ROOM_NAME_LENGTH }, text], ack: delivered() },
  'enter': { summary: 'Join a room (`admins` is reserved).', args: [roomId], ack: roomsResult() },
  'leave': { summary: 'Leave a room.', args: [roomId], ack: roomsResult() },
  'leaveAll': { summary: 'Leave every room but the socket\'s own (and `admins`).', args: [], ack: roomsResult() },
  'list:room': {
    summary: 'The members of a room.',
    args: [roomId],
    ack: ackResult({ room: roomId, sockets: stringList, ...truncation }, ['room', 'sockets'], true),
  },
  'list:rooms': {
    summary: 'The namespace\'s rooms and their members.',
    args: [],
    ack: ackResult({
      namespace: namespaceName,
      rooms: { type: 'object', additionalProperties: stringList },
      sizes: { type: 'object', additionalProperties: count },
      ...truncation,
    }, ['namespace', 'rooms'], true),
  },
  'list:namespace': {
    summary: 'The namespace\'s sockets.',
    args: [],
    ack: ackResult({ namespace: namespaceName, sockets: stringList, ...truncation }, ['namespace', 'sockets'], true),
  },
  'list:server': {
    summary: 'Every namespace\'s sockets.',
    args: [],
    ack: ackResult({
      namespaces: { type: 'object', additionalProperties: stringList },
      totals: { type: 'object', additionalProperties: count },
      truncated: { const: true },
    }, ['namespaces'], true),
  },
  'echo': {
    summary: 'Any arguments, sent back unchanged: through the ack if there is one, else as an `echo` event.',
    args: [],
    rest: {},
    ack: { required: false, description: 'the same arguments, unchanged', args: [], rest: {} },
  },
  'quiz:start': { summary: 'Ask the server for a quiz: it sends `quiz` and waits for the answer.', args: [], ack: ackResult({ question: { type: 'string' } }, ['question']) },
  'stream:start': {
    summary: 'Start a stream of `tick` events.',
    args: [{
      type: 'object',
      properties: { rate: { type: 'integer', minimum: 1, maximum: MAX_STREAM_RATE }, count: { type: 'integer', minimum: 1, maximum: MAX_STREAM_COUNT } },
      required: ['rate', 'count'],
    }],
    ack: ackResult({ rate: count, count, requested: count, limited: { const: 'server-wide budget' } }, ['rate', 'count']),
  },
  'stream:stop': { summary: 'Stop the running stream.', args: [], ack: ackResult({ sent: count }, ['sent']) },
  'kick': { summary: 'Have the server disconnect this socket (`io server disconnect`).', args: [], ack: ackResult({}, []) },
}
