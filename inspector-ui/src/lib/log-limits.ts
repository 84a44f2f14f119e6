/**
 * The log's limits for this page. The core keeps 100,000 entries by default (each tab its fair share,
 * core `EventLog`); `?maxEntries=N` in the inspector's address raises or lowers that for the page's
 * lifetime (the "older entries dropped" notice says so). A bad value keeps the default and says why.
 * Raising the entry bound raises the byte budget in proportion (the default's 2,684 estimated bytes per
 * entry), up to `MAX_BYTES_CAP`: a million entries of 500 estimated bytes each would otherwise stop at the
 * default 256 MB after about 530,000 entries.
 */
import type { LogLimits } from '#core'
import { DEFAULT_LOG_LIMITS } from '#core'
import { t } from '../i18n'

/** The query parameter that sets `maxEntries`. */
export const MAX_ENTRIES_PARAM = 'maxEntries'
/** Accepted values of `?maxEntries=`: below, the log is useless; above, a tab of big payloads may not fit in memory. */
export const MAX_ENTRIES_MIN = 1_000
export const MAX_ENTRIES_MAX = 2_000_000
/** The byte budget a raised entry bound can bring (estimate: strings count 2 bytes a character). */
export const MAX_BYTES_CAP = 1024 * 1024 * 1024

export type LimitsFromSearch
  = | { ok: true, limits: LogLimits | undefined }
    | { ok: false, error: string }

/**
 * `?maxEntries=200000` → `{ maxEntries: 200000 }`; no parameter → undefined (the core's defaults).
 * @example logLimitsFromSearch('?maxEntries=250000') // { ok: true, limits: { maxEntries: 250000, maxBytes: 671088640 } }
 */
export function logLimitsFromSearch(search: string): LimitsFromSearch {
  const raw = new URLSearchParams(search).get(MAX_ENTRIES_PARAM)
  if (raw === null)
    return { ok: true, limits: undefined }
  const n = Number(raw.replace(/[_,]/g, ''))
  if (!Number.isInteger(n) || n < MAX_ENTRIES_MIN || n > MAX_ENTRIES_MAX)
    return { ok: false, error: t('log.limits.bad', { param: MAX_ENTRIES_PARAM, value: raw.slice(0, 40), min: MAX_ENTRIES_MIN.toLocaleString('en-US'), max: MAX_ENTRIES_MAX.toLocaleString('en-US'), keep: DEFAULT_LOG_LIMITS.maxEntries.toLocaleString('en-US') }) }
  return { ok: true, limits: { maxEntries: n, maxBytes: bytesFor(n) } }
}

/** The byte budget that goes with `maxEntries` entries: the default's bytes per entry, never below the default. */
export function bytesFor(maxEntries: number): number {
  const perEntry = DEFAULT_LOG_LIMITS.maxBytes / DEFAULT_LOG_LIMITS.maxEntries
  return Math.max(DEFAULT_LOG_LIMITS.maxBytes, Math.min(MAX_BYTES_CAP, Math.round(maxEntries * perEntry)))
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
