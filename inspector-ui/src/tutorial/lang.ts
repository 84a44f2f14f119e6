/**
 * The tutorial's language: English or Korean (the teaching tutorial was written in Korean). Follows the
 * browser language until the user picks one; the pick is kept in localStorage `sio-inspector-v1-lang`.
 */
import { ref } from 'vue'

export type Lang = 'en' | 'ko'
export const LANGS: readonly Lang[] = ['en', 'ko']
export const LANG_STORAGE_KEY = 'sio-inspector-v1-lang'

/** Each language's name in itself (the `ui-lang` select and the tutorial's switch). */
export const LANG_NAMES: Readonly<Record<Lang, string>> = { en: 'English', ko: '한국어' }

/** A text in every language. */
export type Localized = Readonly<Record<Lang, string>>

export function isLang(v: unknown): v is Lang {
  return v === 'en' || v === 'ko'
}

/** `navigator.language` → `ko` for any Korean locale, else `en`. */
export function browserLang(nav: { language?: string, languages?: readonly string[] } | undefined = globalThis.navigator): Lang {
  const first = nav?.languages?.[0] ?? nav?.language ?? 'en'
  return first.toLowerCase().startsWith('ko') ? 'ko' : 'en'
}

/** The stored choice (JSON `"ko"`, or a bare `ko` written by hand), if any. */
export function storedLang(): Lang | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(LANG_STORAGE_KEY)
    if (raw == null)
      return undefined
    if (isLang(raw))
      return raw
    const parsed: unknown = JSON.parse(raw)
    return isLang(parsed) ? parsed : undefined
  }
  catch {
    return undefined
  }
}

export const lang = ref<Lang>(storedLang() ?? browserLang())

export function setLang(next: Lang): void {
  lang.value = next
  try {
    globalThis.localStorage?.setItem(LANG_STORAGE_KEY, JSON.stringify(next))
  }
  catch {
    // Storage full or blocked: the choice lasts for this page only.
  }
}

/** Pick the text of the current language. */
export function t(text: Localized, l: Lang = lang.value): string {
  return text[l]
}
