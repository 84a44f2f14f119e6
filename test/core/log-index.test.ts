import type { LogEntry } from '#core'
import { compileFilter, entryContains, entrySearchText, EventLog, LogIndex, SEARCH_TEXT_MAX, searchTextIncludes } from '#core'
import { describe, expect, it } from 'vitest'
import { ackEntry, eventEntry, frameEntry, noteEntry } from './fixtures/entries'

/** A log whose batches are delivered by hand (so the index can lag behind it). */
function manualLog(maxEntries?: number): { log: EventLog, deliver: () => void } {
  let pending: (() => void) | undefined
  const log = new EventLog(maxEntries ? { maxEntries } : undefined, { schedule: (flush) => {
    pending = flush
  } })
  return { log, deliver: () => {
    const f = pending
    pending = undefined
    f?.()
  } }
}

const PAYLOADS: unknown[] = [
  { user: { name: 'Ada', id: 7 }, text: 'Refund-7F3A requested', ok: true },
  ['alpha', 'BRAVO', 1e21, -0, Number.NaN, Infinity, 12345678901234567890n],
  { 'Key-With-Case': 'value', 'nested': [[[{ deep: 'İstanbul ΑΣ' }]]] },
  { bin: new Uint8Array([65, 66]), when: new Date(0), err: new Error('boom') },
  Array.from({ length: 3000 }, (_, i) => `item ${i}`), // over the 2,000-value walk budget
  { long: `${'x'.repeat(70_000)} needle-at-the-end` }, // over the 64 K characters per string
  { sep: 'a\u0000b\u0001c', n: 0.5 },
  'plain string with true and false',
  { t: true, f: false, nil: null, u: undefined },
  Array.from({ length: 2100 }, (_, i) => (i === 2050 ? 7 : 0)), // short enough to cache, past the walk budget
]

function fill(log: EventLog): void {
  PAYLOADS.forEach((payload, i) => {
    log.append(eventEntry(i % 2 ? 'chat:message' : 'order:deleted', [payload]))
    log.append(ackEntry(i % 3 ? 'chat:message' : 'room:joined', [payload, i]))
    log.append(frameEntry(`42["chat",${JSON.stringify(String(payload))}]`))
    log.append(noteEntry(`note ${i} Refund`))
  })
}

const NEEDLES = ['refund-7f3a', 'ada', 'bravo', '1e+21', '0', 'nan', 'infinity', '123456789012345678', 'key-with', 'istanbul', 'i̇stanbul', 'ασ', 'ας', 'true', 'false', 'item 1999', 'item 2500', 'needle-at-the-end', 'a\u0000b', 'b\u0001c', 'chat', 'note 3', '.5', 'boom', 'x', '"', 'message', '7']

describe('logIndex', () => {
  it('finds the ids of each name and glob exactly as the filter does, before and after batches and drops', () => {
    const { log, deliver } = manualLog(30)
    const index = new LogIndex(log)
    const expected = (name: string): number[] => [...log].filter(compileFilter({ name })).map(e => e.id)
    for (let round = 0; round < 4; round++) {
      fill(log)
      // Before the batch is delivered the index reads the log itself (catchUp).
      for (const name of ['chat:message', 'order:deleted', 'room:joined', 'chat*', '*:*e*', 'r?om:joined', 'nothing'])
        expect(index.idsForName(name), name).toEqual(expected(name))
      deliver()
      for (const name of ['chat:message', 'chat*', '*'])
        expect(index.idsForName(name), name).toEqual(expected(name))
    }
    log.clear()
    deliver()
    expect(index.idsForName('*')).toEqual([])
    fill(log)
    expect(index.idsForName('chat*')).toEqual(expected('chat*'))
    index.dispose()
  })

  it('answers every text search exactly as the walk does, from cached texts or not', () => {
    const { log, deliver } = manualLog()
    fill(log)
    deliver()
    const index = new LogIndex(log)
    const entries = [...log]
    const check = (): void => {
      for (const needle of NEEDLES) {
        if (index.canSearchText(needle)) {
          const ids: number[] = []
          index.textIds(needle, 1, entries.at(-1)!.id, ids)
          expect(ids, needle).toEqual(entries.filter(e => entryContains(e, needle)).map(e => e.id))
          // Any sub-range gives the same ids in it.
          const part: number[] = []
          index.textIds(needle, 5, 23, part)
          expect(part, needle).toEqual(ids.filter(id => id >= 5 && id <= 23))
        }
      }
    }
    check() // nothing cached: walks
    expect(index.warm(() => false)).toBe(true)
    expect(entries.some(e => index.hasText(e.id))).toBe(true)
    check() // cached texts (and walks for the entries too long to cache)
    const budgeted = entries.find(e => e.kind === 'event' && Array.isArray(e.args[0]) && e.args[0].length === 2100)!
    expect(index.hasText(budgeted.id)).toBe(true)
    const sevens: number[] = []
    index.textIds('7', budgeted.id, budgeted.id, sevens)
    expect(sevens).toEqual([])
    index.dispose()
  })

  it('keeps an entry too long to cache out of the search texts', () => {
    const big = { ...eventEntry('big', [{ text: 'y'.repeat(SEARCH_TEXT_MAX) }]), id: 1 } as LogEntry
    expect(entrySearchText(big)).toBeNull()
    const small = { ...eventEntry('Small', [{ Text: 'Hello', n: 42 }]), id: 2 } as LogEntry
    const text = entrySearchText(small)!
    expect(searchTextIncludes(text, 'hello')).toBe(true)
    expect(searchTextIncludes(text, 'small')).toBe(true)
    expect(searchTextIncludes(text, '42')).toBe(true)
    expect(searchTextIncludes(text, 'nope')).toBe(false)
    expect(searchTextIncludes(text, 'a\u0000')).toBeUndefined()
  })
})

