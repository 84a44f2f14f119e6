// @vitest-environment happy-dom
/**
 * Issue 11, the pure parts: what a tab says it is (state, dot, label), what Recent shows, a paused view
 * made again (a tab switched away and back), and the Korean v2 → v4 table.
 */
import type { NewEntry, SessionSnapshot } from '#core'
import { EventLog } from '#core'
import { describe, expect, it } from 'vitest'
import { defaultForm, formatConnectedAt, formToOptions, optionsToForm, recentLabel, sameOptions } from '../../inspector-ui/src/lib/connect-form'
import { LogProjection } from '../../inspector-ui/src/lib/log-projection'
import { defaultTabLabel, tabDot, tabState } from '../../inspector-ui/src/stores/sessions'
import { STEPS } from '../../inspector-ui/src/tutorial/steps'

function snap(p: Partial<SessionSnapshot>): SessionSnapshot {
  return {
    id: 's1',
    label: '/chat',
    url: 'http://localhost:3000/chat',
    namespace: '/chat',
    status: 'idle',
    readonly: false,
    socketId: undefined,
    engineId: undefined,
    transport: undefined,
    reconnectAttempt: 0,
    lastError: undefined,
    idHistory: [],
    pendingServerAcks: [],
    ...p,
  }
}

const ENDED = { socketId: 'abc', engineId: 'e', transport: 'websocket' as const, recovered: false, connectedAt: 1, disconnectedAt: 2 }

describe('tab state, dot and label', () => {
  it('an imported capture is "imported" whatever it recorded, never "connected"', () => {
    expect(tabState(snap({ readonly: true, status: 'connected' }))).toBe('imported')
    expect(tabDot(snap({ readonly: true, status: 'connected' }))).toBe('imported')
    expect(tabState(snap({ status: 'idle' }))).toBe('disconnected')
    expect(tabState(snap({ status: 'reconnecting' }))).toBe('reconnecting')
  })

  it('a tab that never connected and did not fail has a grey dot, a failure a red one', () => {
    expect(tabDot(snap({ status: 'idle' }))).toBe('never')
    expect(tabDot(snap({ status: 'disconnected' }))).toBe('never') // stopped while connecting
    expect(tabDot(snap({ status: 'disconnected', lastError: 'xhr poll error' }))).toBe('failed')
    expect(tabDot(snap({ status: 'disconnected', idHistory: [ENDED] }))).toBe('failed')
    expect(tabDot(snap({ status: 'connected', idHistory: [ENDED] }))).toBe('connected')
  })

  it('a tab the user disconnected has a grey dot (nothing failed), not the red of a dropped connection', () => {
    const closedByUser = { ...ENDED, reason: 'io client disconnect' as const }
    expect(tabDot(snap({ status: 'disconnected', idHistory: [closedByUser] }))).toBe('closed')
    expect(tabDot(snap({ status: 'disconnected', idHistory: [closedByUser], lastError: 'xhr poll error' }))).toBe('failed')
  })

  it('names a tab host:port /namespace, or by the label it was given', () => {
    expect(defaultTabLabel(snap({}))).toBe('localhost:3000 /chat')
    expect(defaultTabLabel(snap({ url: 'http://127.0.0.1:4100', namespace: '/', label: '/' }))).toBe('127.0.0.1:4100 /')
    expect(defaultTabLabel(snap({ label: 'Tutorial A' }))).toBe('Tutorial A')
  })
})

describe('recent and the answer window', () => {
  it('shows when an entry last connected; entries stored before show the URL alone', () => {
    const at = new Date(2026, 2, 4, 14, 2, 30).getTime()
    expect(formatConnectedAt(at, new Date(2026, 2, 4, 20, 0).getTime())).toBe('14:02')
    expect(formatConnectedAt(at, new Date(2026, 2, 5, 9, 0).getTime())).toBe('2026-03-04 14:02')
    expect(recentLabel({ url: 'http://localhost:3000/', lastConnectedAt: at }, at)).toBe('http://localhost:3000/ · connected 14:02')
    expect(recentLabel({ url: 'http://localhost:3000/' })).toBe('http://localhost:3000/')
  })

  it('the inspector\'s own answer window is an option: checked, round-tripped, and part of "same options"', () => {
    const url = 'http://localhost:3000/'
    const base = formToOptions(defaultForm(url))
    expect(base.ok && base.options).not.toHaveProperty('serverAckTimeoutMs')
    const longer = formToOptions({ ...defaultForm(url), ackWindow: '120000' })
    expect(longer.ok && longer.options.serverAckTimeoutMs).toBe(120_000)
    if (base.ok && longer.ok) {
      expect(optionsToForm(longer.options).ackWindow).toBe('120000')
      expect(sameOptions(base.options, longer.options)).toBe(false)
    }
    const bad = formToOptions({ ...defaultForm(url), ackWindow: '10' })
    expect(!bad.ok && bad.errors.ackWindow).toMatch(/between 1000 and/)
  })
})

describe('a paused view made again', () => {
  function event(name: string): NewEntry {
    return { kind: 'event', sessionId: 's1', name, args: [], direction: 'in', time: Date.now(), mono: performance.now(), bytes: 10 }
  }
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise(resolve => setTimeout(resolve, 0))
  }

  it('shows what was shown when the pause began, not what came while the tab was away', async () => {
    const log = new EventLog()
    const frames: (() => void)[] = []
    const schedule = (run: () => void): void => {
      frames.push(run)
    }
    const a = log.append(event('before'))
    log.append(event('before'))
    const shownAtPause = log.append(event('before')).id
    // The tab was paused with three rows shown; then it was switched away (its view went) and more came.
    for (let i = 0; i < 5; i++) log.append(event('while away'))
    const view = new LogProjection(log, {}, { schedule })
    view.setPaused(true, shownAtPause)
    await settle()
    for (const run of frames.splice(0)) run()
    expect(view.view.value.length).toBe(3)
    expect(view.view.value.ids.slice(0, view.view.value.length)).toEqual([a.id, a.id + 1, shownAtPause])
    expect(view.lastShownId()).toBe(shownAtPause)
    // Still recording while paused; Resume shows everything.
    log.append(event('later'))
    await settle()
    for (const run of frames.splice(0)) run()
    expect(view.view.value.length).toBe(3)
    view.setPaused(false)
    for (const run of frames.splice(0)) run()
    expect(view.view.value.length).toBe(9)
    view.dispose()
  })
})

describe('the Korean tutorial\'s v2 → v4 table', () => {
  it('has no English words left in Korean: prose cells are localized, code cells are code', () => {
    const rows = STEPS.flatMap(step => step.table ?? [])
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) {
      for (const cell of [row.v2, row.v4]) {
        if (typeof cell === 'string') {
          // Code only: no English sentence words outside identifiers and strings.
          expect(cell.replace(/'[^']*'|"[^"]*"/g, ''), cell).not.toMatch(/\b(?:is|the|has|no|delivered|event)\b/)
        }
        else {
          expect(cell.ko.trim()).not.toBe('')
          // Outside `code`, no Latin words (a quote counts as words: it must be translated too).
          expect(cell.ko.replace(/`[^`]*`/g, ''), cell.en).not.toMatch(/[a-z]{3,}/i)
        }
      }
    }
  })
})
