import type { Disposer, LogEntry } from '../types'
import type { ReadDefinition } from './read-asyncapi'
import type {
  CatalogDirection,
  CatalogEvent,
  CatalogEventKey,
  CatalogEvents,
  CatalogFilter,
  CatalogImportResult,
  CatalogOptions,
  CatalogSessionInfo,
  CatalogSource,
  CatalogStats,
  CatalogViolation,
  EventCatalogApi,
  ImportedDefinition,
  ImportedDocumentInfo,
  LearnedDefinition,
} from './types'
import type { ArgsCheck } from './validate'
import { isBinary, toBytes } from '../log/preview'
import { ArgsSchemaInferrer } from './infer'
import { catalogNamespace, catalogOrigin } from './origin'
import { readAsyncApi } from './read-asyncapi'
import { compileArgsCheck } from './validate'

const DEFAULT_MAX_EXAMPLE_BYTES = 4096
const DEFAULT_MAX_KEYS = 2000

interface LearnedState {
  count: number
  firstSeen: number
  lastSeen: number
  example: readonly unknown[]
  inferrer: ArgsSchemaInferrer
  ack?: ArgsSchemaInferrer
}

interface Row extends CatalogEventKey {
  readonly id: string
  learned?: LearnedState
  imported?: ImportedDefinition
  /** Compiled on first use, dropped with the import. `null` = nothing to check. */
  check?: ArgsCheck | null
  ackCheck?: ArgsCheck | null
  /** Frozen snapshot, rebuilt on the next `events()` after a change. */
  snapshot?: CatalogEvent
}

interface ImportState {
  readonly info: ImportedDocumentInfo
  readonly namespaces: ReadonlySet<string>
  readonly rowIds: readonly string[]
}

function rowId(origin: string, namespace: string, direction: CatalogDirection, name: string): string {
  return `${origin}|${namespace}|${direction}|${name}`
}

function directionWords(d: CatalogDirection): string {
  return d === 'in' ? 'server → client' : 'client → server'
}

/**
 * The event catalog: per server origin and namespace, every event name seen or sent (learned from log
 * entries) and/or declared by an imported AsyncAPI document, with schemas of their arguments; checks log
 * entries against the imported document. Framework-free and browser-safe (validation with
 * @cfworker/json-schema, no code generation). See ./README.md.
 * @example
 * const catalog = new EventCatalog()
 * for (const e of entries) catalog.observe(e, session)
 * catalog.events({ origin: catalogOrigin(session.url) }) // one row per event and direction
 */
export class EventCatalog implements EventCatalogApi {
  private readonly rows = new Map<string, Row>()
  /** origin → namespace → name → row per direction (rows deleted from `rows` are stale here: checked on use). */
  private readonly index = new Map<string, Map<string, Map<string, { in?: Row, out?: Row }>>>()
  private readonly importsByOrigin = new Map<string, ImportState>()
  private readonly listeners = new Set<() => void>()
  private readonly maxExampleBytes: number
  private readonly maxKeys: number
  private timer: ReturnType<typeof setTimeout> | undefined
  private sorted: readonly CatalogEvent[] | undefined
  private observations = 0
  private droppedKeys = 0
  /** Bumped when imports change: cached verdicts of older generations are stale. */
  private importGeneration = 0
  private readonly verdicts = new WeakMap<LogEntry, { gen: number, v: CatalogViolation | undefined }>()
  private _version = 0

  constructor(options: CatalogOptions = {}) {
    this.maxExampleBytes = options.maxExampleBytes ?? DEFAULT_MAX_EXAMPLE_BYTES
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS
  }

  get version(): number {
    return this._version
  }

