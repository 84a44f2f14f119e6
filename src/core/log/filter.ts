import type { DisplayDirection, InspectorLog, LogEntry, LogEntryKind } from '../types'
import { isBinary } from './preview'

/** What the log view filters on. Every field is optional; all given fields must match. */
export interface LogFilter {
  sessionIds?: readonly string[]
  kinds?: readonly LogEntryKind[]
  directions?: readonly DisplayDirection[]
  /** Event name: exact, or a glob with `*` and `?` (`chat*` matches every name that starts with `chat`). */
  name?: string
  /** Case-insensitive substring of the event name or the payload (strings, keys, numbers). */
  text?: string
}

/**
 * The direction column of the log view.
 * @example displayDirection(ackEntry) // 'ack'
 */
export function displayDirection(entry: LogEntry): DisplayDirection {
  switch (entry.kind) {
    case 'event':
    case 'frame':
      return entry.direction
    case 'ack':
      return 'ack'
    case 'connecting':
    case 'connect':
    case 'connect_error':
    case 'disconnect':
    case 'reconnect_attempt':
    case 'reconnect_error':
    case 'reconnect':
    case 'reconnect_failed':
    case 'upgrading':
    case 'upgrade':
    case 'upgrade_error':
    case 'note':
      return 'lifecycle'
    default: {
      const never: never = entry
      return (never as LogEntry).direction === 'out' ? 'out' : 'lifecycle'
    }
  }
}

/**
 * The event name an entry shows, if it has one (events and acks).
 * @example entryName(eventEntry) // 'chat'
 */
export function entryName(entry: LogEntry): string | undefined {
  return entry.kind === 'event' || entry.kind === 'ack' ? entry.name : undefined
}

/** Compile a glob (`*`, `?`) into an anchored regular expression; other characters are literal. */
function globToRegExp(glob: string): RegExp {
  let src = ''
  for (const ch of glob) {
    if (ch === '*')
      src += '[\\s\\S]*'
    else if (ch === '?')
      src += '[\\s\\S]'
    else
      src += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')
  }
  return new RegExp(`^${src}$`, 'u')
}

/** Values the text search visits per entry: keeps a search over a 5 MB payload bounded. */
const TEXT_NODE_BUDGET = 2000
/** Characters of one string the text search looks at. */
const TEXT_STRING_BUDGET = 65_536

function valueContains(root: unknown, needle: string): boolean {
  // Numbers print as digits, signs, dots, `e`, `n`, `Infinity`/`NaN`: skip them when the needle can't match.
  const numeric = /^[\d\-+.einftya]+$/.test(needle)
  let budget = TEXT_NODE_BUDGET
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    if (--budget < 0)
      return false
    const v = stack.pop()
    switch (typeof v) {
      case 'string':
        if ((v.length > TEXT_STRING_BUDGET ? v.slice(0, TEXT_STRING_BUDGET) : v).toLowerCase().includes(needle))
          return true
        break
      case 'number':
      case 'bigint':
        if (numeric && String(v).toLowerCase().includes(needle))
          return true
        break
      case 'boolean':
        if (String(v).includes(needle))
          return true
        break
      case 'object':
        if (v === null || isBinary(v))
          break
        if (Array.isArray(v)) {
          for (let i = Math.min(v.length, budget) - 1; i >= 0; i--) stack.push(v[i])
        }
        else {
          let n = 0
          for (const k in v) {
            if (n++ > budget)
              break
            if (k.toLowerCase().includes(needle))
              return true
            stack.push((v as Record<string, unknown>)[k])
          }
        }
        break
    }
  }
  return false
}

function entryContains(e: LogEntry, needle: string): boolean {
  switch (e.kind) {
    case 'event':
    case 'ack':
      return e.name.toLowerCase().includes(needle) || valueContains(e.args, needle)
    case 'frame':
      return typeof e.data === 'string' && valueContains(e.data, needle)
    case 'connecting':
      return valueContains([e.url, e.namespace], needle)
    case 'connect':
      return valueContains([e.socketId, e.engineId, e.transport], needle)
    case 'connect_error':
      return valueContains([e.message, e.data, e.description], needle)
    case 'disconnect':
      return valueContains([e.reason, e.explanation, e.socketId], needle)
    case 'reconnect_error':
    case 'note':
      return valueContains(e.message, needle)
    case 'upgrading':
    case 'upgrade':
    case 'upgrade_error':
      return valueContains([e.transport, e.message], needle)
    default:
      return e.kind.includes(needle)
  }
}

/**
 * Turn a filter into a predicate. Cheap checks (session, kind, direction, name) run before the text search.
 * @example
 * const match = compileFilter({ name: 'chat*', directions: ['in'], text: 'hello' })
 * const hits = [...log].filter(match)
 */
export function compileFilter(f: LogFilter): (e: LogEntry) => boolean {
  const sessions = f.sessionIds?.length ? new Set(f.sessionIds) : undefined
  const kinds = f.kinds?.length ? new Set<string>(f.kinds) : undefined
  const directions = f.directions?.length ? new Set<string>(f.directions) : undefined
  const name = f.name ?? ''
  const nameTest: ((n: string) => boolean) | undefined = name === ''
    ? undefined
    : /[*?]/.test(name)
      ? (re => (n: string) => re.test(n))(globToRegExp(name))
      : (n: string) => n === name
  const needle = (f.text ?? '').toLowerCase()
  return (e) => {
    if (sessions && !sessions.has(e.sessionId))
      return false
    if (kinds && !kinds.has(e.kind))
      return false
    if (directions && !directions.has(displayDirection(e)))
      return false
    if (nameTest) {
      const n = entryName(e)
      if (n === undefined || !nameTest(n))
        return false
    }
    if (needle !== '' && !entryContains(e, needle))
      return false
    return true
  }
}

export interface FilterLogOptions {
  /** Entries checked between two yields to the event loop. @default 5000 */
  chunkSize?: number
  signal?: AbortSignal
}

const yieldToEventLoop = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 0))

/**
 * Ids of the matching entries, oldest first, a chunk at a time; between chunks it yields to the event loop,
 * so a filter over 100,000 entries never blocks. Stops early when `signal` aborts. Covers the entries held
 * when it starts (entries dropped meanwhile are skipped).
 * @example
 * const ids: number[] = []
 * for await (const chunk of filterLog(log, { text: 'hello' })) ids.push(...chunk)
 */
export async function* filterLog(log: InspectorLog, f: LogFilter, opts?: FilterLogOptions): AsyncGenerator<number[]> {
  const match = compileFilter(f)
  const chunkSize = Math.max(1, opts?.chunkSize ?? 5000)
  const first = log.at(0)
  const last = log.at(log.size - 1)
  if (!first || !last)
    return
  let id = first.id
  const end = last.id
  while (id <= end) {
    if (opts?.signal?.aborted)
      return
    const hits: number[] = []
    const stop = Math.min(end, id + chunkSize - 1)
    for (; id <= stop; id++) {
      const e = log.get(id)
      if (e && match(e))
        hits.push(e.id)
    }
    if (hits.length > 0)
      yield hits
    if (id <= end)
      await yieldToEventLoop()
  }
}
