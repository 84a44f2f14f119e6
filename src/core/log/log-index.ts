import type { InspectorLog, LogEntry } from '../types'
import { entryContains, entryName, entrySearchText, searchTextIncludes } from './filter'

/** `*` and `?` make a name filter a glob (the same rule as `compileFilter`). */
function isGlob(name: string): boolean {
  return /[*?]/.test(name)
}

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

/** First position in sorted `ids` whose id is ≥ `id`. */
function lowerBound(ids: readonly number[], id: number, from = 0): number {
  let lo = from
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ids[mid] < id)
      lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Indexes over a log that make a view's filters fast on 100,000 entries, kept outside the log (a
 * subscriber: the log's append path does not change):
 *
 * - **names**: event/ack name → ids, oldest first, updated per batch. A name filter reads the ids of the
 *   matching names instead of walking the log (`idsForName`).
 * - **search texts**: the lowercased text the text filter looks at, per entry (`entrySearchText`), built on
 *   first use or ahead of time by `warm` (idle time), so a text search is one `indexOf` per entry
 *   (`contains`, a drop-in for `entryContains`).
 *
 * Both are exact: entries the subscriber has not seen yet are read from the log (`catchUp`), dropped
 * entries are skipped by id, and entries too large for a cached text are walked as before.
 * @example
 * const index = new LogIndex(inspector.log)
 * const ids = index.idsForName('chat*')           // sorted ids of every event/ack named chat…
 * const match = compileFilter(filter, { contains: index.contains })
 */
export class LogIndex {
  private readonly names = new Map<string, number[]>()
  /** Highest id indexed by name (ids are consecutive and never reused). */
  private indexedThrough = 0
  /** Search texts by `id - textBase`; `null`: too long to cache, walk the entry. `textOf` returns null too when the budget is spent. */
  private texts: (string | null | undefined)[] = []
  private textBase = 1
  /** Characters held in `texts`, at most `maxTextChars` (beyond it, entries are walked on each search). */
  private textChars = 0
  /** `warm` has visited every id up to this one. */
  private warmedThrough = 0
  private readonly disposers: (() => void)[] = []

  /**
   * @param log the log to index
   * @param maxTextChars bound on the cached search texts (characters; one-byte strings for ASCII text,
   *   so about as many bytes). @default 32 M
   */
  constructor(private readonly log: InspectorLog, private readonly maxTextChars = 32 * 2 ** 20) {
    this.disposers.push(log.subscribe(batch => this.onBatch(batch)))
    this.disposers.push(log.onReset(() => this.onReset()))
    this.catchUp()
  }

  /** Index what the log holds beyond what its batches delivered so far (they come a macrotask later). */
  catchUp(): void {
    const last = this.log.at(this.log.size - 1)
    if (!last || last.id <= this.indexedThrough)
      return
    const first = this.log.at(0)!
    for (let id = Math.max(first.id, this.indexedThrough + 1); id <= last.id; id++) {
      const e = this.log.get(id)
      if (e)
        this.indexName(e)
    }
    this.indexedThrough = last.id
  }

  /**
   * Ids of the event/ack entries whose name matches `name` (exact, or a glob with `*`/`?`), oldest first,
   * among the entries held now (a fresh array the caller may keep).
   */
  idsForName(name: string): number[] {
    this.catchUp()
    const firstId = this.log.at(0)?.id ?? Number.POSITIVE_INFINITY
    if (!isGlob(name)) {
      const ids = this.names.get(name)
      return ids ? ids.slice(lowerBound(ids, firstId)) : []
    }
    const re = globToRegExp(name)
    const lists: number[][] = []
    for (const [n, ids] of this.names) {
      if (re.test(n))
        lists.push(ids)
    }
    if (lists.length === 1)
      return lists[0].slice(lowerBound(lists[0], firstId))
    const out: number[] = []
    for (const ids of lists) {
      for (let i = lowerBound(ids, firstId); i < ids.length; i++) out.push(ids[i])
    }
    return out.sort((a, b) => a - b)
  }

  /** `entryContains` over the cached search text when `warm`/`warmEntries` built it, else the walk. */
  readonly contains = (e: LogEntry, needle: string): boolean => {
    // Not built yet: walking the entry once is faster than building its text (which `warm` does ahead).
    const text = this.texts[e.id - this.textBase]
    if (typeof text === 'string') {
      const hit = searchTextIncludes(text, needle)
      if (hit !== undefined)
        return hit
    }
    return entryContains(e, needle)
  }

