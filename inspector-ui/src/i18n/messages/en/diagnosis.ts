/**
 * Connection diagnoses (core diagnose/): every `DiagnosisCode`'s title and suggestion, and the few texts the
 * core writes word for word instead of the table's (`variants`). The English is the core's own (its table,
 * src/core/diagnose/table.ts, is the source: it is not copied here); the Korean is picked by code
 * (lib/diagnosis-text.ts). A diagnosis's `detail` is never translated: it quotes the server.
 */
import type { DiagnosisCode } from '#core'
import type { MessageTree } from '../..'
import { DIAGNOSES } from '#core'
import { literal } from '../../../lib/i18n-literal'

export type CodeTexts = Record<DiagnosisCode, { title: string, suggestion: string }>

export function codes(texts: CodeTexts): MessageTree {
  return Object.fromEntries(Object.entries(texts).map(([code, { title, suggestion }]) => [code, { title: literal(title), suggestion: literal(suggestion) }]))
}

/**
 * The core's own words for some findings (diagnose/diagnose.ts), by key: lib/diagnosis-text.ts matches a
 * diagnosis's title or suggestion against them exactly.
 */
export const DIAGNOSIS_VARIANTS = {
  pathInvalidTitle: 'The handshake path is not valid',
  pathInvalidSuggestion: 'Enter a path such as /socket.io (the server\'s path option), without "#", "?", ".." or a scheme.',
  urlInvalidTitle: 'The URL is not valid',
  urlInvalidSuggestion: 'Enter a URL such as http://localhost:3000/ (its path is the namespace).',
  requestFailedTitle: 'The handshake request failed',
  requestFailedSuggestion: 'Check the URL and that the server is running; the probe details below show the exact error.',
  websocketOnlyTitle: 'The server accepts WebSocket only',
  websocketOnlySuggestion: 'Set the transports to WebSocket only.',
  engineErrorTitle: 'The server answered the handshake with an Engine.IO error',
  engineErrorSuggestion: 'Check the server\'s engine options (transports, allowRequest, allowEIO3) and any proxy in front of it.',
  clientFailedTitle: 'The server answers; the client\'s connection failed anyway',
  websocketBlockedSuggestion: 'The WebSocket connection failed while polling works: a proxy may block WebSocket. Try polling only, or check the proxy.',
  corsWebsocketWorksSuggestion: 'Set the transports to WebSocket only (WebSocket needs no CORS), or connect through the inspector\'s relay, or add this page\'s origin to the server\'s cors option.',
  parserDefaultTitle: 'The server speaks a different Socket.IO parser (the default socket.io-parser, not msgpack)',
} as const

export default {
  diagnosis: {
    codes: codes(DIAGNOSES),
    variants: Object.fromEntries(Object.entries(DIAGNOSIS_VARIANTS).map(([key, text]) => [key, literal(text)])),
    setParser: 'Set the Parser option to "{parser}" and connect again.',
  },
} satisfies MessageTree
