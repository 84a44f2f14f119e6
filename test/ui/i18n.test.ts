/**
 * The UI's messages (issue 16 item 7): English and Korean have the same keys, every message compiles in
 * vue-i18n's syntax (a stray `{`, `|` or `@` in a text would break it at runtime), and the language
 * switch changes what `t` returns.
 */
import type { MessageTree } from '../../inspector-ui/src/i18n'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadLanguage, t } from '../../inspector-ui/src/i18n'
import EN from '../../inspector-ui/src/i18n/messages/en'
import KO from '../../inspector-ui/src/i18n/messages/ko'
import { lang, setLang } from '../../inspector-ui/src/tutorial/lang'

function keysOf(tree: MessageTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => typeof value === 'string' ? [prefix + key] : keysOf(value, `${prefix}${key}.`))
}

function textOf(tree: MessageTree, key: string): string {
  let node: string | MessageTree = tree
  for (const part of key.split('.'))
    node = (node as MessageTree)[part]!
  return node as string
}

/** The parameters a message names (`{name}`), each given a value so that the message renders fully. */
function paramsOf(text: string): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const match of text.matchAll(/\{\s*([a-z_]\w*)\s*\}/gi))
    params[match[1]!] = `«${match[1]}»`
  return params
}

describe('the UI messages', () => {
  const original = lang.value
  afterEach(() => setLang(original))

  it('has the same keys in English and Korean', () => {
    const en = keysOf(EN).sort()
    const ko = keysOf(KO).sort()
    expect(en.filter(key => !ko.includes(key)), 'English keys without a Korean text').toEqual([])
    expect(ko.filter(key => !en.includes(key)), 'Korean keys without an English text').toEqual([])
    expect(en.length).toBeGreaterThan(0)
  })

  beforeAll(() => loadLanguage('ko'))

  it('compiles every message in both languages, and uses the same parameters in both', () => {
    const problems: string[] = []
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      for (const key of keysOf(EN)) {
        const enText = textOf(EN, key)
        const koText = textOf(KO, key)
        const enParams = Object.keys(paramsOf(enText)).sort()
        const koParams = Object.keys(paramsOf(koText)).sort()
        if (enParams.join() !== koParams.join())
          problems.push(`${key}: parameters differ (en ${enParams.join(', ') || 'none'}; ko ${koParams.join(', ') || 'none'})`)
        for (const locale of ['en', 'ko'] as const) {
          setLang(locale)
          const text = locale === 'en' ? enText : koText
          try {
            const out = t(key, paramsOf(text), 2)
            if (out === key)
              problems.push(`${locale} ${key}: did not render`)
          }
          catch (e) {
            problems.push(`${locale} ${key}: ${e instanceof Error ? e.message : String(e)}`)
          }
        }
      }
      for (const call of [...warn.mock.calls, ...error.mock.calls])
        problems.push(`vue-i18n said: ${call.map(String).join(' ')}`)
    }
    finally {
      warn.mockRestore()
      error.mockRestore()
      setLang(original)
    }
    expect(problems).toEqual([])
  })

  it('shows Korean once its texts are loaded (a chunk of their own), English again at once', async () => {
    // Korean is a chunk of its own: until its texts arrive the page stays in the language it shows.
    setLang('ko')
    await loadLanguage('ko')
    expect(t('app.uiLang')).toBe('언어')
    expect(globalThis.document?.documentElement.getAttribute('lang') ?? 'ko').toBe('ko')
    setLang('en')
    expect(t('app.uiLang')).toBe('Language')
  })

  it('follows the language choice', () => {
    setLang('ko')
    expect(t('app.uiLang')).toBe('언어')
    setLang('en')
    expect(t('app.uiLang')).toBe('Language')
  })
})
