import type { LogEntry } from '#core'
import { EventLog, exportLog, exportNdjson, importCapture, Inspector, openCapture } from '#core'
import { describe, expect, it, vi } from 'vitest'
import { ackEntry, chatSession, eventEntry, frameEntry, noteEntry } from './fixtures/entries'

const session = chatSession()

/** A log of `n` varied entries (values JSON cannot hold included), in two sessions. */
function sampleLog(n: number): EventLog {
  const log = new EventLog()
  for (let i = 0; i < n; i++) {
    const sid = i % 7 === 0 ? 's2' : 's1'
    const kind = i % 5
    if (kind === 0)
      log.append(eventEntry(`chat:${i % 3}`, [{ i, nan: Number.NaN, big: BigInt(i), bin: new Uint8Array([i & 255]), when: new Date(i) }], 'in', sid))
    else if (kind === 1)
      log.append(ackEntry('chat:1', [i, undefined, -0], 'out', sid))
    else if (kind === 2)
      log.append(frameEntry(`42["tick",${i}]`, 'in', 'message', sid))
    else if (kind === 3)
      log.append(frameEntry(new Uint8Array([1, 2, i & 255]), 'out', 'message', sid))
    else
      log.append(noteEntry(`note ${i} \u2028 "quoted" \\ back`, sid))
  }
  return log
}

/** Entries as an importing inspector holds them: new ids from 1, session ids mapped. */
function comparable(entries: Iterable<LogEntry>): unknown[] {
  return [...entries].map(({ id: _id, sessionId: _s, ...rest }) => rest)
}

