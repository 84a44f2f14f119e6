import type { DisplayDirection, EnginePacketType, FrameEntry, InspectorLog, LogEntry, LogEntryKind } from '../types'
import { frameWireText } from '../decode/frame'
import { isBinary, ROW_PREVIEW_CHARS, searchPreview } from './preview'

/**
 * What the frames view filters by type: an Engine.IO packet type, where `ping`/`pong` are the heartbeat and
 * `probe` is the upgrade probe (`2probe`/`3probe`, ping and pong over the transport being probed).
 */
export type FrameClass = EnginePacketType | 'probe'

/** Every frame class, in Engine.IO type order, the probe last. */
export const FRAME_CLASSES: readonly FrameClass[] = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop', 'error', 'probe']

/**
 * The frame class of a frame: `probe` for the upgrade probe, else its Engine.IO packet type.
 * @example frameClass(frame) // 'ping' (a heartbeat) or 'probe' (frame.probe === true)
 */
export function frameClass(f: FrameEntry): FrameClass {
  return f.probe ? 'probe' : f.engineType
}

/** What the log view filters on. Every field is optional; all given fields must match. */
export interface LogFilter {
  sessionIds?: readonly string[]
  kinds?: readonly LogEntryKind[]
  directions?: readonly DisplayDirection[]
  /** Event name: exact, or a glob with `*` and `?` (`chat*` matches every name that starts with `chat`). */
  name?: string
  /**
   * Case-insensitive substring of the event name or the payload: its strings, keys and numbers, or its
   * one-line preview as a row shows it (`seq: 12`, `role: "admin"`); for frames, the packet as it went
   * over the wire (`2probe`, `42["chat",…]`).
   */
  text?: string
  /** Frames only (other entries pass): keep these classes (`frameClass`). Empty or absent: every frame. */
  frameClasses?: readonly FrameClass[]
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

/**
 * What the text search looks at in one entry, kind by kind (`entryContains` and `entrySearchText`): the
 * name, a value whose texts are walked, and values whose one-line preview is searched too (`preview`, the
 * same array as `value`: when the preview is complete, the walk finds nothing more).
 */
function searchableParts(e: LogEntry): { name?: string, value?: unknown, preview?: readonly unknown[] } {
  switch (e.kind) {
    case 'event':
    case 'ack':
      return { name: e.name.toLowerCase(), value: e.args, preview: e.args }
    case 'frame': {
      const wire = frameWireText(e)
      return wire === undefined ? {} : { value: wire }
    }
    case 'connecting':
      return { value: [e.url, e.namespace] }
    case 'connect':
      return { value: [e.socketId, e.engineId, e.transport] }
    case 'connect_error': {
      const value = [e.message, e.data, e.description]
      return { value, preview: value }
    }
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

/** The lowercased preview the text filter searches (`searchPreview`: cut without a `…` mark). */
function previewSearchText(values: readonly unknown[]): { text: string, complete: boolean } {
  const p = searchPreview(values, ROW_PREVIEW_CHARS)
  return { text: p.text.toLowerCase(), complete: p.complete }
}

/** Separates the texts of one entry in its search text (a needle holding it is searched the slow way). */
const SEP = '\u0000'
/** Marks where the numbers start in a search text. */
const NUMBERS = `${SEP}\u0001${SEP}`
/**
 * An entry whose search text would be longer than this (besides its preview, at most `ROW_PREVIEW_CHARS`)
 * is searched by walking it each time.
 */
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
 * `indexOf` (`searchTextIncludes`): the name, the one-line preview of the payload (as the row shows it), and
 * unless that preview is complete, the keys, strings and booleans, then the numbers after a marker, each
 * separated by U+0000. `null` when the walk's part would exceed `SEARCH_TEXT_MAX` characters (search such an
 * entry with `entryContains`). Same walk, budgets and lowercasing as the filter, so results are identical.
 * @example searchTextIncludes(entrySearchText(entry)!, 'hello') === compileFilter({ text: 'hello' })(entry)
 */
export function entrySearchText(e: LogEntry): string | null {
  const { name, value, preview } = searchableParts(e)
  textParts.length = 0
  numberParts.length = 0
  partsLength = 0
  if (name !== undefined)
    addText(name)
  // The preview first: when it is complete it holds every text the walk would add (then skipped).
  let covered = false
  if (preview !== undefined) {
    const p = previewSearchText(preview)
    textParts.push(p.text) // bounded by itself: not counted against SEARCH_TEXT_MAX
    covered = p.complete
  }
  const tooLong = (!covered && value !== undefined && walkText(value, addText, addNumber)) || partsLength > SEARCH_TEXT_MAX
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
  const { name, value, preview } = searchableParts(e)
  if (name !== undefined && name.includes(needle))
    return true
  if (preview !== undefined) {
    const p = previewSearchText(preview)
    if (p.text.includes(needle))
      return true
    if (p.complete)
      return false
  }
  return value !== undefined && valueContains(value, needle)
}

// ---------------------------------------------------------------- where a match is

/** Values `matchPaths` visits (the filter's own node budget). */
const PATH_NODE_BUDGET = TEXT_NODE_BUDGET
/** Depth `matchPaths` looks into. */
const PATH_MAX_DEPTH = 64
const PATH_IDENT = /^[A-Z_$][\w$]*$/i

/** How a key is spelled in a preview and in a path: bare when it is an identifier, else quoted. */
function keySpelling(k: string): string {
  return PATH_IDENT.test(k) && k !== '__proto__' ? k : JSON.stringify(k)
}

/**
 * The path of a child value, as `matchPaths` spells it: `$[1]` for an array item, `$.role` for a key that is
 * an identifier, `$["a b"]` for any other key.
 * @example childPath('$[1]', 'role') // '$[1].role'
 */
export function childPath(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : PATH_IDENT.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !isBinary(v) && !(v instanceof Date) && !(v instanceof Error)
    && !(v instanceof Map) && !(v instanceof Set)
}

/** Whether the value's (or its key's) own text holds the needle, as the filter's walk reads it. */
function rawHit(v: unknown, key: string | undefined, needle: string): boolean {
  if (key !== undefined && key.toLowerCase().includes(needle))
    return true
  switch (typeof v) {
    case 'string':
      return (v.length > TEXT_STRING_BUDGET ? v.slice(0, TEXT_STRING_BUDGET) : v).toLowerCase().includes(needle)
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v).toLowerCase().includes(needle)
    default:
      return false
  }
}

/**
 * Paths (`$[1].role`, `$[0]["a b"][2]`) of the deepest values under `root` whose text holds the lowercased
 * `needle`: as a row spells them (`role: "admin"`, `seq: 12`, the one-line preview of a value) or as the
 * filter's walk reads them (strings, keys, numbers). A needle that spans several values (`a: 1, b: 2`) gives
 * the path of the value that holds them all. At most `max` paths, 2,000 values and 64 levels visited.
 * @example matchPaths([{ seq: 12 }, { role: 'admin' }], 'role: "admin"') // ['$[1].role']
 */
export function matchPaths(root: unknown, needle: string, rootPath = '$', max = 20): string[] {
  const lowered = needle.toLowerCase()
  const out: string[] = []
  if (lowered === '')
    return out
  let budget = PATH_NODE_BUDGET
  const ancestors: object[] = []
  const visit = (v: unknown, path: string, key: string | undefined, depth: number): boolean => {
    if (out.length >= max || --budget < 0)
      return false
    const p = searchPreview([v], ROW_PREVIEW_CHARS)
    const own = p.text.toLowerCase()
    const spelled = key === undefined ? own : `${keySpelling(key).toLowerCase()}: ${own}`
    const spelledHit = spelled.includes(lowered)
    // A complete preview holds every text below it: without the needle, nothing below can match (the key
    // itself may still, when its spelling is escaped).
    if (p.complete && !spelledHit && !(key !== undefined && key.toLowerCase().includes(lowered)))
      return false
    let below = false
    if (isContainer(v) && depth < PATH_MAX_DEPTH && !ancestors.includes(v)) {
      ancestors.push(v)
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (out.length >= max || budget <= 0)
            break
          below = visit(v[i], childPath(path, i), undefined, depth + 1) || below
        }
      }
      else {
        for (const k in v) {
          if (out.length >= max || budget <= 0)
            break
          if (!Object.prototype.hasOwnProperty.call(v, k))
            continue
          below = visit((v as Record<string, unknown>)[k], childPath(path, k), k, depth + 1) || below
        }
      }
      ancestors.pop()
    }
    if (below)
      return true
    if (spelledHit || rawHit(v, key, lowered)) {
      out.push(path)
      return true
    }
    return false
  }
  visit(root, rootPath, undefined, 0)
  return out
}

