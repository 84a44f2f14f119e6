/**
 * The UI's language (issue 16 item 7): every label, button, message and diagnosis through vue-i18n, in
 * English and Korean. One global composer, used as `t('area.key', { name })` from components, stores and
 * lib code alike (no per-component `useI18n()`, so a component mounted without the plugin — a unit test —
 * still renders, and a store can word its messages).
 *
 * Messages live in `./messages/<area>.ts`, one file per part of the UI, each `{ en: { <area>: … }, ko: {
 * <area>: … } }`; they are merged here. vue-i18n's syntax is live in them: `{name}` is a parameter, `|`
 * separates plural forms, `@` starts a linked message — write a literal `{`, `}`, `|` or `@` as `{'{'}`,
 * `{'}'}`, `{'|'}`, `{'@'}` (so `{{name}}` is `{'{{'}name{'}}'}`). test/ui/i18n.test.ts checks that both
 * languages have the same keys and that every message compiles.
 *
 * The language is the tutorial's `lang` (tutorial/lang.ts): one choice, remembered, that the header's
 * `ui-lang` select and the tutorial's own switch both set.
 */
import { watch } from 'vue'
import { createI18n } from 'vue-i18n'
import { lang } from '../tutorial/lang'

export type { Lang } from '../tutorial/lang'

/** A message tree: nested objects of strings. */
export interface MessageTree { [key: string]: string | MessageTree }
/** What a `./messages/<area>.ts` file exports by default. */
export interface MessageModule { en: MessageTree, ko: MessageTree }

function merge(into: MessageTree, from: MessageTree, path: string): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key]
    if (typeof value === 'string' || existing === undefined) {
      if (existing !== undefined)
        throw new Error(`i18n: message "${path}${key}" is defined twice`)
      into[key] = value
    }
    else if (typeof existing === 'string') {
      throw new TypeError(`i18n: message "${path}${key}" is both a text and a group`)
    }
    else {
      merge(existing, value, `${path}${key}.`)
    }
  }
}

const modules = import.meta.glob<{ default: MessageModule }>('./messages/*.ts', { eager: true })

/** Every area's messages merged, by language. */
export const MESSAGES: MessageModule = { en: {}, ko: {} }
for (const [file, module] of Object.entries(modules)) {
  const messages = module.default
  if (!messages?.en || !messages.ko)
    throw new Error(`i18n: ${file} must export default { en, ko }`)
  merge(MESSAGES.en, messages.en, '')
  merge(MESSAGES.ko, messages.ko, '')
}

export const i18n = createI18n({
  legacy: false,
  locale: lang.value,
  fallbackLocale: 'en',
  // MessageTree is vue-i18n's LocaleMessage of strings; its generic schema typing is not used here.
  messages: MESSAGES as never,
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

watch(lang, (next) => {
  composer.locale.value = next
  try {
    globalThis.document?.documentElement.setAttribute('lang', next)
  }
  catch {}
}, { immediate: true, flush: 'sync' })
