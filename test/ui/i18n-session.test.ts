// @vitest-environment happy-dom
/**
 * Issue 16 item 7, the session's side of the UI in Korean: texts the core words in English (diagnoses,
 * disconnect reasons, kinds of entries, truncations) are translated by their code, with the core's own
 * English kept where it said something more specific (and always in English mode); the rows' previews, the
 * connect form's errors, the import's and the log limit's messages follow the language.
 */
import type { Diagnosis, LogEntry } from '#core'
import { diagnoseConnection, DIAGNOSES, DIAGNOSIS_CODES, ENTRY_KINDS, explainDisconnect, faultDisconnectExplanation, LOG_ENTRY_KINDS } from '#core'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadLanguage } from '../../inspector-ui/src/i18n'
import { defaultForm, formToOptions, validateUrl } from '../../inspector-ui/src/lib/connect-form'
import { diagnosisSuggestion, diagnosisTitle } from '../../inspector-ui/src/lib/diagnosis-text'
import { readImportFile } from '../../inspector-ui/src/lib/files'
import { disconnectText, kindDescription, truncationText } from '../../inspector-ui/src/lib/kind-text'
import { logLimitsFromSearch } from '../../inspector-ui/src/lib/log-limits'
import { rowText } from '../../inspector-ui/src/lib/row-format'
import { lang, setLang } from '../../inspector-ui/src/tutorial/lang'

const HANGUL = /[\uAC00-\uD7A3]/

const original = lang.value
// Korean is a chunk of its own in the app (loaded on the first switch); here it is loaded up front.
beforeAll(() => loadLanguage('ko'))
afterEach(() => setLang(original))

function diagnosis(code: Diagnosis['code'], extra: Partial<Diagnosis> = {}): Diagnosis {
  return { code, title: DIAGNOSES[code].title, detail: 'what the probe saw', suggestion: DIAGNOSES[code].suggestion, probe: [], ...extra }
}

describe('diagnoses in the UI\'s language', () => {
  it('gives every diagnosis code a Korean title and suggestion, and the core\'s own English in English', () => {
    for (const code of DIAGNOSIS_CODES) {
      setLang('en')
      expect(diagnosisTitle(diagnosis(code)), code).toBe(DIAGNOSES[code].title)
      expect(diagnosisSuggestion(diagnosis(code)), code).toBe(DIAGNOSES[code].suggestion)
      setLang('ko')
      expect(diagnosisTitle(diagnosis(code)), code).toMatch(HANGUL)
      expect(diagnosisSuggestion(diagnosis(code)), code).toMatch(HANGUL)
    }
    setLang('ko')
    expect(diagnosisTitle(diagnosis('server-v2'))).toBe('Socket.IO 2.x 서버입니다')
    // Literal braces and `@` of the English survive in Korean too (vue-i18n syntax is escaped).
    expect(diagnosisSuggestion(diagnosis('parser-mismatch'))).toContain('new Server(http, { parser })')
    expect(diagnosisSuggestion(diagnosis('sticky-sessions-missing'))).toContain('@socket.io/sticky')
  })

  it('translates the table\'s part of a specific title and keeps what the core added', () => {
    setLang('ko')
    const refused = diagnosis('handshake-refused', { title: `${DIAGNOSES['handshake-refused'].title} (HTTP 401): authentication` })
    expect(diagnosisTitle(refused)).toBe('서버가 핸드셰이크를 거부했습니다 (HTTP 401): authentication')
    const parser = diagnosis('parser-mismatch', { suggestion: `Set the Parser option to "msgpack (socket.io-msgpack-parser)" and connect again. ${DIAGNOSES['parser-mismatch'].suggestion}` })
    expect(diagnosisSuggestion(parser)).toMatch(/^Parser 옵션을 "msgpack \(socket\.io-msgpack-parser\)"\(으\)로 설정하고 다시 연결하세요\. 서버와 클라이언트는/)
    // A suggestion the core wrote for this case only (it names the server's path): the core's English.
    const own = diagnosis('no-socketio-at-path', { suggestion: 'Set the path option to "/custom" and remove "/custom" from the URL.' })
    expect(diagnosisSuggestion(own)).toBe('Set the path option to "/custom" and remove "/custom" from the URL.')
  })

  it('translates the core\'s fixed wording of a finding outside the table (an invalid path), detail kept', async () => {
    const d = await diagnoseConnection({ url: 'http://127.0.0.1:9/', path: 'socket.io?x' })
    expect(d.title).toBe('The handshake path is not valid')
    setLang('ko')
    expect(diagnosisTitle(d)).toBe('핸드셰이크 경로가 올바르지 않습니다')
    expect(diagnosisSuggestion(d)).toMatch(HANGUL)
    setLang('en')
    expect(diagnosisTitle(d)).toBe(d.title)
    expect(diagnosisSuggestion(d)).toBe(d.suggestion)
  })
})

