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
export function globToRegExp(glob: string): RegExp {
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

/** Whether a needle can match the text of numbers (digits, signs, dots, `e`, `n`, `Infinity`/`NaN`). */
export function isNumericNeedle(needle: string): boolean {
  return /^[\d\-+.einftya]+$/.test(needle)
}

/**
 * The one walk the text search makes over a value: every string (its first 64 K characters), key and
 * boolean goes to `onText`, every number to `onNumber` (when given), lowercased, depth-first, at most
 * 2,000 values. Stops (returns true) when a callback returns true. `valueContains` and `entrySearchText`
 * share it, so a search over the cached text and a walk of the value always agree.
 */
function walkText(root: unknown, onText: (lowered: string) => boolean, onNumber: ((lowered: string) => boolean) | undefined): boolean {
  let budget = TEXT_NODE_BUDGET
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    if (--budget < 0)
      return false
    const v = stack.pop()
    switch (typeof v) {
      case 'string':
        if (onText((v.length > TEXT_STRING_BUDGET ? v.slice(0, TEXT_STRING_BUDGET) : v).toLowerCase()))
          return true
        break
      case 'number':
      case 'bigint':
        if (onNumber && onNumber(String(v).toLowerCase()))
          return true
        break
      case 'boolean':
        if (onText(String(v)))
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
            if (onText(k.toLowerCase()))
              return true
            stack.push((v as Record<string, unknown>)[k])
          }
        }
        break
    }
  }
  return false
}

function valueContains(root: unknown, needle: string): boolean {
  const test = (s: string): boolean => s.includes(needle)
  // Numbers print as digits, signs, dots, `e`, `n`, `Infinity`/`NaN`: skip them when the needle can't match.
  return walkText(root, test, isNumericNeedle(needle) ? test : undefined)
}

/** What the text search looks at in one entry, kind by kind (`entryContains` and `entrySearchText`). */
function searchableParts(e: LogEntry): { name?: string, value?: unknown } {
  switch (e.kind) {
    case 'event':
    case 'ack':
      return { name: e.name.toLowerCase(), value: e.args }
    case 'frame':
      return typeof e.data === 'string' ? { value: e.data } : {}
    case 'connecting':
      return { value: [e.url, e.namespace] }
    case 'connect':
      return { value: [e.socketId, e.engineId, e.transport] }
    case 'connect_error':
      return { value: [e.message, e.data, e.description] }
    case 'disconnect':
      return { value: [e.reason, e.explanation, e.socketId] }
    case 'reconnect_error':
    case 'note':
      return { value: e.message }
    case 'upgrading':
    case 'upgrade':
    case 'upgrade_error':
      return { value: [e.transport, e.message] }
    default:
      return { name: e.kind }
  }
}

/** Separates the texts of one entry in its search text (a needle holding it is searched the slow way). */
const SEP = '\u0000'
/** Marks where the numbers start in a search text. */
const NUMBERS = `${SEP}\u0001${SEP}`
/** An entry whose search text would be longer than this is searched by walking it each time. */
export const SEARCH_TEXT_MAX = 4096

// `entrySearchText`'s parts (module state, reused: no closures or arrays per entry).
const textParts: string[] = []
const numberParts: string[] = []
let partsLength = 0
function addText(s: string): boolean {
  textParts.push(s)
  partsLength += s.length + 1
  return partsLength > SEARCH_TEXT_MAX
}
function addNumber(s: string): boolean {
  numberParts.push(s)
  partsLength += s.length + 1
  return partsLength > SEARCH_TEXT_MAX
}

/**
 * The lowercased text the text filter searches in one entry, flattened once so that a search is one
 * `indexOf` (`searchTextIncludes`): names, keys, strings and booleans, then the numbers after a marker,
 * each separated by U+0000. `null` when it would exceed `SEARCH_TEXT_MAX` characters (search such an
 * entry with `entryContains`). Same walk, budgets and lowercasing as the filter, so results are identical.
 * @example searchTextIncludes(entrySearchText(entry)!, 'hello') === compileFilter({ text: 'hello' })(entry)
 */
export function entrySearchText(e: LogEntry): string | null {
  const { name, value } = searchableParts(e)
  textParts.length = 0
  numberParts.length = 0
  partsLength = 0
  if (name !== undefined)
    addText(name)
  const tooLong = (value !== undefined && walkText(value, addText, addNumber)) || partsLength > SEARCH_TEXT_MAX
  // `join` makes one flat string (a chain of `+` would be flattened by the first search instead).
  const text = tooLong ? null : `${textParts.join(SEP)}${NUMBERS}${numberParts.join(SEP)}`
  textParts.length = 0
  numberParts.length = 0
  return text
}

/**
 * Whether a search text (`entrySearchText`) matches a lowercased needle; `undefined` when the needle holds
 * the separator characters and the entry must be walked instead (`entryContains`).
 */
export function searchTextIncludes(text: string, needle: string): boolean | undefined {
  if (needle.includes(SEP) || needle.includes('\u0001'))
    return undefined
  const at = text.indexOf(needle)
  if (at < 0)
    return false
  // Numbers come last: the first hit is among the texts when there is one there at all.
  return at < text.lastIndexOf(NUMBERS) || isNumericNeedle(needle)
}

/**
 * Whether an entry matches the text filter's lowercased needle (the slow, exact walk).
 * @example entryContains(entry, 'hello')
 */
export function entryContains(e: LogEntry, needle: string): boolean {
  const { name, value } = searchableParts(e)
  if (name !== undefined && name.includes(needle))
    return true
  return value !== undefined && valueContains(value, needle)
}

export interface CompileOptions {
  /**
   * The text test (lowercased needle): a faster equivalent of `entryContains`, e.g. over cached search
   * texts (`entrySearchText`). @default entryContains
   */
  contains?: (e: LogEntry, needle: string) => boolean
}

/**
 * Turn a filter into a predicate. Cheap checks (session, kind, direction, name) run before the text search.
 * @example
 * const match = compileFilter({ name: 'chat*', directions: ['in'], text: 'hello' })
 * const hits = [...log].filter(match)
 */
export function compileFilter(f: LogFilter, options: CompileOptions = {}): (e: LogEntry) => boolean {
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
  const contains = options.contains ?? entryContains
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
    if (needle !== '' && !contains(e, needle))
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
