import { describe, expect, it, vi } from 'vitest'
import { EventLog } from '../../src/core/log/event-log'
import { eventEntry, noteEntry } from './fixtures/entries'

describe('eventLog', () => {
  it('assigns monotonic ids, freezes entries, and finds them by id and by index', () => {
    const log = new EventLog()
    const a = log.append(eventEntry('a', [1]))
    const b = log.append(eventEntry('b', [2]))
    expect([a.id, b.id]).toEqual([1, 2])
    expect(Object.isFrozen(a)).toBe(true)
    expect(log.get(2)).toBe(b)
    expect(log.get(3)).toBeUndefined()
    expect(log.get(1.5)).toBeUndefined()
    expect(log.at(0)).toBe(a)
    expect(log.at(-1)).toBe(b)
    expect([...log].map(e => e.id)).toEqual([1, 2])
    expect(log.size).toBe(2)
  })

  it('drops the oldest entries beyond maxEntries and counts them, keeping get(id) exact', () => {
    const log = new EventLog({ maxEntries: 3 })
    for (let i = 0; i < 10; i++) log.append(eventEntry('e', [i]))
    expect(log.size).toBe(3)
    expect([...log].map(e => e.id)).toEqual([8, 9, 10])
    expect(log.get(7)).toBeUndefined()
    expect(log.get(8)?.id).toBe(8)
    expect(log.at(0)?.id).toBe(8)
    expect(log.dropped.entries).toBe(7)
    expect(log.dropped.bytes).toBe(7 * 200)
  })

  it('drops the oldest entries beyond maxBytes, always keeping the newest one', () => {
    const log = new EventLog({ maxBytes: 1000 })
    for (let i = 0; i < 10; i++) log.append(eventEntry('e', [i])) // 200 bytes each
    expect(log.bytes).toBeLessThanOrEqual(1000)
    expect(log.size).toBe(5)
    expect(log.dropped).toEqual({ entries: 5, bytes: 1000 })
    log.append(eventEntry('big', [], 'in', 's1', { bytes: 5000 }))
    expect(log.size).toBe(1)
    expect(log.at(0)?.kind).toBe('event')
    expect(log.bytes).toBe(5000)
  })

  it('delivers appended entries to subscribers in one batch per macrotask, not one call per event', async () => {
    const log = new EventLog()
    const batches: number[][] = []
    log.subscribe(batch => batches.push(batch.map(e => e.id)))
    for (let i = 0; i < 1000; i++) log.append(noteEntry(`n${i}`))
    expect(batches).toHaveLength(0)
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(batches).toHaveLength(1)
    expect(batches[0]).toHaveLength(1000)
    log.append(noteEntry('later'))
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(batches).toHaveLength(2)
    expect(batches[1]).toEqual([1001])
  })

  it('uses the given scheduler once per pending batch and skips entries dropped before delivery', () => {
    const flushes: (() => void)[] = []
    const schedule = vi.fn((flush: () => void) => {
      flushes.push(flush)
    })
    const log = new EventLog({ maxEntries: 5 }, { schedule })
    const batches: number[][] = []
    const resets = vi.fn()
    log.subscribe(batch => batches.push(batch.map(e => e.id)))
    log.onReset(resets)
    for (let i = 0; i < 8; i++) log.append(noteEntry('x'))
    expect(schedule).toHaveBeenCalledTimes(1)
    flushes[0]()
    expect(batches).toEqual([[4, 5, 6, 7, 8]])
    expect(resets).toHaveBeenCalledTimes(1)
  })

  it('clear() empties the log, notifies reset listeners, and never reuses ids', () => {
    const log = new EventLog()
    const reset = vi.fn()
    log.onReset(reset)
    log.append(noteEntry('a'))
    log.clear()
    expect(log.size).toBe(0)
    expect(log.bytes).toBe(0)
    expect(reset).toHaveBeenCalledTimes(1)
    expect(log.append(noteEntry('b')).id).toBe(2)
    expect(log.get(2)?.kind).toBe('note')
  })

  it('stops delivering to a listener after its disposer runs', async () => {
    const log = new EventLog()
    const l = vi.fn()
    const off = log.subscribe(l)
    off()
    log.append(noteEntry('a'))
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(l).not.toHaveBeenCalled()
  })

  it('keeps exactly the newest 100,000 of 200,000 appended entries', () => {
    const log = new EventLog({ maxEntries: 100_000 })
    const args = [{ n: 0 }]
    for (let i = 0; i < 200_000; i++) {
      log.append({ kind: 'event', sessionId: 's1', time: i, mono: i, direction: 'in', name: 'tick', args, bytes: 100 })
    }
    expect(log.size).toBe(100_000)
    expect(log.get(200_000)?.id).toBe(200_000)
    expect(log.dropped.entries).toBe(100_000)
  })
})
