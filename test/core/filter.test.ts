import type { LogEntry } from '../../src/core/types'
import { beforeAll, describe, expect, it } from 'vitest'
import { EventLog } from '../../src/core/log/event-log'
import { compileFilter, displayDirection, entryName, filterLog } from '../../src/core/log/filter'
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
