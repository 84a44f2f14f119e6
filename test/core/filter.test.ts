import type { EventEntry, FrameEntry, LogEntry } from '#core'
import { compileFilter, displayDirection, entryContains, entryMatchPaths, entryName, entrySearchText, EventLog, filterLog, frameClass, LogIndex, matchPaths, previewArgs, ROW_PREVIEW_CHARS, searchTextIncludes } from '#core'
import { beforeAll, describe, expect, it } from 'vitest'
import { ackEntry, eventEntry, frameEntry, noteEntry } from './fixtures/entries'

const N = 100_000
let log: EventLog

async function ids(filter: Parameters<typeof filterLog>[1], opts?: Parameters<typeof filterLog>[2]): Promise<number[]> {
  const out: number[] = []
  for await (const chunk of filterLog(log, filter, { chunkSize: 25_000, ...opts })) out.push(...chunk)
  return out
}

beforeAll(() => {
  log = new EventLog({ maxEntries: N })
  const names = ['chat', 'chat:room', 'chat:direct', 'enter', 'tick']
  for (let i = 0; i < N; i++) {
    const session = i % 2 === 0 ? 's1' : 's2'
    switch (i % 10) {
      case 9: log.append(ackEntry('enter', [{ ok: true, rooms: ['room1'] }], 'in', session))
        break
      case 8: log.append(frameEntry(`2["tick",{"seq":${i}}]`, 'in', 'message', session))
        break
      case 7: log.append(noteEntry(`note ${i}`, session))
        break
      default: log.append(eventEntry(names[i % 5], [i === 5000 ? 'Needle in a HAYSTACK' : `text ${i}`, { seq: i, nested: { key: 'value' } }], i % 3 === 0 ? 'out' : 'in', session))
    }
  }
})

describe('displayDirection and entryName', () => {
  it('maps events and frames to their direction, acks to ack, and everything else to lifecycle', () => {
    const entries = [...log].slice(0, 10)
    const byKind = new Map(entries.map(e => [e.kind, displayDirection(e)]))
    expect(byKind.get('ack')).toBe('ack')
    expect(byKind.get('note')).toBe('lifecycle')
    expect(byKind.get('frame')).toBe('in')
    const out = entries.find(e => e.kind === 'event' && e.direction === 'out')!
    expect(displayDirection(out)).toBe('out')
    const connect = { kind: 'connect', direction: 'in' } as LogEntry
    expect(displayDirection(connect)).toBe('lifecycle')
    expect(entryName(out)).toBe((out as { name: string }).name)
    expect(entryName(entries.find(e => e.kind === 'note')!)).toBeUndefined()
  })
})

describe('filters on a 100,000-entry log', () => {
  it('matches an exact event name only', async () => {
    const hits = await ids({ name: 'chat' })
    expect(hits.length).toBeGreaterThan(0)
    expect(hits.every(id => entryName(log.get(id)!) === 'chat')).toBe(true)
  })

  it('treats * and ? as a glob: chat* is a prefix, ?nter one character', async () => {
    const prefix = new Set((await ids({ name: 'chat*' })).map(id => entryName(log.get(id)!)))
    expect([...prefix].sort()).toEqual(['chat', 'chat:direct', 'chat:room'])
    const one = new Set((await ids({ name: '?nter' })).map(id => entryName(log.get(id)!)))
    expect([...one]).toEqual(['enter'])
    expect(await ids({ name: 'chat.' })).toEqual([])
  })

  it('finds text inside payloads case-insensitively (strings, keys, numbers, frame text)', async () => {
    expect(await ids({ text: 'needle in a haystack' })).toEqual([5001])
    const byKey = await ids({ text: 'NESTED', kinds: ['event'] })
    expect(byKey.length).toBe([...log].filter(e => e.kind === 'event').length)
    expect((await ids({ text: '"seq":98' })).every(id => log.get(id)!.kind === 'frame')).toBe(true)
    expect(await ids({ text: '54321' })).toEqual([54322])
  })

  it('combines sessions, kinds and directions', async () => {
    const hits = await ids({ sessionIds: ['s2'], directions: ['out'], kinds: ['event'] })
    expect(hits.length).toBeGreaterThan(0)
    for (const id of hits) {
      const e = log.get(id)!
      expect(e.sessionId).toBe('s2')
      expect(displayDirection(e)).toBe('out')
    }
    const acks = await ids({ directions: ['ack'] })
    expect(acks).toHaveLength(N / 10)
    const lifecycle = await ids({ directions: ['lifecycle'] })
    expect(lifecycle).toHaveLength(N / 10)
  })

  it('yields chunk by chunk, giving the event loop a turn between chunks', async () => {
    let chunks = 0
    let timers = 0
    const interval = setInterval(() => timers++, 0)
    for await (const chunk of filterLog(log, {}, { chunkSize: 10_000 })) {
      expect(chunk.length).toBeLessThanOrEqual(10_000)
      chunks++
    }
    clearInterval(interval)
    expect(chunks).toBe(10)
    expect(timers).toBeGreaterThan(0)
  })

  it('stops when its signal aborts', async () => {
    const ctrl = new AbortController()
    let chunks = 0
    for await (const _ of filterLog(log, {}, { chunkSize: 1000, signal: ctrl.signal })) {
      if (++chunks === 3)
        ctrl.abort()
    }
    expect(chunks).toBe(3)
  })

  it('compiles an empty filter that matches everything', () => {
    const match = compileFilter({})
    expect([...log].every(match)).toBe(true)
  })
})

