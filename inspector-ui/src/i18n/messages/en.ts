/** Every English text, merged from ./en/<area>.ts (in the initial chunk: English is also the fallback). */
import type { MessageTree } from '..'
import { mergeAreas } from '../merge'

export default mergeAreas(import.meta.glob<{ default: MessageTree }>('./en/*.ts', { eager: true }))
