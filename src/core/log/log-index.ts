import type { InspectorLog, LogEntry } from '../types'
import { entryContains, entryName, entrySearchText, globToRegExp, isNumericNeedle, searchTextIncludes } from './filter'

/** Entries per block of search texts. */
const BLOCK_ENTRIES = 4096
/** Ends each entry's text in a block (a searchable needle never holds it). */
const ENTRY_SEP = '\u0002'
/** Marks where an entry's numbers start in its search text (see `entrySearchText`). */
const NUMBERS = '\u0000\u0001\u0000'

interface TextBlock {
  /** Ids of the entries in this block, ascending (consecutive held entries when it was built). */
  ids: Float64Array
  /** Every entry's search text followed by `ENTRY_SEP`, one flat string. */
  text: string
  /** Where each entry's text starts in `text`; one more at the end. */
  starts: Int32Array
  /** Ids in this block whose text was too long to keep: walked on each search. */
  walk: number[]
}

/** Every this many entries covered, the characters of one entry's text are counted (`LogIndex.charCounts`). */
const CHAR_SAMPLE_EVERY = 16
/**
 * A needle character seen in fewer than this share of the sampled characters is a pivot: a search looks
 * for the few characters of the needle that start with it (`PROBE_CHARS`), and checks the whole needle
 * around each one found. V8 finds a short pattern by `memchr` of its first character, then compares: at
 * memory speed when that character is rare (~10 ms over 173 MB of one-byte text for one that is absent),
 * where a needle starting with a common letter runs at ~1.7 GB/s (~100 ms) on the bench machine.
 */
const PIVOT_MAX_SHARE = 1 / 32
const PROBE_CHARS = 4

/** How a needle is looked for in the blocks: whole, or by `probe`, the part of it that starts at `probeAt`. */
interface NeedlePlan { needle: string, probe: string, probeAt: number }

/**
 * First position in `[from, stopAt)` where `needle` starts in `text`, or -1; by its probe when the plan has
 * one (every occurrence holds the probe at `start + probeAt`, so finding the probes in order finds the
 * starts in order: the same answer as `indexOf`).
 */
function findNeedle(text: string, plan: NeedlePlan, from: number, stopAt: number): number {
  const { needle, probe, probeAt } = plan
  if (probe === needle) {
    const at = text.indexOf(needle, from)
    return at >= 0 && at < stopAt ? at : -1
  }
  for (let p = text.indexOf(probe, from + probeAt); p >= 0 && p - probeAt < stopAt; p = text.indexOf(probe, p + 1)) {
    if (text.startsWith(needle, p - probeAt))
      return p - probeAt
  }
  return -1
}

/** `*` and `?` make a name filter a glob (the same rule as `compileFilter`). */
function isGlob(name: string): boolean {
  return /[*?]/.test(name)
}

