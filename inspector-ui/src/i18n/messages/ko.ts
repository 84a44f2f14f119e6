/**
 * Every Korean text, merged from ./ko/<area>.ts. A chunk of its own, loaded when the page's language is
 * Korean (../index.ts `loadLanguage`): an English page does not download it.
 */
import type { MessageTree } from '..'
import { mergeAreas } from '../merge'

export default mergeAreas(import.meta.glob<{ default: MessageTree }>('./ko/*.ts', { eager: true }))