describe('disconnect reasons, kinds and truncations', () => {
  it('explains socket.io\'s reasons in Korean, keeps an injected fault\'s own explanation', () => {
    setLang('ko')
    expect(disconnectText('io server disconnect', explainDisconnect('io server disconnect').explanation)).toMatch(/^서버가 이 소켓을 닫았습니다/)
    const off = explainDisconnect('transport close').explanation.replace(/; socket\.io reconnects by itself\.$/, '; reconnection is off, so the session stays disconnected.')
    expect(disconnectText('transport close', off)).toContain('reconnection이 꺼져 있어')
    const fault = faultDisconnectExplanation('drop', 'server', 'transport close', true)
    expect(disconnectText('transport close', fault)).toBe(fault)
    expect(disconnectText('something new', 'Disconnected for a reason this inspector does not know: "something new".')).toMatch(/does not know/)
    expect(disconnectText('constructor', 'x')).toBe('x')
    setLang('en')
    expect(disconnectText('ping timeout', explainDisconnect('ping timeout').explanation)).toBe(explainDisconnect('ping timeout').explanation)
    expect(disconnectText('transport close', off)).toBe(off)
  })

  it('describes every kind of entry in both languages (English: the core\'s table)', () => {
    for (const kind of LOG_ENTRY_KINDS) {
      setLang('en')
      expect(kindDescription(kind), kind).toBe(ENTRY_KINDS[kind].description)
      setLang('ko')
      expect(kindDescription(kind), kind).toMatch(HANGUL)
    }
  })

  it('says what a truncated entry is missing', () => {
    setLang('ko')
    expect(truncationText({ reason: 'size', size: 2048 })).toBe('잘림: 2 KB (페이로드 생략)')
    expect(truncationText({ reason: 'depth', maxDepth: 1000 })).toBe('잘림: 1,000단계보다 깊게 중첩됨 (잘린 값: {$t: "deep"})')
    setLang('en')
    expect(truncationText({ reason: 'unencodable', message: 'cycle' })).toBe('truncated: could not be encoded (cycle)')
  })
})

describe('rows, the connect form and files', () => {
  it('words a row\'s preview in the current language, and again after a switch', () => {
    const H = { sessionId: 's1', time: 0, mono: 0 }
    const reconnect = { ...H, id: 990_001, kind: 'reconnect', direction: 'local', attempt: 2 } as LogEntry
    const disconnect = { ...H, id: 990_002, kind: 'disconnect', direction: 'in', socketId: 'x', reason: 'io server disconnect', explanation: explainDisconnect('io server disconnect').explanation, willReconnect: false, description: undefined } as LogEntry
    setLang('en')
    expect(rowText(reconnect).preview).toBe('after 2 attempts')
    expect(rowText(disconnect).preview).toBe(`io server disconnect — ${explainDisconnect('io server disconnect').explanation}`)
    setLang('ko')
    expect(rowText(reconnect).preview).toBe('2번 시도 후')
    expect(rowText(disconnect).preview).toMatch(/^io server disconnect — 서버가 이 소켓을 닫았습니다/)
    setLang('en')
    expect(rowText(reconnect).preview).toBe('after 2 attempts')
  })

  it('reports the connect form\'s bad fields in Korean (English unchanged)', () => {
    setLang('ko')
    expect(validateUrl('')).toBe('서버 URL을 입력하세요. 예: http://localhost:3000/namespace1')
    expect(validateUrl('ftp://x/')).toBe('지원하지 않는 스킴 "ftp:": http://, https://, ws://, wss:// 중 하나를 쓰세요')
    const result = formToOptions({ ...defaultForm('http://localhost:3000/'), auth: '[1]', reconnectionDelay: 'soon' })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors.auth).toBe('Auth은(는) { "key": "value" } 같은 객체여야 합니다')
      expect(result.errors.reconnectionDelay).toBe('지연은(는) 정수여야 합니다')
    }
    setLang('en')
    const english = formToOptions({ ...defaultForm('http://localhost:3000/'), auth: '[1]' })
    expect(english.ok ? undefined : english.errors.auth).toBe('Auth must be an object, like { "key": "value" }')
  })

  it('refuses an empty import file and a bad ?maxEntries in the current language', async () => {
    setLang('ko')
    const read = await readImportFile(new File([], 'empty.json'))
    expect(read).toEqual({ ok: false, error: '"empty.json"은(는) 비어 있습니다: 인스펙터에서 내보낸 파일이 아닙니다.' })
    const limits = logLimitsFromSearch('?maxEntries=12')
    expect(limits.ok ? undefined : limits.error).toBe('?maxEntries=12은(는) 1,000부터 2,000,000까지의 정수가 아닙니다. 100,000개 항목을 유지합니다')
    setLang('en')
    const en = logLimitsFromSearch('?maxEntries=12')
    expect(en.ok ? undefined : en.error).toBe('?maxEntries=12 is not a whole number from 1,000 to 2,000,000; keeping 100,000 entries')
  })
})