  observe(entry: LogEntry, session: CatalogSessionInfo): void {
    if (entry.kind === 'event') {
      this.observations++
      const origin = catalogOrigin(session.url)
      const namespace = catalogNamespace(session.namespace)
      const row = this.row(origin, namespace, entry.direction, entry.name, true)
      if (!row)
        return
      const l = row.learned
      // A truncated entry lost its arguments (`size`/`unencodable`) or their depth: count it, learn no shape.
      const whole = entry.truncated === undefined
      if (!l) {
        const inferrer = new ArgsSchemaInferrer()
        if (whole)
          inferrer.add(entry.args)
        row.learned = { count: 1, firstSeen: entry.time, lastSeen: entry.time, example: this.exampleOf(entry.args, entry.bytes), inferrer }
      }
      else {
        l.count++
        l.lastSeen = Math.max(l.lastSeen, entry.time)
        l.firstSeen = Math.min(l.firstSeen, entry.time)
        // The latest example within the bound (`bytes` is the log's own estimate: no re-measuring here).
        if (whole && entry.bytes <= this.maxExampleBytes)
          l.example = entry.args
        if (whole)
          l.inferrer.add(entry.args)
      }
      this.touch(row)
    }
    else if (entry.kind === 'ack' && !entry.timedOut && entry.truncated === undefined) {
      // An `in` ack answers our `out` emit, and the other way round.
      const origin = catalogOrigin(session.url)
      const namespace = catalogNamespace(session.namespace)
      const row = this.rows.get(rowId(origin, namespace, entry.direction === 'in' ? 'out' : 'in', entry.name))
      if (!row?.learned)
        return
      const ack = row.learned.ack ??= new ArgsSchemaInferrer()
      if (ack.add(entry.args))
        this.touch(row)
    }
  }

  importAsyncApi(document: unknown, opts: { readonly origin: string }): CatalogImportResult {
    let read
    try {
      read = readAsyncApi(document)
    }
    catch (err) {
      return { ok: false, error: `cannot read the document: ${err instanceof Error ? err.message : String(err)}` }
    }
    if (!read.ok)
      return read
    const origin = catalogOrigin(opts.origin)
    this.dropImport(origin)
    const rowIds: string[] = []
    for (const d of read.definitions) {
      const row = this.row(origin, d.namespace, d.direction, d.name, false)!
      row.imported = importedOf(d)
      row.check = undefined
      row.ackCheck = undefined
      row.snapshot = undefined
      rowIds.push(row.id)
    }
    const info: ImportedDocumentInfo = Object.freeze({
      origin,
      title: read.title,
      version: read.version,
      asyncapi: read.asyncapi,
      namespaces: Object.freeze([...read.namespaces]),
      events: read.definitions.length,
    })
    this.importsByOrigin.set(origin, { info, namespaces: new Set(read.namespaces), rowIds })
    this.importGeneration++
    this.changed()
    return { ok: true, info, warnings: Object.freeze([...read.warnings]) }
  }

  removeImport(origin: string): boolean {
    const had = this.dropImport(catalogOrigin(origin))
    if (had) {
      this.importGeneration++
      this.changed()
    }
    return had
  }

  importedFor(origin: string): ImportedDocumentInfo | undefined {
    return this.importsByOrigin.get(catalogOrigin(origin))?.info
  }

  imports(): readonly ImportedDocumentInfo[] {
    return [...this.importsByOrigin.values()].map(i => i.info)
  }