describe('the text filter matches what the rows show (issue 11, item 13)', () => {
  function rowsLog(): EventLog {
    const rows = new EventLog()
    rows.append(eventEntry('tick', [{ seq: 1, role: 'user' }]))
    rows.append(eventEntry('tick', [{ seq: 12, role: 'user' }, { role: 'admin', name: 'Ada' }]))
    rows.append(eventEntry('tick', [{ seq: 120, role: 'guest' }]))
    rows.append(eventEntry('quote', ['say "hi"', { text: 'line\nbreak' }]))
    // A long payload: the row's preview is cut, the search still sees its start as the row shows it.
    rows.append(eventEntry('long', [{ seq: 7, list: Array.from({ length: 500 }, (_, i) => i) }]))
    rows.append(ackEntry('enter', [{ ok: true, rooms: ['room1'] }]))
    return rows
  }

  /** Ids the filter keeps: by walking each entry, and through the log index's cached search texts. */
  function both(rows: EventLog, text: string): { walked: number[], indexed: number[] } {
    const walked = [...rows].filter(compileFilter({ text })).map(e => e.id)
    const index = new LogIndex(rows)
    index.warm(() => false)
    const indexed: number[] = []
    index.textIds(text.toLowerCase(), 1, rows.at(rows.size - 1)!.id, indexed)
    index.dispose()
    return { walked, indexed }
  }

  it('finds a row by `seq: 12` and `role: "admin"` copied from its preview, and only that row', () => {
    const rows = rowsLog()
    const target = [...rows][1]
    const preview = previewArgs((target as EventEntry).args, ROW_PREVIEW_CHARS)
    expect(preview).toBe('{seq: 12, role: "user"}, {role: "admin", name: "Ada"}')
    for (const copied of ['seq: 12,', 'role: "admin"', 'ROLE: "ADMIN"', '{seq: 12, role: "user"}', '"user"}, {role']) {
      expect(preview.toLowerCase()).toContain(copied.toLowerCase())
      const { walked, indexed } = both(rows, copied)
      expect(walked, copied).toEqual([target.id])
      expect(indexed, copied).toEqual([target.id])
    }
    // `seq: 12` is also the start of `seq: 120`: both rows show it.
    expect(both(rows, 'seq: 12').walked).toEqual([target.id, [...rows][2].id])
  })

  it('still finds raw strings, keys and numbers, escaped or not, and the start of a cut preview', () => {
    const rows = rowsLog()
    const [, , , quote, long, ack] = [...rows]
    for (const [needle, ids] of [
      ['say "hi"', [quote.id]], // the string as it is
      ['"say \\"hi\\""', [quote.id]], // as the row spells it
      ['line\nbreak', [quote.id]], // a real line break, as the string holds it
      ['"line\\nbreak"', [quote.id]], // backslash-n, as the row spells it
      ['seq: 7, list: [0, 1, 2', [long.id]],
      ['499', [long.id]], // past the preview: the walk of the value
      ['rooms: ["room1"]', [ack.id]],
      ['ok: true', [ack.id]],
    ] as const) {
      const { walked, indexed } = both(rows, needle)
      expect(walked, needle).toEqual(ids)
      expect(indexed, needle).toEqual(ids)
    }
    expect(previewArgs((long as EventEntry).args, ROW_PREVIEW_CHARS).endsWith('…')).toBe(true)
  })

  it('keeps search texts one byte a character for ASCII payloads, even when the preview is cut', () => {
    const text = entrySearchText({ ...eventEntry('x', [{ s: 'a'.repeat(500) }]), id: 1 } as LogEntry)!
    expect(text).not.toContain('…')
    expect(searchTextIncludes(text, '{s: "aaa')).toBe(true)
  })

  it('says where it matched: the path of the deepest value, or the event name', () => {
    const rows = rowsLog()
    const [first, target, , quote] = [...rows]
    expect(entryMatchPaths(target, 'role: "admin"')).toEqual(['$[1].role'])
    expect(entryMatchPaths(target, 'seq: 12')).toEqual(['$[0].seq'])
    expect(entryMatchPaths(target, 'ADMIN')).toEqual(['$[1].role'])
    expect(entryMatchPaths(target, 'role')).toEqual(['$[0].role', '$[1].role'])
    // A needle across two values: the value that holds both.
    expect(entryMatchPaths(target, 'seq: 12, role: "user"')).toEqual(['$[0]'])
    expect(entryMatchPaths(target, '"user"}, {role')).toEqual(['$'])
    expect(entryMatchPaths(first, 'tick')).toEqual(['name'])
    expect(entryMatchPaths(quote, 'say "hi"')).toEqual(['$[0]'])
    expect(entryMatchPaths(target, 'nowhere')).toEqual([])
    expect(entryMatchPaths(noteEntryWithId('refund asked'), 'refund')).toEqual(['$.message'])
    // Deep values, keys that are not identifiers, binary shown as hex.
    expect(matchPaths([{ 'a b': { list: [1, { deep: 'needle' }] } }], 'needle')).toEqual(['$[0]["a b"].list[1].deep'])
    expect(matchPaths([{ file: Buffer.from([1, 2, 3, 0xAB]) }], '03 ab')).toEqual(['$[0].file'])
    // Every match path agrees with the filter: an entry with paths is one the filter keeps.
    for (const e of rows) {
      for (const needle of ['seq: 12', 'admin', 'say "hi"', 'room1', 'nothing'])
        expect(entryMatchPaths(e, needle).length > 0, needle).toBe(entryContains(e, needle.toLowerCase()))
    }
  })

  it('filters frames by class: hiding ping/pong keeps the upgrade probe; frame text is the wire spelling', () => {
    const frames = new EventLog()
    const heartbeat = frames.append(frameEntry('', 'in', 'ping'))
    frames.append(frameEntry('', 'out', 'pong'))
    const probe = frames.append({ ...frameEntry('probe', 'out', 'ping'), probe: true })
    const probed = frames.append({ ...frameEntry('probe', 'in', 'pong'), probe: true })
    const upgrade = frames.append(frameEntry('', 'out', 'upgrade'))
    const noop = frames.append(frameEntry('', 'in', 'noop'))
    const message = frames.append(frameEntry('2["chat","hi"]'))
    expect(frameClass(heartbeat as FrameEntry)).toBe('ping')
    expect(frameClass(probe as FrameEntry)).toBe('probe')
    const noHeartbeat = compileFilter({ frameClasses: ['open', 'close', 'message', 'upgrade', 'noop', 'error', 'probe'] })
    expect([...frames].filter(noHeartbeat).map(e => e.id)).toEqual([probe.id, probed.id, upgrade.id, noop.id, message.id])
    expect([...frames].filter(compileFilter({ text: '2probe' })).map(e => e.id)).toEqual([probe.id])
    expect([...frames].filter(compileFilter({ text: '3probe' })).map(e => e.id)).toEqual([probed.id])
    expect([...frames].filter(compileFilter({ text: '42["chat"' })).map(e => e.id)).toEqual([message.id])
    expect([...frames].filter(compileFilter({ directions: ['out'], frameClasses: ['probe', 'upgrade'] })).map(e => e.id)).toEqual([probe.id, upgrade.id])
    // Not a frame: the frame classes do not apply.
    expect(compileFilter({ frameClasses: ['probe'] })({ ...noteEntry('x'), id: 99 } as LogEntry)).toBe(true)
  })
})

function noteEntryWithId(message: string): LogEntry {
  return { ...noteEntry(message), id: 1 } as LogEntry
}
