/**
 * The core's English texts about log entries, in the UI's language (issue 16 item 7). The core
 * (framework-free) words them in English; where a text has a code — a kind of entry, a truncation reason,
 * a disconnect reason — the UI translates it by that code, and keeps the core's English wherever the core
 * said something more specific than the code's default (a fault's explanation, an unknown reason).
 */
import type { EntryTruncation, LogEntryKind } from '#core'
import { explainDisconnect, formatBytes, kindInfo, MAX_ENCODE_DEPTH } from '#core'
import { hasText, t } from '../i18n'
import { DISCONNECT_REASON_KEYS } from '../i18n/messages/en/lifecycle'

/** A kind's one-line description (a row's tooltip); the core's English for a kind without a translation. */
export function kindDescription(kind: LogEntryKind | string): string {
  const key = `log.kinds.${kind}`
  return hasText(key) ? t(key) : kindInfo(kind)?.description ?? kind
}

/** What a `truncated` entry is missing (core `describeTruncation`, translated by its reason). */
export function truncationText(truncation: EntryTruncation): string {
  switch (truncation.reason) {
    case 'size':
      return truncation.size !== undefined ? t('log.truncated.size', { size: formatBytes(truncation.size) }) : t('log.truncated.sizeUnknown')
    case 'depth':
      return t('log.truncated.depth', { depth: (truncation.maxDepth ?? MAX_ENCODE_DEPTH).toLocaleString('en-US') })
    case 'unencodable':
      return truncation.message ? t('log.truncated.unencodableWhy', { message: truncation.message.slice(0, 200) }) : t('log.truncated.unencodable')
  }
}

/** The live session's rewording when socket.io would reconnect but reconnection is off. */
const RECONNECTION_OFF = /; reconnection is off, so the session stays disconnected\.$/
/** The core's explanation of a tab closed because it connected again with other options (inspector.ts). */
const REPLACED = 'Closed by the inspector: the tab connected again with other options.'

/**
 * A disconnect's explanation in the UI's language: by its reason when the core's explanation is that
 * reason's default (or the "reconnection is off" variant of it); anything else the core wrote (an injected
 * fault names itself, an unknown reason quotes it) stays as the core made it.
 */
export function disconnectText(reason: string | undefined, explanation: string | undefined): string {
  if (explanation === undefined)
    return ''
  if (explanation === REPLACED)
    return t('lifecycle.reasons.replaced')
  const key = reason !== undefined && Object.prototype.hasOwnProperty.call(DISCONNECT_REASON_KEYS, reason) ? DISCONNECT_REASON_KEYS[reason] : undefined
  if (key === undefined)
    return explanation
  const standard = explainDisconnect(reason!).explanation
  // The key exists in English when the core's reason has the `reconnects by itself` ending (messages/lifecycle.ts).
  if (explanation === standard)
    return t(`lifecycle.reasons.${key}`)
  const off = `lifecycle.reasonsOff.${key}`
  if (RECONNECTION_OFF.test(explanation) && hasText(off) && standard.replace(/; socket\.io reconnects by itself\.$/, '') === explanation.replace(RECONNECTION_OFF, ''))
    return t(off)
  return explanation
}