  events(filter: CatalogFilter = {}): readonly CatalogEvent[] {
    if (!this.sorted) {
      const list = [...this.rows.values()].map(r => this.snapshotOf(r))
      list.sort((a, b) => cmp(a.origin, b.origin) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.direction, b.direction))
      this.sorted = Object.freeze(list)
    }
    const origin = filter.origin === undefined ? undefined : catalogOrigin(filter.origin)
    const namespace = filter.namespace === undefined ? undefined : catalogNamespace(filter.namespace)
    if (origin === undefined && namespace === undefined && filter.direction === undefined)
      return this.sorted
    return this.sorted.filter(e => (origin === undefined || e.origin === origin)
      && (namespace === undefined || e.namespace === namespace)
      && (filter.direction === undefined || e.direction === filter.direction))
  }

  get(key: CatalogEventKey): CatalogEvent | undefined {
    const row = this.rows.get(rowId(catalogOrigin(key.origin), catalogNamespace(key.namespace), key.direction, key.name))
    return row && this.snapshotOf(row)
  }

  origins(): readonly string[] {
    const out = new Set<string>()
    for (const r of this.rows.values()) out.add(r.origin)
    return [...out].sort()
  }

  check(entry: LogEntry, session: CatalogSessionInfo): CatalogViolation | undefined {
    if (entry.kind !== 'event' && entry.kind !== 'ack')
      return undefined
    if (this.importsByOrigin.size === 0)
      return undefined
    const cached = this.verdicts.get(entry)
    if (cached && cached.gen === this.importGeneration)
      return cached.v
    let v: CatalogViolation | undefined
    if (entry.kind === 'event') {
      v = this.checkArgs({ origin: session.url, namespace: session.namespace, name: entry.name, direction: entry.direction }, entry.truncated ? undefined : entry.args)
    }
    else if (!entry.timedOut && !entry.truncated) {
      const origin = catalogOrigin(session.url)
      const row = this.rows.get(rowId(origin, catalogNamespace(session.namespace), entry.direction === 'in' ? 'out' : 'in', entry.name))
      if (row?.imported?.ack) {
        row.ackCheck ??= compileArgsCheck(row.imported.ack)
        const p = row.ackCheck(entry.args)
        if (p)
          v = { kind: 'schema', reason: `ack: ${p.reason}`, path: p.path }
      }
    }
    this.verdicts.set(entry, { gen: this.importGeneration, v })
    return v
  }

  /** `args` undefined: only whether the event is declared (its arguments were not kept). */
  checkArgs(key: CatalogEventKey, args: readonly unknown[] | undefined): CatalogViolation | undefined {
    const origin = catalogOrigin(key.origin)
    const imp = this.importsByOrigin.get(origin)
    if (!imp)
      return undefined
    const namespace = catalogNamespace(key.namespace)
    if (!imp.namespaces.has(namespace))
      return undefined
    const row = this.rows.get(rowId(origin, namespace, key.direction, key.name))
    if (!row?.imported) {
      return {
        kind: 'undeclared',
        reason: `\`${key.name}\` (${directionWords(key.direction)}) is not declared in namespace ${namespace} by the imported document${imp.info.title ? ` “${imp.info.title}”` : ''}`,
      }
    }
    if (!row.imported.schema || args === undefined)
      return undefined
    if (row.check === undefined)
      row.check = compileArgsCheck(row.imported.schema)
    const p = row.check?.(args)
    return p && { kind: 'schema', reason: p.reason, path: p.path }
  }

  clearLearned(origin?: string): void {
    const o = origin === undefined ? undefined : catalogOrigin(origin)
    for (const [id, row] of this.rows) {
      if (o !== undefined && row.origin !== o)
        continue
      if (!row.learned)
        continue
      row.learned = undefined
      row.snapshot = undefined
      if (!row.imported)
        this.rows.delete(id)
    }
    this.changed()
  }

  stats(): CatalogStats {
    let skipped = 0
    for (const r of this.rows.values()) skipped += r.learned?.inferrer.skipped ?? 0
    return { keys: this.rows.size, observations: this.observations, skippedMerges: skipped, droppedKeys: this.droppedKeys }
  }

  on<K extends keyof CatalogEvents>(event: K, listener: CatalogEvents[K]): Disposer {
    if (event !== 'change')
      return () => {}
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  dispose(): void {
    this.listeners.clear()
    if (this.timer !== undefined)
      clearTimeout(this.timer)
    this.timer = undefined
  }

  private row(origin: string, namespace: string, direction: CatalogDirection, name: string, learning: boolean): Row | undefined {
    // Hot path (every event): nested maps keyed by the strings as they come, no key string built per event.
    const pair = this.index.get(origin)?.get(namespace)?.get(name)
    const hit = pair?.[direction]
    // Rows deleted from `rows` (clearLearned, a replaced import) may linger here: only the live one counts.
    if (hit && this.rows.get(hit.id) === hit)
      return hit
    const id = rowId(origin, namespace, direction, name)
    let row = this.rows.get(id)
    if (!row) {
      // Bounded: a server that makes up event names (ids in names) must not grow the catalog without end.
      if (learning && this.rows.size >= this.maxKeys) {
        this.droppedKeys++
        return undefined
      }
      row = { id, origin, namespace, name, direction }
      this.rows.set(id, row)
    }
    let byNamespace = this.index.get(origin)
    if (!byNamespace)
      this.index.set(origin, byNamespace = new Map())
    let byName = byNamespace.get(namespace)
    if (!byName)
      byNamespace.set(namespace, byName = new Map())
    let p = byName.get(name)
    if (!p)
      byName.set(name, p = {})
    p[direction] = row
    return row
  }

  private dropImport(origin: string): boolean {
    const prev = this.importsByOrigin.get(origin)
    if (!prev)
      return false
    for (const id of prev.rowIds) {
      const row = this.rows.get(id)
      if (!row)
        continue
      row.imported = undefined
      row.check = undefined
      row.ackCheck = undefined
      row.snapshot = undefined
      if (!row.learned)
        this.rows.delete(id)
    }
    this.importsByOrigin.delete(origin)
    return true
  }

  private exampleOf(args: readonly unknown[], bytes: number): readonly unknown[] {
    return bytes <= this.maxExampleBytes ? args : Object.freeze(boundedCopy(args, 0) as unknown[])
  }

  private touch(row: Row): void {
    row.snapshot = undefined
    this.changed()
  }

  private changed(): void {
    this._version++
    this.sorted = undefined
    // At most one notification per macrotask, however many events arrived in it.
    if (this.timer === undefined && this.listeners.size > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        for (const fn of [...this.listeners]) {
          try {
            fn()
          }
          catch {
            // A listener's bug must not stop the others (or the catalog).
          }
        }
      }, 0)
    }
  }

  private snapshotOf(row: Row): CatalogEvent {
    if (row.snapshot)
      return row.snapshot
    const source: CatalogSource = row.learned && row.imported ? 'both' : row.imported ? 'imported' : 'learned'
    let learned: LearnedDefinition | undefined
    if (row.learned) {
      const l = row.learned
      learned = Object.freeze({
        count: l.count,
        firstSeen: l.firstSeen,
        lastSeen: l.lastSeen,
        example: l.example,
        schema: l.inferrer.schema(),
        ...(l.ack ? { ack: l.ack.schema() } : {}),
      })
    }
    const schema = row.imported?.schema ?? learned?.schema
    const example = learned?.example ?? row.imported?.examples[0]
    const ev: CatalogEvent = {
      id: row.id,
      origin: row.origin,
      namespace: row.namespace,
      name: row.name,
      direction: row.direction,
      source,
      ...(learned ? { learned } : {}),
      ...(row.imported ? { imported: row.imported } : {}),
      ...(schema ? { schema } : {}),
      ...(example ? { example } : {}),
      count: learned?.count ?? 0,
    }
    return (row.snapshot = Object.freeze(ev))
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function importedOf(d: ReadDefinition): ImportedDefinition {
  return deepFreeze({
    ...(d.schema ? { schema: d.schema } : {}),
    ...(d.ack ? { ack: d.ack } : {}),
    ...(d.summary ? { summary: d.summary } : {}),
    ...(d.description ? { description: d.description } : {}),
    examples: d.examples,
    messageId: d.messageId,
  })
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v) && !isBinary(v)) {
    Object.freeze(v)
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
  }
  return v
}

/** A small copy of an over-sized example: 4 levels, 20 keys/items, strings cut at 200 characters, 64 bytes. */
function boundedCopy(v: unknown, depth: number): unknown {
  if (typeof v === 'string')
    return v.length > 200 ? `${v.slice(0, 200)}…` : v
  if (v === null || typeof v !== 'object')
    return v
  if (isBinary(v))
    return toBytes(v).slice(0, 64)
  if (depth >= 4)
    return Array.isArray(v) ? [] : {}
  if (Array.isArray(v))
    return v.slice(0, 20).map(x => boundedCopy(x, depth + 1))
  const out: Record<string, unknown> = {}
  let n = 0
  for (const k of Object.keys(v)) {
    if (n++ >= 20)
      break
    out[k] = boundedCopy((v as Record<string, unknown>)[k], depth + 1)
  }
  return out
}
