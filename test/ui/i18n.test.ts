/**
 * The UI's messages (issue 16 item 7): English and Korean have the same keys, every message compiles in
 * vue-i18n's syntax (a stray `{`, `|` or `@` in a text would break it at runtime), and the language
 * switch changes what `t` returns.
 */
import type { MessageTree } from '../../inspector-ui/src/i18n'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MESSAGES, t } from '../../inspector-ui/src/i18n'
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
    const en = keysOf(MESSAGES.en).sort()
    const ko = keysOf(MESSAGES.ko).sort()
    expect(en.filter(key => !ko.includes(key)), 'English keys without a Korean text').toEqual([])
    expect(ko.filter(key => !en.includes(key)), 'Korean keys without an English text').toEqual([])
    expect(en.length).toBeGreaterThan(0)
  })

  it('compiles every message in both languages, and uses the same parameters in both', () => {
    const problems: string[] = []
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      for (const key of keysOf(MESSAGES.en)) {
        const enText = textOf(MESSAGES.en, key)
        const koText = textOf(MESSAGES.ko, key)
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

  it('follows the language choice', () => {
    setLang('ko')
    expect(t('app.uiLang')).toBe('언어')
    setLang('en')
    expect(t('app.uiLang')).toBe('Language')
  })
})
