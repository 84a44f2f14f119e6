// @vitest-environment happy-dom
/**
 * The tutorial's language: browser language by default, the choice kept in localStorage
 * `sio-inspector-v1-lang`. (The panel itself is checked in Chromium: test/e2e/tutorial.e2e.ts; the unit
 * project has no Vue SFC plugin.)
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'

describe('tutorial language', () => {
  beforeEach(() => {
    localStorage.clear()
    vi.resetModules()
  })

  it('follows the browser language', async () => {
    const { browserLang } = await import('../../inspector-ui/src/tutorial/lang')
    expect(browserLang({ language: 'ko-KR' })).toBe('ko')
    expect(browserLang({ languages: ['ko'], language: 'en' })).toBe('ko')
    expect(browserLang({ languages: ['en-US', 'ko'] })).toBe('en')
    expect(browserLang(undefined)).toBe('en')
  })

  it('remembers the choice and reads it back on the next load', async () => {
    const first = await import('../../inspector-ui/src/tutorial/lang')
    first.setLang('ko')
    expect(localStorage.getItem('sio-inspector-v1-lang')).toBe('"ko"')
    vi.resetModules()
    const second = await import('../../inspector-ui/src/tutorial/lang')
    expect(second.lang.value).toBe('ko')
  })

  it('ignores a damaged stored value', async () => {
    localStorage.setItem('sio-inspector-v1-lang', '{oops')
    const { storedLang } = await import('../../inspector-ui/src/tutorial/lang')
    expect(storedLang()).toBeUndefined()
    localStorage.setItem('sio-inspector-v1-lang', 'ko')
    expect(storedLang()).toBe('ko')
  })

  it('has every step and label in both languages', async () => {
    const { STEPS, UI_TEXT } = await import('../../inspector-ui/src/tutorial/steps')
    const texts = [...Object.values(UI_TEXT), ...STEPS.flatMap(s => [s.title, s.run, s.leaves, ...s.body, ...(s.table ?? []).map(r => r.note)])]
    for (const text of texts) {
      expect(text.en.trim()).not.toBe('')
      expect(text.ko.trim()).not.toBe('')
    }
  })

  it('has no English left in the Korean v2 → v4 table: every cell is code or Korean words', async () => {
    const { STEPS, UI_TEXT } = await import('../../inspector-ui/src/tutorial/steps')
    const rows = STEPS.flatMap(s => s.table ?? [])
    expect(rows.length).toBeGreaterThan(0)
    const words = [UI_TEXT.v2col, UI_TEXT.whyCol, ...rows.flatMap(r => [r.v2, r.v4, r.note]).filter((c): c is Exclude<typeof c, string> => typeof c !== 'string')]
    for (const text of words) {
      expect(text.ko, text.en).toMatch(/[\uAC00-\uD7A3]/)
      expect(text.ko).not.toBe(text.en)
    }
  })
})
