import type { LogEntry } from '#core'
import { EventLog } from '#core'
import { describe, expect, it, vi } from 'vitest'
import { eventEntry, frameEntry, noteEntry } from './fixtures/entries'

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

describe('eventLog budgets per session', () => {
  it('a session flooding 50,000 pings and pongs drops only its own oldest entries, never another session\'s', () => {
    const log = new EventLog({ maxEntries: 100_000 })
    const quiet: number[] = []
    for (let i = 0; i < 500; i++) quiet.push(log.append(eventEntry('chat', [i], 'in', 'quiet')).id)
    const resets = vi.fn()
    log.onReset(resets)
    for (let i = 0; i < 50_000; i++) {
      log.append(frameEntry('', 'in', 'ping', 'noisy'))
      log.append(frameEntry('', 'out', 'pong', 'noisy'))
      // The quiet tab keeps talking now and then: its entries stay too.
      if (i % 1000 === 0)
        quiet.push(log.append(eventEntry('chat', [i], 'in', 'quiet')).id)
    }
    expect(log.size).toBe(100_000)
    expect(quiet.map(id => log.get(id)?.sessionId)).toEqual(quiet.map(() => 'quiet'))
    expect(log.statsFor('quiet')).toEqual({ held: 550, bytes: 550 * 200, dropped: { entries: 0, bytes: 0 } })
    const noisy = log.statsFor('noisy')
    expect(noisy.held).toBe(100_000 - 550)
    expect(noisy.dropped.entries).toBe(100_000 - noisy.held)
    expect(log.dropped.entries).toBe(noisy.dropped.entries)
    // The noisy session keeps its newest entries, in order, with the quiet ones interleaved.
    const ids = [...log].map(e => e.id)
    expect(ids).toHaveLength(100_000)
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true)
    expect(log.at(0)?.id).toBe(quiet[0])
    expect(log.at(-1)?.kind).toBe('frame')
    expect(log.at(50_000)?.id).toBe(ids[50_000])
  })

  it('gives a newcomer its share: the session holding the most gives up its oldest entries', () => {
    const log = new EventLog({ maxEntries: 10 })
    for (let i = 0; i < 10; i++) log.append(noteEntry(`a${i}`, 'a'))
    expect(log.statsFor('a').held).toBe(10)
    for (let i = 0; i < 8; i++) log.append(noteEntry(`b${i}`, 'b'))
    // Two sessions: five each. a lost its five oldest to b, then b's own overflow drops b's oldest.
    expect(log.statsFor('a')).toMatchObject({ held: 5, dropped: { entries: 5 } })
    expect(log.statsFor('b')).toMatchObject({ held: 5, dropped: { entries: 3 } })
    expect([...log].map(e => (e as { message?: string }).message)).toEqual(['a5', 'a6', 'a7', 'a8', 'a9', 'b3', 'b4', 'b5', 'b6', 'b7'])
  })

  it('shares the byte budget the same way, and keeps one entry bigger than its share alone', () => {
    const log = new EventLog({ maxBytes: 2000 })
    for (let i = 0; i < 5; i++) log.append(eventEntry('small', [i], 'in', 'quiet'))
    for (let i = 0; i < 40; i++) log.append(eventEntry('bulk', [i], 'in', 'noisy'))
    expect(log.statsFor('quiet')).toMatchObject({ held: 5, dropped: { entries: 0 } })
    expect(log.bytes).toBeLessThanOrEqual(2000)
    const big = log.append(eventEntry('huge', [], 'in', 'noisy', { bytes: 5000 }))
    expect(log.get(big.id)).toBe(big)
    expect(log.statsFor('quiet').held).toBe(5)
    expect(log.statsFor('noisy').held).toBe(1)
  })

  it('delivers no entry that its session dropped before the batch went out', () => {
    const flushes: (() => void)[] = []
    const log = new EventLog({ maxEntries: 4 }, { schedule: f => void flushes.push(f) })
    const batches: number[][] = []
    log.subscribe(batch => batches.push(batch.map(e => e.id)))
    log.append(noteEntry('q1', 'quiet'))
    for (let i = 0; i < 6; i++) log.append(noteEntry(`n${i}`, 'noisy'))
    flushes[0]()
    expect(batches).toEqual([[1, 5, 6, 7]])
  })

  it('matches a plain model through random appends, drops, clears and walks', () => {
    let seed = 7
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
      return seed % n
    }
    const max = 40
    const log = new EventLog({ maxEntries: max, maxBytes: 40 * 200 })
    let model: LogEntry[] = []
    for (let step = 0; step < 20_000; step++) {
      if (random(5000) === 0) {
        log.clear()
        model = []
        continue
      }
      // Session s0 floods; the others come and go.
      const sid = random(3) === 0 ? `s${1 + random(4)}` : 's0'
      const e = log.append(eventEntry('x', [step], 'in', sid, { bytes: 50 + random(300) }))
      model.push(e)
      const held = new Set([...log].map(x => x.id))
      const gone = model.filter(x => !held.has(x.id))
      const n = new Set(model.map(x => x.sessionId)).size
      for (const g of gone) {
        // Only a session over its share (in entries or in bytes) loses entries, and always its oldest one.
        const own = model.filter(x => x.sessionId === g.sessionId)
        expect(g).toBe(own[0])
        if (g.sessionId !== sid) {
          const bytes = own.reduce((sum, x) => sum + (x as { bytes: number }).bytes, 0)
          expect(own.length > max / n || bytes > (40 * 200) / n).toBe(true)
        }
        model = model.filter(x => x !== g)
      }
      if (step % 97 === 0 || gone.length > 1) {
        expect([...log]).toEqual(model)
        expect(log.size).toBe(model.length)
        expect(log.at(0)).toBe(model[0])
        expect(log.at(-1)).toBe(model[model.length - 1])
        const i = random(model.length)
        expect(log.at(i)).toBe(model[i])
        const from = model[i].id
        expect([...log.range(from, from + 30)]).toEqual(model.filter(x => x.id >= from && x.id < from + 30))
        const probe = Array.from({ length: 60 }, (_, k) => e.id - 59 + k).filter(id => id > 0)
        expect(log.filterHeld(probe)).toEqual(probe.filter(id => held.has(id)))
        for (const id of probe) expect(log.get(id)).toBe(model.find(x => x.id === id))
        for (const s of ['s0', 's1', 's2', 's3', 's4'])
          expect(log.statsFor(s).held).toBe(model.filter(x => x.sessionId === s).length)
      }
    }
  })

  it('goes on where it was when the log changes during a walk', () => {
    const log = new EventLog({ maxEntries: 8 })
    for (let i = 0; i < 4; i++) log.append(noteEntry(`q${i}`, 'quiet'))
    for (let i = 0; i < 4; i++) log.append(noteEntry(`n${i}`, 'noisy'))
    const walk = log.range(1)
    const seen = [walk.next().value!.id, walk.next().value!.id]
    for (let i = 0; i < 20; i++) log.append(noteEntry(`m${i}`, 'noisy'))
    for (const e of walk) seen.push(e.id)
    expect(seen).toEqual([1, 2, 3, 4, 25, 26, 27, 28])
  })
})

describe('eventLog as a send buffer (deliverDropped)', () => {
  it('still delivers an entry bigger than its byte share that the next entry pushed out before the batch left', () => {
    const flushes: (() => void)[] = []
    const schedule = (f: () => void): void => void flushes.push(f)
    const view = new EventLog({ maxBytes: 64_000 }, { schedule })
    const relay = new EventLog({ maxBytes: 64_000 }, { schedule, deliverDropped: true })
    const seen = { view: [] as string[], relay: [] as string[] }
    view.subscribe(batch => seen.view.push(...batch.map(e => (e as { name: string }).name)))
    relay.subscribe(batch => seen.relay.push(...batch.map(e => (e as { name: string }).name)))
    for (const log of [view, relay]) {
      log.append(eventEntry('big', [], 'in', 's1', { bytes: 68_000 }))
      log.append(eventEntry('next', [1]))
    }
    for (const f of flushes.splice(0)) f()
    expect(view.statsFor('s1').dropped.entries).toBe(1)
    expect(seen.view).toEqual(['next'])
    expect(relay.statsFor('s1').dropped.entries).toBe(1)
    expect(seen.relay).toEqual(['big', 'next'])
  })
})
