/**
 * The page's log limits (`?maxEntries=`): raising the entry bound raises the byte budget with it, so a
 * million imported entries are all kept (issue 20: a million-entry log in the browser).
 */
import { DEFAULT_LOG_LIMITS, EventLog } from '#core'
import { describe, expect, it } from 'vitest'
import { bytesFor, logLimitsFromSearch, MAX_BYTES_CAP } from '../../inspector-ui/src/lib/log-limits'

describe('log limits from the address', () => {
  it('keeps the core defaults without the parameter, and the default byte budget for a lowered bound', () => {
    expect(logLimitsFromSearch('')).toEqual({ ok: true, limits: undefined })
    expect(logLimitsFromSearch('?maxEntries=5000')).toEqual({ ok: true, limits: { maxEntries: 5000, maxBytes: DEFAULT_LOG_LIMITS.maxBytes } })
  })

  it('raises the byte budget in proportion to a raised entry bound, up to 1 GiB', () => {
    expect(logLimitsFromSearch('?maxEntries=250000')).toEqual({ ok: true, limits: { maxEntries: 250_000, maxBytes: 671_088_640 } })
    expect(logLimitsFromSearch('?maxEntries=1_000_000')).toEqual({ ok: true, limits: { maxEntries: 1_000_000, maxBytes: MAX_BYTES_CAP } })
    expect(bytesFor(2_000_000)).toBe(MAX_BYTES_CAP)
  })

  it('lets a raised bound hold 600,000 entries of 500 estimated bytes, which the default byte budget would cut at 536,870', () => {
    const entry = (i: number): Parameters<EventLog['append']>[0] => ({ kind: 'note', level: 'info', message: 'x', sessionId: 's1', time: i, mono: i, direction: 'local', bytes: 500 } as never)
    const limits = logLimitsFromSearch('?maxEntries=1000000')
    const raised = new EventLog(limits.ok ? limits.limits : undefined)
    const byDefaultBytes = new EventLog({ maxEntries: 1_000_000 })
    for (let i = 0; i < 600_000; i++) {
      raised.append(entry(i))
      byDefaultBytes.append(entry(i))
    }
    expect(raised.size).toBe(600_000)
    expect(raised.dropped.entries).toBe(0)
    expect(byDefaultBytes.size).toBe(Math.floor(DEFAULT_LOG_LIMITS.maxBytes / 500))
  })
})