/** The fields of each entry kind the text filter searches (`searchableParts`), for `entryMatchPaths`. */
const SEARCHED_FIELDS: Partial<Record<LogEntryKind, readonly string[]>> = {
  connecting: ['url', 'namespace'],
  connect: ['socketId', 'engineId', 'transport'],
  connect_error: ['message', 'data', 'description'],
  disconnect: ['reason', 'explanation', 'socketId'],
  reconnect_error: ['message'],
  note: ['message'],
  upgrading: ['transport', 'message'],
  upgrade: ['transport', 'message'],
  upgrade_error: ['transport', 'message'],
  frame: ['data'],
}

/**
 * Where the text filter's needle matched in one entry, as the entry's detail shows it: `name` for the event
 * name, paths into the arguments (`$[1].role`) for events and acks, paths into the entry's fields
 * (`$.message`, `$.data.reason`) for the others. Empty when the needle is empty or matched nowhere.
 * @example entryMatchPaths(chatEntry, 'seq: 12') // ['$[0].seq']
 */
export function entryMatchPaths(e: LogEntry, needle: string, max = 20): string[] {
  const lowered = needle.toLowerCase()
  if (lowered === '')
    return []
  if (e.kind === 'event' || e.kind === 'ack') {
    const named = e.name.toLowerCase().includes(lowered)
    const paths = matchPaths(e.args, lowered, '$', named ? max - 1 : max)
    return named ? ['name', ...paths] : paths
  }
  const fields = SEARCHED_FIELDS[e.kind]
  if (!fields)
    return []
  const picked: Record<string, unknown> = {}
  for (const f of fields) {
    const v = (e as unknown as Record<string, unknown>)[f]
    if (v !== undefined)
      picked[f] = v
  }
  return matchPaths(picked, lowered, '$', max)
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
  const frameClasses = f.frameClasses?.length ? new Set<FrameClass>(f.frameClasses) : undefined
  return (e) => {
    if (sessions && !sessions.has(e.sessionId))
      return false
    if (kinds && !kinds.has(e.kind))
      return false
    if (frameClasses && e.kind === 'frame' && !frameClasses.has(frameClass(e)))
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
  const last = log.at(log.size - 1)
  if (!last)
    return
  // Held entries only (ids have gaps where a session dropped entries); the walk goes on from the last id
  // it saw after each yield, so entries dropped meanwhile are skipped and none is seen twice.
  const walk = log.range(1, last.id + 1)
  for (;;) {
    if (opts?.signal?.aborted)
      return
    const hits: number[] = []
    let n = 0
    let done = false
    while (n < chunkSize) {
      const step = walk.next()
      if (step.done) {
        done = true
        break
      }
      n++
      if (match(step.value))
        hits.push(step.value.id)
    }
    if (hits.length > 0)
      yield hits
    if (done)
      return
    await yieldToEventLoop()
  }
}