/** First position in sorted `ids` whose id is ≥ `id`. */
function lowerBound(ids: ArrayLike<number>, id: number, from = 0): number {
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

/** Resets between two clean-ups of the lists and blocks (stale ids are skipped by reads meanwhile). */
const CLEANUP_EVERY = 64

/**
 * Indexes over a log that make a view's filters fast on 100,000 entries, kept outside the log (a
 * subscriber: the log's append path does not change):
 *
 * - **names**: event/ack name → ids, oldest first, updated per batch. A name filter reads the ids of the
 *   matching names instead of walking the log (`idsForName`).
 * - **search texts**: the lowercased text the text filter looks at, per entry (`entrySearchText`), built
 *   ahead of time (`warmEntries` as an import appends, `warm` in idle time) into blocks of 4,096
 *   consecutive held entries, each one flat string: a text search is one native `indexOf` scan per block
 *   (`textIds`), and only the entries not in a block yet are walked.
 *
 * Both are exact: entries the subscriber has not seen yet are read from the log (`catchUp`), dropped
 * entries are skipped (a session's drops leave gaps anywhere: lists and blocks are cleaned up every
 * 64 resets, and reads check what is still held), and entries too large for a search text are walked.
 * @example
 * const index = new LogIndex(inspector.log)
 * const ids = index.idsForName('chat*')           // sorted ids of every event/ack named chat…
 * const hits: number[] = []
 * index.textIds('refund', 1, Infinity, hits)     // ids whose text holds "refund"
 */
export class LogIndex {
  private readonly names = new Map<string, number[]>()
  /** Highest id indexed by name (ids are increasing and never reused). */
  private indexedThrough = 0
  /** Sealed blocks of search texts, oldest first, in id order. */
  private blocks: TextBlock[] = []
  /** The block being filled (sealed when full or when a search needs it). */
  private open: { ids: number[], parts: string[], walk: number[] } | undefined
  /** Every held entry up to this id is in a block (or in its `walk` list). */
  private coveredThrough = 0
  /** Characters held in blocks, at most `maxTextChars` (beyond it, entries are walked on each search). */
  private textChars = 0
  private droppedSinceCut = 0
  /** Characters below 128 counted in a sample of the search texts (one entry in `CHAR_SAMPLE_EVERY`), and their total. */
  private readonly charCounts = new Float64Array(128)
  private charsSampled = 0
  private coveredCount = 0
  /** The plan of the last needle searched (`textIds` is called once per range of ids). */
  private plan: NeedlePlan | undefined
  private readonly disposers: (() => void)[] = []

  /**
   * @param log the log to index
   * @param maxTextChars bound on the cached search texts (characters; one-byte strings for ASCII text,
   *   so about as many bytes). @default 32 M, or 320 per entry the log can hold when that is more (a
   *   million entries of the big-log bench need 173 M)
   */
  constructor(private readonly log: InspectorLog, private readonly maxTextChars = Math.max(32 * 2 ** 20, log.limits.maxEntries * 320)) {
    this.disposers.push(log.subscribe(batch => this.onBatch(batch)))
    this.disposers.push(log.onReset(() => this.onReset()))
    this.catchUp()
  }

  /** Index what the log holds beyond what its batches delivered so far (they come a macrotask later). */
  catchUp(): void {
    const last = this.log.at(this.log.size - 1)
    if (!last || last.id <= this.indexedThrough)
      return
    for (const e of this.log.range(this.indexedThrough + 1)) this.indexName(e)
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
      return ids ? this.log.filterHeld(ids.slice(lowerBound(ids, firstId))) : []
    }
    const re = globToRegExp(name)
    const lists: number[][] = []
    for (const [n, ids] of this.names) {
      if (re.test(n))
        lists.push(ids)
    }
    if (lists.length === 1)
      return this.log.filterHeld(lists[0].slice(lowerBound(lists[0], firstId)))
    const out: number[] = []
    for (const ids of lists) {
      for (let i = lowerBound(ids, firstId); i < ids.length; i++) out.push(ids[i])
    }
    return this.log.filterHeld(out.sort((a, b) => a - b))
  }

  /** Characters of search text held (one-byte strings for ASCII: about as many bytes of heap). */
  get textSize(): number {
    return this.textChars
  }

  /** Whether `textIds` can search for this lowercased needle (it holds none of the separator characters). */
  canSearchText(needle: string): boolean {
    return needle !== '' && !needle.includes(ENTRY_SEP) && searchTextIncludes('', needle) !== undefined
  }

  /**
   * Push to `out` the ids in `[fromId, toId]` of held entries whose text contains the lowercased `needle`
   * (`canSearchText`), oldest first, exactly as `entryContains` decides: one `indexOf` scan per block of
   * search texts, a walk for the entries that have none. Call it on ranges of some thousand ids between
   * yields.
   */
  textIds(needle: string, fromId: number, toId: number, out: number[]): void {
    this.seal()
    const first = Math.max(fromId, this.log.at(0)?.id ?? fromId)
    const last = Math.min(toId, this.log.at(this.log.size - 1)?.id ?? toId)
    if (first > last)
      return
    const numeric = isNumericNeedle(needle)
    const plan = this.planFor(needle)
    let id = first
    for (const block of this.blocks) {
      const { ids, text, starts } = block
      const blockLast = ids[ids.length - 1]
      if (blockLast < id)
        continue
      if (ids[0] > last)
        break
      // Held entries before this block that no block has (not covered: only after a clear) are walked.
      if (id < ids[0])
        this.walkRange(id, ids[0] - 1, needle, out)
      let k = lowerBound(ids, id)
      const end = Math.min(last, blockLast)
      // The last position in the block with an id ≤ end.
      const kEnd = lowerBound(ids, end + 1, k) - 1
      const hits: number[] = []
      let from = starts[k]
      const stopAt = starts[kEnd + 1]
      while (k <= kEnd) {
        const at = findNeedle(text, plan, from, stopAt)
        if (at < 0)
          break
        // The entry holding `at` (binary search over the entry starts).
        let lo = k
        let hi = kEnd
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1
          if (starts[mid] <= at)
            lo = mid
          else hi = mid - 1
        }
        k = lo
        // A hit among the numbers counts only for a needle that numbers can hold (as in the walk).
        const marker = text.lastIndexOf(NUMBERS, starts[k + 1] - 1 - NUMBERS.length)
        if (numeric || at < marker)
          hits.push(ids[k])
        k++
        from = starts[k]
      }
      if (block.walk.length > 0) {
        for (const w of block.walk) {
          if (w >= id && w <= end)
            this.walkOne(w, needle, hits)
        }
        hits.sort((a, b) => a - b)
      }
      // A block keeps the texts of entries dropped since it was built (until the next clean-up).
      for (const hit of this.log.filterHeld(hits)) out.push(hit)
      id = end + 1
      if (id > last)
        return
    }
    // Entries after the last block: walked.
    this.walkRange(id, last, needle, out)
  }

  /**
   * The needle's rarest character in the sampled texts, when it is rare enough to look for first; a
   * character beyond ASCII counts as rare (the sample counts ASCII only). Else the whole needle.
   */
  private planFor(needle: string): NeedlePlan {
    if (this.plan?.needle === needle)
      return this.plan
    let pivotAt = -1
    let least = Number.POSITIVE_INFINITY
    if (needle.length > 1 && this.charsSampled > 0) {
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i)
        const n = c < 128 ? this.charCounts[c] : 0
        if (n < least) {
          least = n
          pivotAt = i
        }
      }
    }
    const rare = pivotAt >= 0 && least < this.charsSampled * PIVOT_MAX_SHARE
    this.plan = rare ? { needle, probe: needle.slice(pivotAt, pivotAt + PROBE_CHARS), probeAt: pivotAt } : { needle, probe: needle, probeAt: 0 }
    return this.plan
  }

  /** Whether the entry with this id has a search text in a block. */
  hasText(id: number): boolean {
    this.seal()
    for (const block of this.blocks) {
      const { ids } = block
      if (id >= ids[0] && id <= ids[ids.length - 1]) {
        const k = lowerBound(ids, id)
        return ids[k] === id && !block.walk.includes(id)
      }
    }
    return false
  }

  /**
   * Build search texts for the held entries that have none, oldest first, until `shouldStop()` (checked
   * every 64 entries). Returns true when every held entry has one (or the character budget is spent).
   */
  warm(shouldStop: () => boolean): boolean {
    const last = this.log.at(this.log.size - 1)
    if (!last)
      return true
    let n = 0
    for (const e of this.log.range(this.coveredThrough + 1)) {
      if (!this.roomForText())
        return true
      this.cover(e)
      if ((++n & 63) === 0 && shouldStop())
        return this.coveredThrough >= last.id
    }
    return true
  }

  /** Build the search texts up to these entries now (e.g. each slice of an import, right after it is appended). */
  warmEntries(entries: readonly LogEntry[]): void {
    const lastId = entries.length > 0 ? entries[entries.length - 1].id : 0
    if (this.coveredThrough >= lastId)
      return
    for (const e of this.log.range(this.coveredThrough + 1, lastId + 1)) {
      if (!this.roomForText())
        return
      this.cover(e)
    }
  }

  /** Whether the text budget has room, after letting go of the texts of dropped entries if it is full. */
  private roomForText(): boolean {
    if (this.textChars < this.maxTextChars)
      return true
    const first = this.log.at(0)
    if (this.droppedSinceCut > 0 && first) {
      this.droppedSinceCut = 0
      this.cleanUp(first.id)
    }
    return this.textChars < this.maxTextChars
  }

  dispose(): void {
    for (const off of this.disposers.splice(0)) off()
  }

  private walkOne(id: number, needle: string, out: number[]): void {
    const e = this.log.get(id)
    if (e && entryContains(e, needle))
      out.push(id)
  }

  /** Push the held entries with ids in `[fromId, toId]` whose text holds `needle` (no search texts). */
  private walkRange(fromId: number, toId: number, needle: string, out: number[]): void {
    for (const e of this.log.range(fromId, toId + 1)) {
      if (entryContains(e, needle))
        out.push(e.id)
    }
  }

  /** Add the search text of `e` (the held entry after `coveredThrough`) to the open block. */
  private cover(e: LogEntry): void {
    const text = entrySearchText(e)
    this.open ??= { ids: [], parts: [], walk: [] }
    if (text === null)
      this.open.walk.push(e.id)
    this.open.ids.push(e.id)
    this.open.parts.push(text ?? '')
    this.textChars += (text?.length ?? 0) + 1
    this.coveredThrough = e.id
    if (text !== null && ++this.coveredCount % CHAR_SAMPLE_EVERY === 0)
      this.sample(text)
    if (this.open.parts.length >= BLOCK_ENTRIES)
      this.seal()
  }

  private sample(text: string): void {
    const counts = this.charCounts
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c < 128)
        counts[c]++
    }
    this.charsSampled += text.length
    // A pivot picked from an older sample may be common now.
    this.plan = undefined
  }

  /** Turn the open block into one flat string with its entry offsets. */
  private seal(): void {
    const open = this.open
    if (!open || open.parts.length === 0)
      return
    this.open = undefined
    this.blocks.push(makeBlock(open.ids, open.parts, open.walk))
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
      this.blocks = []
      this.open = undefined
      this.textChars = 0
      return
    }
    // Entries were dropped: forget whole blocks that are gone (before the oldest held entry).
    while (this.blocks.length > 0 && this.blocks[0].ids[this.blocks[0].ids.length - 1] < first.id) {
      const gone = this.blocks.shift()!
      this.textChars -= gone.text.length
    }
    this.droppedSinceCut++
    if (this.droppedSinceCut > CLEANUP_EVERY) {
      this.droppedSinceCut = 0
      this.cleanUp(first.id)
    }
  }

  /**
   * A session's drops leave gaps anywhere in the log: drop the stale ids from the name lists, and rebuild
   * the blocks (held entries only, refilled to 4,096 each) once fewer than half of their entries are held.
   */
  private cleanUp(firstId: number): void {
    for (const [name, ids] of this.names) {
      const kept = this.log.filterHeld(ids.slice(lowerBound(ids, firstId)))
      if (kept.length === 0)
        this.names.delete(name)
      else if (kept.length < ids.length)
        this.names.set(name, kept)
    }
    let total = 0
    const heldByBlock: number[][] = []
    for (const block of this.blocks) {
      total += block.ids.length
      heldByBlock.push(this.log.filterHeld(Array.from(block.ids)))
    }
    const held = heldByBlock.reduce((sum, ids) => sum + ids.length, 0)
    // Rebuilt when at most half is held, or when the budget is full and an eighth can be let go (a
    // rebuild copies every text: not for a few dropped entries).
    const dead = total - held
    if (dead === 0 || (held * 2 > total && !(this.textChars >= this.maxTextChars && dead * 8 >= total)))
      return
    const rebuilt: TextBlock[] = []
    let ids: number[] = []
    let parts: string[] = []
    let walk: number[] = []
    let chars = 0
    this.blocks.forEach((block, b) => {
      const walkSet = new Set(block.walk)
      let k = 0
      for (const id of heldByBlock[b]) {
        k = lowerBound(block.ids, id, k)
        const part = block.text.slice(block.starts[k], block.starts[k + 1] - 1)
        ids.push(id)
        parts.push(part)
        if (walkSet.has(id))
          walk.push(id)
        chars += part.length + 1
        if (ids.length >= BLOCK_ENTRIES) {
          rebuilt.push(makeBlock(ids, parts, walk))
          ids = []
          parts = []
          walk = []
        }
      }
    })
    if (ids.length > 0)
      rebuilt.push(makeBlock(ids, parts, walk))
    this.blocks = rebuilt
    this.textChars = chars + (this.open ? this.open.parts.reduce((sum, p) => sum + p.length + 1, 0) : 0)
  }
}

/** One flat string of the parts, each followed by `ENTRY_SEP`, with their offsets. */
function makeBlock(ids: number[], parts: string[], walk: number[]): TextBlock {
  const starts = new Int32Array(parts.length + 1)
  let at = 0
  for (let i = 0; i < parts.length; i++) {
    starts[i] = at
    at += parts[i].length + 1
  }
  starts[parts.length] = at
  // `join` makes one flat string (a `+` after it would make a rope, flattened by the first search).
  parts.push('')
  return { ids: Float64Array.from(ids), text: parts.join(ENTRY_SEP), starts, walk }
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