describe('importing a capture in slices', () => {
  it.each([
    ['JSON', exportLog],
    ['NDJSON', exportNdjson],
  ])('gives exactly what the one-shot import gives (%s), a slice at a time, and opens the sessions after the first slice', async (_label, exporter) => {
    const source = sampleLog(1000)
    const text = exporter(source, [session])
    const whole = new Inspector()
    expect(whole.importCapture(text)).toMatchObject({ ok: true })

    const sliced = new Inspector()
    const onSessions = vi.fn((_ids: string[]) => sliced.log.size)
    const slices: number[] = []
    const r = await sliced.importCaptureAsync(text, { sliceMs: 0, onSessions, onEntries: e => slices.push(e.length) })
    expect(r).toEqual({ ok: true, sessionIds: ['s1', 's2'], entries: 1000 })
    expect(slices.length).toBeGreaterThan(5)
    expect(onSessions).toHaveBeenCalledTimes(1)
    // Called once the first slice is in the log, not at the end.
    expect(onSessions.mock.results[0].value).toBeLessThan(1000)
    expect(comparable(sliced.log)).toStrictEqual(comparable(whole.log))
    expect([...sliced.log].map(e => e.sessionId)).toEqual([...whole.log].map(e => e.sessionId))
    expect([...sliced.log].every(e => Object.isFrozen(e))).toBe(true)
    expect(sliced.list().map(s => s.snapshot().readonly)).toEqual([true, true])
  })

  it('reads a re-formatted file (not one entry per line) whole, with the same result', async () => {
    const source = sampleLog(50)
    const pretty = JSON.stringify(JSON.parse(exportLog(source, [session])), null, 2)
    const inspector = new Inspector()
    const r = await inspector.importCaptureAsync(pretty, { sliceMs: 0 })
    expect(r).toMatchObject({ ok: true, entries: 50 })
    const again = new Inspector()
    again.importCapture(pretty)
    expect(comparable(inspector.log)).toStrictEqual(comparable(again.log))
  })

  it.each([
    ['JSON', exportLog],
    ['NDJSON', exportNdjson],
  ])('refuses a cut %s file before adding anything, with the one-shot import\'s message', async (_label, exporter) => {
    const text = exporter(sampleLog(500), [session])
    for (const cut of [text.slice(0, Math.floor(text.length / 2)), text.slice(0, text.lastIndexOf('\n', text.length - 3))]) {
      const inspector = new Inspector()
      const onSessions = vi.fn()
      const r = await inspector.importCaptureAsync(cut, { sliceMs: 0, onSessions })
      const sync = importCapture(cut)
      expect(sync.ok).toBe(false)
      expect(r).toEqual({ ok: false, error: (sync as { error: string }).error, sessionIds: [], entries: 0 })
      expect(inspector.log.size).toBe(0)
      expect(inspector.list()).toEqual([])
      expect(onSessions).not.toHaveBeenCalled()
    }
  })

  it('refuses a damaged file as a whole, whether the damage is in the first slice or a later one', async () => {
    const lines = exportLog(sampleLog(1000), [session]).split('\n')
    // lines[0] is the header; entry n (from 1) is lines[n].
    lines[600] = lines[600].replace('"kind":"', '"kind":"bogus-')
    const text = lines.join('\n')
    expect(importCapture(text)).toMatchObject({ ok: false, error: expect.stringMatching(/^entry 600 \(line 601\): unknown kind/) })

    const atOnce = new Inspector()
    expect(await atOnce.importCaptureAsync(text, { sliceMs: 10_000 })).toMatchObject({ ok: false, sessionIds: [], entries: 0 })
    expect(atOnce.log.size).toBe(0)
    expect(atOnce.list()).toEqual([])

    const sliced = new Inspector()
    const r = await sliced.importCaptureAsync(text, { sliceMs: 0 })
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^entry 600 \(line 601\): unknown kind/) })
    // The slices before the damaged one were shown while reading; their session is gone again.
    let opened: string[] = []
    const again = new Inspector()
    const r2 = await again.importCaptureAsync(text, {
      sliceMs: 0,
      onSessions: (ids) => {
        opened = ids
      },
    })
    expect(opened.length).toBeGreaterThan(0)
    expect(r2).toMatchObject({ ok: false, sessionIds: [], entries: 0 })
    expect(again.list()).toEqual([])
    expect(r.sessionIds).toEqual([])
    expect(sliced.list()).toEqual([])
  })

  it('checks the header, the layout and the entry count up front (openCapture)', () => {
    const text = exportLog(sampleLog(10), [session])
    const opened = openCapture(text)
    expect(opened.ok && opened.reader.total).toBe(10)
    expect(openCapture('{"hello": 1}')).toEqual({ ok: false, error: 'not a Socket.IO Inspector export' })
    expect(openCapture(text.replace('"version":1', '"version":9'))).toMatchObject({ ok: false, error: expect.stringMatching(/version 9 not supported/) })
    expect(openCapture(text, { maxBytes: 10 })).toMatchObject({ ok: false, error: expect.stringMatching(/too large/) })
  })

  it.each([
    ['JSON', exportLog],
    ['NDJSON', exportNdjson],
  ])('refuses a %s capture whose idHistory holds null before any tab opens, naming the field', async (_label, exporter) => {
    const text = exporter(sampleLog(300), [chatSession({ idHistory: [null as never] })])
    expect(openCapture(text)).toEqual({ ok: false, error: 'sessions[0].idHistory[0] must be an object' })
    const inspector = new Inspector()
    const onSessions = vi.fn()
    expect(await inspector.importCaptureAsync(text, { sliceMs: 0, onSessions })).toEqual({ ok: false, error: 'sessions[0].idHistory[0] must be an object', sessionIds: [], entries: 0 })
    expect(onSessions).not.toHaveBeenCalled()
    expect(inspector.list()).toEqual([])
    expect(inspector.log.size).toBe(0)
  })

  it('refuses a damaged entry deep in the file with its field named, and keeps nothing', async () => {
    const lines = exportNdjson(sampleLog(300), [session]).split('\n')
    lines[250] = lines[250].replace(/"time":\d+/, '"time":"noon"')
    const inspector = new Inspector()
    const r = await inspector.importCaptureAsync(lines.join('\n'), { sliceMs: 0 })
    expect(r).toMatchObject({ ok: false, error: 'entry 250 (line 251): time must be a number', sessionIds: [] })
    expect(inspector.list()).toEqual([])
  })
})
