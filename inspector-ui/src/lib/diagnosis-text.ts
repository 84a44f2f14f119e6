/**
 * A diagnosis (core diagnose/) in the UI's language (issue 16 item 7). The core words every diagnosis in
 * English from its table (diagnose/table.ts, by `code`); the UI picks the title and the suggestion of the
 * code from `diagnosis.codes.<code>` instead. Where the core said something more specific than the table
 * (a title with the HTTP status or the malformed field appended, a suggestion that names a path or an
 * origin), the table's part is translated and the core's own addition is kept as it is; a text the table
 * does not start stays in the core's English. The `detail` always stays as the core made it: it quotes the
 * server (its message, its data, its packet).
 */
import type { Diagnosis, DiagnosisCode } from '#core'
import { DIAGNOSES } from '#core'
import { hasText, t } from '../i18n'
import { DIAGNOSIS_VARIANTS } from '../i18n/messages/en/diagnosis'

/**
 * Texts the core writes for some findings instead of the table's, word for word (diagnose/diagnose.ts): each
 * has its own translation, `diagnosis.variants.<key>`. Matched exactly, so a reworded core text falls back
 * to its English (test/ui/diagnosis-text.test.ts makes the core produce several of them).
 */
const VARIANTS: ReadonlyMap<string, string> = new Map(Object.entries(DIAGNOSIS_VARIANTS).map(([key, english]) => [english, key]))

/** The parser mismatch's suggestion: which parser to set, then the table's suggestion. */
const SET_PARSER = /^Set the Parser option to "(.+)" and connect again\. /

function tableText(code: DiagnosisCode, part: 'title' | 'suggestion'): string | undefined {
  const key = `diagnosis.codes.${code}.${part}`
  return Object.prototype.hasOwnProperty.call(DIAGNOSES, code) && hasText(key) ? t(key) : undefined
}

/** Text the core built from the table's: the table's part translated, the core's addition kept. */
function localize(code: DiagnosisCode, part: 'title' | 'suggestion', text: string): string {
  const variant = VARIANTS.get(text)
  if (variant !== undefined)
    return t(`diagnosis.variants.${variant}`)
  const english = (DIAGNOSES as Readonly<Record<string, { title: string, suggestion: string } | undefined>>)[code]?.[part]
  const translated = tableText(code, part)
  if (english === undefined || translated === undefined)
    return text
  if (text === english)
    return translated
  // `<table title>: <problem>` (malformed handshake), `<table title> (HTTP 401): authentication` (refusal).
  if (text.startsWith(english))
    return translated + text.slice(english.length)
  // `Set the Parser option to "msgpack (socket.io-msgpack-parser)" and connect again. <table suggestion>`.
  const parser = SET_PARSER.exec(text)
  if (parser && text.slice(parser[0].length) === english)
    return `${t('diagnosis.setParser', { parser: parser[1] })} ${translated}`
  return text
}

/** The diagnosis's title in the UI's language. */
export function diagnosisTitle(d: Pick<Diagnosis, 'code' | 'title'>): string {
  return localize(d.code, 'title', d.title)
}

/** The diagnosis's suggestion in the UI's language. */
export function diagnosisSuggestion(d: Pick<Diagnosis, 'code' | 'suggestion'>): string {
  return localize(d.code, 'suggestion', d.suggestion)
}
