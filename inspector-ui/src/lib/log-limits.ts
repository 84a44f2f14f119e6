/**
 * The log's limits for this page. The core keeps 100,000 entries by default (each tab its fair share,
 * core `EventLog`); `?maxEntries=N` in the inspector's address raises or lowers that for the page's
 * lifetime (the "older entries dropped" notice says so). A bad value keeps the default and says why.
 */
import type { LogLimits } from '#core'
import { DEFAULT_LOG_LIMITS } from '#core'
import { t } from '../i18n'

/** The query parameter that sets `maxEntries`. */
export const MAX_ENTRIES_PARAM = 'maxEntries'
/** Accepted values of `?maxEntries=`: below, the log is useless; above, a tab of big payloads may not fit in memory. */
export const MAX_ENTRIES_MIN = 1_000
export const MAX_ENTRIES_MAX = 2_000_000

export type LimitsFromSearch
  = | { ok: true, limits: LogLimits | undefined }
    | { ok: false, error: string }

/**
 * `?maxEntries=200000` → `{ maxEntries: 200000 }`; no parameter → undefined (the core's defaults).
 * @example logLimitsFromSearch('?maxEntries=250000') // { ok: true, limits: { maxEntries: 250000 } }
 */
export function logLimitsFromSearch(search: string): LimitsFromSearch {
  const raw = new URLSearchParams(search).get(MAX_ENTRIES_PARAM)
  if (raw === null)
    return { ok: true, limits: undefined }
  const n = Number(raw.replace(/[_,]/g, ''))
  if (!Number.isInteger(n) || n < MAX_ENTRIES_MIN || n > MAX_ENTRIES_MAX)
    return { ok: false, error: t('log.limits.bad', { param: MAX_ENTRIES_PARAM, value: raw.slice(0, 40), min: MAX_ENTRIES_MIN.toLocaleString('en-US'), max: MAX_ENTRIES_MAX.toLocaleString('en-US'), keep: DEFAULT_LOG_LIMITS.maxEntries.toLocaleString('en-US') }) }
  return { ok: true, limits: { maxEntries: n } }
}

/** The limits of this page's address (the default where there is no `location`, or on a bad value, with a warning). */
export function pageLogLimits(): LogLimits | undefined {
  if (typeof location === 'undefined')
    return undefined
  const r = logLimitsFromSearch(location.search)
  if (!r.ok) {
    console.warn(`[inspector] ${r.error}`)
    return undefined
  }
  return r.limits
}
