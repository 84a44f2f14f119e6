/**
 * What a log row shows, built only for rows on screen (bounded previews), cached by entry id
 * (entries are immutable). The cache is bounded too.
 */
import type { LogEntry } from '#core'
import { binaryPreview, frameWireText, kindTitle, previewArgs, previewValue, ROW_PREVIEW_CHARS } from '#core'
import { shownLang, t } from '../i18n'
import { disconnectText } from './kind-text'

export interface RowText {
  /** Event name, or the lifecycle kind. */
  title: string
  /** Argument count, for events and acks. */
  argc: number | undefined
  preview: string
}

/** The text filter searches this same preview (`searchPreview`): what a row shows finds the row. */
const PREVIEW_CHARS = ROW_PREVIEW_CHARS
const CACHE_MAX = 4000
const cache = new Map<number, RowText>()
/** The language the cached texts are in: a switch empties the cache (the language shown, not only chosen: Korean's texts arrive a moment after the choice; reading it makes a row follow it). */
let cacheLang = shownLang()

export function formatTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

function build(entry: LogEntry): RowText {
  switch (entry.kind) {
    case 'event':
      return { title: entry.name, argc: entry.args.length, preview: `${entry.queued ? `${t('log.row.queued')} ` : ''}${previewArgs(entry.args, PREVIEW_CHARS)}` }
    case 'ack':
      return {
        title: entry.name,
        argc: entry.args.length,
        preview: entry.timedOut ? t('log.row.noAnswer', { latency: formatLatency(entry.latencyMs) }) : previewArgs(entry.args, PREVIEW_CHARS),
      }
    case 'connecting':
      return { title: kindTitle(entry), argc: undefined, preview: entry.url }
    case 'connect':
      return {
        title: kindTitle(entry),
        argc: undefined,
        preview: [t('log.row.connectId', { id: entry.socketId }), entry.transport ? t('log.row.over', { transport: entry.transport }) : '', entry.recovered ? t('log.row.recovered') : ''].filter(Boolean).join(' '),
      }
    case 'connect_error':
      return {
        title: kindTitle(entry),
        argc: undefined,
        preview: `${entry.message}${entry.data !== undefined ? ` — ${t('log.row.data', { data: previewValue(entry.data, 120) })}` : ''}${entry.willRetry ? ` ${t('log.row.willRetry')}` : ''}`,
      }
    case 'disconnect':
      return { title: kindTitle(entry), argc: undefined, preview: `${entry.reason} — ${disconnectText(entry.reason, entry.explanation)}` }
    case 'reconnect_attempt':
      return { title: kindTitle(entry), argc: undefined, preview: t('log.row.attempt', { n: entry.attempt }) }
    case 'reconnect_error':
      return { title: kindTitle(entry), argc: undefined, preview: entry.message }
    case 'reconnect':
      return { title: kindTitle(entry), argc: undefined, preview: t('log.row.after', { n: entry.attempt }, entry.attempt) }
    case 'reconnect_failed':
      return { title: kindTitle(entry), argc: undefined, preview: t('log.row.gaveUp') }
    case 'upgrading':
    case 'upgrade':
    case 'upgrade_error':
      return { title: kindTitle(entry), argc: undefined, preview: `${entry.transport ?? ''}${entry.message ? ` ${entry.message}` : ''}` }
    case 'frame': {
      // As it went over the wire (`2probe`, `42["chat",…]`), binary as hex (`<4 B: 01 02 03 ab>`).
      const wire = frameWireText(entry)
      return {
        title: kindTitle(entry),
        argc: undefined,
        preview: wire !== undefined
          ? (wire.length > PREVIEW_CHARS ? `${wire.slice(0, PREVIEW_CHARS)}…` : wire)
          : entry.data instanceof Uint8Array ? binaryPreview(entry.data) : '',
      }
    }
    case 'note':
      return { title: kindTitle(entry), argc: undefined, preview: entry.message }
    default: {
      // Unreachable while the switch is exhaustive; at run time an unknown kind still gets a visible row.
      const never: never = entry
      return { title: kindTitle(never as LogEntry), argc: undefined, preview: '' }
    }
  }
}

export function rowText(entry: LogEntry): RowText {
  if (shownLang() !== cacheLang) {
    cache.clear()
    cacheLang = shownLang()
  }
  let text = cache.get(entry.id)
  if (!text) {
    text = build(entry)
    if (cache.size >= CACHE_MAX)
      cache.clear()
    cache.set(entry.id, text)
  }
  return text
}