  /** Whether `textIds` can search for this lowercased needle (it holds no separator character). */
  canSearchText(needle: string): boolean {
    return needle !== '' && searchTextIncludes('', needle) !== undefined
  }

  /**
   * Push to `out` the ids in `[fromId, toId]` of held entries whose text contains the lowercased `needle`
   * (`canSearchText`), oldest first: a tight `indexOf` over the cached texts; entries without one are
   * walked (`entryContains`). Call it on ranges of a few thousand ids between yields.
   */
  textIds(needle: string, fromId: number, toId: number, out: number[]): void {
    const texts = this.texts
    const base = this.textBase
    const first = Math.max(fromId, this.log.at(0)?.id ?? fromId)
    for (let id = first; id <= toId; id++) {
      const text = texts[id - base]
      if (typeof text === 'string') {
        if (text.includes(needle) && searchTextIncludes(text, needle))
          out.push(id)
      }
      else {
        const e = this.log.get(id)
        if (e && entryContains(e, needle))
          out.push(id)
      }
    }
  }

  /** Whether the search text of the entry with this id is built. */
  hasText(id: number): boolean {
    return this.texts[id - this.textBase] !== undefined
  }

  /**
   * Build search texts for held entries that have none, oldest first, until `shouldStop()` (checked every
   * 64 entries). Returns true when every held entry has one.
   */
  warm(shouldStop: () => boolean): boolean {
    const last = this.log.at(this.log.size - 1)
    const first = this.log.at(0)
    if (!last || !first)
      return true
    let n = 0
    for (let id = Math.max(first.id, this.warmedThrough + 1); id <= last.id; id++) {
      this.warmedThrough = id
      if (this.texts[id - this.textBase] !== undefined)
        continue
      const e = this.log.get(id)
      if (e)
        this.textOf(e)
      if ((++n & 63) === 0 && shouldStop())
        return id === last.id
    }
    return true
  }

  /** Build the search texts of these entries now (e.g. each slice of an import, right after it is appended). */
  warmEntries(entries: readonly LogEntry[]): void {
    for (const e of entries) this.textOf(e)
  }

  dispose(): void {
    for (const off of this.disposers.splice(0)) off()
  }

  private textOf(e: LogEntry): string | null {
    if (this.texts.length === 0)
      this.textBase = Math.min(e.id, this.log.at(0)?.id ?? e.id)
    const at = e.id - this.textBase
    let text = this.texts[at]
    if (text === undefined) {
      text = entrySearchText(e)
      if (text !== null && this.textChars + text.length > this.maxTextChars)
        return null
      if (at >= 0) {
        this.textChars += text?.length ?? 0
        // Keep the array dense (no far writes past its end: those turn it into a slow dictionary).
        while (this.texts.length < at) this.texts.push(undefined)
        this.texts[at] = text
      }
    }
    return text
  }

  private indexName(e: LogEntry): void {
    const name = entryName(e)
    if (name === undefined)
      return
    const ids = this.names.get(name)
    if (ids)
      ids.push(e.id)
    else this.names.set(name, [e.id])
  }

  private onBatch(batch: readonly LogEntry[]): void {
    for (const e of batch) {
      if (e.id > this.indexedThrough) {
        this.indexName(e)
        this.indexedThrough = e.id
      }
    }
  }

  private onReset(): void {
    const first = this.log.at(0)
    if (!first) {
      this.names.clear()
      this.texts = []
      this.textChars = 0
      return
    }
    // The ring buffer dropped entries: cut the fronts once they hold many stale ids (reads skip them anyway).
    const stale = first.id - this.textBase
    if (stale > 4096 && stale > this.texts.length / 4) {
      for (let i = 0; i < stale && i < this.texts.length; i++) this.textChars -= this.texts[i]?.length ?? 0
      this.texts = this.texts.slice(stale)
      this.textBase = first.id
      for (const [name, ids] of this.names) {
        const keep = lowerBound(ids, first.id)
        if (keep === ids.length)
          this.names.delete(name)
        else if (keep > 0)
          this.names.set(name, ids.slice(keep))
      }
    }
  }
}

const shared = new WeakMap<InspectorLog, LogIndex>()

/**
 * The one `LogIndex` of a log (created on first use), shared by every view over it.
 * @example const ids = logIndexOf(inspector.log).idsForName('chat')
 */
export function logIndexOf(log: InspectorLog): LogIndex {
  let index = shared.get(log)
  if (!index) {
    index = new LogIndex(log)
    shared.set(log, index)
  }
  return index
}
