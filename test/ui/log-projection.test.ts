// @vitest-environment happy-dom
import type { NewEntry } from '#core'
import { compileFilter, EventLog, logIndexOf } from '#core'
import { describe, expect, it } from 'vitest'
import { LogProjection, MAX_PUBLISH_GAP_MS, publishGap } from '../../inspector-ui/src/lib/log-projection'

function event(sessionId: string, name: string, args: unknown[] = []): NewEntry {
  return { kind: 'event', sessionId, name, args, direction: 'in', time: Date.now(), mono: performance.now(), bytes: 10 }
}

/** A log whose batches we flush by hand, and a projection whose frames we run by hand. */
function setup(limits?: { maxEntries: number }) {
  let flushLog: (() => void) | undefined
  const log = new EventLog(limits, {
    schedule: (flush) => {
      flushLog = flush
    },
  })
  const frames: (() => void)[] = []
  const schedule = (run: () => void): void => {
    frames.push(run)
  }
  const frame = (): void => {
    for (const run of frames.splice(0)) run()
  }
  const deliver = (): void => {
    const f = flushLog
    flushLog = undefined
    f?.()
  }
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise(resolve => setTimeout(resolve, 0))
  }
  return { log, schedule, frame, deliver, settle }
}

describe('logProjection', () => {
  it('publishes at most once per frame, however many batches arrive', async () => {
    const { log, schedule, frame, deliver, settle } = setup()
    const p = new LogProjection(log, {}, { schedule })
    await settle()
    let publishes = 0
    const original = p.publishNow.bind(p)
    p.publishNow = () => {
      publishes++
      original()
    }
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 100; i++) log.append(event('s1', 'tick'))
      deliver()
    }
    expect(p.view.value.length).toBe(0)
    frame()
    expect(publishes).toBe(1)
    expect(p.view.value.length).toBe(1000)
    p.dispose()
  })

  it('filters by session and name, and does not count an entry twice when a batch follows a new filter', async () => {
    const { log, schedule, frame, deliver, settle } = setup()
    log.append(event('s1', 'chat'))
    log.append(event('s2', 'chat'))
    // The batch of these two is still pending when the projection scans the log.
    const p = new LogProjection(log, { sessionIds: ['s1'] }, { schedule })
    await settle()
    deliver()
    frame()
    expect(p.view.value.length).toBe(1)
    log.append(event('s1', 'presence'))
    deliver()
    frame()
    expect(p.view.value.length).toBe(2)
    await p.setFilter({ sessionIds: ['s1'], name: 'chat' })
    expect(p.view.value.length).toBe(1)
    p.dispose()
  })

  it('keeps recording while paused and draws everything on resume', async () => {
    const { log, schedule, frame, deliver, settle } = setup()
    const p = new LogProjection(log, {}, { schedule })
    await settle()
    p.setPaused(true)
    for (let i = 0; i < 5; i++) log.append(event('s1', 'tick'))
    deliver()
    frame()
    expect(p.view.value.length).toBe(0)
    expect(p.total).toBe(5)
    p.setPaused(false)
    frame()
    expect(p.view.value.length).toBe(5)
    p.dispose()
  })

  it('clear hides what came before; later entries still show', async () => {
    const { log, schedule, frame, deliver, settle } = setup()
    const p = new LogProjection(log, {}, { schedule })
    await settle()
    log.append(event('s1', 'a'))
    deliver()
    p.clear()
    expect(p.view.value.length).toBe(0)
    log.append(event('s1', 'b'))
    deliver()
    frame()
    expect(p.view.value.ids.slice(0, p.view.value.length).map(id => log.get(id)!.kind === 'event' && (log.get(id) as { name: string }).name)).toEqual(['b'])
    p.dispose()
  })

  it('drops the ids the ring buffer dropped, without disturbing a published view', async () => {
    const { log, schedule, frame, deliver, settle } = setup({ maxEntries: 10 })
    const p = new LogProjection(log, {}, { schedule })
    await settle()
    for (let i = 0; i < 8; i++) log.append(event('s1', 'tick'))
    deliver()
    frame()
    const published = p.view.value
    const before = published.ids.slice(0, published.length)
    for (let i = 0; i < 8; i++) log.append(event('s1', 'tick'))
    deliver()
    frame()
    expect(p.view.value.length).toBe(10)
    expect(p.view.value.ids[0]).toBe(log.at(0)!.id)
    // The earlier snapshot still reads the same ids.
    expect(published.ids.slice(0, published.length)).toEqual(before)
    p.dispose()
  })

  it('keeps a quiet session\'s rows when a noisy one drops its own, in the timeline and in each tab', async () => {
    const { log, schedule, frame, deliver, settle } = setup({ maxEntries: 100 })
    const timeline = new LogProjection(log, {}, { schedule })
    const quietTab = new LogProjection(log, { sessionIds: ['quiet'] }, { schedule })
    const noisyTab = new LogProjection(log, { sessionIds: ['noisy'] }, { schedule })
    await settle()
    const quiet: number[] = []
    for (let i = 0; i < 10; i++) quiet.push(log.append(event('quiet', 'chat')).id)
    deliver()
    frame()
    const published = timeline.view.value
    const before = published.ids.slice(0, published.length)
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 100; i++) log.append(event('noisy', 'ping'))
      deliver()
      frame()
    }
    const shown = (p: LogProjection): number[] => p.view.value.ids.slice(0, p.view.value.length)
    expect(shown(quietTab)).toEqual(quiet)
    expect(shown(timeline)).toEqual([...log].map(e => e.id))
    expect(shown(timeline).slice(0, 10)).toEqual(quiet)
    expect(shown(noisyTab)).toEqual([...log].filter(e => e.sessionId === 'noisy').map(e => e.id))
    expect(shown(noisyTab)).toHaveLength(90)
    expect(published.ids.slice(0, published.length)).toEqual(before)
    // A new filter over the log with gaps walks the held entries only.
    await timeline.setFilter({ name: 'chat' })
    expect(shown(timeline)).toEqual(quiet)
    await timeline.setFilter({ text: 'ping' })
    expect(shown(timeline)).toHaveLength(90)
    for (const p of [timeline, quietTab, noisyTab]) p.dispose()
  })

  it('refilters 100,000 entries without blocking and counts entries per second', async () => {
    const { log, schedule, frame, deliver, settle } = setup()
    const p = new LogProjection(log, {}, { schedule })
    await settle()
    for (let i = 0; i < 100_000; i++) log.append(event(i % 2 ? 's1' : 's2', i % 10 ? 'tick' : 'chat', [i]))
    deliver()
    frame()
    expect(p.view.value.length).toBe(100_000)
    expect(p.rate()).toBeGreaterThan(0)
    const started = performance.now()
    const done = p.setFilter({ name: 'chat', sessionIds: ['s2'] })
    // The scan yields between chunks: the caller gets control back at once.
    expect(performance.now() - started).toBeLessThan(50)
    await done
    expect(p.view.value.length).toBe(10_000)
    p.dispose()
  })

  it('shows exactly the matching entries for name globs and payload text, over the index, as the log grows', async () => {
    const { log, schedule, frame, deliver, settle } = setup()
    const names = ['chat:message', 'order:deleted', 'order:created', 'user:joined']
    const add = (from: number, n: number): void => {
      for (let i = from; i < from + n; i++)
        log.append(event(i % 3 ? 's1' : 's2', names[i % names.length], [{ i, note: i % 97 === 0 ? 'Refund-7F3A asked' : 'nothing', amount: i / 4 }]))
    }
    add(0, 20_000)
    deliver()
    const p = new LogProjection(log, {}, { schedule })
    await settle()
    const shown = (): number[] => p.view.value.ids.slice(0, p.view.value.length)
    const expected = (filter: Parameters<typeof compileFilter>[0]): number[] => [...log].filter(compileFilter(filter)).map(e => e.id)
    const filters = [
      { name: 'order:deleted' },
      { name: 'order:*', sessionIds: ['s1'] },
      { text: 'refund-7f3a' },
      { text: '2.5' },
      { name: 'chat*', text: 'refund' },
      { text: 'nothing', directions: ['in' as const] },
    ]
    for (const filter of filters) {
      await p.setFilter(filter)
      expect(shown(), JSON.stringify(filter)).toEqual(expected(filter))
      // Entries appended after the scan are matched on arrival.
      add(log.size, 500)
      deliver()
      frame()
      expect(shown(), JSON.stringify(filter)).toEqual(expected(filter))
    }
    // Search texts cached ahead of time (as the import and the idle warm-up do) give the same rows.
    logIndexOf(log).warm(() => false)
    for (const filter of filters) {
      await p.setFilter(filter)
      expect(shown(), JSON.stringify(filter)).toEqual(expected(filter))
    }
    p.dispose()
  })
})

describe('publishGap', () => {
  it('publishes every frame when idle and down to 10 per second under load', () => {
    expect(publishGap(1, 0)).toBe(3)
    expect(publishGap(0, 10)).toBe(0)
    expect(publishGap(2, 2000)).toBe(MAX_PUBLISH_GAP_MS)
    expect(publishGap(0, 500)).toBe(50)
    expect(publishGap(60, 0)).toBe(MAX_PUBLISH_GAP_MS)
    expect(publishGap(500, 5000)).toBe(MAX_PUBLISH_GAP_MS)
  })
})