describe('logIndex over per-session drops', () => {
  it('stays exact and keeps caching when a noisy session drops its entries between a quiet session\'s', () => {
    const { log, deliver } = manualLog(400)
    // A small text budget: texts of dropped entries must be let go, or new entries stop being cached.
    const index = new LogIndex(log, 200_000)
    const walk = (needle: string): number[] => [...log].filter(e => entryContains(e, needle)).map(e => e.id)
    for (let round = 0; round < 60; round++) {
      log.append(eventEntry('quiet:note', [`quiet refund ${round}`], 'in', 'quiet'))
      for (let i = 0; i < 300; i++) log.append(eventEntry(i % 2 ? 'ping' : 'chat:message', [`noisy refund ${round}.${i}`], 'in', 'noisy'))
      deliver()
      expect(index.warm(() => false)).toBe(true)
      if (round % 7 === 0) {
        for (const name of ['quiet:note', 'chat*', 'ping', '*'])
          expect(index.idsForName(name), name).toEqual([...log].filter(compileFilter({ name })).map(e => e.id))
        for (const needle of ['refund', 'quiet refund 1', 'noisy refund 3', '.29']) {
          const ids: number[] = []
          index.textIds(needle, 1, Number.POSITIVE_INFINITY, ids)
          expect(ids, needle).toEqual(walk(needle))
        }
      }
    }
    // Every quiet entry is still held, and the newest entries still get a cached text.
    expect(log.statsFor('quiet').held).toBe(60)
    expect(index.hasText(log.at(-1)!.id)).toBe(true)
    expect(index.hasText(log.at(0)!.id)).toBe(true)
    index.dispose()
  })
})

describe('logIndex text search by a rare character', () => {
  const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'tango', 'victor', 'hotel']

  /** 3,000 entries of common words, a few with rare characters in them (non-ASCII and surrogate pairs too). */
  function wordLog(): EventLog {
    const log = new EventLog()
    for (let i = 0; i < 3000; i++) {
      const words = Array.from({ length: 6 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ')
      const extra = i % 97 === 0 ? ' refund-7f3a' : i % 89 === 0 ? ' Zürich 😀-x' : i % 83 === 0 ? ' #7-7-7' : ''
      log.append(eventEntry(i % 2 ? 'chat:message' : 'order:deleted', [{ text: `${words}${extra}`, n: i }]))
    }
    return log
  }

  const needles = ['refund-7f3a', '-7f3a', 'd-7', '-', '7-7', 'zürich', 'ü', '😀-x', '😀', '\uDE00-x', '#7', 'tango victor', 'alpha', 'a', 'o v', 'text: "', 'n: 29', '-7-7-7-', 'refund-7f3b']

  it('gives the same ids as the walk for needles with and without a rare character', () => {
    const log = wordLog()
    const index = new LogIndex(log)
    expect(index.warm(() => false)).toBe(true)
    const entries = [...log]
    for (const needle of needles) {
      const ids: number[] = []
      index.textIds(needle, 1, Number.POSITIVE_INFINITY, ids)
      expect(ids, needle).toEqual(entries.filter(e => entryContains(e, needle)).map(e => e.id))
      // A range that starts and ends inside blocks gives the same ids in it.
      const part: number[] = []
      index.textIds(needle, 1234, 2345, part)
      expect(part, needle).toEqual(ids.filter(id => id >= 1234 && id <= 2345))
    }
    index.dispose()
  })

  it('looks for the rarest character of the needle first, and for a needle of common letters whole', () => {
    const log = wordLog()
    const index = new LogIndex(log)
    index.warm(() => false)
    // The plan is private: read it only to prove the fast path is the one the search above took.
    const plan = (needle: string): { probe: string, probeAt: number } => (index as unknown as { planFor: (n: string) => { probe: string, probeAt: number } }).planFor(needle)
    for (const needle of ['refund-7f3a', 'zürich', 'hotel 😀']) {
      const { probe, probeAt } = plan(needle)
      // Up to 4 characters of the needle, starting with one that no common word holds.
      expect(probe, needle).toBe(needle.slice(probeAt, probeAt + 4))
      expect(WORDS.join(' '), needle).not.toContain(probe[0])
    }
    // Spaces and a's are everywhere: the whole needle is looked for.
    expect(plan('a a')).toEqual({ needle: 'a a', probe: 'a a', probeAt: 0 })
    index.dispose()
  })
})
