/**
 * The UI's language (issue 16 item 7): every label, button, message and diagnosis through vue-i18n, in
 * English and Korean. One global composer, used as `t('area.key', { name })` from components, stores and
 * lib code alike (no per-component `useI18n()`, so a component mounted without the plugin — a unit test —
 * still renders, and a store can word its messages).
 *
 * Messages live in `./messages/<lang>/<area>.ts`, one file per part of the UI and language, each
 * `{ <area>: … }`, merged by `./messages/<lang>.ts`. vue-i18n's syntax is live in them: `{name}` is a parameter, `|`
 * separates plural forms, `@` starts a linked message — write a literal `{`, `}`, `|` or `@` as `{'{'}`,
 * `{'}'}`, `{'|'}`, `{'@'}` (so `{{name}}` is `{'{{'}name{'}}'}`). test/ui/i18n.test.ts checks that both
 * languages have the same keys and that every message compiles.
 *
 * The language is the tutorial's `lang` (tutorial/lang.ts): one choice, remembered, that the header's
 * `ui-lang` select and the tutorial's own switch both set.
 */
import type { Lang } from '../tutorial/lang'
import { watch } from 'vue'
import { createI18n } from 'vue-i18n'
import { lang } from '../tutorial/lang'
import EN from './messages/en'

export type { Lang }

/** A message tree: nested objects of strings. */
export interface MessageTree { [key: string]: string | MessageTree }

/**
 * The texts of each language: English in the initial chunk (it is also the fallback of a missing text),
 * Korean a chunk of its own, fetched when the page is (or is switched to) Korean — an English page never
 * downloads it.
 */
const LOADERS: Record<Lang, () => Promise<MessageTree>> = {
  en: async () => EN,
  ko: async () => (await import('./messages/ko')).default,
}
const loaded = new Set<Lang>(['en'])
const loading = new Map<Lang, Promise<void>>()

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  // MessageTree is vue-i18n's LocaleMessage of strings; its generic schema typing is not used here.
  messages: { en: EN } as never,
  // A missing Korean text falls back to English silently in production; test/ui/i18n.test.ts keeps them equal.
  missingWarn: false,
  fallbackWarn: false,
})

type Named = Record<string, unknown>

/** The global composer as used here (vue-i18n types it by a message schema this app does not declare). */
interface Translator {
  t: (key: string, ...args: unknown[]) => string
  te: (key: string, locale?: string) => boolean
  locale: { value: string }
}
const composer = i18n.global as unknown as Translator

/**
 * Translate: `t('connect.button')`, `t('log.count', { n: 3 })`, `t('log.rows', { n }, n)` (plural: the
 * message's `|` forms, chosen by the number).
 */
export function t(key: string, named?: Named, plural?: number): string {
  if (plural !== undefined)
    return composer.t(key, named ?? {}, plural)
  return named ? composer.t(key, named) : composer.t(key)
}

/** Whether a key has a text (to fall back to a core's English message when no translation exists). */
export function hasText(key: string): boolean {
  return composer.te(key, 'en')
}

/** Load a language's texts (once; concurrent calls share the fetch). English is always there. */
export function loadLanguage(which: Lang): Promise<void> {
  if (loaded.has(which))
    return Promise.resolve()
  let pending = loading.get(which)
  if (!pending) {
    pending = LOADERS[which]().then((messages) => {
      i18n.global.setLocaleMessage(which, messages as never)
      loaded.add(which)
    }).finally(() => loading.delete(which))
    loading.set(which, pending)
  }
  return pending
}

/** Show `which` (its texts loaded); a later choice wins over a slower earlier load. */
function show(which: Lang): void {
  composer.locale.value = which
  try {
    globalThis.document?.documentElement.setAttribute('lang', which)
  }
  catch {}
}

/**
 * Follow the chosen language. Already loaded: at once (synchronously, as before the split). Not yet:
 * the page stays in the language it shows until the texts arrive (main.ts loads the remembered one
 * before the first render, so this wait is only on a switch). A failed fetch keeps English and says so.
 */
watch(lang, (next) => {
  if (loaded.has(next))
    return show(next)
  loadLanguage(next).then(() => {
    if (lang.value === next)
      show(next)
  }, (error: unknown) => {
    console.error(`i18n: the ${next} texts did not load:`, error)
  })
}, { immediate: true, flush: 'sync' })

/**
 * The language the page shows now: the choice (`lang`) once its texts have arrived, the previous one
 * until then. Reactive (a render that reads it follows it); caches of translated text key on this.
 */
export function shownLang(): string {
  return composer.locale.value
}

/** Resolves when the current language's texts are shown (main.ts waits for it before mounting). */
export function languageReady(): Promise<void> {
  return loadLanguage(lang.value).then(() => show(lang.value), () => {})
}
